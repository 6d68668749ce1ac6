import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import GeoSpikeState

/// What a run with `--state` recalled: the state's memory and the batch's own buckets
/// (the tables are extended back over the multi-bucket window; only these are reported).
struct StateRecall {
    var memory: ScorerState.Recall
    var batch: ClosedRange<Int64>
}

extension GeoSpikeScoreCommand {
    /// Brings the state's counts into the batch's tables and reports buckets not yet scored.
    ///
    /// Nil without state or for a batch without counts. The interim rule is fixed from the
    /// batch's own latest event first, so stored counts never complete a bucket.
    func recall(
        _ state: ScorerState?, into table: inout CountTable, kept: inout CountTable?, options: inout ScoreOptions,
        model: TrainedModel, scorer: Scorer
    ) throws -> StateRecall? {
        guard let state, let range = table.bucketRange else { return nil }
        options.until = options.until ?? table.lastEventTime
        let span = model.metadata.bucketSpanSeconds
        let preceding = scorer.lookbackBuckets
        let memory = try state.recall(batch: range, precedingBuckets: preceding, bucketSpan: span)
        memory.merge(into: &table, kept: &kept, batch: range, precedingBuckets: preceding, bucketSpan: span)
        if let missed = memory.missed {
            let buckets = (missed.upperBound - missed.lowerBound) / span + 1
            StandardError.write(
                "geospike-score: warning: gap since the last run: \(Timestamp.iso8601(missed.lowerBound)) .. "
                    + "\(Timestamp.iso8601(missed.upperBound + span)) (\(buckets) bucket(s)) not yet scored; "
                    + "they are scored when a batch with their events arrives\n")
        }
        return StateRecall(memory: memory, batch: range)
    }

    /// Writes the run into the state's open transaction.
    func remember(
        _ recalled: StateRecall, in state: ScorerState, table: CountTable, kept: CountTable?, batch: ScoredBatch,
        alerts: AlertBatch
    ) throws {
        let complete = batch.bucketStarts.indices.filter {
            !batch.interim[$0] && recalled.batch.contains(batch.bucketStarts[$0])
        }
        .map { batch.bucketStarts[$0] }
        try state.remember(
            table: table, kept: kept, batch: recalled.batch, completeBuckets: complete, emitted: alerts.records,
            incidents: alerts.incidents, closed: alerts.closedIncidents)
    }
}
