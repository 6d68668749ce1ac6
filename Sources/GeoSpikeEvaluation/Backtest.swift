import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

/// Replays the scorer over history assumed clean and counts the alerts it would have raised.
///
/// Every alert counted here comes from `Scorer.score` on the same count table that
/// `geospike-score` builds, with the same interim rule, so the count at a threshold is
/// exactly what `geospike-score --threshold T` prints on the same input. Other thresholds
/// are read off the same batch with the scorer's own rule (a complete bucket, at least one
/// event, `record_score >= T`), which is what rescoring at that threshold would give.
public struct Backtest: Sendable {
    public let model: TrainedModel
    public let scorer: Scorer
    let clock: LocalClock

    /// The thresholds every backtest reports, besides the one asked for.
    public static let standardThresholds: [Double] = [25, 50, 75, 90]

    public init(model: TrainedModel, modelID: String) throws {
        self.model = model
        scorer = try Scorer(model: model, modelID: modelID)
        clock = try LocalClock(identifier: model.metadata.timeZone)
    }

    /// Scores `table` and summarises its alerts at `threshold` and the standard thresholds.
    ///
    /// `until`: buckets ending after it are interim (never alert); nil = the latest event,
    /// as in `geospike-score`.
    public func run(_ table: CountTable, threshold: Double = 75, until: Double? = nil) throws -> BacktestResult {
        var options = ScoreOptions()
        options.threshold = threshold
        options.until = until
        let batch = try scorer.score(table, options: options)
        return summarise(batch, threshold: threshold)
    }

    /// Whether a cell of `batch` alerts at `threshold`: the scorer's rule without FDR.
    @inlinable
    public static func alerts(_ batch: ScoredBatch, cell i: Int, bucket b: Int, threshold: Double) -> Bool {
        !batch.interim[b] && batch.actual[i] > 0 && batch.recordScore[i] >= threshold
    }

    /// The summary of an already scored batch.
    public func summarise(_ batch: ScoredBatch, threshold: Double) -> BacktestResult {
        let thresholds = Array(Set(Self.standardThresholds + [threshold])).sorted()
        let span = model.metadata.bucketSpanSeconds
        let completeBuckets = batch.completeBuckets
        let days = Double(completeBuckets) * Double(span) / 86400
        let nb = batch.bucketCount
        let localHour = batch.bucketStarts.map { clock.position(of: $0).secondOfDay / 3600 }

        var thresholdRows: [BacktestResult.ThresholdRow] = []
        for t in thresholds {
            var alerts = 0
            for j in 0..<batch.countryCount {
                for b in 0..<nb where Self.alerts(batch, cell: batch.index(bucket: b, country: j), bucket: b, threshold: t) {
                    alerts += 1
                }
            }
            let incidents = IncidentGrouping().count(batch, bucketSpan: span) { i, b in
                Self.alerts(batch, cell: i, bucket: b, threshold: t)
            }
            thresholdRows.append(
                BacktestResult.ThresholdRow(
                    threshold: t, alerts: alerts, countryBuckets: completeBuckets * batch.countryCount, days: days,
                    predictedPerDay: AnomalyScale.expectedPerDay(atScore: t), incidents: incidents))
        }

        var countryRows: [BacktestResult.CountryRow] = []
        var hourAlerts = [Int](repeating: 0, count: 24)
        var hourCells = [Int](repeating: 0, count: 24)
        for j in 0..<batch.countryCount {
            var row = BacktestResult.CountryRow(
                country: batch.countries[j], firstSeen: j >= batch.firstSeenStart, events: 0, countryBuckets: 0,
                alertsByThreshold: [Int](repeating: 0, count: thresholds.count), maxScore: 0, days: days)
            for b in 0..<nb where !batch.interim[b] {
                let i = batch.index(bucket: b, country: j)
                row.events += Int(batch.actual[i])
                row.countryBuckets += 1
                row.maxScore = max(row.maxScore, batch.recordScore[i])
                hourCells[localHour[b]] += 1
                for (k, t) in thresholds.enumerated() where Self.alerts(batch, cell: i, bucket: b, threshold: t) {
                    row.alertsByThreshold[k] += 1
                }
                if Self.alerts(batch, cell: i, bucket: b, threshold: threshold) { hourAlerts[localHour[b]] += 1 }
            }
            countryRows.append(row)
        }
        let hours = (0..<24).map {
            BacktestResult.HourRow(localHour: $0, alerts: hourAlerts[$0], countryBuckets: hourCells[$0])
        }

        // Observed and predicted alerts per day on a fine grid, for threshold choice.
        var scores: [Double] = []
        for j in 0..<batch.countryCount {
            for b in 0..<nb where !batch.interim[b] {
                let i = batch.index(bucket: b, country: j)
                if batch.actual[i] > 0 { scores.append(batch.recordScore[i]) }
            }
        }
        scores.sort()
        let curve = stride(from: 0.0, through: 100.0, by: 0.5).map { t -> BacktestResult.CurvePoint in
            let below = Self.countBelow(t, in: scores)
            return BacktestResult.CurvePoint(
                threshold: t, alertsPerDay: days > 0 ? Double(scores.count - below) / days : 0,
                predictedPerDay: AnomalyScale.expectedPerDay(atScore: t))
        }

        return BacktestResult(
            modelTimeZone: model.metadata.timeZone, bucketSpanSeconds: span,
            firstBucket: batch.bucketStarts.first ?? 0, lastBucket: batch.bucketStarts.last ?? 0,
            completeBuckets: completeBuckets, interimBuckets: nb - completeBuckets, days: days,
            countryBuckets: completeBuckets * batch.countryCount, threshold: threshold, thresholds: thresholdRows,
            countries: countryRows, hours: hours, curve: curve, sortedScores: scores)
    }

    /// Number of elements of the ascending array `sorted` strictly below `value`.
    static func countBelow(_ value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
