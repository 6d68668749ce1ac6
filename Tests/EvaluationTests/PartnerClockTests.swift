import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import Testing

/// Traffic to a partner's country keeps the partner's office hours.
@Suite("Synthetic partner countries on their own clocks")
struct PartnerClockTests {
    /// A Berlin organisation whose traffic to the United States follows New York's day.
    @Test func aPartnerCountryFollowsItsOwnClockAndNothingElseChanges() throws {
        var scenario = SyntheticScenario(days: 7, seed: 3)  // from Monday 2026-09-07, summer time
        scenario.countries = 5
        let plain = SyntheticTraffic(scenario)
        scenario.partnerClocks = ["US": "America/New_York"]
        try scenario.validate()
        let partnered = SyntheticTraffic(scenario)
        let us = try #require(CountryCode("US"))
        func mean(_ traffic: SyntheticTraffic, _ country: CountryCode, utcHour: Int64) -> Double {
            let expected = traffic.expectedCounts()
            // Monday to Friday, the bucket starting on the hour.
            return (0..<5).map { day in
                expected[CellKey(bucketStart: scenario.start + day * 86400 + utcHour * 3600, country: country)] ?? 0
            }.reduce(0, +) / 5
        }
        // 08:00 UTC is 10:00 in Berlin and 04:00 in New York; 15:00 UTC is 17:00 and 11:00.
        #expect(mean(plain, us, utcHour: 8) > 1.5 * mean(plain, us, utcHour: 15))
        #expect(mean(partnered, us, utcHour: 15) > 3 * mean(partnered, us, utcHour: 8))
        for country in plain.countries where country != us {
            #expect(mean(plain, country, utcHour: 8) == mean(partnered, country, utcHour: 8))
        }
        scenario.partnerClocks = ["US": "America/Gotham"]
        #expect(throws: GeoSpikeError.self) { try scenario.validate() }
    }
}
