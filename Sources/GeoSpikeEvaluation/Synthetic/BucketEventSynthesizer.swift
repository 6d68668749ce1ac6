import GeoSpikeIngest

/// Gives every event counted in a bucket its details (host, process, ports, bytes,
/// destination address, time within the bucket), adds the traffic that readers must not
/// count (internal destinations, Elastic's agents), and sorts the bucket by time.
///
/// Normal events draw from the bucket's own stream and attack events from the attacks'
/// streams, so a clean and an attacked log of the same day agree line for line on every
/// normal event.
struct BucketEventSynthesizer {
    let traffic: SyntheticTraffic
    private let applications: [[(app: NetworkApplication, weight: Double)]]
    private let cumulativeApplications: [[Double]]

    init(traffic: SyntheticTraffic) {
        self.traffic = traffic
        let kinds: [SyntheticHost.Kind] = [.windowsWorkstation, .macLaptop, .linuxServer]
        applications = kinds.map(ApplicationCatalog.applications(for:))
        cumulativeApplications = applications.map { $0.map(\.weight).runningTotals }
    }

    /// The bucket's events in time order.
    func events(bucket: Int) -> [SyntheticEvent] {
        let start = traffic.bucketStart(bucket)
        let scenario = traffic.scenario
        var rng = SeededGenerator(
            seed: scenario.seed, stream: SyntheticStreams.bucketDetails, UInt64(bitPattern: start))
        var events: [SyntheticEvent] = []
        let c = traffic.profiles.count
        var totalMean = 0.0
        for country in 0..<c {
            let flat = bucket * c + country
            totalMean += traffic.normalMeans[flat]
            let code = traffic.profiles[country].country
            for _ in 0..<Int(traffic.normalCounts[flat]) {
                events.append(ordinaryEvent(to: code, start: start, &rng))
            }
            if let cell = traffic.jobCells[flat] {
                let job = traffic.jobs[cell.job]
                for _ in 0..<cell.count { events.append(jobEvent(job, country: code, start: start, &rng)) }
            }
        }
        for (country, count) in traffic.straysByBucket[bucket] ?? [] {
            for _ in 0..<count { events.append(ordinaryEvent(to: country, start: start, &rng)) }
        }
        for _ in 0..<rng.poisson(mean: scenario.internalFraction * totalMean) {
            events.append(internalEvent(start: start, &rng))
        }
        for _ in 0..<rng.poisson(mean: scenario.agentNoiseFraction * totalMean + 0.02) {
            events.append(agentEvent(start: start, &rng))
        }
        for (episode, count) in traffic.attacksByBucket[bucket] ?? [] {
            var attackRng = SeededGenerator(
                seed: scenario.seed, stream: SyntheticStreams.attackDetails, UInt64(bitPattern: start), UInt64(episode))
            events += attackEvents(traffic.episodes[episode], count: count, start: start, &attackRng)
        }
        // Sort by time; ties keep generation order, so the output is fully determined.
        return events.enumerated().sorted {
            $0.element.timeMicros != $1.element.timeMicros
                ? $0.element.timeMicros < $1.element.timeMicros : $0.offset < $1.offset
        }.map(\.element)
    }

    // MARK: - Normal traffic

    private func ordinaryEvent(to country: CountryCode, start: Int64, _ rng: inout SeededGenerator) -> SyntheticEvent {
        let host = traffic.hosts.drawHost(&rng)
        let kindIndex = Self.kindIndex(traffic.hosts.hosts[host].kind)
        let app = applications[kindIndex][rng.pick(cumulative: cumulativeApplications[kindIndex])].app
        let destination = traffic.addresses.draw(country, &rng) ?? .v4(0x0808_0808)
        return connection(host: host, app: app, destination: destination, country: country, start: start, &rng)
    }

    private func jobEvent(_ job: NightlyJob, country: CountryCode, start: Int64, _ rng: inout SeededGenerator)
        -> SyntheticEvent
    {
        let destination = traffic.addresses.popular(country, rank: job.serverRank) ?? .v4(0x0808_0808)
        var event = connection(
            host: traffic.hosts.backupHost, app: ApplicationCatalog.backup, destination: destination,
            country: country, start: start, &rng)
        event.ecsStyle = .nested
        return event
    }

