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
///   terms are positive, so the sum L carries a relative error δ ≤ ε·(3|log P(N = 0)| + 5k + 4)
///   (four roundings per term; log P(N = 0) is good to about 2.5 ulp, which `exp` turns
///   into a relative error of P(N = 0) proportional to its size);
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
    /// Counts up to this are tried by the lower sum (cost: a multiply-add per count, cheaper
    /// than an incomplete beta up to a few hundred).
    static let seriesLowerCountLimit = 256.0
    /// The upper sum is used only when every ratio from k on is at most this.
    static let seriesRatioLimit = 0.8
    /// Largest accepted rounding error of the lower sum, relative to |log P(N ≥ k)|.
    static let seriesTolerance = 1e-12
    /// 1/n for n = 0…`seriesLowerCountLimit` (1/0 unused).
    static let reciprocals: [Double] = (0...Int(seriesLowerCountLimit)).map { 1 / Double($0) }

    /// log P(N ≥ k) for whole k ≥ 1, NB2(mean, dispersion) or Poisson (dispersion 0), by
    /// summing the mass function; nil where a sum would not be accurate or fast.
    ///
    /// The caller has checked that mean > 0 and dispersion ≥ 0 are finite and k ≥ 1.
    @inline(__always)
    static func logSurvivalBySeries(atLeast k: Double, mean: Double, dispersion: Double) -> Double? {
        // A whole count, tested without a call to trunc (baseline x86-64 has no roundsd).
        guard k < 1e15, Double(Int64(k)) == k else { return nil }
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
            let u = 1 + t
            // Reciprocals first: the divisions then overlap the log instead of following it.
            let inverseU = 1 / u
            let size = 1 / dispersion
            // log1p(t) as log(u) plus the rounding error of u (exact by Fast2Sum), within
            // an ulp or two of log1p at half its cost: this runs for every scored cell.
            logZero = dispersion > 0 ? -(log(u) + (t - (u - 1)) * inverseU) * size : -mean
            scale = mean * inverseU
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
            // Σ_{j<k} P(N = j)/P(N = 0): terms from 1, each the last times the ratio, with
            // 1/(j + 1) from a table (a division per term would be the loop's bottleneck).
            var sum = 1.0
            CountTails.reciprocals.withUnsafeBufferPointer { reciprocals in
                var term = 1.0
                for j in 0..<(Int(k) - 1) {
                    term *= (scale + step * Double(j)) * reciprocals[j + 1]
                    sum += term
                }
            }
            let lower = exp(logZero) * sum
            let upper = 1 - lower
            guard upper > 0 else { return nil }
            // log1p only where 1 − lower's rounding would matter: log(upper) is off by at
            // most ε/2 absolute, within 1e-15 of |log upper| ≥ 0.06 when lower ≥ 1/16.
            let logTail = lower < 0.0625 ? log1p(-lower) : log(upper)
            let delta = SpecialFunctions.epsilon * (3 * abs(logZero) + 5 * k + 4)
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
