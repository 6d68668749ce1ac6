import Foundation
import GeoSpikeIngest

/// Decides the attacks of each day: one of each kind, at random times, each against a
/// different country, sized the way such attacks look in real flow logs.
///
/// A day's attacks depend only on the seed and the day's start, so the attacked version
/// of a day is the same whether it is generated alone or inside a longer window.
struct AttackPlanner {
    let scenario: SyntheticScenario
    let profiles: [CountryTrafficProfile]
    let hosts: HostInventory
    let addresses: DestinationAddressBook
    let normalMeans: [Double]

    func plan() -> [AttackEpisode] {
        var episodes: [AttackEpisode] = []
        for day in 0..<scenario.days {
            let dayStart = scenario.start + Int64(day) * 86_400
            var rng = SeededGenerator(
                seed: scenario.seed, stream: SyntheticStreams.attacks, UInt64(bitPattern: dayStart))
            var used = Set<Int>()
            let firstBucket = day * 96
            episodes.append(exfiltration(&rng, firstBucket: firstBucket, used: &used))
            episodes.append(commandAndControl(&rng, firstBucket: firstBucket))
            episodes.append(scan(&rng, firstBucket: firstBucket, used: &used))
            episodes.append(botnet(&rng, firstBucket: firstBucket, used: &used))
        }
        return episodes.map { episode in
            var clipped = episode
            clipped.addedEvents = episode.addedEvents.filter { $0.bucket < scenario.days * 96 && $0.count > 0 }
            return clipped
        }
    }

    /// A country rank in `ranks` not used yet today (reused only when none is left).
    private func country(_ ranks: Range<Int>, _ rng: inout SeededGenerator, used: inout Set<Int>) -> Int {
        let lower = min(max(0, ranks.lowerBound), profiles.count - 1)
        let upper = max(lower + 1, min(ranks.upperBound, profiles.count))
        let free = (lower..<upper).filter { !used.contains($0) }
        let pool = free.isEmpty ? Array(lower..<upper) : free
        let rank = pool[rng.index(below: pool.count)]
        used.insert(rank)
        return rank
    }

    /// One workstation uploads 40–400 flows of megabytes to a small country in 1–3 buckets.
    private func exfiltration(_ rng: inout SeededGenerator, firstBucket: Int, used: inout Set<Int>) -> AttackEpisode {
        let rank = country(profiles.count / 2..<profiles.count, &rng, used: &used)
        let host = hosts.drawHost(&rng, kinds: [.windowsWorkstation, .macLaptop])
        let length = 1 + rng.index(below: 3)
        let start = firstBucket + rng.index(below: 96 - length + 1)
        let total = rng.integer(in: 40...400)
        let shares = (0..<length).map { _ in rng.uniform(0.5, 1.5) }
        let sum = shares.reduce(0, +)
        var counts = shares.map { max(1, Int((Double(total) * $0 / sum).rounded())) }
        counts[0] += total - counts.reduce(0, +)
        let country = profiles[rank].country
        let drops = (0..<(1 + rng.index(below: 3))).compactMap { _ in addresses.randomIPv4(country, &rng) }
        var tool = ApplicationCatalog.attackTool(for: hosts.hosts[host].kind, &rng)
        tool = NetworkApplication(
            processName: tool.processName, executable: tool.executable, endpoints: tool.endpoints,
            sentLogMean: 16.0, receivedLogMean: 7.5, logSD: 0.8)
        return AttackEpisode(
            kind: .exfiltration, country: country, hosts: [host], tool: tool, destinationPort: 443,
            addedEvents: counts.enumerated().map { (start + $0.offset, max(0, $0.element)) },
            fixedDestinations: drops, sweepBase: nil)
    }