    private func internalEvent(start: Int64, _ rng: inout SeededGenerator) -> SyntheticEvent {
        let host = traffic.hosts.drawHost(&rng)
        let service = Self.internalServices[rng.pick(cumulative: Self.internalCumulative)]
        let app = NetworkApplication(
            processName: service.process(traffic.hosts.hosts[host].kind), executable: "",
            endpoints: [.init(port: service.port, transport: service.transport, service: service.name, weight: 1)],
            sentLogMean: 7, receivedLogMean: 8.5, logSD: 1.5)
        let destination: SyntheticAddress
        switch service.network {
        case 0: destination = .v4(0x0A00_0000 | UInt32(10 + rng.index(below: 20)))
        case 1: destination = .v4(0xC0A8_0A00 | UInt32(20 + rng.index(below: 30)))
        case 2: destination = .v4(0xAC10_0500 | UInt32(1 + rng.index(below: 60)))
        default: destination = .v6(high: 0xFD12_3456_789A_0001, low: UInt64(1 + rng.index(below: 40)))
        }
        return connection(host: host, app: app, destination: destination, country: nil, start: start, &rng)
    }

    private func agentEvent(start: Int64, _ rng: inout SeededGenerator) -> SyntheticEvent {
        let host = traffic.hosts.drawHost(&rng)
        let agents = ApplicationCatalog.agents
        let app = agents[rng.index(below: agents.count)]
        // Elastic Cloud deployments sit in the organisation's busiest regions.
        let country = traffic.profiles[rng.index(below: min(4, traffic.profiles.count))].country
        let destination = traffic.addresses.popular(country, rank: 0) ?? .v4(0x0808_0808)
        var event = connection(host: host, app: app, destination: destination, country: country, start: start, &rng)
        event.isAgentTraffic = true
        event.ecsStyle = .nested
        return event
    }

    // MARK: - Attacks

    private func attackEvents(_ episode: AttackEpisode, count: Int, start: Int64, _ rng: inout SeededGenerator)
        -> [SyntheticEvent]
    {
        (0..<count).map { j in
            let host = episode.hosts[rng.index(below: episode.hosts.count)]
            var destination: SyntheticAddress
            switch episode.kind {
            case .exfiltration, .c2NewCountry:
                destination =
                    episode.fixedDestinations.isEmpty
                    ? .v4(0x0808_0808) : episode.fixedDestinations[rng.index(below: episode.fixedDestinations.count)]
            case .scan:
                destination = .v4((episode.sweepBase ?? 0x0808_0800) &+ UInt32(j % 1024))
            case .botnet:
                destination = traffic.addresses.randomIPv4(episode.country, &rng) ?? .v4(0x0808_0808)
            }
            let app = NetworkApplication(
                processName: episode.tool.processName, executable: episode.tool.executable,
                endpoints: [.init(port: episode.destinationPort, transport: .tcp, service: nil, weight: 1)],
                sentLogMean: episode.tool.sentLogMean, receivedLogMean: episode.tool.receivedLogMean,
                logSD: episode.tool.logSD)
            var event = connection(
                host: host, app: app, destination: destination, country: episode.country, start: start, &rng)
            switch episode.kind {
            case .c2NewCountry:
                // Beacons tick at a steady interval with a little jitter.
                let slot = (Double(j) + 0.5 + 0.15 * rng.normal()) / Double(count)
                event.timeMicros = start * 1_000_000 + Int64(min(max(slot, 0), 0.999_999) * 900_000_000)
                event.service = episode.destinationPort == 8080 ? "http" : "ssl"
            case .scan:
                event.outcome = rng.chance(0.8) ? .noReply : .rejected
                event.bytesSent = 0
                event.bytesReceived = 0
                event.packetsSent = 1 + rng.index(below: 2)
                event.packetsReceived = event.outcome == .rejected ? 1 : 0
                event.durationMicros = Int64(rng.index(below: 3_000_000))
            case .exfiltration, .botnet:
                event.service = episode.destinationPort == 443 ? "ssl" : nil
            }
            return event
        }
    }

    // MARK: - One connection

