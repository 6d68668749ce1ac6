import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeTestSupport
import Testing

@Suite("New highs")
struct NewHighTests {
    /// Three weeks of Poisson(3), a burst of 40 on day 2 at 10:00 UTC (older than the two
    /// weeks a model remembers) and one of 25 on day 18 at 14:15.
    @Test func theModelRemembersTheLastTwoWeeksHighsOverallAndByHour() throws {
        let oldBurst = Simulated.start + 2 * 86400 + 10 * 3600
        let recentBurst = Simulated.start + 18 * 86400 + 14 * 3600 + 900
        let table = Simulated.table(
            days: 21, draw: { t, rng in t == oldBurst ? 40 : t == recentBurst ? 25 : rng.poisson(3) }, seed: 8)
        let model = try Trainer(options: TrainingOptions()).train(table)
        let se = try #require(model.countries.first { $0.country == "SE" })
        #expect(se.recentMaximum == 25)
        #expect(se.recentHourlyMaximum.count == 24)
        #expect(se.recentHourlyMaximum[14] == 25)
        // The old burst is forgotten: 10:00 holds only ordinary Poisson(3) counts.
        #expect(se.recentHourlyMaximum[10] < 20)
        #expect(se.newHigh(count: 26, localHour: 3) == "overall")
        #expect(se.newHigh(count: 24, localHour: 3) == "hour")
        #expect(se.newHigh(count: 24, localHour: 14) == nil)
        #expect(se.newHigh(count: 1, localHour: 3) == nil)
    }
}
