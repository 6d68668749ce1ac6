import Foundation
import GeoSpikeNumerics

/// What a model's probabilities are really worth, learnt from every training bucket scored
/// by a model that did not see it, down to the deep tail.
///
/// Real traffic bursts far more often than any count family says: on real series,
/// buckets the model called one-in-a-hundred-thousand came hundreds of times more often.
/// So the trainer scores each fold of its history with a model fitted on the other folds
/// (`Trainer+CrossValidation.swift`) and keeps the surprise s = −log10 p of the combined
/// test (single bucket or window, whichever is smaller) of every held-out country-bucket.
/// The calibrated probability of a surprise s is how often held-out buckets were at least
/// that surprising:
/// - within the data (down to the `tailExcesses`-th largest surprise, `tailThreshold`), the
///   empirical fraction, read off knots every half decade and interpolated in log space;
/// - beyond, where no held-out data reaches, an exponential tail in s (a generalised
///   Pareto tail of shape 0, which is what the excesses of light and moderately heavy
///   tails over a high threshold approach) fitted to the surprises' excesses over the
///   threshold (`exponentialFit`). A model whose own tail is right has excesses of scale
///   1/ln 10; a larger scale says how much more often than nominal the deepest scores come.
/// A calibrated probability is never below the nominal one: a model with fewer
/// exceedances than promised is not sharpened on a sample's word.
public struct TailCalibration: Codable, Equatable, Sendable {
    /// Held-out country-buckets scored (zero counts included) and the days they span.
    public var heldOutCountryBuckets: Int
    public var heldOutDays: Double
    public var folds: Int
    /// Surprises (−log10 p), ascending, and log10 of the fraction of held-out
    /// country-buckets at least that surprising.
    public var knotSurprise: [Double]
    public var knotLog10Fraction: [Double]
    /// The tail: beyond `tailThreshold` (a surprise), excesses y have P(Y > y) = exp(−y / scale).
    public var tailThreshold: Double
    public var tailScale: Double
    /// Held-out surprises above the threshold that the tail was fitted to.
    public var tailExcesses: Int

    /// What is wrong with a calibration read from a file, or nil: the scorer reads its
    /// knots by index and divides by its scale.
    public var structuralProblem: String? {
        guard !knotSurprise.isEmpty, knotSurprise.count == knotLog10Fraction.count else {
            return "tailCalibration has \(knotSurprise.count) knot surprises for \(knotLog10Fraction.count) fractions"
        }
        guard knotSurprise[0] > 0, zip(knotSurprise, knotSurprise.dropFirst()).allSatisfy({ $0 < $1 }),
            knotSurprise[knotSurprise.count - 1] <= tailThreshold
        else { return "tailCalibration's knots are not positive and ascending up to its threshold" }
        guard tailScale > 0 else { return "tailCalibration.tailScale is \(tailScale), not positive" }
        return nil
    }

    /// Fewer held-out surprises than this above zero: no calibration can be learnt.
    static let minimumSurprises = 10
    /// Knots are kept while at least this many held-out buckets reach them.
    static let minimumExceedances = 10

    /// Held-out surprises as the trainer collects them: the positive ones, and how many
    /// country-buckets were scored in all. A year of silent buckets stays a count.
    public struct Sample: Sendable {
        public var positive: [Double] = []
        public var count = 0

        public init() {}

        /// One surprise per scored country-bucket, 0 for a bucket that could not alert.
        public init(_ surprises: [Double]) { append(contentsOf: surprises) }

        public mutating func append(contentsOf surprises: [Double]) {
            positive += surprises.filter { $0 > 0 }
            count += surprises.count
        }

        public mutating func append(_ other: Sample) {
            positive += other.positive
            count += other.count
        }
    }

    /// Calibration from held-out surprises (s ≥ 0, one per scored country-bucket; 0 for a
    /// bucket that could not alert), nil when there are too few to say anything.
    public init?(surprises: [Double], days: Double, folds: Int) {
        self.init(sample: Sample(surprises), days: days, folds: folds)
    }

    public init?(sample: Sample, days: Double, folds: Int) {
        let n = sample.count
        let positive = sample.positive.sorted(by: >)
        guard positive.count >= Self.minimumSurprises else { return nil }
        heldOutCountryBuckets = n
        heldOutDays = days
        self.folds = folds
        // The tail starts at the k-th largest surprise: about a tenth of the informative
        // buckets, at least 10, so that the fit has data and the empirical part reaches deep.
        let k = min(positive.count - 1, max(Self.minimumExceedances, positive.count / 3))
        let threshold = positive[k]
        let excesses = positive.prefix(k).map { $0 - threshold }
        tailScale = Self.exponentialScale(excesses)
        tailThreshold = threshold
        tailExcesses = k
        var surprise: [Double] = []
        var fraction: [Double] = []
        var s = 0.5
        while s < threshold {
            let reaching = positive.filter { $0 >= s }.count
            guard reaching >= Self.minimumExceedances else { break }
            surprise.append(s)
            fraction.append(log10(Double(reaching) / Double(n)))
            s += 0.5
        }
        surprise.append(threshold)
        fraction.append(log10(Double(k) / Double(n)))
        knotSurprise = surprise
        knotLog10Fraction = fraction
    }