    private func connection(
        host: Int, app: NetworkApplication, destination: SyntheticAddress, country: CountryCode?, start: Int64,
        _ rng: inout SeededGenerator
    ) -> SyntheticEvent {
        let endpoint: NetworkApplication.Endpoint
        if app.endpoints.count <= 1 {
            endpoint = app.endpoints.first ?? NetworkApplication.https
        } else {
            endpoint = app.endpoints[rng.pick(cumulative: app.endpoints.map(\.weight).runningTotals)]
        }
        let kind = traffic.hosts.hosts[host].kind
        let sourcePort =
            kind == .windowsWorkstation ? 49_152 + rng.index(below: 16_384) : 32_768 + rng.index(below: 28_232)
        let outcomeDraw = rng.uniform()
        let outcome: SyntheticEvent.Outcome =
            outcomeDraw < 0.95 ? .completed : outcomeDraw < 0.97 ? .reset : outcomeDraw < 0.99 ? .noReply : .rejected
        let sent = Int(min(rng.logNormal(mu: app.sentLogMean, sigma: app.logSD), 4e9))
        let received =
            outcome == .noReply || outcome == .rejected
            ? 0 : Int(min(rng.logNormal(mu: app.receivedLogMean, sigma: app.logSD), 4e9))
        // Big transfers take time: a few MB/s for a single connection over the internet.
        let transferMicros = Double(sent + received) / rng.logNormal(mu: 1.6, sigma: 0.5)
        let styleDraw = rng.uniform()
        let style: SyntheticEvent.ECSStyle =
            styleDraw < 0.55 ? .nested : styleDraw < 0.8 ? .dotted : styleDraw < 0.92 ? .mixed : .addressOnly
        return SyntheticEvent(
            timeMicros: start * 1_000_000 + Int64(rng.index(below: 900_000_000)),
            host: host, sourcePort: sourcePort, destination: destination, country: country,
            destinationPort: endpoint.port, transport: endpoint.transport, service: endpoint.service,
            processName: app.processName, executable: app.executable,
            bytesSent: sent, bytesReceived: received,
            packetsSent: 1 + sent / 1200 + rng.index(below: 3),
            packetsReceived: received == 0 ? (outcome == .rejected ? 1 : 0) : 1 + received / 1400 + rng.index(below: 3),
            durationMicros: Int64(min(max(rng.logNormal(mu: 13.5, sigma: 1.6), transferMicros), 3.6e9)),
            outcome: outcome, ecsStyle: style,
            malformedDraw: rng.uniform(), junkSeed: rng.next())
    }

    private static func kindIndex(_ kind: SyntheticHost.Kind) -> Int {
        switch kind {
        case .windowsWorkstation: return 0
        case .macLaptop: return 1
        case .linuxServer: return 2
        }
    }

    /// Services inside the organisation; `network` 0 = 10/8 servers, 1 = 192.168 printers
    /// and lab, 2 = 172.16/12 container network, 3 = fd00::/8 ULA.
    private struct InternalService {
        let name: String?
        let port: Int
        let transport: NetworkApplication.Transport
        let network: Int
        let weight: Double
        let windowsProcess: String
        let otherProcess: String
        func process(_ kind: SyntheticHost.Kind) -> String {
            kind == .windowsWorkstation ? windowsProcess : otherProcess
        }
    }

    private static let internalServices: [InternalService] = [
        InternalService(
            name: "dns", port: 53, transport: .udp, network: 0, weight: 30, windowsProcess: "svchost.exe",
            otherProcess: "systemd-resolved"),
        InternalService(
            name: "ldap", port: 389, transport: .tcp, network: 0, weight: 10, windowsProcess: "lsass.exe",
            otherProcess: "sssd_be"),
        InternalService(
            name: "krb", port: 88, transport: .tcp, network: 0, weight: 8, windowsProcess: "lsass.exe",
            otherProcess: "sssd_be"),
        InternalService(
            name: "smb", port: 445, transport: .tcp, network: 0, weight: 15, windowsProcess: "System",
            otherProcess: "smbd"),
        InternalService(
            name: "http", port: 3128, transport: .tcp, network: 0, weight: 8, windowsProcess: "chrome.exe",
            otherProcess: "curl"),
        InternalService(
            name: "ssl", port: 9200, transport: .tcp, network: 2, weight: 6, windowsProcess: "chrome.exe",
            otherProcess: "java"),
        InternalService(
            name: "ssh", port: 22, transport: .tcp, network: 0, weight: 5, windowsProcess: "ssh.exe",
            otherProcess: "sshd"),
        InternalService(
            name: nil, port: 9100, transport: .tcp, network: 1, weight: 3, windowsProcess: "spoolsv.exe",
            otherProcess: "cupsd"),
        InternalService(
            name: "rdp", port: 3389, transport: .tcp, network: 0, weight: 3, windowsProcess: "mstsc.exe",
            otherProcess: "xfreerdp"),
        InternalService(
            name: "dns", port: 53, transport: .udp, network: 3, weight: 6, windowsProcess: "svchost.exe",
            otherProcess: "systemd-resolved"),
    ]

    private static let internalCumulative = internalServices.map(\.weight).runningTotals
}
