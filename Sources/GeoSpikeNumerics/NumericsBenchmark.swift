#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A micro-benchmark of the vectorised count tails on the scorer's kind of input.
///
/// Means are log-uniform on 0.1…1e4 and counts lie around and above them (from 2 standard
/// deviations below to 20 above), with NB dispersions log-uniform on 1e-4…10. Inputs are
/// deterministic. Not used in tests: `bench/` calls it and records the numbers.
public enum NumericsBenchmark {
    /// Times each vectorised tail; returns nanoseconds per element (best of several rounds).
    ///
    /// Timed with the thread's CPU clock, so that other processes on a shared machine
    /// inflate the numbers less than wall-clock time would (caches are still shared).
    public static func run(count: Int = 100_000, rounds: Int = 5) -> [(name: String, nanosecondsPerCall: Double)] {
        var state: UInt64 = 0x5EED
        func uniform() -> Double {
            // SplitMix64: enough randomness for a benchmark mix, reproducible everywhere.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        var means = [Double](), dispersions = [Double](), poissonCounts = [Double](), nbCounts = [Double]()
        for _ in 0..<count {
            let mean = pow(10, -1 + 5 * uniform())
            let dispersion = pow(10, -4 + 5 * uniform())
            let z = -2 + 22 * uniform() * uniform()  // most counts near the mean, a tail of spikes
            means.append(mean)
            dispersions.append(dispersion)
            poissonCounts.append(max(0, (mean + z * mean.squareRoot()).rounded()))
            nbCounts.append(max(0, (mean + z * (mean + dispersion * mean * mean).squareRoot()).rounded()))
        }
        var out = [Double](repeating: 0, count: count)
        var checksum = 0.0
        func time(_ body: () -> Void) -> Double {
            var best = Double.infinity
            for _ in 0..<rounds {
                var start = timespec(), end = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
                body()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
                let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
                best = min(best, seconds)
                checksum += out[count / 2]
            }
            return best * 1e9 / Double(count)
        }
        let poisson = time {
            poissonCounts.withUnsafeBufferPointer { k in
                means.withUnsafeBufferPointer { m in
                    out.withUnsafeMutableBufferPointer { CountTails.poissonLogSurvival(atLeast: k, means: m, into: $0) }
                }
            }
        }
        let negativeBinomial = time {
            nbCounts.withUnsafeBufferPointer { k in
                means.withUnsafeBufferPointer { m in
                    dispersions.withUnsafeBufferPointer { d in
                        out.withUnsafeMutableBufferPointer {
                            CountTails.negativeBinomialLogSurvival(atLeast: k, means: m, dispersions: d, into: $0)
                        }
                    }
                }
            }
        }
        // Keeps the optimiser from discarding the work.
        precondition(!checksum.isNaN, "benchmark produced NaN")
        return [
            ("CountTails.poissonLogSurvival (vectorised)", poisson),
            ("CountTails.negativeBinomialLogSurvival (vectorised)", negativeBinomial),
        ]
    }
}
