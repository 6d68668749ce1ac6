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
/// NB2 tends to Poisson as α → 0, differing by about α·(k + μ) relative. Where that is
/// below `poissonDispersionLimit` (1e-14) the negative binomial is evaluated as Poisson, so
/// the switch moves nothing by more than 1e-14; above it the NB formulas stay accurate
/// down to α = 1e-20 and beyond (they tend to the Poisson prefix, see `logBetaPrefix`).
/// A fixed switch at α = 1e-10 would jump by 1e-4 relative at μ = 1e6.
///
/// Whole counts are first tried by summing the mass function (`CountTails+Series.swift`),
/// which is exact to rounding and several times faster for the small counts the scorer
/// mostly sees; the incomplete gamma and beta functions take the rest.
///
/// Accuracy: relative error ≤ 1e-10 for log values of size ≤ 230 and ≤ 1e-8 beyond, for
/// means 1e-3…1e6, counts 0…1e7, dispersions 1e-6…1e2 (checked against mpmath tables in
/// `Tests/NumericsTests`). Invalid parameters (negative or NaN mean, negative dispersion)
/// give NaN.
public enum CountTails {
    /// NB2 is evaluated as Poisson where `dispersion · (k + mean + 1)` is below this.
    public static let poissonDispersionLimit = 1e-14

    /// Whether NB2 and Poisson differ by less than `poissonDispersionLimit` relative here.
    @inline(__always)
    static func isEffectivelyPoisson(k: Double, mean: Double, dispersion: Double) -> Bool {
        dispersion * (abs(k) + mean + 1) < poissonDispersionLimit
    }

    // MARK: - Poisson

    /// log P(N ≥ k) for N ~ Poisson(mean).
    public static func poissonLogSurvival(atLeast k: Double, mean: Double) -> Double {
        guard mean >= 0, !k.isNaN, mean.isFinite else { return .nan }
        if k <= 0 { return 0 }
        if mean == 0 { return -.infinity }
        if k.isInfinite { return -.infinity }
        if let tail = logSurvivalBySeries(atLeast: k, mean: mean, dispersion: 0) { return tail }
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
        if isEffectivelyPoisson(k: k, mean: mean, dispersion: dispersion) {
            return poissonLogSurvival(atLeast: k, mean: mean)
        }
        guard mean >= 0, !k.isNaN, mean.isFinite else { return .nan }
        if k <= 0 { return 0 }
        if mean == 0 { return -.infinity }
        if k.isInfinite { return -.infinity }
        if let tail = logSurvivalBySeries(atLeast: k, mean: mean, dispersion: dispersion) { return tail }
        return negativeBinomialLogSurvivalByBeta(atLeast: k, mean: mean, dispersion: dispersion)
    }

    /// log P(N ≥ k) = log I_{1−p}(k, r) for k ≥ 1, mean > 0: the general method, which the
    /// series fast path must agree with.
    static func negativeBinomialLogSurvivalByBeta(atLeast k: Double, mean: Double, dispersion: Double) -> Double {
        let (x, y, d) = betaArguments(k: k, mean: mean, dispersion: dispersion)
        let tail = BetaTail(x: x, y: y, a: k, b: 1 / dispersion, d: d)
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
        if isEffectivelyPoisson(k: k, mean: mean, dispersion: dispersion) { return poissonLogPMF(k, mean: mean) }
        guard mean >= 0, !k.isNaN, mean.isFinite else { return .nan }
        if k < 0 || k.isInfinite { return -.infinity }
        if k == 0 { return -log1p(dispersion * mean) / dispersion }
        if mean == 0 { return -.infinity }
        let (x, y, d) = betaArguments(k: k, mean: mean, dispersion: dispersion)
        return SpecialFunctions.logBetaPrefix(a: k, b: 1 / dispersion, x: x, y: y, d: d) - log(k)
    }

    /// The incomplete beta arguments of NB2, each to full relative accuracy.
    ///
    /// ```
    /// x = 1 − p = αμ/(1 + αμ),   y = p = 1/(1 + αμ),   d = k − x·(k + r) = (k − μ)/(1 + αμ)
    /// ```
    /// Never one as 1 minus the other, and d without the cancellation of k − x·(k + r).
    @inline(__always)
    static func betaArguments(k: Double, mean: Double, dispersion: Double) -> (x: Double, y: Double, d: Double) {
        let t = dispersion * mean
        return (t / (1 + t), 1 / (1 + t), (k - mean) / (1 + t))
    }
}
