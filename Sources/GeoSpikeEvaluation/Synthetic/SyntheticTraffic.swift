import Foundation
import GeoSpikeIngest

/// Realistic, labelled network traffic of a small organisation, per 15-minute bucket and
/// destination country, and the logs that carry it.
///
/// Counts are drawn once, at initialisation (a year of 40 countries takes well under a
/// second): each country's count is Poisson around a rate shaped by office hours in the
/// organisation's time zone (with daylight saving), weekdays, holidays, slow drift,
/// bucket-to-bucket correlated noise and per-country overdispersion (see
/// `CountryTrafficProfile`), plus nightly jobs and optional stray connections. Attacks,
/// when asked for, add labelled events on top without changing a single normal event.
/// `writeLogs` then gives every counted event a host, process, ports, bytes and a
/// destination address inside its country, so a reader that parses the log must find
/// exactly `countTable()`.
public struct SyntheticTraffic: Sendable {
    public let scenario: SyntheticScenario
    /// The countries the organisation talks to normally, busiest first.
    public let profiles: [CountryTrafficProfile]
    /// The labelled attacked cells, sorted by bucket then country (empty without attacks).
    public let labels: [SpikeLabel]

    let clock: OrganisationClock
    let hosts: HostInventory
    let addresses: DestinationAddressBook
    let jobs: [NightlyJob]
    let episodes: [AttackEpisode]
    /// Per bucket: what the organisation's clock says.
    let moments: [OrganisationClock.LocalMoment]
    /// Mean of the normal (non-job) traffic, flat `[bucket * countries + country]`.
    let normalMeans: [Double]
    /// Drawn normal counts, same layout.
    let normalCounts: [Int32]
    /// Nightly-job cells: flat index → (job index, mean, drawn count).
    let jobCells: [Int: (job: Int, mean: Double, count: Int)]
    /// Bucket → (episode index, events the attack adds there).
    let attacksByBucket: [Int: [(episode: Int, count: Int)]]
    /// Bucket → stray connections to countries outside the usual set (normal traffic).
    let straysByBucket: [Int: [(country: CountryCode, count: Int)]]
    /// Mean stray events per bucket and stray country, per bucket (empty without strays).
    let strayMeans: [Double]

    /// Draws the traffic of `scenario`. Out-of-range knobs are clamped (an unknown time
    /// zone falls back to UTC); call `scenario.validate()` first to reject them instead.
    public init(_ scenario: SyntheticScenario) {
        var scenario = scenario
        scenario.days = max(1, scenario.days)
        scenario.countries = min(max(1, scenario.countries), SyntheticCountryCatalog.usual.count)
        scenario.start -= ((scenario.start % 900) + 900) % 900
        self.scenario = scenario
        let zone = TimeZone(identifier: scenario.timeZone) ?? TimeZone(secondsFromGMT: 0) ?? .current
        let firstYear = CivilDate.date(days: CivilDate.floorDiv(scenario.start, 86_400)).year
        let lastYear = CivilDate.date(days: CivilDate.floorDiv(scenario.end, 86_400)).year
        let clock = OrganisationClock(timeZone: zone, years: (firstYear - 1)...(lastYear + 1))
        let profiles = CountryTrafficProfile.draw(
            seed: scenario.seed, count: scenario.countries, volume: scenario.volume)
        let hosts = HostInventory(seed: scenario.seed, volume: scenario.volume)
        (self.clock, self.profiles, self.hosts) = (clock, profiles, hosts)
        let active = profiles.map(\.country)
        let neverSeen = SyntheticCountryCatalog.neverSeen.compactMap { CountryCode($0) }
        let rates = Dictionary(uniqueKeysWithValues: profiles.map { ($0.country, $0.baseRate) })
        let strayPool =
            scenario.strayEventsPerDay > 0 ? SyntheticCountryCatalog.strayDestinations(usualCount: active.count) : []
        let addresses = DestinationAddressBook(seed: scenario.seed, countries: active + neverSeen + strayPool) {
            country in
            // Busier countries spread over more servers.
            4 + Int((8 * (rates[country] ?? 0.2)).squareRoot() * 3)
        }
        let jobs = NightlyJob.draw(seed: scenario.seed, countryCount: profiles.count, volume: scenario.volume)
        (self.addresses, self.jobs) = (addresses, jobs)

        let bucketCount = scenario.days * 96
        let moments = (0..<bucketCount).map { clock.moment(bucketStart: scenario.start + Int64($0) * 900) }
        self.moments = moments
        let (normalMeans, normalCounts) = Self.drawNormalCounts(
            scenario: scenario, profiles: profiles, moments: moments,
            partnerActivity: Self.partnerActivity(scenario: scenario, profiles: profiles, years: clock.years))
        (self.normalMeans, self.normalCounts) = (normalMeans, normalCounts)
        jobCells = Self.drawJobCells(scenario: scenario, jobs: jobs, clock: clock, profiles: profiles)
        (straysByBucket, strayMeans) = Self.drawStrays(scenario: scenario, pool: strayPool, moments: moments)

        let episodes: [AttackEpisode]
        if scenario.attacks {
            let planner = AttackPlanner(
                scenario: scenario, profiles: profiles, hosts: hosts, addresses: addresses,
                normalMeans: normalMeans)
            episodes = planner.plan()
        } else {
            episodes = []
        }
        var byBucket: [Int: [(episode: Int, count: Int)]] = [:]
        for (index, episode) in episodes.enumerated() {
            for (bucket, count) in episode.addedEvents where count > 0 {
                byBucket[bucket, default: []].append((index, count))
            }
        }
        self.episodes = episodes
        attacksByBucket = byBucket
        labels = Self.labels(of: episodes, hosts: hosts, start: scenario.start)
    }

