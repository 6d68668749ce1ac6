import Foundation
import GeoSpikeIngest
import Testing

@testable import GeoSpikeEvaluation

/// The generator's counts, means and labels: determinism, shape, and attack labelling.
@Suite("Synthetic traffic")
struct SyntheticTrafficTests {
    static func scenario(
        days: Int, seed: UInt64 = 11, start: Int64 = SyntheticScenario.defaultStart, attacks: Bool = false
    )
        -> SyntheticScenario
    {
        var scenario = SyntheticScenario(days: days, seed: seed)
        scenario.start = start
        scenario.attacks = attacks
        return scenario
    }

    /// 2026-10-19, the Monday before Europe's summer time ends (Sunday 2026-10-25, 01:00 UTC).
    static let weekBeforeDSTChange: Int64 = 1_792_368_000

    @Test func sameSeedSameCountsAndLabels() {
        let a = SyntheticTraffic(Self.scenario(days: 3, attacks: true))
        let b = SyntheticTraffic(Self.scenario(days: 3, attacks: true))
        #expect(a.countTable().counts == b.countTable().counts)
        #expect(a.labels == b.labels)
        #expect(a.expectedCounts() == b.expectedCounts())
        let other = SyntheticTraffic(Self.scenario(days: 3, seed: 12, attacks: true))
        #expect(other.countTable().counts != a.countTable().counts)
    }

    @Test func aDayIsTheSameAloneOrInsideALongerWindow() {
        let long = SyntheticTraffic(Self.scenario(days: 4, attacks: true))
        let lastDay = SyntheticScenario.defaultStart + 3 * 86_400
        let alone = SyntheticTraffic(Self.scenario(days: 1, start: lastDay, attacks: true))
        let longCells = long.countTable().counts.filter { $0.key.bucketStart >= lastDay }
        let aloneCells = alone.countTable().counts
        // The AR(1) noise is warmed up from two days back, so a window agrees with a longer
        // one except where a draw sat within ~1e-5 of a Poisson boundary.
        let keys = Set(longCells.keys).union(aloneCells.keys)
        let differing = keys.filter { longCells[$0] != aloneCells[$0] }
        #expect(keys.count > 1000)
        #expect(differing.count <= keys.count / 200)
        #expect(long.labels.filter { $0.bucketStart >= lastDay } == alone.labels)
    }

