#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tails and mass functions of the count families the models use, in log space.
///
/// "LogSurvival" is log P(N ≥ k), the upper tail *including* k: the probability of a
/// count at least as large as the one observed, which is what a spike score needs.
/// Counts and means are `Double` so that the vectorised forms take model output as is;
/// a non-integer k interpolates through the regularized gamma and beta functions.
///
/// Poisson(μ):
/// ```
/// P(N = k) = μᵏ e⁻ᵘ / k!
/// P(N ≥ k) = P(k, μ)            (regularized lower incomplete gamma), k ≥ 1;  1 for k ≤ 0
/// ```
/// Negative binomial NB2 with mean μ and dispersion α (variance μ + αμ²), size r = 1/α,
/// p = r/(r + μ):
/// ```
/// P(N = k) = Γ(k + r) / (Γ(r) k!) · pʳ (1 − p)ᵏ
/// P(N ≥ k) = I_{1−p}(k, r)       (regularized incomplete beta), k ≥ 1;  1 for k ≤ 0
/// ```
/// For α below `poissonDispersionLimit` the negative binomial is evaluated as Poisson;
/// the two agree there to far better than the stated accuracy.
///
/// Accuracy: relative error ≤ 1e-10 for log values of size ≤ 230 and ≤ 1e-8 beyond, for
/// means 1e-3…1e6, counts 0…1e7, dispersions 1e-6…1e2 (checked against mpmath tables in
/// `Tests/NumericsTests`). Invalid parameters (negative or NaN mean, negative dispersion)
/// give NaN.
public enum CountTails {
    /// Dispersions below this are evaluated as Poisson (NB2 → Poisson as α → 0).
    public static let poissonDispersionLimit = 1e-10

    // MARK: - Poisson

    /// log P(N ≥ k) for N ~ Poisson(mean).
    public static func poissonLogSurvival(atLeast k: Double, mean: Double) -> Double {
        guard mean >= 0, !k.isNaN, mean.isFinite else { return .nan }
        if k <= 0 { return 0 }
        if mean == 0 { return -.infinity }
        if k.isInfinite { return -.infinity }
        return SpecialFunctions.logRegularizedGammaP(k, mean)
    }

    /// log P(N = k) for N ~ Poisson(mean).
    ///
    /// ```
    /// log P(N = k) = logGammaPrefix(k, μ) − log k = k·log μ − μ − log Γ(k + 1)
    /// ```
    /// through the Stirling-corrected prefix, so k and μ in the millions lose nothing.
    public static func poissonLogPMF(_ k: Double, mean: Double) -> Double {
        guard mean >= 0, !k.isNaN, mean.isFinite else { return .nan }
        if k < 0 || k.isInfinite { return -.infinity }
        if k == 0 { return -mean }
        if mean == 0 { return -.infinity }
        return SpecialFunctions.logGammaPrefix(k, mean) - log(k)
    }

    // MARK: - Negative binomial

    /// log P(N ≥ k) for N ~ NB2(mean, dispersion).
    public static func negativeBinomialLogSurvival(
        atLeast k: Double, mean: Double, dispersion: Double
    ) -> Double {
        guard dispersion >= 0, dispersion.isFinite else { return .nan }
        if dispersion < poissonDispersionLimit { return poissonLogSurvival(atLeast: k, mean: mean) }
        guard mean >= 0, !k.isNaN, mean.isFinite else { return .nan }
        if k <= 0 { return 0 }
        if mean == 0 { return -.infinity }
        if k.isInfinite { return -.infinity }
        let (x, y) = failureProbabilities(mean: mean, dispersion: dispersion)
        let tail = BetaTail(x: x, y: y, a: k, b: 1 / dispersion)
        return tail.isUpper ? SpecialFunctions.log1mexp(tail.logValue) : tail.logValue
    }

    /// log P(N = k) for N ~ NB2(mean, dispersion).
    ///
    /// ```
    /// log P(N = 0) = r·log p = −log1p(αμ)/α
    /// log P(N = k) = log(xᵏ yʳ / B(k, r)) − log k,   x = 1 − p,  y = p
    /// ```
    public static func negativeBinomialLogPMF(_ k: Double, mean: Double, dispersion: Double) -> Double {
        guard dispersion >= 0, dispersion.isFinite else { return .nan }
        if dispersion < poissonDispersionLimit { return poissonLogPMF(k, mean: mean) }
        guard mean >= 0, !k.isNaN, mean.isFinite else { return .nan }
        if k < 0 || k.isInfinite { return -.infinity }
        if k == 0 { return -log1p(dispersion * mean) / dispersion }
        if mean == 0 { return -.infinity }
        let (x, y) = failureProbabilities(mean: mean, dispersion: dispersion)
        return SpecialFunctions.logBetaPrefix(a: k, b: 1 / dispersion, x: x, y: y) - log(k)
    }

    /// `(1 − p, p)` for NB2, each to full relative accuracy (never one as 1 minus the other).
    @inline(__always)
    static func failureProbabilities(mean: Double, dispersion: Double) -> (x: Double, y: Double) {
        let t = dispersion * mean
        return (t / (1 + t), 1 / (1 + t))
    }
}
