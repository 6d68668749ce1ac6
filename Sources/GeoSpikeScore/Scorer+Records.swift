import Foundation
import GeoSpikeIngest
import GeoSpikeModel

extension Scorer {
    /// Which cells become records.
    public enum Emit: String, CaseIterable, Sendable {
        /// Only cells that alert.
        case alerts
        /// Every cell with at least one event (a zero count cannot be a spike).
        case all
    }

    /// Anomaly records for the cells `emit` selects, sorted by bucket, then score (highest
    /// first), then country.
    public func records(
        _ batch: ScoredBatch, table: CountTable, emit: Emit, options: ScoreOptions = ScoreOptions()
    ) -> [AnomalyRecord] {
        var records: [AnomalyRecord] = []
        let nb = batch.bucketCount
        // Each country's largest count in the batch's earlier buckets, as the walk reaches
        // them: whether a count is a new high needs it, and rescanning per record would be
        // quadratic in a backtest's buckets.
        var earlierHighest = [Double](repeating: 0, count: batch.countryCount)
        for b in 0..<nb {
            var inBucket: [AnomalyRecord] = []
            for j in 0..<batch.countryCount {
                let i = batch.index(bucket: b, country: j)
                defer { earlierHighest[j] = max(earlierHighest[j], batch.actual[i]) }
                guard batch.actual[i] > 0, emit == .all || batch.alert[i] else { continue }
                inBucket.append(
                    record(
                        batch, bucket: b, country: j, table: table, options: options,
                        earlierHighest: earlierHighest[j]))
            }
            inBucket.sort {
                $0.recordScore != $1.recordScore ? $0.recordScore > $1.recordScore : $0.country < $1.country
            }
            records += inBucket
        }
        return records
    }

    func record(
        _ batch: ScoredBatch, bucket b: Int, country j: Int, table: CountTable, options: ScoreOptions,
        earlierHighest: Double
    ) -> AnomalyRecord {
        let i = batch.index(bucket: b, country: j)
        let country = batch.countries[j]
        let start = batch.bucketStarts[b]
        let firstSeen = j >= batch.firstSeenStart
        let family = firstSeen ? "new-country-prior" : model.countries[j].family.rawValue
        let single = -batch.logSingle[i]
        let multi = -batch.logMulti[i]
        // +5 when the window sum alone explains the anomaly, −5 when the bucket alone does.
        let impact = max(single, multi) > 3 ? 5 * (multi - single) / max(single, multi) : 0
        let uncalibrated = min(batch.logSingle[i], batch.logMulti[i])
        var influencers: [(field: String, values: [AnomalyRecord.InfluencerValue])] = []
        if let tallies = table.influencers[CellKey(bucketStart: start, country: country)] {
            for field in InfluencerField.allCases where field.rawValue < tallies.count {
                let top = tallies[field.rawValue].top(options.topInfluencers)
                guard !top.isEmpty else { continue }
                influencers.append((field.ecsName, top.map { .init(value: $0.value, count: $0.count) }))
            }
        }
        var record = AnomalyRecord(
            recordID: RecordID.make(modelID: modelID, bucketStart: start, country: country.code),
            modelID: modelID, bucketStart: start, bucketSpan: model.metadata.bucketSpanSeconds,
            country: country.code, countryName: country.name, actual: Int(batch.actual[i]),
            typical: batch.typical[i], probability: exp(batch.logProbability[i]),
            log10Probability: batch.logProbability[i] / log(10), recordScore: batch.recordScore[i],
            rawScore: AnomalyScale.rawScore(logProbability: uncalibrated),
            severity: AnomalyScale.severity(recordScore: batch.recordScore[i]), alert: batch.alert[i],
            family: family, multiBucketImpact: max(-5, min(5, impact)), firstSeen: firstSeen,
            interim: batch.interim[b], influencers: influencers)
        if i < batch.levelShift.count { record.levelShift = batch.levelShift[i] }
        if !firstSeen && batch.actual[i] > earlierHighest {
            let hour = clock.position(of: start + model.metadata.bucketSpanSeconds / 2).secondOfDay / 3600
            record.newHigh = model.countries[j].newHigh(count: batch.actual[i], localHour: hour)
        }
        return record
    }
}
