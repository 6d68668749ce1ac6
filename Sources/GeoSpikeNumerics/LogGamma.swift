#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SpecialFunctions {
    /// The log of the gamma function for `x > 0`.
    ///
    /// ```
    /// logGamma(x) = log Γ(x)
    /// ```
    /// The C library's `lgamma_r` (reentrant: it does not write the global `signgam`),
    /// which keeps relative accuracy near the zeros at 1 and 2. Relative error ≤ 1e-14
    /// away from those zeros, absolute error ≤ 1e-15 near them. +∞ at 0, NaN for x < 0.
    public static func logGamma(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? .infinity : .nan }
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// The log of the rising factorial, `log Γ(a + n) − log Γ(a)`, for a > 0 and a + n > 0.
    ///
    /// ```
    /// logPochhammer(a, n) = log Γ(a + n) − log Γ(a)
    ///                     = (a − ½)·log1p(n/a) + n·log(a + n) − n
    ///                       + stirlingCorrection(a + n) − stirlingCorrection(a)     (a, a + n ≥ 10)
    /// ```
    /// The negative binomial log-likelihood needs Σ log Γ(y + r) − log Γ(r) with r = 1/α in
    /// the millions, where the plain difference loses log Γ(r)'s 1e-16·r·log r absolute
    /// error (1e-9 at r = 1e7). Relative error ≤ 1e-14 where nothing cancels in the result.
    public static func logPochhammer(_ a: Double, _ n: Double) -> Double {
        guard a > 0, a + n > 0 else { return .nan }
        if a < 10 || a + n < 10 { return logGamma(a + n) - logGamma(a) }
        return BetaTail.logGammaRatio(a, n)
    }

    /// The remainder of Stirling's formula for log Γ.
    ///
    /// ```
    /// stirlingCorrection(x) = log Γ(x) − ((x − ½)·log x − x + ½·log 2π)
    ///                       ≈ 1/(12x) − 1/(360x³) + 1/(1260x⁵) − …
    /// ```
    /// The incomplete gamma and beta prefixes subtract these small numbers instead of
    /// log Γ values in the millions, which is what keeps them accurate for large
    /// parameters. Absolute error ≤ 1e-16 for x ≥ 10 (series), ≤ 1e-14 below (direct).
    static func stirlingCorrection(_ x: Double) -> Double {
        if x < 10 {
            return logGamma(x) - ((x - 0.5) * log(x) - x + logSqrtTwoPi)
        }
        let r = 1 / x
        let r2 = r * r
        // Coefficients B₂ₖ / (2k(2k−1)), k = 1…7; the next term is below 3e-17 at x = 10.
        var sum = 1.0 / 156
        sum = sum * r2 - 691.0 / 360_360
        sum = sum * r2 + 1.0 / 1188
        sum = sum * r2 - 1.0 / 1680
        sum = sum * r2 + 1.0 / 1260
        sum = sum * r2 - 1.0 / 360
        sum = sum * r2 + 1.0 / 12
        return sum * r
    }

    /// The digamma function ψ(x) = d/dx log Γ(x).
    ///
    /// ```
    /// ψ(x) = ψ(x + n) − Σ_{k<n} 1/(x + k)                      (shift to x ≥ 10)
    /// ψ(x) ~ log x − 1/(2x) − Σ B₂ₖ / (2k·x²ᵏ)                  (asymptotic, k ≤ 8)
    /// ψ(x) = Σ ψ⁽ⁿ⁾(x₀)/n! · (x − x₀)ⁿ                          (|x − x₀| < 0.05)
    /// ψ(x) = ψ(1 − x) − π·cot(πx)                               (x < 0)
    /// ```
    /// Near the positive root x₀ = 1.46163… a Taylor series about the root keeps
    /// relative accuracy where the shifted sum would cancel. Relative error ≤ 1e-13 for
    /// x > 0 (≤ 1e-14 except within 0.1 of x₀); NaN at 0 and the negative integers.
    public static func digamma(_ x: Double) -> Double {
        guard x.isFinite else { return x == .infinity ? .infinity : .nan }
        if x <= 0 {
            let nearest = x.rounded()
            guard x != nearest else { return .nan }
            return digamma(1 - x) - Double.pi / tan(Double.pi * (x - nearest))
        }
        let fromRoot = (x - digammaRootHigh) - digammaRootLow
        if abs(fromRoot) < 0.05 {
            var sum = digammaRootTaylor[digammaRootTaylor.count - 1]
            for c in digammaRootTaylor.dropLast().reversed() { sum = sum * fromRoot + c }
            return sum * fromRoot
        }
        var shifted = x
        var offset = 0.0
        while shifted < 10 {
            offset += 1 / shifted
            shifted += 1
        }
        let r2 = 1 / (shifted * shifted)
        var series = -3617.0 / 8160
        series = series * r2 + 1.0 / 12
        series = series * r2 - 691.0 / 32760
        series = series * r2 + 1.0 / 132
        series = series * r2 - 1.0 / 240
        series = series * r2 + 1.0 / 252
        series = series * r2 - 1.0 / 120
        series = series * r2 + 1.0 / 12
        return log(shifted) - 0.5 / shifted - series * r2 - offset
    }

    /// The trigamma function ψ′(x) = d²/dx² log Γ(x).
    ///
    /// ```
    /// ψ′(x) = ψ′(x + n) + Σ_{k<n} 1/(x + k)²                    (shift to x ≥ 20)
    /// ψ′(x) ~ 1/x + 1/(2x²) + Σ B₂ₖ / x²ᵏ⁺¹                     (asymptotic, k ≤ 7)
    /// ψ′(x) = −ψ′(1 − x) + π² / sin²(πx)                        (x < 0)
    /// ```
    /// ψ′ is positive and has no root for x > 0, so nothing cancels there: relative
    /// error ≤ 1e-14. NaN at 0 and the negative integers.
    public static func trigamma(_ x: Double) -> Double {
        guard x.isFinite else { return x == .infinity ? 0 : .nan }
        if x <= 0 {
            let nearest = x.rounded()
            guard x != nearest else { return .nan }
            let s = sin(Double.pi * (x - nearest))
            return -trigamma(1 - x) + Double.pi * Double.pi / (s * s)
        }
        var shifted = x
        var offset = 0.0
        while shifted < 20 {
            offset += 1 / (shifted * shifted)
            shifted += 1
        }
        let r = 1 / shifted
        let r2 = r * r
        var series = 7.0 / 6
        series = series * r2 - 691.0 / 2730
        series = series * r2 + 5.0 / 66
        series = series * r2 - 1.0 / 30
        series = series * r2 + 1.0 / 42
        series = series * r2 - 1.0 / 30
        series = series * r2 + 1.0 / 6
        return offset + r + 0.5 * r2 + series * r2 * r
    }

    /// The positive root of ψ, split into two doubles (mpmath, 40 digits).
    static let digammaRootHigh = 1.4616321449683622
    static let digammaRootLow = 9.549995429965697e-17
    /// ψ⁽ⁿ⁾(x₀)/n! for n = 1…14 (mpmath.polygamma at 40 digits).
    static let digammaRootTaylor: [Double] = [
        9.6767224544762117043e-1, -4.4276316898359210609e-1, 2.5849976095565101062e-1,
        -1.639427054424065275e-1, 1.0782405069126236576e-1, -7.2199561256454710926e-2,
        4.8804288164143107225e-2, -3.3161126474847359292e-2, 2.259764823221810466e-2,
        -1.5424765904948959139e-2, 1.0538791616612175388e-2, -7.204534386356868241e-3,
        4.9267813957298534464e-3, -3.3698016554393280828e-3,
    ]
}
