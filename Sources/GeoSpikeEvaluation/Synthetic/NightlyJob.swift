/// A scheduled job that talks to one country at the same local time every night
/// (backups to cloud storage, report uploads), which models must learn as part of normal.
struct NightlyJob: Sendable {
    /// Index into the scenario's active countries.
    let countryIndex: Int
    let hour: Int
    let minute: Int
    /// How many 15-minute buckets the job keeps running.
    let buckets: Int
    /// Mean connections per bucket while it runs.
    let eventsPerBucket: Double
    /// Which of the country's popular servers it uploads to.
    let serverRank: Int

    /// Two or three jobs to the largest countries, at 02:00 and a little after.
    static func draw(seed: UInt64, countryCount: Int, volume: Double) -> [NightlyJob] {
        var rng = SeededGenerator(seed: seed, stream: SyntheticStreams.nightlyJobs)
        let candidates = min(6, countryCount)
        var chosen: [Int] = []
        let wanted = min(candidates, 2 + rng.index(below: 2))
        while chosen.count < wanted {
            let c = rng.index(below: candidates)
            if !chosen.contains(c) { chosen.append(c) }
        }
        let starts = [(2, 0), (2, 30), (3, 15)]
        return chosen.enumerated().map { i, country in
            NightlyJob(
                countryIndex: country, hour: starts[i].0, minute: starts[i].1,
                buckets: i == 0 ? 2 : 1, eventsPerBucket: rng.uniform(12, 35) * volume, serverRank: i)
        }
    }
}
