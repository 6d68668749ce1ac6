import Foundation

/// A fast, seedable random number generator (xoshiro256**) with the samplers synthetic
/// traffic needs: uniform, normal, gamma and Poisson.
///
/// The same seed gives the same sequence on every machine and Swift version: the state is
/// filled by SplitMix64 and every sampler here is written out rather than taken from the
/// standard library, whose `random(in:using:)` algorithms are allowed to change.
/// Independent streams come from `init(seed:stream:)`, so that, for example, the counts of
/// one bucket do not depend on how many events an earlier bucket asked details for.
///
/// ```
/// var rng = SeededGenerator(seed: 42, stream: 7, 1_788_739_200)
/// let events = rng.poisson(mean: 3.5)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose state is derived from `seed` by SplitMix64.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = Self.splitMix(&mixer)
        s1 = Self.splitMix(&mixer)
        s2 = Self.splitMix(&mixer)
        s3 = Self.splitMix(&mixer)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }  // xoshiro's one forbidden state
    }

    /// An independent stream identified by `seed` and any number of keys (a purpose tag,
    /// a bucket start, a country…); different key lists give unrelated sequences.
    public init(seed: UInt64, stream keys: UInt64...) {
        var mixed = seed
        for key in keys {
            var state = mixed ^ (key &* 0xD1B5_4A32_D192_ED03)
            mixed = Self.splitMix(&state) ^ (mixed &* 0x9E37_79B9_7F4A_7C15)
        }
        self.init(seed: mixed)
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in [lower, upper).
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * uniform()
    }

    /// A uniform integer in 0..<bound (Lemire's multiply-and-reject, unbiased).
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "an index needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A uniform integer in `range`.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + index(below: range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// A standard normal deviate (Box–Muller; the second value is discarded so that the
    /// generator carries no hidden state besides its four words).
    public mutating func normal() -> Double {
        let u1 = 1 - uniform()  // (0, 1]: log stays finite
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A gamma deviate with the given shape and scale (Marsaglia–Tsang), mean shape·scale.
    ///
    /// Shapes below one use the boost `Gamma(k) = Gamma(k + 1) · U^(1/k)`.
    public mutating func gamma(shape: Double, scale: Double = 1) -> Double {
        precondition(shape > 0 && scale > 0, "gamma needs a positive shape and scale")
        if shape < 1 {
            let boost = pow(1 - uniform(), 1 / shape)
            return gamma(shape: shape + 1, scale: scale) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = 1 - uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v * scale }
        }
    }

    /// A Poisson deviate with the given mean: inversion for small means, Hörmann's
    /// transformed rejection (PTRS) above 10, exact in both regimes.
    public mutating func poisson(mean: Double) -> Int {
        guard mean > 0, mean.isFinite else { return 0 }
        if mean < 10 {
            // Inversion by sequential search: cheap while the mean is small.
            var k = 0
            var p = exp(-mean)
            var cumulative = p
            let u = uniform()
            while u > cumulative && k < 1000 {
                k += 1
                p *= mean / Double(k)
                cumulative += p
            }
            return k
        }
        let logMean = log(mean)
        let b = 0.931 + 2.53 * mean.squareRoot()
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let lhs = log(v * inverseAlpha / (a / (us * us) + b))
            let rhs = -mean + k * logMean - lgamma(k + 1)
            if lhs <= rhs { return Int(k) }
        }
    }

    /// A log-normal deviate: `exp(mu + sigma · Z)`.
    public mutating func logNormal(mu: Double, sigma: Double) -> Double {
        exp(mu + sigma * normal())
    }

    /// An index drawn with probability proportional to `weights` (cumulative, ascending).
    public mutating func pick(cumulative weights: [Double]) -> Int {
        guard let total = weights.last, total > 0 else { return 0 }
        let target = uniform() * total
        var low = 0
        var high = weights.count - 1
        while low < high {
            let mid = (low + high) / 2
            if weights[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