    /// The countries the organisation talks to normally, busiest first.
    public var countries: [CountryCode] { profiles.map(\.country) }

    /// Number of 15-minute buckets in the scenario.
    public var bucketCount: Int { moments.count }

    /// Start of bucket `index`, epoch seconds.
    public func bucketStart(_ index: Int) -> Int64 { scenario.start + Int64(index) * 900 }

    /// The exact number of events per (bucket, country) that the written logs contain,
    /// attacks included; the time range covers the whole scenario, empty edges too.
    public func countTable() -> CountTable {
        var table = CountTable(bucketSpan: .fifteenMinutes)
        table.observe(time: Double(scenario.start))
        table.observe(time: Double(scenario.end) - 0.001)
        let c = profiles.count
        for bucket in 0..<bucketCount {
            for country in 0..<c {
                let flat = bucket * c + country
                let count = Int(normalCounts[flat]) + (jobCells[flat]?.count ?? 0)
                if count > 0 {
                    table.add(bucketStart: bucketStart(bucket), country: profiles[country].country, count: count)
                }
            }
            for (country, count) in straysByBucket[bucket] ?? [] {
                table.add(bucketStart: bucketStart(bucket), country: country, count: count)
            }
            for (episode, count) in attacksByBucket[bucket] ?? [] {
                table.add(bucketStart: bucketStart(bucket), country: episodes[episode].country, count: count)
            }
        }
        return table
    }

    /// The generating mean of the normal traffic of every (bucket, usual country) cell,
    /// and of the stray countries when there are strays, zeros included: `baseRate · seasonal · drift` plus the nightly jobs' means. The
    /// correlated noise and gamma factor have mean 1, so this is E[count]; attacks are
    /// not included (they are in `labels`).
    public func expectedCounts() -> [CellKey: Double] {
        var expected: [CellKey: Double] = [:]
        expected.reserveCapacity(normalMeans.count)
        let c = profiles.count
        for bucket in 0..<bucketCount {
            for country in 0..<c {
                let flat = bucket * c + country
                expected[CellKey(bucketStart: bucketStart(bucket), country: profiles[country].country)] =
                    normalMeans[flat] + (jobCells[flat]?.mean ?? 0)
            }
            guard !strayMeans.isEmpty else { continue }
            for country in SyntheticCountryCatalog.strayDestinations(usualCount: c) {
                expected[CellKey(bucketStart: bucketStart(bucket), country: country)] = strayMeans[bucket]
            }
        }
        return expected
    }

    // MARK: - Drawing the counts

    /// Office activity per bucket on the clock of each partner country (by profile index).
    private static func partnerActivity(
        scenario: SyntheticScenario, profiles: [CountryTrafficProfile], years: ClosedRange<Int>
    ) -> [Int: [Double]] {
        var activity: [Int: [Double]] = [:]
        for (index, profile) in profiles.enumerated() {
            guard let name = scenario.partnerClocks?[profile.country.code], let zone = TimeZone(identifier: name)
            else { continue }
            let clock = OrganisationClock(timeZone: zone, years: years)
            activity[index] = (0..<(scenario.days * 96)).map {
                let moment = clock.moment(bucketStart: scenario.start + Int64($0) * 900)
                return BusinessHours.activity(hour: moment.hour, weekday: moment.weekday, isHoliday: moment.isHoliday)
            }
        }
        return activity
    }

