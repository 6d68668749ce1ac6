import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import Testing

@Suite("Backtest")
struct BacktestTests {
    @Test func alertCountsEqualTheScorersAtEveryThreshold() throws {
        let history = try SyntheticHistory.small.get()
        let backtest = try Backtest(model: history.model, modelID: history.modelID)
        let result = try backtest.run(history.test, threshold: 60)
        #expect(result.thresholds.map(\.threshold) == [25, 50, 60, 75, 90])
        // Low thresholds must alert, or the comparison below proves nothing.
        #expect(result.thresholds[0].alerts > 10)
        for row in result.thresholds {
            var options = ScoreOptions()
            options.threshold = row.threshold
            let scored = try backtest.scorer.score(history.test, options: options)
            #expect(row.alerts == scored.alertCount, "threshold \(row.threshold)")
            let records = backtest.scorer.records(scored, table: history.test, emit: .alerts, options: options)
            #expect(row.alerts == records.count)
        }
    }

    @Test func ratesAreCountsOverCompleteDaysAndCountryBuckets() throws {
        let history = try SyntheticHistory.small.get()
        let result = try Backtest(model: history.model, modelID: history.modelID).run(history.test)
        // Three days of 96 buckets; the last is interim because no --until was given.
        #expect(result.completeBuckets == 3 * 96 - 1)
        #expect(result.interimBuckets == 1)
        #expect(abs(result.days - Double(287) / 96) < 1e-12)
        let countries = result.countries.count
        #expect(countries >= history.model.countries.count)
        #expect(result.countryBuckets == 287 * countries)
        let low = result.thresholds[0]
        #expect(abs(low.alertsPerDay - Double(low.alerts) / result.days) < 1e-12)
        #expect(abs(low.falsePositiveRate - Double(low.alerts) / Double(result.countryBuckets)) < 1e-15)
        #expect(abs(low.predictedPerDay - AnomalyScale.expectedPerDay(atScore: 25)) < 1e-12)
        // Per country and per hour break the same alerts down.
        let main = result.thresholds.firstIndex { $0.threshold == 75 } ?? 0
        #expect(result.countries.map { $0.alertsByThreshold[main] }.reduce(0, +) == result.main.alerts)
        #expect(result.hours.map(\.alerts).reduce(0, +) == result.main.alerts)
        #expect(result.hours.map(\.countryBuckets).reduce(0, +) == result.countryBuckets)
    }

    @Test func untilMakesEveryBucketComplete() throws {
        let history = try SyntheticHistory.small.get()
        let end = Double(history.traffic.scenario.end)
        let result = try Backtest(model: history.model, modelID: history.modelID).run(history.test, until: end)
        #expect(result.completeBuckets == 3 * 96)
        #expect(result.interimBuckets == 0)
    }

    @Test func thresholdForABudgetIsTheLowestThatKeepsWithinIt() throws {
        let history = try SyntheticHistory.small.get()
        let result = try Backtest(model: history.model, modelID: history.modelID).run(history.test)
        for target in [0.5, 1, 3, 10] {
            let t = result.threshold(forAlertsPerDay: target)
            #expect(Double(result.alerts(atThreshold: t)) / result.days <= target, "target \(target)")
            if t > 0 {
                #expect(Double(result.alerts(atThreshold: t - 0.1)) / result.days > target, "target \(target)")
            }
        }
    }

    @Test func jsonCarriesTheDocumentedFields() throws {
        let history = try SyntheticHistory.small.get()
        let result = try Backtest(model: history.model, modelID: history.modelID).run(history.test)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any])
        #expect(abs((object["days"] as? Double ?? 0) - result.days) < 1e-12)
        #expect(object["country_buckets"] as? Int == result.countryBuckets)
        let thresholds = try #require(object["thresholds"] as? [[String: Any]])
        #expect(thresholds.count == 4)
        #expect(thresholds[0]["threshold"] as? Double == 25)
        #expect(thresholds[0]["alerts"] as? Int == result.thresholds[0].alerts)
        // Foundation's JSON parser on Linux may round the last bit of a double.
        func close(_ value: Any?, _ expected: Double) -> Bool {
            guard let v = value as? Double else { return false }
            return abs(v - expected) <= 1e-12 * max(1, abs(expected))
        }
        #expect(close(thresholds[0]["alerts_per_day"], result.thresholds[0].alertsPerDay))
        #expect(close(thresholds[0]["false_positive_rate"], result.thresholds[0].falsePositiveRate))
        let countries = try #require(object["countries"] as? [[String: Any]])
        #expect(countries.count == result.countries.count)
        #expect(countries.first?["country"] is String)
    }

    @Test func windowKeepsSilentEdgesObserved() {
        var table = CountTable()
        let start: Int64 = 1_788_739_200
        table.add(bucketStart: start + 900, country: CountryCode("DE")!, count: 4)
        table.add(bucketStart: start + 9000, country: CountryCode("DE")!, count: 2)
        let slice = table.window(start...(start + 2700))
        #expect(slice.bucketRange == start...(start + 2700))
        #expect(slice.counts.count == 1)
        #expect(slice.count(bucketStart: start + 900, country: CountryCode("DE")!) == 4)
    }
}
