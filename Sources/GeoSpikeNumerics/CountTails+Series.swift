#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Count tails by summing the mass function, for whole counts: the scorer's common case.
///
/// Most (bucket, country) cells hold a handful of events, where an incomplete beta or
/// gamma function costs hundreds of nanoseconds; the mass function's recurrence gives the
/// same tail in a few multiplications per term. Both families share it:
/// ```
/// P(N = 0)               = (1 + αμ)^(−1/α)           (e^(−μ) for Poisson, α = 0)
/// P(N = j + 1)/P(N = j)  = (s + αs·j)/(j + 1),   s = μ/(1 + αμ)
/// ```
/// The ratio tends to x = αμ/(1 + αμ) < 1 as j grows, from above when α < 1 and from
/// below when α > 1, so max(ratio at k, x) bounds every later ratio.
///
/// Two sums, each used only where its rounding error is provably small:
/// - **lower**: P(N ≥ k) = 1 − Σ_{j<k} P(N = j), for k ≤ `seriesLowerCountLimit`. The
///   terms are positive, so the sum L carries a relative error δ ≤ ε·(2|log P(N = 0)| + 5k + 4);
///   1 − L is exact for L ≥ ½ (Sterbenz), so log P(N ≥ k) is off by about δ·L/(1 − L).
///   It is accepted when that is at most `seriesTolerance` times |log P(N ≥ k)|; it fails
///   only far in the upper tail, where the next sum takes over.
/// - **upper**: P(N ≥ k) = P(N = k) · Σ_{n≥0} Π ratios, when every ratio from k on is at
///   most `seriesRatioLimit` (k clearly above the mean: spikes). P(N = k) comes from the
///   Stirling-corrected log mass function; the sum stops when the geometric bound on its
///   remainder, term·ρ/(1 − ρ), is below ε of the sum (at most ~170 terms at ρ = 0.8).
///
/// Where neither applies (a count near a large mean, or a ratio near 1 because αμ is
/// large) the caller falls back to the incomplete beta or gamma function.
/// `Tests/NumericsTests/CountTailsSeriesTests` checks both sums against those functions
/// over a grid of counts, means and dispersions.
extension CountTails {
    /// Counts up to this are tried by the lower sum (cost: one multiply-add per count).
    static let seriesLowerCountLimit = 64.0
    /// The upper sum is used only when every ratio from k on is at most this.
    static let seriesRatioLimit = 0.8
    /// Largest accepted rounding error of the lower sum, relative to |log P(N ≥ k)|.
    static let seriesTolerance = 1e-12

    /// log P(N ≥ k) for whole k ≥ 1, NB2(mean, dispersion) or Poisson (dispersion 0), by
    /// summing the mass function; nil where a sum would not be accurate or fast.
    ///
    /// The caller has checked that mean > 0 and dispersion ≥ 0 are finite and k ≥ 1.
    @inline(__always)
    static func logSurvivalBySeries(atLeast k: Double, mean: Double, dispersion: Double) -> Double? {
        guard k.rounded(.towardZero) == k, k < 1e15 else { return nil }
        let recurrence = MassRecurrence(mean: mean, dispersion: dispersion)
        return recurrence.logSurvivalByLowerSum(atLeast: k) ?? recurrence.logSurvivalByUpperSum(atLeast: k)
    }

    /// The ratio recurrence of one distribution's mass function.
    struct MassRecurrence {
        let mean: Double
        /// α; 0 for Poisson.
        let dispersion: Double
        /// log P(N = 0).
        let logZero: Double
        /// s = μ/(1 + αμ) and αs: P(N = j + 1)/P(N = j) = (s + αs·j)/(j + 1).
        let scale: Double
        let step: Double

        @inline(__always)
        init(mean: Double, dispersion: Double) {
            self.mean = mean
            self.dispersion = dispersion
            let t = dispersion * mean
            logZero = dispersion > 0 ? -log1p(t) / dispersion : -mean
            scale = mean / (1 + t)
            step = scale * dispersion
        }

        /// P(N = j + 1)/P(N = j).
        @inline(__always)
        func ratio(after j: Double) -> Double { (scale + step * j) / (j + 1) }

        /// 1 − Σ_{j<k} P(N = j), in logs, when its rounding error is below the tolerance.
        @inline(__always)
        func logSurvivalByLowerSum(atLeast k: Double) -> Double? {
            // Beyond −700, P(N = 0) underflows and the terms relative to it overflow.
            guard k <= CountTails.seriesLowerCountLimit, logZero > -700 else { return nil }
            // Σ_{j<k} P(N = j)/P(N = 0): terms from 1, each the last times the ratio.
            var term = 1.0
            var sum = 1.0
            var j = 0.0
            while j + 1 < k {
                term *= ratio(after: j)
                sum += term
                j += 1
            }
            let lower = exp(logZero) * sum
            let upper = 1 - lower
            guard upper > 0 else { return nil }
            let logTail = lower < 0.5 ? log1p(-lower) : log(upper)
            let delta = SpecialFunctions.epsilon * (2 * abs(logZero) + 5 * k + 4)
            return delta * lower <= CountTails.seriesTolerance * upper * abs(logTail) ? logTail : nil
        }

        /// P(N = k) · Σ_{n≥0} P(N = k + n)/P(N = k), in logs, when the ratios from k on are small.
        @inline(__always)
        func logSurvivalByUpperSum(atLeast k: Double) -> Double? {
            let bound = max(ratio(after: k), step)
            guard bound <= CountTails.seriesRatioLimit else { return nil }
            // Stop once the remainder, at most term·ρ/(1 − ρ), is below ε of the sum.
            let stop = SpecialFunctions.epsilon * (1 - bound) / bound
            var term = 1.0
            var sum = 1.0
            var j = k
            for _ in 0..<256 {
                term *= ratio(after: j)
                sum += term
                if term <= stop * sum {
                    let logMass =
                        dispersion > 0
                        ? CountTails.negativeBinomialLogPMF(k, mean: mean, dispersion: dispersion)
                        : CountTails.poissonLogPMF(k, mean: mean)
                    return logMass + log(sum)
                }
                j += 1
            }
            return nil
        }
    }
}
