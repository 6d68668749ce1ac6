#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Special functions for count-model probabilities, accurate in the far tails and in log space.
///
/// Spike probabilities live far in the upper tail (1e-50 and below is routine for a
/// burst of traffic to a silent country), so every tail has a log-space twin that stays
/// finite long after the linear value underflows. The families live in their own files:
/// `LogGamma.swift` (log Γ, ψ, ψ′), `Log1pmx.swift`, `IncompleteGamma.swift`,
/// `IncompleteBeta.swift` and `Normal.swift`. `Tests/NumericsTests` checks each one
/// against mpmath/scipy reference tables and states the worst relative error it saw.
///
/// Invalid arguments (outside a function's domain, or NaN) give NaN rather than trapping:
/// callers validate their parameters once, and a NaN never turns into a false alert
/// because every comparison with it is false.
public enum SpecialFunctions {}

// MARK: - Constants shared by the families

extension SpecialFunctions {
    /// log(2π).
    static let logTwoPi = 1.8378770664093454835606594728112
    /// log(√(2π)) = ½·log(2π).
    static let logSqrtTwoPi = 0.91893853320467274178032973640562
    /// Unit roundoff of Double: `ulpOfOne / 2`.
    static let epsilon = Double.ulpOfOne / 2

    /// `log(1 − exp(l))` for `l ≤ 0`, without cancellation at either end.
    ///
    /// ```
    /// log1mexp(l) = log(−expm1(l))   for l > −log 2
    ///             = log1p(−exp(l))   otherwise
    /// ```
    /// (Mächler, "Accurately computing log(1 − exp(−|a|))", 2012.)
    @inline(__always)
    static func log1mexp(_ l: Double) -> Double {
        l > -0.693_147_180_559_945_3 ? log(-expm1(l)) : log1p(-exp(l))
    }

    /// The asymptotic series of Mills' ratio, `1 − w + 3w² − 15w³ + … − 135135w⁷`.
    ///
    /// ```
    /// 1 − Φ(z) ~ φ(z)/z · millsSeries(1/z²)
    /// erfcx(t) ~ 1/(t·√π) · millsSeries(1/(2t²))
    /// ```
    /// Eight terms: the next, 2027025·w⁸, is below 2e-17 for w ≤ 1/1369 (z ≥ 37).
    @inline(__always)
    static func millsSeries(_ w: Double) -> Double {
        var series = -135_135.0
        series = series * w + 10_395
        series = series * w - 945
        series = series * w + 105
        series = series * w - 15
        series = series * w + 3
        series = series * w - 1
        return series * w + 1
    }
}
