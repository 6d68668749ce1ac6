import Foundation
import GeoSpikeIngest
import Testing

@testable import GeoSpikeEvaluation

/// The written logs: faithful formats, byte-for-byte determinism, malformed lines, and
/// the contract that ingest reads back exactly the generator's count table.
@Suite("Synthetic logs")
struct SyntheticLogTests {
    /// A fresh directory per test, removed by the caller's `defer`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("geospike-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func attackedDay(seed: UInt64 = 21) -> SyntheticTraffic {
        var scenario = SyntheticScenario(days: 1, seed: seed)
        scenario.attacks = true
        scenario.strayEventsPerDay = 20  // their addresses must resolve too
        return SyntheticTraffic(scenario)
    }

    static func lines(_ url: URL) throws -> [Substring] {
        let data = try Data(contentsOf: url)
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }

    /// All formats in one ingest run (GeoIP tables load once): each file must count
    /// exactly the generator's table, and account for every other line by reason.
    @Test func ingestReadsBackExactlyTheGeneratorsCounts() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let traffic = Self.attackedDay()
        let paths = try LogFormat.allCases.map { format in
            let path = directory.appendingPathComponent(format.defaultFileName).path
            try traffic.writeLogs(format: format, to: path)
            return path
        }
        // Influencer tallies are not under test here and dominate a debug-build read.
        var options = ReaderOptions()
        options.influencerCapacity = 0
        let (table, summary) = try Ingest.countTable(paths: paths, options: options)
        let expected = traffic.countTable()
        let events = expected.counts.values.reduce(0, +)
        #expect(events > 3000)
        #expect(table.counts == expected.counts.mapValues { $0 * LogFormat.allCases.count })
        for (format, path) in zip(LogFormat.allCases, paths) {
            let file = try #require(summary.files.first { $0.path == path }, "no summary for \(path)")
            #expect(file.eventsCounted == events, "\(format) counted \(file.eventsCounted) of \(events)")
            guard format != .counts else { continue }
            let accounting = Self.expectedSkips(traffic, showsAgents: format == .ecs)
            #expect(accounting.junk > 0)
            #expect(file.skipped(.malformed) == accounting.junk, "\(format)")
            #expect(file.skipped(.privateDestination) == accounting.internalEvents, "\(format)")
            #expect(file.skipped(.excludedProcess) == accounting.agentEvents, "\(format)")
            #expect(file.skipped(.unresolvedCountry) == 0, "\(format)")
        }
    }

    /// What a reader must skip in a written log: malformed lines, private destinations,
    /// and Elastic agents' own connections (only ECS logs show them).
    static func expectedSkips(_ traffic: SyntheticTraffic, showsAgents: Bool)
        -> (junk: Int, internalEvents: Int, agentEvents: Int)
    {
        let synthesizer = BucketEventSynthesizer(traffic: traffic)
        var counts = (junk: 0, internalEvents: 0, agentEvents: 0)
        for bucket in 0..<traffic.bucketCount {
            for event in synthesizer.events(bucket: bucket) where showsAgents || !event.isAgentTraffic {
                if event.malformedDraw < traffic.scenario.malformedFraction { counts.junk += 1 }
                if event.isAgentTraffic {
                    counts.agentEvents += 1
                } else if event.country == nil {
                    counts.internalEvents += 1
                }
            }
        }
        return counts
    }

    @Test func sameSeedWritesTheSameBytes() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["a.ndjson.gz", "b.ndjson.gz", "c.tsv"] {
            let traffic = Self.attackedDay()
            try traffic.writeLogs(
                format: name.hasSuffix(".tsv") ? .zeek : .ecs, to: directory.appendingPathComponent(name).path)
        }
        let a = try Data(contentsOf: directory.appendingPathComponent("a.ndjson.gz"))
        let b = try Data(contentsOf: directory.appendingPathComponent("b.ndjson.gz"))
        #expect(a.count > 10_000 && a == b)
        try Self.attackedDay(seed: 22).writeLogs(format: .ecs, to: directory.appendingPathComponent("d.ndjson.gz").path)
        #expect(try Data(contentsOf: directory.appendingPathComponent("d.ndjson.gz")) != a)
    }

    @Test func malformedLinesAreTheAskedFractionAndNeverParse() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for fraction in [0.0, 0.05] {
            var scenario = SyntheticScenario(days: 1, seed: 3)
            scenario.malformedFraction = fraction
            let url = directory.appendingPathComponent("ecs-\(fraction).ndjson")
            try SyntheticTraffic(scenario).writeLogs(format: .ecs, to: url.path)
            let lines = try Self.lines(url)
            let bad = lines.filter { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else { return true }
                return !(object is [String: Any])
            }
            let share = Double(bad.count) / Double(lines.count)
            #expect(lines.count > 3000)
            #expect(abs(share - fraction / (1 + fraction)) < 0.01, "malformed share \(share) for \(fraction)")
        }
    }

    @Test func zeekConnLogHasTheRealHeaderAndColumns() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("conn.log")
        var scenario = SyntheticScenario(days: 1, seed: 4)
        scenario.malformedFraction = 0
        try SyntheticTraffic(scenario).writeLogs(format: .zeek, to: url.path)
        let lines = try Self.lines(url)
        #expect(lines[0] == #"#separator \x09"#)
        #expect(lines[4] == "#path\tconn")
        #expect(lines[6].hasPrefix("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice"))
        #expect(lines[7].hasPrefix("#types\ttime\tstring\taddr\tport\taddr\tport\tenum"))
        #expect(lines.last?.hasPrefix("#close\t2026-09-08-00-00-00") == true)
        let rows = lines.filter { !$0.hasPrefix("#") }
        #expect(rows.allSatisfy { $0.split(separator: "\t", omittingEmptySubsequences: false).count == 21 })
        let first = rows[0].split(separator: "\t")
        #expect(first[1].count == 18 && first[1].hasPrefix("C"))
        #expect(Double(first[0]).map { $0 >= 1_788_739_200 && $0 < 1_788_740_100 } == true)
    }

    @Test func suricataStampsLocalTimeWithTheOffsetOfTheSeason() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (start, offset) in [(Int64(1_792_368_000), "+0200"), (Int64(1_792_368_000 + 7 * 86_400), "+0100")] {
            var scenario = SyntheticScenario(days: 1, seed: 5)
            scenario.start = start
            scenario.malformedFraction = 0
            let url = directory.appendingPathComponent("eve-\(offset).json")
            try SyntheticTraffic(scenario).writeLogs(format: .suricata, to: url.path)
            let lines = try Self.lines(url)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(object["event_type"] as? String == "flow")
            let stamp = try #require(object["timestamp"] as? String)
            // e.g. 2026-10-19T02:00:03.123456+0200: local midnight + 2 h, microseconds.
            #expect(stamp.count == 31 && stamp.hasSuffix(offset))
            #expect(stamp.hasPrefix(offset == "+0200" ? "2026-10-19T02:" : "2026-10-26T01:"))
            #expect(object["dest_ip"] is String && object["flow"] is [String: Any])
        }
    }

    @Test func nfdumpCSVHasTheFullHeaderAndUTCSeconds() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("flows.csv")
        var scenario = SyntheticScenario(days: 1, seed: 6)
        scenario.malformedFraction = 0
        try SyntheticTraffic(scenario).writeLogs(format: .csv, to: url.path)
        let lines = try Self.lines(url)
        #expect(lines[0].hasPrefix("ts,te,td,sa,da,sp,dp,pr,flg,"))
        let columns = lines[0].split(separator: ",").count
        #expect(columns == 48)
        #expect(
            lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == columns }
        )
        #expect(lines[1].hasPrefix("2026-09-07 00:") && lines[1].dropFirst(19).hasPrefix(","))
    }

    @Test func labelFilesListEveryAttackedCellInCSVAndJSON() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let traffic = Self.attackedDay()
        let csv = directory.appendingPathComponent("labels.csv")
        let json = directory.appendingPathComponent("labels.json")
        try traffic.writeLabels(to: csv.path)
        try traffic.writeLabels(to: json.path)
        let decoded = try JSONDecoder().decode([SpikeLabel].self, from: Data(contentsOf: json))
        #expect(decoded == traffic.labels)
        let rows = try Self.lines(csv)
        #expect(rows[0] == "timestamp,country,kind,added_events,source_host")
        #expect(rows.count == traffic.labels.count + 1)
        let first = try #require(traffic.labels.first)
        let fields = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(fields[0] == Timestamp.iso8601(first.bucketStart))
        #expect(fields[1] == first.country.code && fields[2] == first.kind && Int(fields[3]) == first.addedEvents)
        #expect(fields[4] == (first.sourceHost ?? ""))
        #expect(Set(traffic.labels.map(\.kind)) == Set(AttackKind.allCases.map(\.rawValue)))
    }

    @Test func anUnwritableDestinationIsAnIOError() {
        let traffic = Self.attackedDay()
        do {
            try traffic.writeLogs(format: .ecs, to: "/nonexistent-dir/for/sure/ecs.ndjson.gz")
            Issue.record("writing into a missing directory succeeded")
        } catch let error as GeoSpikeError {
            #expect(error.kind == .ioError)
            #expect(error.message.contains("/nonexistent-dir/for/sure/ecs.ndjson.gz"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
