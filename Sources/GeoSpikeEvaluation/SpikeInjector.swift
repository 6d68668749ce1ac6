import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

/// Adds events to copies of a clean count table and scores them with the real scorer.
///
/// The clean batch is scored once; every injected variant is scored with the same
/// options and the same `until`, so interim buckets stay interim and a spike is judged
/// exactly as `geospike-score` would judge that history with the spike in it.
public struct SpikeInjector: Sendable {
    public let scorer: Scorer
    public let table: CountTable
    public let options: ScoreOptions
    /// The clean history, scored.
    public let clean: ScoredBatch

    /// `until`: as `geospike-score --until`; nil = the latest event of `table`.
    public init(scorer: Scorer, table: CountTable, threshold: Double, until: Double?) throws {
        self.scorer = scorer
        self.table = table
        var options = ScoreOptions()
        options.threshold = threshold
        // Pinned, so that an injected event can never move the interim boundary.
        options.until = until ?? table.lastEventTime
        self.options = options
        clean = try scorer.score(table, options: options)
    }

    public var span: Int64 { scorer.model.metadata.bucketSpanSeconds }
    public var window: Int { scorer.model.metadata.options.multiBucketWindow }
    /// Model countries, in model order (the first columns of every batch).
    public var modelCountries: [CountryCode] { Array(clean.countries[..<clean.firstSeenStart]) }

    /// Buckets whose cells may carry a spike: complete ones.
    public var completeBuckets: [Int] { clean.interim.indices.filter { !clean.interim[$0] } }

    /// Whether the clean history already alerts in `country` anywhere in `buckets`: a spike
    /// placed there would be "caught" by a false alert.
    public func cleanAlerts(country: CountryCode, buckets: ClosedRange<Int>) -> Bool {
        guard let j = clean.countries.firstIndex(of: country) else { return false }
        return buckets.contains { clean.alert[clean.index(bucket: $0, country: j)] }
    }

    /// The clean typical count of a cell (the new-country prior's mean for a new country).
    public func typical(country: CountryCode, bucket: Int) -> Double {
        guard let j = clean.countries.firstIndex(of: country) else { return scorer.model.newCountryPrior.expectedCount }
        return clean.typical[clean.index(bucket: bucket, country: j)]
    }

    /// Scores the clean table plus `added` events per (bucket index, country).
    public func score(adding added: [(bucket: Int, country: CountryCode, events: Int)]) throws -> InjectedBatch {
        var copy = table
        for cell in added where cell.events > 0 {
            copy.add(bucketStart: clean.bucketStarts[cell.bucket], country: cell.country, count: cell.events)
        }
        let batch = try scorer.score(copy, options: options)
        var column: [CountryCode: Int] = [:]
        for (j, c) in batch.countries.enumerated() { column[c] = j }
        return InjectedBatch(batch: batch, column: column)
    }
}

/// A scored batch with spikes in it, and where each country's column is.
public struct InjectedBatch: Sendable {
    public let batch: ScoredBatch
    public let column: [CountryCode: Int]

    /// The highest record score of `country` over `buckets` (0 when the country is absent).
    public func maxScore(country: CountryCode, buckets: ClosedRange<Int>) -> Double {
        guard let j = column[country] else { return 0 }
        return buckets.map { batch.recordScore[batch.index(bucket: $0, country: j)] }.max() ?? 0
    }

    /// Whether any of the cells alerts: how a spike counts as caught.
    public func alerts(country: CountryCode, buckets: ClosedRange<Int>) -> Bool {
        guard let j = column[country] else { return false }
        return buckets.contains { batch.alert[batch.index(bucket: $0, country: j)] }
    }
}
