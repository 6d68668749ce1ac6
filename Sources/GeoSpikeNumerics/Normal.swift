#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SpecialFunctions {
    /// The standard normal distribution function Φ(z).
    ///
    /// ```
    /// Φ(z) = ½·erfc(−z/√2)
    /// ```
    /// Relative error ≤ z²·1.2e-16 + 1e-15 (the rounding of z/√2, amplified by the
    /// slope of erfc), so ≤ 2e-13 for z ≥ −38; underflows to 0 below about −38.5.
    public static func normalCDF(_ z: Double) -> Double {
        0.5 * erfc(-z * 0.707_106_781_186_547_524_400_844_362_104_85)
    }

    /// The standard normal survival function 1 − Φ(z), accurate for large z.
    ///
    /// ```
    /// 1 − Φ(z) = ½·erfc(z/√2)
    /// ```
    /// Never computed as `1 − Φ(z)`: same relative accuracy as `normalCDF(−z)`.
    public static func normalSurvival(_ z: Double) -> Double {
        normalCDF(-z)
    }

    /// log(1 − Φ(z)), finite for every finite z (−5e5 at z = 1e3, −5e199 at z = 1e100).
    ///
    /// ```
    /// z < 0:        log1p(−Φ(z))
    /// 0 ≤ z < 37:   log(½·erfc(z/√2))
    /// z ≥ 37:       −z²/2 − log z − ½·log 2π + log(1 − 1/z² + 3/z⁴ − 15/z⁶ + …)
    /// ```
    /// The last line is the asymptotic series of Mills' ratio, eight terms, whose
    /// truncation error is below 2e-17 for z ≥ 37. Absolute error ≤ 2e-13 up to z = 37
    /// and ≤ 1e-15·|log| beyond. Overflows to −∞ only where z² does (|z| > 1.3e154).
    public static func logNormalSurvival(_ z: Double) -> Double {
        if z < 0 { return log1p(-normalCDF(z)) }
        if z < 37 { return log(normalSurvival(z)) }
        return -0.5 * z * z - log(z) - logSqrtTwoPi + log(millsSeries(1 / (z * z)))
    }

    /// log Φ(z), finite for every finite z: `logNormalSurvival(−z)`.
    public static func logNormalCDF(_ z: Double) -> Double {
        logNormalSurvival(-z)
    }

    /// The standard normal quantile Φ⁻¹(p), to full double accuracy.
    ///
    /// ```
    /// z₀ = t − (c₀ + c₁t + c₂t²)/(1 + d₁t + d₂t² + d₃t³),  t = √(−2·log q),  q = min(p, 1 − p)
    /// Newton:  zₙ₊₁ = zₙ − (Φ(zₙ) − p)/φ(zₙ)             (0.1 ≤ p ≤ 0.9, via erf)
    ///          zₙ₊₁ = zₙ − (log Q(zₙ) − log q)/(−φ(zₙ)/Q(zₙ))  (tails, in log space)
    /// ```
    /// The start is Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4); three to five Newton
    /// steps on the accurate Φ bring it to a few ulps. The tails are refined on log Q so
    /// that p down to the smallest subnormal works. Relative error ≤ 1e-14 (≤ 1e-12
    /// beyond |z| = 20). ±∞ at 1 and 0; NaN outside [0, 1].
    public static func normalQuantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let lower = p < 0.5
        let q = lower ? p : 1 - p  // exact for p ≥ 0.5
        let t = (-2 * log(q)).squareRoot()
        var z =
            t - (2.515_517 + t * (0.802_853 + t * 0.010_328))
            / (1 + t * (1.432_788 + t * (0.189_269 + t * 0.001_308)))
        if abs(p - 0.5) < 0.4 {
            // Centre: Φ(z) − p = ½·erf(z/√2) − (p − ½), both sides exact-ish, no cancellation at 0.
            if lower { z = -z }
            let offset = p - 0.5
            for _ in 0..<8 {
                let density = exp(-0.5 * z * z - logSqrtTwoPi)
                let step = (0.5 * erf(z * 0.707_106_781_186_547_524_4) - offset) / density
                z -= step
                if abs(step) <= 4 * epsilon * abs(z) { break }
            }
            return z
        }
        let logQ = log(q)
        for _ in 0..<10 {
            let logTail = logNormalSurvival(z)
            let slope = -exp(-0.5 * z * z - logSqrtTwoPi - logTail)
            let step = (logTail - logQ) / slope
            z -= step
            if abs(step) <= 4 * epsilon * abs(z) { break }
        }
        return lower ? -z : z
    }
}
