import GeoSpikeIngest

/// Every (bucket, country) of a batch with its score, as flat column-major arrays
/// (index = bucket + country · bucketCount), before any record is built.
///
/// Backtests and injected-spike studies read these arrays directly; the scorer turns the
/// interesting cells into `AnomalyRecord`s. Both therefore agree on every alert.
public struct ScoredBatch: Sendable {
    public var bucketStarts: [Int64]
    /// Model countries first (in model order), then countries first seen in this batch.
    public var countries: [CountryCode]
    /// Index into `countries` where first-seen countries begin.
    public var firstSeenStart: Int
    public var actual: [Double]
    public var typical: [Double]
    /// Uncalibrated natural-log probabilities: single bucket, multi-bucket window.
    public var logSingle: [Double]
    public var logMulti: [Double]
    /// Calibrated natural-log probability of the combined test.
    public var logProbability: [Double]
    public var recordScore: [Double]
    public var alert: [Bool]
    /// Per bucket: not complete when scored.
    public var interim: [Bool]
    /// The level a sustained shift had held when the cell was judged, as a factor of
    /// `typical` (1 = none; `LevelShift`). Empty for batches built without it.
    public var levelShift: [Double] = []

    /// No buckets, no countries.
    public static let empty = ScoredBatch(
        bucketStarts: [], countries: [], firstSeenStart: 0, actual: [], typical: [], logSingle: [], logMulti: [],
        logProbability: [], recordScore: [], alert: [], interim: [], levelShift: [])

    public var bucketCount: Int { bucketStarts.count }
    public var countryCount: Int { countries.count }

    @inlinable
    public func index(bucket b: Int, country c: Int) -> Int { b + c * bucketStarts.count }

    public var alertCount: Int { alert.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Complete (non-interim) buckets.
    public var completeBuckets: Int { interim.filter { !$0 }.count }
}
