import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import Testing

@Suite("Injected spikes")
struct InjectionTests {
    static let study = Result { () throws -> InjectionResult in
        let history = try SyntheticHistory.small.get()
        var options = InjectionStudy.Options()
        options.spikes = 60
        options.seed = 9
        options.shapes = [
            SpikeShape(kind: .addition, amount: 3), SpikeShape(kind: .addition, amount: 100),
            SpikeShape(kind: .multiple, amount: 3, buckets: 6), SpikeShape(kind: .newCountry, amount: 12),
        ]
        return try InjectionStudy(model: history.model, modelID: history.modelID).run(history.test, options: options)
    }

    /// Spikes share scoring passes; each must be judged exactly as if it were alone.
    @Test func reportedCatchesMatchScoringEachSpikeAlone() throws {
        let history = try SyntheticHistory.small.get()
        let result = try Self.study.get()
        #expect(result.spikes.count == 60)
        #expect(result.rounds < 60)
        let scorer = try Scorer(model: history.model, modelID: history.modelID)
        var options = ScoreOptions()
        options.until = history.test.lastEventTime
        for spike in result.spikes.prefix(20) {
            var table = history.test
            for (k, events) in spike.added.enumerated() {
                table.add(bucketStart: spike.bucketStart + Int64(k) * 900, country: spike.country, count: events)
            }
            let batch = try scorer.score(table, options: options)
            let j = try #require(batch.countries.firstIndex(of: spike.country))
            let cells = (spike.firstBucket...spike.lastBucket).map { batch.index(bucket: $0, country: j) }
            #expect(cells.contains { batch.alert[$0] } == spike.caught, "\(spike.shape.label) \(spike.country)")
            #expect(abs((cells.map { batch.recordScore[$0] }.max() ?? 0) - spike.maxScore) < 1e-9)
        }
    }

    @Test func recallGrowsWithSizeAndCountsAddUp() throws {
        let result = try Self.study.get()
        let bySize = Dictionary(uniqueKeysWithValues: result.bySize.map { ($0.group, $0) })
        let small = try #require(bySize["+3"])
        let large = try #require(bySize["+100"])
        #expect(large.recall == 1)
        #expect(small.recall < large.recall)
        #expect(result.bySize.map(\.spikes).reduce(0, +) == result.spikes.count)
        #expect(result.byCountry.map(\.caught).reduce(0, +) == result.caught)
        #expect(result.byHour.map(\.spikes).reduce(0, +) == result.spikes.count)
        // New-country spikes go to countries absent from model and history.
        let history = try SyntheticHistory.small.get()
        for spike in result.spikes where spike.shape.kind == .newCountry {
            #expect(history.model.countryIndex[spike.country] == nil)
            #expect(spike.added == [12])
        }
    }

    @Test func rocRunsFromEverythingToNothing() throws {
        let result = try Self.study.get()
        let curve = result.curve
        #expect(curve.count == 101)
        #expect(curve[0].truePositiveRate == 1)
        for (a, b) in zip(curve, curve.dropFirst()) {
            #expect(b.truePositiveRate <= a.truePositiveRate)
            #expect(b.falsePositiveRate <= a.falsePositiveRate)
        }
        #expect(result.areaUnderROC > 0.5 && result.areaUnderROC <= 1)
        let at75 = try #require(curve.first { $0.threshold == 75 })
        #expect(at75.truePositiveRate == result.recall)
    }

    @Test func spikesAreNotPlacedOnCleanAlerts() throws {
        let history = try SyntheticHistory.small.get()
        let injector = try SpikeInjector(
            scorer: try Scorer(model: history.model, modelID: history.modelID), table: history.test, threshold: 75,
            until: nil)
        for spike in try Self.study.get().spikes {
            #expect(!injector.cleanAlerts(country: spike.country, buckets: spike.firstBucket...spike.lastBucket))
        }
    }

