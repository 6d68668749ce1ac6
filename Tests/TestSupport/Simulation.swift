import Foundation
import GeoSpikeIngest

/// Deterministic draws for simulated training data (SplitMix64, inversion sampling).
///
/// Tests need counts from known parameters; inversion keeps every draw a pure function of
/// the seed, so a failing test fails the same way every time.
public struct Simulation {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / Double(1 << 53)
    }

    public mutating func normal() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())
    }

    /// Poisson by inversion (fine for the means used here, below a few hundred).
    public mutating func poisson(_ mean: Double) -> Int {
        if mean > 200 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        var k = 0
        var p = exp(-mean)
        var cumulative = p
        let u = uniform()
        while u > cumulative && k < 10_000 {
            k += 1
            p *= mean / Double(k)
            cumulative += p
        }
        return k
    }

    /// Gamma(shape, 1) by Marsaglia–Tsang.
    public mutating func gamma(_ shape: Double) -> Double {
        if shape < 1 { return gamma(shape + 1) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0
            var v = 0.0
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// NB2 with mean μ and dispersion α, as a gamma–Poisson mixture.
    public mutating func negativeBinomial(mean: Double, dispersion: Double) -> Int {
        let shape = 1 / dispersion
        return poisson(mean * gamma(shape) / shape)
    }
}

/// Builds count tables from a per-bucket mean function.
public enum Simulated {
    /// 2026-09-07T00:00:00Z, a Monday.
    public static let start: Int64 = 1_788_739_200

    public static func table(
        country: String = "SE", days: Int, start: Int64 = start, draw: (Int64, inout Simulation) -> Int, seed: UInt64
    ) -> CountTable {
        var table = CountTable()
        var rng = Simulation(seed: seed)
        let code = CountryCode(country)!
        let buckets = days * 96
        for b in 0..<buckets {
            let t = start + Int64(b) * 900
            let y = draw(t, &rng)
            if y > 0 { table.add(bucketStart: t, country: code, count: y) }
        }
        // Mark the full range observed even when the last buckets are zero.
        table.observe(time: Double(start))
        table.observe(time: Double(start + Int64(buckets) * 900 - 1))
        return table
    }
}
