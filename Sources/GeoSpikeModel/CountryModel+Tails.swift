import Foundation
import GeoSpikeNumerics

/// Expected counts and tail probabilities of one country's family at one bucket.
///
/// `linearPredictor` is `x·β` for the bucket's design row: the log mean for Poisson and
/// NB, the mean of log(count + 1) for log-normal.
extension CountryModel {
    /// The typical (expected) count, as anomaly records report it.
    public func expectedCount(linearPredictor eta: Double) -> Double {
        switch family {
        case .poisson, .negativeBinomial: return exp(eta)
        case .logNormal: return max(0, exp(eta + 0.5 * sigma * sigma) - 1)
        }
    }

    /// Variance of the count, including level uncertainty.
    public func variance(linearPredictor eta: Double) -> Double {
        switch family {
        case .poisson, .negativeBinomial:
            let mu = exp(eta)
            return mu + predictiveDispersion * mu * mu
        case .logNormal:
            let s2 = sigma * sigma + levelVariance
            return expm1(s2) * exp(2 * eta + s2)
        }
    }

    /// log P(N ≥ actual): the probability of a count at least this large, in log space so
    /// that far tails (p ≪ 1e-300) stay finite and ordered.
    public func logUpperTail(actual: Double, linearPredictor eta: Double) -> Double {
        if actual <= 0 { return 0 }
        switch family {
        case .poisson, .negativeBinomial:
            let alpha = predictiveDispersion
            let mu = exp(eta)
            return alpha > 0
                ? CountTails.negativeBinomialLogSurvival(atLeast: actual, mean: mu, dispersion: alpha)
                : CountTails.poissonLogSurvival(atLeast: actual, mean: mu)
        case .logNormal:
            // N ≥ k  ⟺  round(e^Z − 1) ≥ k  ⟺  Z ≥ log(k + 0.5)
            let s = (sigma * sigma + levelVariance).squareRoot()
            return SpecialFunctions.logNormalSurvival((log(actual + 0.5) - eta) / s)
        }
    }

    /// Expected count, variance and log P(N ≥ actual) at a run of buckets: the scorer's
    /// per-country kernel, the scalar functions above element by element, with the
    /// dispersion worked out once rather than per bucket.
    ///
    /// `expected` holds the linear predictors x·β on entry and the expected counts on
    /// return, so a batch needs no separate array of them. A bucket with no events gets
    /// log P(N ≥ 0) = 0 without evaluating a tail. All buffers have the same length.
    public func scoreBuckets(
        actual: UnsafeBufferPointer<Double>, expected: UnsafeMutableBufferPointer<Double>,
        variance: UnsafeMutableBufferPointer<Double>, logUpperTail: UnsafeMutableBufferPointer<Double>
    ) {
        let n = actual.count
        precondition(
            expected.count == n && variance.count == n && logUpperTail.count == n, "scoreBuckets: buffer lengths differ")
        switch family {
        case .poisson, .negativeBinomial:
            let alpha = predictiveDispersion
            for i in 0..<n {
                let mu = exp(expected[i])
                expected[i] = mu
                variance[i] = mu + alpha * mu * mu
                let k = actual[i]
                logUpperTail[i] =
                    k <= 0 ? 0
                    : alpha > 0
                        ? CountTails.negativeBinomialLogSurvival(atLeast: k, mean: mu, dispersion: alpha)
                        : CountTails.poissonLogSurvival(atLeast: k, mean: mu)
            }
        case .logNormal:
            for i in 0..<n {
                let eta = expected[i]
                expected[i] = expectedCount(linearPredictor: eta)
                variance[i] = self.variance(linearPredictor: eta)
                logUpperTail[i] = self.logUpperTail(actual: actual[i], linearPredictor: eta)
            }
        }
    }

    /// log P(N = k), for held-out likelihoods.
    public func logProbability(count: Double, linearPredictor eta: Double) -> Double {
        switch family {
        case .poisson:
            return CountTails.poissonLogPMF(count, mean: exp(eta))
        case .negativeBinomial:
            return CountTails.negativeBinomialLogPMF(count, mean: exp(eta), dispersion: dispersion)
        case .logNormal:
            return Self.discretisedLogNormalLogPMF(count, location: eta, scale: sigma)
        }
    }

    /// log P(N = k) when log(N + 1) is normal, rounded to the nearest count:
    /// `Φ((log(k + 1.5) − m)/s) − Φ((log(k + 0.5) − m)/s)`, with `log 0.5` read as −∞ at k = 0.
    static func discretisedLogNormalLogPMF(_ k: Double, location m: Double, scale s: Double) -> Double {
        let upper = (log(k + 1.5) - m) / s
        if k <= 0 { return log(max(SpecialFunctions.normalCDF(upper), .leastNonzeroMagnitude)) }
        let lower = (log(k + 0.5) - m) / s
        // Difference of survivals is accurate in the upper tail, of CDFs in the lower.
        let mass =
            lower > 0
            ? SpecialFunctions.normalSurvival(lower) - SpecialFunctions.normalSurvival(upper)
            : SpecialFunctions.normalCDF(upper) - SpecialFunctions.normalCDF(lower)
        if mass > 0 { return log(mass) }
        // Beyond double range: the mass is the density at the midpoint times the width.
        let mid = (lower + upper) / 2
        return -0.5 * mid * mid - 0.5 * log(2 * Double.pi) + log(upper - lower)
    }
}
