import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import Testing

@Suite("Calibration check")
struct CalibrationCheckTests {
    @Test func countsEveryCompleteCellAgainstEachLevel() throws {
        let history = try SyntheticHistory.small.get()
        let batch = try Scorer(model: history.model, modelID: history.modelID).score(history.test)
        let check = CalibrationCheck.check(batch, bucketSpan: 900)
        #expect(check.countryBuckets == batch.completeBuckets * batch.countryCount)
        #expect(check.histogram.reduce(0, +) == check.countryBuckets)
        #expect(check.histogramWithTraffic.reduce(0, +) <= check.countryBuckets)
        // Silent cells have p = 1 and land in the last bin.
        let silent = (0..<batch.countryCount).flatMap { j in
            (0..<batch.bucketCount).filter { !batch.interim[$0] && batch.actual[batch.index(bucket: $0, country: j)] == 0 }
        }.count
        #expect(check.histogram[19] >= silent)
        for level in check.levels {
            var observed = 0
            for j in 0..<batch.countryCount {
                for b in 0..<batch.bucketCount where !batch.interim[b] {
                    let i = batch.index(bucket: b, country: j)
                    if batch.actual[i] > 0 && exp(batch.logProbability[i]) <= level.probability * (1 + 1e-9) { observed += 1 }
                }
            }
            #expect(level.observed == observed, "p = \(level.probability)")
            #expect(abs(level.expected - Double(check.countryBuckets) * level.probability) < 1e-6)
        }
    }

    /// A model trained on a third of today's traffic must be caught out.
    @Test func flagsAModelThatUnderestimatesTraffic() throws {
        let history = try SyntheticHistory.small.get()
        var scenario = history.traffic.scenario
        scenario.volume = 3
        let busier = SyntheticTraffic(scenario).countTable()
        let start = history.test.bucketRange?.lowerBound ?? 0
        let check = try CalibrationCheck.run(
            model: history.model, modelID: history.modelID, table: busier.window(start...(scenario.end - 900)))
        let tail = try #require(check.levels.first { $0.probability == 1e-4 })
        #expect(tail.ratio > 10)
        #expect(tail.verdict == "too many")
        #expect(tail.excessProbability < 1e-6)
    }
}