    @Test func packingSeparatesOnlyInterferingSpikesOfOneCountry() {
        let de = CountryCode("DE")!
        let fr = CountryCode("FR")!
        let rounds = SpikePacking.rounds(
            [
                .init(country: de, first: 0, last: 0), .init(country: de, first: 11, last: 11),
                .init(country: de, first: 12, last: 14), .init(country: fr, first: 0, last: 0),
                .init(country: de, first: 26, last: 26),
            ], window: 12)
        // A spike at 0 reaches the multi-bucket windows ending at 0…11: 11 conflicts, 12 does not.
        #expect(rounds == [[0, 2, 3, 4], [1]])
    }

    @Test func shapesParseAndSize() throws {
        #expect(SpikeShape(parsing: "x3") == SpikeShape(kind: .multiple, amount: 3))
        #expect(SpikeShape(parsing: "+20/4") == SpikeShape(kind: .addition, amount: 20, buckets: 4))
        #expect(SpikeShape(parsing: "new+5/12") == SpikeShape(kind: .newCountry, amount: 5, buckets: 12))
        for bad in ["x1", "x", "+0", "3", "x2/0", "x2/97", "+5/a", "new+"] { #expect(SpikeShape(parsing: bad) == nil, "\(bad)") }
        #expect(SpikeShape(kind: .multiple, amount: 3).addedEvents(typical: 4.2) == 8)
        #expect(SpikeShape(kind: .multiple, amount: 3).addedEvents(typical: 0.1) == 1)
        // A botnet multiplies at least one flow a bucket, as the generator's botnets do.
        #expect(SpikeShape(kind: .multiple, amount: 3, typicalFloor: 1).addedEvents(typical: 0.1) == 2)
        #expect(SpikeShape(kind: .multiple, amount: 3, typicalFloor: 1).addedEvents(typical: 4.2) == 8)
        #expect(SpikeShape(kind: .addition, amount: 20, buckets: 4).label == "+20 for 4")
        let drawn = SpikeShape.realisticAttacks(count: 8, seed: 1)
        #expect(drawn.map(\.groupLabel) == ["exfiltration", "scan", "botnet", "c2-new-country"] + ["exfiltration", "scan", "botnet", "c2-new-country"])
        #expect(drawn == SpikeShape.realisticAttacks(count: 8, seed: 1))
        for s in drawn where s.group == "scan" { #expect((150...600).contains(s.addedEvents(typical: 0))) }
        for s in drawn where s.group == "botnet" { #expect(s.amount >= 2 && s.amount <= 5 && (8...24).contains(s.buckets)) }
    }

    @Test func detectabilityIsTheSmallestAdditionCaughtInHalfTheSamples() throws {
        let history = try SyntheticHistory.small.get()
        var options = DetectabilityMap.Options()
        options.samples = 2
        options.targetAlertsPerDay = 2
        let map = try DetectabilityMap.compute(
            model: history.model, modelID: history.modelID, table: history.test, options: options)
        #expect(map.cleanAlertsPerDay <= 2)
        #expect(map.rows.count == history.model.countries.count + 1)
        #expect(map.rows.last?.newCountry == true)
        let scorer = try Scorer(model: history.model, modelID: history.modelID)
        var scoreOptions = ScoreOptions()
        scoreOptions.threshold = map.threshold
        scoreOptions.until = history.test.lastEventTime
        func caught(_ row: DetectabilityMap.Row, hour: Int, adding events: Int) throws -> Int {
            try row.sampledBuckets[hour].filter { start in
                var table = history.test
                table.add(bucketStart: start, country: row.country, count: events)
                let batch = try scorer.score(table, options: scoreOptions)
                guard let j = batch.countries.firstIndex(of: row.country),
                    let b = batch.bucketStarts.firstIndex(of: start)
                else { return false }
                return batch.alert[batch.index(bucket: b, country: j)]
            }.count
        }
        // The first model country in the afternoon, and the new-country row at night.
        for (row, hour) in [(map.rows[0], 14), (map.rows[map.rows.count - 1], 3)] {
            let smallest = try #require(row.smallestCaught[hour])
            let samples = row.sampledBuckets[hour].count
            #expect(samples == 2)
            #expect(2 * (try caught(row, hour: hour, adding: smallest)) >= samples)
            if smallest > 1 { #expect(2 * (try caught(row, hour: hour, adding: smallest - 1)) < samples) }
        }
    }
}