    /// One host beacons to a server in a country never seen before, 5–30 times a bucket
    /// for 3–8 hours.
    private func commandAndControl(_ rng: inout SeededGenerator, firstBucket: Int) -> AttackEpisode {
        let pool = SyntheticCountryCatalog.neverSeen.compactMap { CountryCode($0) }.filter(addresses.covers)
        let country = pool[rng.index(below: pool.count)]
        let host = hosts.drawHost(&rng, kinds: [.windowsWorkstation, .macLaptop, .linuxServer])
        let length = rng.integer(in: 12...32)
        let start = firstBucket + rng.index(below: 96 - 12)
        let rate = rng.uniform(5, 30)
        let counts = (0..<length).map { _ in max(1, Int((rate * (1 + 0.08 * rng.normal())).rounded())) }
        let server = addresses.randomIPv4(country, &rng).map { [$0] } ?? []
        let ports = [443, 443, 8443, 8080]
        return AttackEpisode(
            kind: .c2NewCountry, country: country, hosts: [host],
            tool: ApplicationCatalog.attackTool(for: hosts.hosts[host].kind, &rng),
            destinationPort: ports[rng.index(below: ports.count)],
            addedEvents: counts.enumerated().map { (start + $0.offset, $0.element) },
            fixedDestinations: server, sweepBase: nil)
    }

    /// One host sweeps 150–600 addresses of a country in one bucket.
    private func scan(_ rng: inout SeededGenerator, firstBucket: Int, used: inout Set<Int>) -> AttackEpisode {
        let rank = country(min(3, profiles.count - 1)..<profiles.count, &rng, used: &used)
        let country = profiles[rank].country
        let host = hosts.drawHost(&rng, kinds: [.linuxServer, .windowsWorkstation])
        let bucket = firstBucket + rng.index(below: 96)
        let ports = [22, 23, 445, 3389, 5900, 8080]
        let kind = hosts.hosts[host].kind
        let tool = NetworkApplication(
            processName: kind == .linuxServer ? "masscan" : "nmap.exe",
            executable: kind == .linuxServer ? "/tmp/.cache/masscan" : #"C:\Users\Public\nmap\nmap.exe"#,
            endpoints: [], sentLogMean: 4.0, receivedLogMean: 0, logSD: 0.1)
        return AttackEpisode(
            kind: .scan, country: country, hosts: [host], tool: tool,
            destinationPort: ports[rng.index(below: ports.count)],
            addedEvents: [(bucket, rng.integer(in: 150...600))],
            fixedDestinations: [], sweepBase: addresses.sweepBase(country, &rng))
    }

    /// Two to four infected hosts multiply the traffic to a mid-size country by 2–5 for
    /// 2–6 hours (at least one extra flow a bucket on average, so nights are not silent).
    private func botnet(_ rng: inout SeededGenerator, firstBucket: Int, used: inout Set<Int>) -> AttackEpisode {
        let rank = country(profiles.count / 5..<max(profiles.count / 5 + 1, profiles.count / 2), &rng, used: &used)
        let members = (0..<rng.integer(in: 2...4)).map { _ in hosts.drawHost(&rng, kinds: [.windowsWorkstation]) }
        let length = rng.integer(in: 8...24)
        let start = firstBucket + rng.index(below: 96 - 8)
        let multiplier = rng.uniform(2, 5)
        let c = profiles.count
        let counts = (0..<length).map { offset -> (Int, Int) in
            let bucket = start + offset
            let mean = bucket < normalMeans.count / c ? normalMeans[bucket * c + rank] : 1
            return (bucket, rng.poisson(mean: (multiplier - 1) * max(mean, 1)))
        }
        let ports = [80, 443, 8080, 6667]
        return AttackEpisode(
            kind: .botnet, country: profiles[rank].country, hosts: Array(Set(members)).sorted(),
            tool: ApplicationCatalog.attackTool(for: .windowsWorkstation, &rng),
            destinationPort: ports[rng.index(below: ports.count)],
            addedEvents: counts, fixedDestinations: [], sweepBase: nil)
    }
}
