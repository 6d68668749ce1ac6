import Foundation

/// A country whose traffic has run high for the past two hours is judged, bucket by
/// bucket, against the level it has held, not against its usual level.
///
/// Real traffic shifts: a busy Saturday, a migration, an incident that keeps a service at
/// twice its usual load for the rest of the day. Judged against the usual level, every
/// bucket of such a day alerts again; on real series such shifts made over half of the
/// false alerts. So once every one of the preceding `hold` buckets was above its expected
/// count, the single-bucket test expects the smallest factor those buckets held, and only
/// a bucket above the shifted level is surprising on its own.
///
/// The multi-bucket test waits longer: until the shift has held for a whole window (at
/// most three hours). It exists for the modest rise that lasts hours (a botnet doubling
/// a quiet country), which a level shifted after two hours would absorb before the window
/// had summed enough of it; once a window is full of the rise, the test has seen all it can. A sustained
/// exfiltration therefore alerts in its first two hours or its first window, and later
/// only where it rises further. The trainer's cross-validation applies the same rules,
/// so the calibration knows them.
public enum LevelShift {
    /// Buckets a shift must have held before it becomes the level later buckets are
    /// judged against: two hours, and at least two buckets.
    public static func holdBuckets(bucketSpanSeconds span: Int64) -> Int { max(2, Int(7200 / max(1, span))) }

    /// Buckets a shift must have held before the multi-bucket test sums against it: its
    /// window, up to three hours (a window of 15-minute buckets), and never less than
    /// `holdBuckets`. A window of hourly buckets spans half a day, too long to hold a
    /// shifted day against its usual level.
    public static func windowHoldBuckets(bucketSpanSeconds span: Int64, window: Int) -> Int {
        max(holdBuckets(bucketSpanSeconds: span), min(window, Int(10800 / max(1, span))))
    }

    /// Per bucket, the level the preceding `hold` buckets all held: the smallest of their
    /// ratios (actual + 1)/(expected + 1) when it is above 1, else 1 (no shift).
    public static func factors(
        actual: UnsafeBufferPointer<Double>, expected: UnsafeBufferPointer<Double>, hold: Int,
        into factors: UnsafeMutableBufferPointer<Double>
    ) {
        let n = actual.count
        precondition(expected.count == n && factors.count == n && hold >= 1)
        for i in 0..<n {
            factors[i] = 1
            guard i >= hold else { continue }
            var held = Double.infinity
            for k in (i - hold)..<i { held = min(held, (actual[k] + 1) / (expected[k] + 1)) }
            if held > 1 { factors[i] = held }
        }
    }

    /// Expected counts and variances at the linear predictors `eta` raised by `factors`
    /// where they shift, `expected` and `variance` (at `eta`) elsewhere: what the
    /// multi-bucket test sums once a shift has held for its window.
    public static func shifted(
        model: CountryModel, eta: UnsafeBufferPointer<Double>, factors: UnsafeBufferPointer<Double>,
        expected: UnsafeBufferPointer<Double>, variance: UnsafeBufferPointer<Double>
    ) -> (expected: [Double], variance: [Double]) {
        var shiftedExpected = Array(expected)
        var shiftedVariance = Array(variance)
        for i in 0..<factors.count where factors[i] > 1 {
            shiftedExpected[i] = model.expectedCount(linearPredictor: eta[i] + log(factors[i]))
            shiftedVariance[i] = model.variance(linearPredictor: eta[i] + log(factors[i]))
        }
        return (shiftedExpected, shiftedVariance)
    }

    /// The same on arrays.
    public static func shifted(
        model: CountryModel, eta: [Double], factors: [Double], expected: [Double], variance: [Double]
    ) -> (expected: [Double], variance: [Double]) {
        eta.withUnsafeBufferPointer { eta in
            factors.withUnsafeBufferPointer { factors in
                expected.withUnsafeBufferPointer { expected in
                    variance.withUnsafeBufferPointer { variance in
                        shifted(model: model, eta: eta, factors: factors, expected: expected, variance: variance)
                    }
                }
            }
        }
    }

    /// The same on arrays.
    public static func factors(actual: [Double], expected: [Double], hold: Int) -> [Double] {
        var out = [Double](repeating: 1, count: actual.count)
        actual.withUnsafeBufferPointer { actual in
            expected.withUnsafeBufferPointer { expected in
                out.withUnsafeMutableBufferPointer { out in factors(actual: actual, expected: expected, hold: hold, into: out) }
            }
        }
        return out
    }
}
