import Foundation

/// How often the model's probabilities were exceeded on held-out data, and the correction
/// that makes them honest.
///
/// The trainer fits on all but the latest days, scores those days as the scorer would, and
/// counts, at each nominal level p, how many country-buckets had probability ≤ p. A model
/// whose tails are too thin sees more exceedances than `N·p`; the scorer then inflates its
/// probabilities by the observed ratio, so that record scores, and the alerts per day they
/// predict, hold on real data and not only on the model's own assumptions.
public struct Calibration: Codable, Equatable, Sendable {
    public struct Level: Codable, Equatable, Sendable {
        /// log10 of the nominal probability.
        public var log10Probability: Double
        /// Held-out country-buckets at or below it.
        public var exceedances: Int
    }

    /// Country-buckets scored in the held-out days.
    public var heldOutCountryBuckets: Int
    public var heldOutDays: Double
    public var levels: [Level]

    public init(heldOutCountryBuckets: Int, heldOutDays: Double, levels: [Level]) {
        self.heldOutCountryBuckets = heldOutCountryBuckets
        self.heldOutDays = heldOutDays
        self.levels = levels
    }

    /// No held-out data: probabilities are taken at face value.
    public static let none = Calibration(heldOutCountryBuckets: 0, heldOutDays: 0, levels: [])

    /// The nominal levels counted: 10^-1 down to 10^-8 in half decades.
    public static let nominalLog10Levels: [Double] = stride(from: -1.0, through: -8.0, by: -0.5).map { $0 }

    /// A level's ratio is trusted only when at least this many exceedances were expected.
    static let minimumExpected = 5.0

    /// Counts exceedances of `log10Probabilities` (one per held-out country-bucket).
    public init(heldOut log10Probabilities: [Double], days: Double) {
        heldOutCountryBuckets = log10Probabilities.count
        heldOutDays = days
        levels = Self.nominalLog10Levels.map { level in
            Level(log10Probability: level, exceedances: log10Probabilities.filter { $0 <= level + 1e-12 }.count)
        }
    }

    /// (log10 p, log10 calibrated p) at every trusted level, calibrated p never below
    /// nominal and non-decreasing in p, so the correction preserves the order of anomalies.
    var anchors: [(nominal: Double, calibrated: Double)] {
        let n = Double(heldOutCountryBuckets)
        var points: [(Double, Double)] = []
        for level in levels.sorted(by: { $0.log10Probability < $1.log10Probability }) {
            let expected = n * pow(10, level.log10Probability)
            guard expected >= Self.minimumExpected else { continue }
            let ratio = max(1, Double(level.exceedances) / expected)
            points.append((level.log10Probability, level.log10Probability + log10(ratio)))
        }
        // Enforce monotonicity from the largest p down: a smaller p never gets a larger
        // calibrated value than a larger p.
        var i = points.count - 2
        while i >= 0 {
            points[i].1 = min(points[i].1, points[i + 1].1)
            i -= 1
        }
        return points.map { (nominal: $0.0, calibrated: $0.1) }
    }

    /// The calibrated natural-log probability for a model log probability.
    public func calibratedLogProbability(_ logProbability: Double) -> Double {
        Curve(self).calibratedLogProbability(logProbability)
    }

    /// The correction as a ready-to-evaluate curve: build it once, evaluate it per cell
    /// (the scorer evaluates it twice for every country-bucket with traffic).
    public struct Curve: Sendable {
        /// Trusted levels, log10, ascending, and the log10 correction at each.
        let nominal: [Double]
        let correction: [Double]

        public init(_ calibration: Calibration) {
            let points = calibration.anchors
            nominal = points.map(\.nominal)
            correction = points.map { $0.calibrated - $0.nominal }
        }

        public func calibratedLogProbability(_ logProbability: Double) -> Double {
            nominal.withUnsafeBufferPointer { nominal in
                correction.withUnsafeBufferPointer { correction in
                    let n = nominal.count
                    guard n > 0 else { return logProbability }
                    let x = logProbability / log(10)
                    let y: Double
                    if x >= nominal[n - 1] {
                        // Most cells: p above the largest level (10^-1), or no test at all (p = 1).
                        y = x + correction[n - 1]
                    } else if x <= nominal[0] {
                        // Beyond the smallest trusted level, keep its ratio.
                        y = x + correction[0]
                    } else {
                        var k = 0
                        while nominal[k + 1] < x { k += 1 }
                        let t = (x - nominal[k]) / (nominal[k + 1] - nominal[k])
                        y = x + (1 - t) * correction[k] + t * correction[k + 1]
                    }
                    return min(0, y * log(10))
                }
            }
        }
    }
}
