import GeoSpikeNumerics

/// The multi-bucket test: is the traffic of the last few buckets, together, too high?
///
/// A botnet that doubles a country's traffic for hours never makes one bucket improbable,
/// but the sum over a window does. The sum of NB counts with different means is not NB;
/// it is approximated by the NB with the sum's mean and variance (moment matching), which
/// is close in the upper tail. The variance is the buckets' own times the country's
/// `windowVarianceFactor`, since busy buckets come in runs (`WindowCorrelation`).
///
/// Two rules keep the test about *sustained* excess rather than echoes of a burst:
/// - a bucket is tested only when its own count is more than one standard deviation above
///   its expected count, so the ordinary buckets after a burst are not flagged for the
///   burst's sake;
/// - earlier buckets enter the window capped at `expected + 4·sd`, so one huge bucket
///   cannot carry the window for the next three hours (the single-bucket test already
///   judged it).
public enum MultiBucketTest {
    /// Standard deviations above the mean at which an earlier bucket's count is capped.
    static let capDeviations = 4.0

    /// log P(window sum ≥ observed window sum) for each bucket of one country's series,
    /// 0 where the bucket is not clearly above its expected count.
    public static func logUpperTails(
        actual: [Double], expected: [Double], variance: [Double], window: Int, varianceFactor: Double = 1
    ) -> [Double] {
        precondition(expected.count == actual.count && variance.count == actual.count)
        return [Double](unsafeUninitializedCapacity: actual.count) { out, initialized in
            actual.withUnsafeBufferPointer { actual in
                expected.withUnsafeBufferPointer { expected in
                    variance.withUnsafeBufferPointer { variance in
                        logUpperTails(
                            actual: actual, expected: expected, variance: variance, window: window,
                            varianceFactor: varianceFactor, into: out)
                    }
                }
            }
            initialized = actual.count
        }
    }

    /// The same into `out`, without allocating: the scorer runs it on every country's column.
    public static func logUpperTails(
        actual: UnsafeBufferPointer<Double>, expected: UnsafeBufferPointer<Double>,
        variance: UnsafeBufferPointer<Double>, window: Int, varianceFactor: Double = 1,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        let n = actual.count
        precondition(expected.count == n && variance.count == n && out.count == n && window >= 1)
        // A bucket without events adds 0 to the capped sum and is not tested, whatever its
        // expected count: no square root for it (most buckets of most countries).
        @inline(__always) func capped(_ k: Int) -> Double {
            actual[k] > 0 ? min(actual[k], expected[k] + capDeviations * variance[k].squareRoot()) : 0
        }
        var cappedSum = 0.0
        var meanSum = 0.0
        var varianceSum = 0.0
        for i in 0..<n {
            let own = capped(i)
            cappedSum += own
            meanSum += expected[i]
            varianceSum += variance[i]
            if i >= window {
                cappedSum -= capped(i - window)
                meanSum -= expected[i - window]
                varianceSum -= variance[i - window]
            }
            out[i] = 0
            guard actual[i] > 0, actual[i] > expected[i] + variance[i].squareRoot(), meanSum > 0 else { continue }
            let sum = (cappedSum - own + actual[i]).rounded()
            // Correlated buckets: the window's variance is the factor times the sum of theirs.
            let excess = varianceFactor * varianceSum - meanSum
            let dispersion = excess > 1e-9 * meanSum ? excess / (meanSum * meanSum) : 0
            out[i] = CountTails.negativeBinomialLogSurvival(atLeast: sum, mean: meanSum, dispersion: dispersion)
        }
    }

    /// The multi-bucket test for a country never seen in training: how unlikely it is that
    /// so many buckets of the window have any traffic at all, when each has traffic with
    /// probability π. Persistent beaconing to a new country shows here long before its
    /// volume does: m non-empty buckets out of w have probability about C(w, m)·πᵐ.
    ///
    /// ```
    /// P(X ≥ m) = I_π(m, w − m + 1),   X ~ Binomial(w, π)
    /// ```
    public static func logOccupancyTails(actual: [Double], nonZeroProbability pi: Double, window: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: actual.count) { out, initialized in
            actual.withUnsafeBufferPointer {
                logOccupancyTails(actual: $0, nonZeroProbability: pi, window: window, into: out)
            }
            initialized = actual.count
        }
    }

    /// The same into `out`, without allocating.
    public static func logOccupancyTails(
        actual: UnsafeBufferPointer<Double>, nonZeroProbability pi: Double, window: Int,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(out.count == actual.count)
        var occupied = 0
        for i in actual.indices {
            occupied += actual[i] > 0 ? 1 : 0
            if i >= window { occupied -= actual[i - window] > 0 ? 1 : 0 }
            out[i] = 0
            guard actual[i] > 0 else { continue }
            let w = Double(min(i + 1, window))
            let m = Double(occupied)
            out[i] = SpecialFunctions.logRegularizedBeta(pi, a: m, b: w - m + 1)
        }
    }
}
