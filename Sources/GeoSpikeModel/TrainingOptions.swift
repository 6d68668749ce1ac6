import GeoSpikeIngest

/// Everything that decides how a model is fitted; recorded in the model file.
///
/// Holds no logic: `Trainer` reads it, and the fitted `TrainedModel` keeps a copy so that
/// `inspect` can say how a model was made and a retrain can reproduce it.
public struct TrainingOptions: Codable, Equatable, Sendable {
    /// IANA name of the organisation's time zone; seasonality follows its wall clock.
    /// `auto` chooses the clock from the traffic (`ClockSelection`).
    public var timeZone: String = "UTC"
    public var design: SeasonalDesign = SeasonalDesign()
    /// Give every local slot of the day (weekday and weekend) its own shrunken effect on
    /// top of the smooth shape: nightly jobs and other sharp, regular bursts.
    public var slotEffects: Bool = true
    /// Families the trainer may choose from, per country, by held-out likelihood.
    public var families: [CountFamily] = CountFamily.allCases
    /// Recency weighting: a bucket this many days older than the end of training counts half.
    /// Follows slow drift without a trend term that would extrapolate past the data. 0 = off.
    public var halfLifeDays: Double = 28
    /// Prior standard deviation of each seasonal coefficient around the pooled shape of all
    /// countries: how far a country's shape may stray without strong evidence.
    public var shapePriorSD: Double = 0.5
    /// Prior standard deviation of log dispersion around the pooled dispersion.
    public var dispersionPriorSD: Double = 1.0
    /// Buckets in the multi-bucket (sustained excess) window, as Elastic's 12.
    public var multiBucketWindow: Int = 12
    /// Recorded for reproducibility; the fit itself is deterministic.
    public var seed: UInt64 = 0

    public init() {}

    /// The `timeZone` that asks the trainer to choose the clock from the data.
    public static let automaticTimeZone = "auto"

    public var choosesClock: Bool { timeZone == Self.automaticTimeZone }

    /// Checks ranges, naming the option a user would fix.
    public func validate() throws {
        guard !families.isEmpty else { throw GeoSpikeError(.usage, "--families: give at least one family") }
        guard halfLifeDays >= 0, halfLifeDays.isFinite else {
            throw GeoSpikeError(.usage, "--half-life-days must be >= 0 (0 turns recency weighting off)")
        }
        guard shapePriorSD > 0, dispersionPriorSD > 0 else {
            throw GeoSpikeError(.usage, "--shape-prior-sd and --dispersion-prior-sd must be > 0")
        }
        guard (1...96).contains(multiBucketWindow) else {
            throw GeoSpikeError(.usage, "--multi-bucket-window must be between 1 and 96 buckets")
        }
        guard (0...12).contains(design.dailyHarmonics), (0...12).contains(design.weekendHarmonics) else {
            throw GeoSpikeError(.usage, "--harmonics must be between 0 and 12")
        }
        // Before the input is read: a typo in the zone should not cost a gigabyte's reading.
        if !choosesClock { _ = try LocalClock(identifier: timeZone) }
    }
}