    /// log10 of the fraction of held-out buckets at least `s` surprising, as learnt (with
    /// the tail's scale replaced by `scale` when given, for the uncertainty band).
    func log10Fraction(surprise s: Double, scale: Double? = nil) -> Double {
        if s >= tailThreshold {
            let y = s - tailThreshold
            return knotLog10Fraction[knotLog10Fraction.count - 1] - y / (scale ?? tailScale) / log(10)
        }
        if s <= knotSurprise[0] {
            // Between certainty (s = 0, fraction ≤ 1) and the first knot.
            let t = s / knotSurprise[0]
            return t * knotLog10Fraction[0]
        }
        var i = 0
        while knotSurprise[i + 1] < s { i += 1 }
        let t = (s - knotSurprise[i]) / (knotSurprise[i + 1] - knotSurprise[i])
        return (1 - t) * knotLog10Fraction[i] + t * knotLog10Fraction[i + 1]
    }

    /// The calibrated natural-log probability of a model natural-log probability, for a
    /// country whose held-out buckets reached deep surprises `countryRatio` times as often
    /// as the pool's (`countryRatio(surprises:)`).
    public func calibratedLogProbability(_ logProbability: Double, countryRatio: Double = 1) -> Double {
        let s = -logProbability / log(10)
        guard s > 0 else { return 0 }
        return min(0, max(logProbability, log10Fraction(surprise: s) * log(10) + log(countryRatio)))
    }

    /// Pseudo-buckets of the pool's rate behind every country's ratio: a country's own
    /// rate counts as much as the pool's once it expects that many deep exceedances.
    static let countryPriorExceedances = 5.0

    /// How much more often than the pool one country's held-out buckets were deeply
    /// surprising: a country that bursts every week is surprised on its bursts, one that
    /// never bursts is not. Measured at `countryReferenceSurprise` (pass it in when asking
    /// for many countries), shrunk towards 1 for countries with little data.
    public func countryRatio(surprises: Sample, reference: Double? = nil) -> Double {
        let reference = reference ?? countryReferenceSurprise
        let expected = Double(surprises.count) * pow(10, log10Fraction(surprise: reference))
        let observed = Double(surprises.positive.filter { $0 >= reference }.count)
        let k = Self.countryPriorExceedances
        return min(100, max(0.01, (observed + k) / (expected + k)))
    }

    /// Where countries are compared: the surprise the pool reaches in one bucket of a
    /// hundred, or the tail's threshold if deeper.
    public var countryReferenceSurprise: Double { max(tailThreshold, surpriseOfOneInAHundred) }

    /// The surprise the pool reaches in one bucket of a hundred.
    var surpriseOfOneInAHundred: Double {
        var low = 0.0
        var high = 50.0
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if log10Fraction(surprise: mid) > -2 { low = mid } else { high = mid }
        }
        return high
    }

    /// The tail scale's relative standard error: the median of k exponential excesses has
    /// standard error scale/√k, and the scale is that median over ln 2.
    public var tailScaleRelativeError: Double { 1 / (log(2) * Double(max(1, tailExcesses)).squareRoot()) }

    /// Nominal against calibrated log10 probability at p = 1e-2 … 1e-8, with the band the
    /// tail scale's two standard errors give, for `inspect`.
    public var curve: [(nominal: Double, calibrated: Double, low: Double, high: Double)] {
        let spread = 2 * tailScaleRelativeError
        return (2...8).map { k in
            let s = Double(k)
            func calibrated(_ scale: Double?) -> Double { min(0, max(-s, log10Fraction(surprise: s, scale: scale))) }
            return (
                nominal: -s, calibrated: calibrated(nil), low: calibrated(tailScale * max(0.05, 1 - spread)),
                high: calibrated(tailScale * (1 + spread))
            )
        }
    }
}

extension TailCalibration {
    /// The scale of an exponential tail: the excesses' median over ln 2.
    ///
    /// The largest surprises of a history are where its real incidents are (real series
    /// hold a labelled spike every day or two), and a tail fitted to them promises clean
    /// traffic the incidents' frequency: every spike of that size is then called usual.
    /// The median excess is the surprise of the tail's middle: incidents among the
    /// excesses shift it by a rank each, not by their size (a tenth of them moves it about
    /// a tenth of the scale), and it still measures how much heavier than nominal (scale
    /// 1/ln 10) normal bursts run.
    static func exponentialScale(_ excesses: [Double]) -> Double {
        guard !excesses.isEmpty else { return 1 / log(10) }
        return max(1 / log(10), RobustStatistics.median(excesses) / log(2))
    }
}