    private static func drawNormalCounts(
        scenario: SyntheticScenario, profiles: [CountryTrafficProfile], moments: [OrganisationClock.LocalMoment],
        partnerActivity: [Int: [Double]]
    ) -> ([Double], [Int32]) {
        let c = profiles.count
        var means = [Double](repeating: 0, count: moments.count * c)
        var counts = [Int32](repeating: 0, count: moments.count * c)
        let organisationActivity = moments.map {
            BusinessHours.activity(hour: $0.hour, weekday: $0.weekday, isHoliday: $0.isHoliday)
        }
        for (country, profile) in profiles.enumerated() {
            let activity = partnerActivity[country] ?? organisationActivity
            let sd = profile.logRateSD
            let innovation = sd * (1 - profile.persistence * profile.persistence).squareRoot()
            let key = UInt64(profile.country.packed)
            // The AR(1) state is warmed up from two days before the window, so every
            // window of the same seed agrees (to ~1e-5) on the noise at the same instant.
            var state = 0.0
            for bucket in -192..<0 {
                var rng = SeededGenerator(
                    seed: scenario.seed, stream: SyntheticStreams.cellNoise, key,
                    UInt64(bitPattern: scenario.start + Int64(bucket) * 900))
                state = profile.persistence * state + innovation * rng.normal()
            }
            for bucket in 0..<moments.count {
                let start = scenario.start + Int64(bucket) * 900
                var rng = SeededGenerator(
                    seed: scenario.seed, stream: SyntheticStreams.cellNoise, key, UInt64(bitPattern: start))
                state = profile.persistence * state + innovation * rng.normal()
                let mean = profile.baseRate * profile.seasonal(activity: activity[bucket]) * profile.drift(at: start)
                let noise =
                    exp(state - sd * sd / 2) * rng.gamma(shape: profile.gammaShape, scale: 1 / profile.gammaShape)
                means[bucket * c + country] = mean
                counts[bucket * c + country] = Int32(clamping: rng.poisson(mean: mean * noise))
            }
        }
        return (means, counts)
    }

    private static func drawJobCells(
        scenario: SyntheticScenario, jobs: [NightlyJob], clock: OrganisationClock, profiles: [CountryTrafficProfile]
    ) -> [Int: (job: Int, mean: Double, count: Int)] {
        var cells: [Int: (job: Int, mean: Double, count: Int)] = [:]
        let bucketCount = scenario.days * 96
        let firstDay = CivilDate.floorDiv(scenario.start, 86_400) - 1
        let lastDay = CivilDate.floorDiv(scenario.end, 86_400) + 1
        for day in firstDay...lastDay {
            for (index, job) in jobs.enumerated() {
                let runs = clock.instant(localDay: day, hour: job.hour, minute: job.minute)
                let first = Int(CivilDate.floorDiv(runs - scenario.start, 900))
                for bucket in first..<(first + job.buckets) where bucket >= 0 && bucket < bucketCount {
                    let flat = bucket * profiles.count + job.countryIndex
                    var rng = SeededGenerator(
                        seed: scenario.seed, stream: SyntheticStreams.nightlyJobs, UInt64(index),
                        UInt64(bitPattern: scenario.start + Int64(bucket) * 900))
                    // Jobs are regular: a little run-to-run variation, no office hours.
                    let rate = job.eventsPerBucket * rng.gamma(shape: 40, scale: 1.0 / 40)
                    let count = rng.poisson(mean: rate)
                    let previous = cells[flat]
                    cells[flat] = (index, (previous?.mean ?? 0) + job.eventsPerBucket, (previous?.count ?? 0) + count)
                }
            }
        }
        return cells
    }

    /// Stray connections follow office hours (people click links), spread evenly over the
    /// stray countries; nothing is drawn when there are none, so other streams are untouched.
    private static func drawStrays(
        scenario: SyntheticScenario, pool: [CountryCode], moments: [OrganisationClock.LocalMoment]
    ) -> ([Int: [(country: CountryCode, count: Int)]], [Double]) {
        guard scenario.strayEventsPerDay > 0, !pool.isEmpty else { return ([:], []) }
        var strays: [Int: [(country: CountryCode, count: Int)]] = [:]
        var means: [Double] = []
        means.reserveCapacity(moments.count)
        for (bucket, moment) in moments.enumerated() {
            let activity = BusinessHours.activity(
                hour: moment.hour, weekday: moment.weekday, isHoliday: moment.isHoliday)
            let mean = scenario.strayEventsPerDay / 96 * activity
            means.append(mean / Double(pool.count))
            var rng = SeededGenerator(
                seed: scenario.seed, stream: SyntheticStreams.strays,
                UInt64(bitPattern: scenario.start + Int64(bucket) * 900))
            var cells: [CountryCode: Int] = [:]
            for _ in 0..<rng.poisson(mean: mean) { cells[pool[rng.index(below: pool.count)], default: 0] += 1 }
            if !cells.isEmpty { strays[bucket] = cells.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
        }
        return (strays, means)
    }

    private static func labels(of episodes: [AttackEpisode], hosts: HostInventory, start: Int64) -> [SpikeLabel] {
        var cells: [CellKey: SpikeLabel] = [:]
        for episode in episodes {
            let host = episode.hosts.count == 1 ? hosts.hosts[episode.hosts[0]].name : nil
            for (bucket, count) in episode.addedEvents where count > 0 {
                let key = CellKey(bucketStart: start + Int64(bucket) * 900, country: episode.country)
                if var existing = cells[key] {
                    // Two attacks in one cell: one label, the larger attack names it.
                    if count > existing.addedEvents { existing.kind = episode.kind.rawValue }
                    if existing.sourceHost != host { existing.sourceHost = nil }
                    existing.addedEvents += count
                    cells[key] = existing
                } else {
                    cells[key] = SpikeLabel(
                        bucketStart: key.bucketStart, country: key.country, kind: episode.kind.rawValue,
                        addedEvents: count, sourceHost: host)
                }
            }
        }
        return cells.sorted { $0.key < $1.key }.map(\.value)
    }
}
