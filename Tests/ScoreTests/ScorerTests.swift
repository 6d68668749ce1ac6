import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import GeoSpikeTestSupport
import Testing

@Suite("Scorer")
struct ScorerTests {
    static let se = CountryCode("SE")!
    static let jp = CountryCode("JP")!
    static let br = CountryCode("BR")!

    /// Four weeks of steady traffic to Sweden (mean 6) and Japan (mean 0.5), then a model.
    static func scorer() throws -> Scorer {
        var table = Simulated.table(
            country: "SE", days: 28, draw: { _, rng in rng.negativeBinomial(mean: 6, dispersion: 0.2) }, seed: 31)
        table.merge(Simulated.table(country: "JP", days: 28, draw: { _, rng in rng.poisson(0.5) }, seed: 32))
        let model = try Trainer(options: TrainingOptions()).train(table)
        return try Scorer(model: model, modelID: "test-model")
    }

    /// A batch of two buckets after training, with the given counts per bucket; the latest
    /// event falls one second (or five minutes) before the end of the second bucket.
    static func batch(_ cells: [(bucket: Int, country: CountryCode, count: Int)], complete: Bool = true) -> CountTable {
        var table = CountTable()
        let first = Simulated.start + 28 * 86400 + 10 * 3600
        for c in cells { table.add(bucketStart: first + Int64(c.bucket) * 900, country: c.country, count: c.count) }
        table.observe(time: Double(first))
        table.observe(time: Double(first + 2 * 900) - (complete ? 1 : 300))
        return table
    }

    @Test func ordinaryTrafficDoesNotAlert() throws {
        let scorer = try Self.scorer()
        let result = try scorer.score(Self.batch([(0, Self.se, 7), (1, Self.se, 5), (1, Self.jp, 1)]))
        #expect(result.alertCount == 0)
        #expect(result.bucketCount == 2)
        let i = result.index(bucket: 0, country: result.countries.firstIndex(of: Self.se)!)
        #expect(abs(result.typical[i] - 6) < 0.6, "typical \(result.typical[i])")
        #expect(result.recordScore[i] < 25)
    }

    @Test func aBurstToASmallCountryAlerts() throws {
        let scorer = try Self.scorer()
        let table = Self.batch([(0, Self.se, 6), (0, Self.jp, 40)])
        let result = try scorer.score(table)
        let jp = result.index(bucket: 0, country: result.countries.firstIndex(of: Self.jp)!)
        #expect(result.alert[jp])
        #expect(result.recordScore[jp] >= 90)
        let records = scorer.records(result, table: table, emit: .alerts)
        #expect(records.count == 1)
        #expect(records[0].country == "JP" && records[0].actual == 40 && records[0].severity == "critical")
        #expect(records[0].jsonLine.contains("\"record_id\":\"\(records[0].recordID)\""))
    }

    @Test func anIncompleteBucketIsInterimAndNeverAlerts() throws {
        let scorer = try Self.scorer()
        let table = Self.batch([(1, Self.jp, 60)], complete: false)
        let result = try scorer.score(table)
        #expect(result.interim == [false, true])
        #expect(result.alertCount == 0)
        // Once the bucket is declared complete, the same counts alert.
        var options = ScoreOptions()
        options.until = table.lastEventTime! + 300
        #expect(try scorer.score(table, options: options).alertCount == 1)
        let jp = result.index(bucket: 1, country: result.countries.firstIndex(of: Self.jp)!)
        #expect(result.recordScore[jp] > 90, "scored all the same")
    }

    @Test func aFewEventsToANewCountryAreNotASpikeButDozensAre() throws {
        let scorer = try Self.scorer()
        let few = try scorer.score(Self.batch([(0, Self.br, 2)]))
        #expect(few.countries.last == Self.br && few.firstSeenStart == 2)
        #expect(few.alertCount == 0)
        let many = try scorer.score(Self.batch([(0, Self.br, 40)]))
        #expect(many.alertCount == 1)
        let records = scorer.records(many, table: Self.batch([(0, Self.br, 40)]), emit: .alerts)
        #expect(records.first?.firstSeen == true)
        #expect(records.first?.family == "new-country-prior")
    }

    @Test func overlappingRunsGiveTheSameRecordIDs() throws {
        let scorer = try Self.scorer()
        let first = Self.batch([(0, Self.jp, 40), (1, Self.jp, 1)])
        let a = scorer.records(try scorer.score(first), table: first, emit: .all)
        let second = Self.batch([(0, Self.jp, 40)])
        let b = scorer.records(try scorer.score(second), table: second, emit: .all)
        #expect(a.first { $0.actual == 40 }?.recordID == b.first { $0.actual == 40 }?.recordID)
    }

    @Test func falseDiscoveryRateOnlyRemovesAlerts() throws {
        let scorer = try Self.scorer()
        let table = Self.batch([(0, Self.jp, 9), (0, Self.se, 30)])
        var options = ScoreOptions()
        options.threshold = 25
        let plain = try scorer.score(table, options: options)
        options.falseDiscoveryRate = 1e-12
        let controlled = try scorer.score(table, options: options)
        #expect(plain.alertCount >= 1)
        #expect(controlled.alertCount < plain.alertCount, "a q of 1e-12 must reject something")
        for i in plain.alert.indices where controlled.alert[i] { #expect(plain.alert[i]) }
    }

    @Test func bucketSpanMismatchIsAUsageError() throws {
        let scorer = try Self.scorer()
        var table = CountTable(bucketSpan: BucketSpan(seconds: 3600))
        table.add(bucketStart: Simulated.start + 30 * 86400, country: Self.se, count: 3)
        let error = #expect(throws: GeoSpikeError.self) { try scorer.score(table) }
        #expect(error?.kind == .usage)
    }
}
