import Foundation
import GeoSpikeIngest

/// One country's fitted count model, apart from its seasonal coefficients, which live in
/// `TrainedModel.coefficients` so that the scorer gets every country's expected counts
/// for a batch from one matrix product.
public struct CountryModel: Codable, Equatable, Sendable {
    /// ISO 3166-1 alpha-2 code (or a GeoIP block such as `EU`).
    public var country: String
    public var family: CountFamily
    /// NB2 dispersion α (variance = μ + αμ²); 0 for Poisson and log-normal.
    public var dispersion: Double
    /// Standard deviation of log(count + 1) for the log-normal family; 0 otherwise.
    public var sigma: Double
    /// Variance of the fitted log level (intercept). Sparse countries know their level only
    /// roughly; the scorer widens their predictive distribution by this much.
    public var levelVariance: Double
    /// Events counted to this country in training.
    public var trainingEvents: Int
    /// Training buckets in which the country had at least one event.
    public var nonZeroBuckets: Int
    /// Observed mean count per training bucket.
    public var meanPerBucket: Double
    public var selection: FamilySelection
    /// The source hosts and IPs that talked to this country most in training (up to 16
    /// each, `host.name` then `source.ip` values), so an alert can say whether its top
    /// source is a usual one. Empty when the logs carried no influencers (counts CSV).
    public var usualSources: [String] = []
    /// How much more a window's total varies than its buckets' variances add up to, from
    /// the correlation of consecutive buckets' residuals in training (`WindowCorrelation`):
    /// busy hours come in runs, so a window of a busy country can run high with no spike.
    /// 1 (independent buckets) for models written before it was measured.
    public var windowVarianceFactor: Double = 1
    /// The largest count of one bucket in the last `recentDays` of training, overall and
    /// per local hour of day (24 values; empty for models written before they were kept),
    /// so that a record can say a count is a new high for its country: on real series,
    /// most labelled spikes were one, and few false alerts.
    public var recentMaximum: Double = 0
    /// How much more often than the model's other countries this one's held-out buckets
    /// were deeply surprising (`TailCalibration.countryRatio`); its calibrated
    /// probabilities are that much larger. 1 for models written before it was measured.
    public var calibrationRatio: Double = 1
    public var recentHourlyMaximum: [Double] = []
    public static let recentDays = 14

    /// Whether `count` at local `hour` is above everything of the last `recentDays` of
    /// training: "overall", "hour" (only for that hour of day), or nil.
    public func newHigh(count: Double, localHour hour: Int) -> String? {
        if count > recentMaximum { return "overall" }
        if hour < recentHourlyMaximum.count && count > recentHourlyMaximum[hour] { return "hour" }
        return nil
    }

    public var countryCode: CountryCode? { CountryCode(country) }

    /// NB dispersion the scorer uses: the fitted dispersion plus the level uncertainty,
    /// since a Poisson or NB whose log mean is itself normal with variance v is close to
    /// an NB with α + (eᵛ − 1).
    public var predictiveDispersion: Double {
        dispersion + expm1(max(0, levelVariance))
    }
}