    @Test func labelsNameExactlyTheCellsTheAttacksAdded() {
        let clean = SyntheticTraffic(Self.scenario(days: 3)).countTable().counts
        let attacked = SyntheticTraffic(Self.scenario(days: 3, attacks: true))
        var difference: [CellKey: Int] = [:]
        for (key, count) in attacked.countTable().counts where count != clean[key] ?? 0 {
            difference[key] = count - (clean[key] ?? 0)
        }
        var labelled: [CellKey: Int] = [:]
        for label in attacked.labels {
            labelled[CellKey(bucketStart: label.bucketStart, country: label.country)] = label.addedEvents
        }
        #expect(!labelled.isEmpty)
        #expect(difference == labelled)
        #expect(attacked.labels.allSatisfy { $0.addedEvents > 0 })
        #expect(
            attacked.labels == attacked.labels.sorted { ($0.bucketStart, $0.country) < ($1.bucketStart, $1.country) })
    }

    @Test func everyDayHasOneAttackOfEachKindSizedAsSpecified() throws {
        let traffic = SyntheticTraffic(Self.scenario(days: 3, attacks: true))
        let usual = Set(traffic.countries)
        let rank = Dictionary(uniqueKeysWithValues: traffic.profiles.map { ($0.country, $0.rank) })
        for day in 0..<3 {
            let dayStart = SyntheticScenario.defaultStart + Int64(day) * 86_400
            // Episodes start within their day; C2 and botnets may run past midnight.
            let started = traffic.episodes[(4 * day)..<(4 * day + 4)]
            #expect(started.map(\.kind) == [.exfiltration, .c2NewCountry, .scan, .botnet])
            for episode in started {
                let first = try #require(episode.addedEvents.first)
                #expect(
                    traffic.bucketStart(first.bucket) >= dayStart
                        && traffic.bucketStart(first.bucket) < dayStart + 86_400)
                let total = episode.addedEvents.reduce(0) { $0 + $1.count }
                switch episode.kind {
                case .exfiltration:
                    #expect((40...400).contains(total))
                    #expect((1...3).contains(episode.addedEvents.count))
                    #expect(try #require(rank[episode.country]) >= traffic.profiles.count / 2)
                    #expect(episode.hosts.count == 1)
                case .c2NewCountry:
                    #expect(!usual.contains(episode.country))
                    #expect(episode.addedEvents.allSatisfy { (1...40).contains($0.count) })
                    #expect(episode.fixedDestinations.count == 1)
                case .scan:
                    #expect(episode.addedEvents.count == 1 && (150...600).contains(total))
                case .botnet:
                    #expect(episode.hosts.count >= 2)
                    #expect(episode.addedEvents.count >= 8)
                }
            }
        }
        // The C2 country is never in the normal traffic, so a model has never seen it.
        let clean = SyntheticTraffic(Self.scenario(days: 3)).countTable()
        let c2 = Set(traffic.labels.filter { $0.kind == "c2-new-country" }.map(\.country))
        #expect(!c2.isEmpty && c2.isDisjoint(with: clean.countries))
    }

    @Test func strayConnectionsReachOnlyCountriesOutsideTheUsualSetAndNeverC2Ones() throws {
        var scenario = Self.scenario(days: 7)
        scenario.strayEventsPerDay = 6
        let traffic = SyntheticTraffic(scenario)
        let plain = SyntheticTraffic(Self.scenario(days: 7)).countTable().counts
        let usual = Set(traffic.countries)
        let c2 = Set(SyntheticCountryCatalog.neverSeen.compactMap { CountryCode($0) })
        let strays = traffic.countTable().counts.filter { !usual.contains($0.key.country) }
        let total = strays.values.reduce(0, +)
        #expect(total >= 20 && total <= 70, "about 42 stray events in a week, got \(total)")
        #expect(strays.keys.allSatisfy { !c2.contains($0.country) })
        // Strays add to the usual traffic without changing any of it.
        #expect(traffic.countTable().counts.filter { usual.contains($0.key.country) } == plain)
        let expected = traffic.expectedCounts()
        let meanTotal = expected.filter { !usual.contains($0.key.country) }.values.reduce(0, +)
        #expect(abs(meanTotal - 42) < 1, "the stray means add up to the asked rate, got \(meanTotal)")
    }

    @Test func volumesAreHeavyTailedWithManySilentSmallCountries() throws {
        let traffic = SyntheticTraffic(Self.scenario(days: 7))
        let table = traffic.countTable()
        let totals = table.totalsByCountry
        let perBucket = Double(totals.values.reduce(0, +)) / Double(traffic.bucketCount)
        #expect(perBucket > 30 && perBucket < 70, "about 30–60 external events a bucket at volume 1, got \(perBucket)")
        #expect(traffic.countries.count == 40)
        let usCode = try #require(CountryCode("US"))
        let us = Double(try #require(totals[usCode]))
        let tail = traffic.profiles.suffix(20).map { Double(totals[$0.country] ?? 0) }
        #expect(us > 20 * (tail.reduce(0, +) / Double(tail.count)))
        // Small countries are silent in most buckets: zeros are the norm, not an accident.
        let smallest = try #require(traffic.profiles.last).country
        let nonZero = table.counts.keys.filter { $0.country == smallest }.count
        #expect(Double(nonZero) / Double(traffic.bucketCount) < 0.4)
    }

    @Test func countsAreOverdispersedAndCorrelatedAroundTheirMeans() throws {
        let traffic = SyntheticTraffic(Self.scenario(days: 28))
        let expected = traffic.expectedCounts()
        let table = traffic.countTable()
        // Pearson dispersion Σ (y − μ)² / μ / n is 1 for Poisson counts; gamma and AR(1)
        // noise push it above, and more for the strongly bursty small countries.
        func dispersion(_ profile: CountryTrafficProfile) -> Double {
            var sum = 0.0
            var n = 0.0
            for bucket in 0..<traffic.bucketCount {
                let key = CellKey(bucketStart: traffic.bucketStart(bucket), country: profile.country)
                guard let mean = expected[key], mean > 0.2 else { continue }
                let y = Double(table.counts[key] ?? 0)
                sum += (y - mean) * (y - mean) / mean
                n += 1
            }
            return sum / n
        }
        let us = try #require(traffic.profiles.first)
        #expect(dispersion(us) > 1.3)
        let bursty = try #require(
            traffic.profiles.filter { $0.baseRate > 0.2 }.min { $0.gammaShape < $1.gammaShape })
        #expect(bursty.gammaShape < 1)
        #expect(dispersion(bursty) > dispersion(us))
        // Mean of the ratio count / expected over a week of the busiest country is ~1.
        var ratio = 0.0
        var n = 0.0
        for bucket in 0..<traffic.bucketCount {
            let key = CellKey(bucketStart: traffic.bucketStart(bucket), country: us.country)
            ratio += Double(table.counts[key] ?? 0)
            n += try #require(expected[key])
        }
        #expect(abs(ratio / n - 1) < 0.05)
    }

    @Test func officeHoursFollowTheLocalClockAcrossTheDSTChange() throws {
        let traffic = SyntheticTraffic(Self.scenario(days: 14, start: Self.weekBeforeDSTChange))
        let expected = traffic.expectedCounts()
        func totals(day: Int) -> [Double] {
            (0..<96).map { quarter in
                let start = Self.weekBeforeDSTChange + Int64(day * 96 + quarter) * 900
                return traffic.countries.reduce(0) { $0 + (expected[CellKey(bucketStart: start, country: $1)] ?? 0) }
            }
        }
        // Wednesday before and after: the morning ramp crosses half the day's peak one
        // hour (four buckets) later in UTC once Berlin is back on UTC+1.
        func rampBucket(_ day: [Double]) -> Int? {
            let peak = day.max() ?? 0
            return day.indices.first { $0 >= 16 && day[$0] >= peak / 2 }
        }
        let summer = totals(day: 2)
        let winter = totals(day: 9)
        let summerRamp = try #require(rampBucket(summer))
        let winterRamp = try #require(rampBucket(winter))
        #expect(winterRamp - summerRamp == 4)
        // Office hours dwarf the night, and a weekday dwarfs a Sunday.
        let sunday = totals(day: 6)
        #expect(summer[44] > 4 * summer[12])
        #expect(summer[44] > 2.5 * sunday[44])
    }

    @Test func nightlyJobsRunAtTwoLocalTimeInBothSeasons() throws {
        let traffic = SyntheticTraffic(Self.scenario(days: 14, start: Self.weekBeforeDSTChange))
        let job = try #require(traffic.jobs.first)
        #expect(job.hour == 2 && job.minute == 0)
        let jobBuckets = Set(
            traffic.jobCells.keys.filter { $0 % traffic.profiles.count == job.countryIndex }
                .map { $0 / traffic.profiles.count })
        // Summer: 02:00 CEST is 00:00 UTC (bucket 0 of the day); winter: 01:00 UTC (bucket 4).
        #expect(jobBuckets.contains(2 * 96) && jobBuckets.contains(2 * 96 + 1))
        #expect(jobBuckets.contains(9 * 96 + 4) && jobBuckets.contains(9 * 96 + 5))
        #expect(!jobBuckets.contains(9 * 96))
        // On the night the clock falls back, 02:00 comes twice but the job runs once.
        let changeNight = (6 * 96)..<(7 * 96)
        #expect(jobBuckets.filter { changeNight.contains($0) }.count == job.buckets)
    }

    @Test func holidaysLookLikeSundays() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let clock = OrganisationClock(timeZone: berlin, years: 2025...2026)
        let start: Int64 = 1_765_843_200  // 2025-12-16T00:00Z, a Tuesday
        func noon(_ daysFromStart: Int) -> OrganisationClock.LocalMoment {
            clock.moment(bucketStart: start + Int64(daysFromStart) * 86_400 + 11 * 3600)
        }
        #expect(noon(8).isHoliday)  // 2025-12-24
        #expect(!noon(0).isHoliday)
        #expect(noon(365 + 8).isHoliday)  // 2026-12-24
        let ordinary = BusinessHours.activity(hour: 12, weekday: 3, isHoliday: false)
        let holiday = BusinessHours.activity(hour: 12, weekday: 3, isHoliday: true)
        #expect(holiday == BusinessHours.activity(hour: 12, weekday: 0, isHoliday: false))
        #expect(ordinary > 3 * holiday)
    }

    @Test func invalidScenariosAreRejectedWithTheirReason() {
        var scenario = SyntheticScenario(days: 0, seed: 1)
        #expect(throws: GeoSpikeError.self) { try scenario.validate() }
        scenario.days = 1
        scenario.timeZone = "Mars/Olympus"
        do {
            try scenario.validate()
            Issue.record("an unknown time zone was accepted")
        } catch let error as GeoSpikeError {
            #expect(error.kind == .usage && error.message.contains("Mars/Olympus"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func samplersMatchTheirMoments() {
        var rng = SeededGenerator(seed: 5)
        let n = 40_000
        for mean in [0.3, 4.0, 25.0, 300.0] {
            let draws = (0..<n).map { _ in Double(rng.poisson(mean: mean)) }
            let m = draws.reduce(0, +) / Double(n)
            let v = draws.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)
            #expect(abs(m - mean) < 4 * (mean / Double(n)).squareRoot(), "Poisson(\(mean)) mean \(m)")
            #expect(abs(v / mean - 1) < 0.05, "Poisson(\(mean)) variance \(v)")
        }
        for shape in [0.5, 2.0, 30.0] {
            let draws = (0..<n).map { _ in rng.gamma(shape: shape, scale: 1 / shape) }
            let m = draws.reduce(0, +) / Double(n)
            let v = draws.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)
            #expect(abs(m - 1) < 0.03, "Gamma(\(shape)) mean \(m)")
            #expect(abs(v * shape - 1) < 0.08, "Gamma(\(shape)) variance \(v)")
        }
        var a = SeededGenerator(seed: 9, stream: 1, 2)
        var b = SeededGenerator(seed: 9, stream: 1, 2)
        var c = SeededGenerator(seed: 9, stream: 2, 1)
        let first = a.next()
        #expect(first == b.next())
        #expect(first != c.next())
    }
}
