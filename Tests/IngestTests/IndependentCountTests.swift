import Foundation
import Testing

@testable import GeoSpikeIngest

/// Large generated logs whose true counts the generator knows, computed without any ingest code.
@Suite("Counts against an independent computation")
struct IndependentCountTests {
    /// Addresses whose country MaxMind's GeoIP2 test database documents.
    static let resolvable: [(ip: String, country: String)] = [
        ("89.160.20.156", "SE"), ("81.2.69.160", "GB"), ("216.160.83.56", "US"), ("67.43.156.1", "BT"),
        ("175.16.199.74", "CN"), ("2001:218::1", "JP"), ("2a02:cf40::1", "NO"),
    ]
    static let names = ["SE": "Sweden", "GB": "United Kingdom", "US": "United States", "JP": "Japan", "NO": "Norway"]

    struct Truth {
        var counts: [String: Int] = [:]
        var skipped: [SkipReason: Int] = [:]
        var lines = 0
    }

    /// A deterministic generator (SplitMix64) so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func generateECS(events: Int, seed: UInt64) -> (text: String, truth: Truth) {
        var rng = SplitMix(state: seed)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var truth = Truth()
        var lines: [String] = []
        for _ in 0..<events {
            // Two days of traffic, with times drawn independently of bucket arithmetic.
            let millis = Int64.random(in: 0..<(2 * 86_400_000), using: &rng)
            let time = Double(Fixture.day) + Double(millis) / 1000
            let stamp = formatter.string(from: Date(timeIntervalSince1970: time))
            let bucket = Int64((time / 900).rounded(.down)) * 900
            let target = resolvable.randomElement(using: &rng)!
            let nested = Bool.random(using: &rng)
            var fields: [String] = ["\"@timestamp\":\"\(stamp)\""]
            var outcome: String? = "\((bucket - Fixture.day) / 60)/\(target.country)"
            var notNetwork = false
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:  // A process that Elastic's datafeed excludes.
                let process = ["filebeat", "Metricbeat.exe", "elastic-agent", "winlogbeat.EXE"].randomElement(
                    using: &rng)!
                fields.append(nested ? "\"process\":{\"name\":\"\(process)\"}" : "\"process.name\":\"\(process)\"")
                fields.append("\"destination.ip\":\"\(target.ip)\"")
                truth.skipped[.excludedProcess, default: 0] += 1
                outcome = nil
            case 1:  // Not a network event.
                fields.append("\"event\":{\"category\":[\"process\",\"file\"]}")
                fields.append("\"destination\":{\"ip\":\"\(target.ip)\"}")
                truth.skipped[.notNetwork, default: 0] += 1
                outcome = nil
                notNetwork = true
            case 2:  // Private destination.
                fields.append("\"destination\":{\"ip\":\"192.168.\(Int.random(in: 0...255, using: &rng)).7\"}")
                truth.skipped[.privateDestination, default: 0] += 1
                outcome = nil
            case 3:  // Country given by name only.
                if let name = names[target.country] {
                    fields.append("\"destination.geo.country_name\":\"\(name)\"")
                } else {
                    fields.append("\"destination.geo.country_iso_code\":\"\(target.country)\"")
                }
            case 4:  // Country code, nested.
                fields.append("\"destination\":{\"geo\":{\"country_iso_code\":\"\(target.country)\"},\"port\":443}")
            default:  // GeoIP on the destination address, either key style.
                fields.append(
                    nested ? "\"destination\":{\"ip\":\"\(target.ip)\"}" : "\"destination.ip\":\"\(target.ip)\"")
            }
            if !notNetwork, Bool.random(using: &rng) {
                fields.append(nested ? "\"event\":{\"category\":[\"network\"]}" : "\"event.category\":\"network\"")
            }
            fields.append(
                "\"source\":{\"ip\":\"10.0.\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 1...254, using: &rng))\"}"
            )
            fields.shuffle(using: &rng)
            lines.append("{" + fields.joined(separator: ",") + "}")
            if let outcome { truth.counts[outcome, default: 0] += 1 }
        }
        truth.lines = lines.count
        return (lines.joined(separator: "\n") + "\n", truth)
    }

    @Test func generatedECSMatchesTheGeneratorsTally() throws {
        let (text, truth) = Self.generateECS(events: 4000, seed: 20_261_005)
        let path = try Fixture.write(text, name: "generated.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options(maxBadFraction: 0))
        #expect(Fixture.cells(table) == truth.counts)
        #expect(summary.total.skipped == truth.skipped)
        #expect(summary.total.linesRead == truth.lines)
        #expect(summary.total.eventsCounted == truth.counts.values.reduce(0, +))
    }

    @Test func gzipAndSeveralFilesAddUp() throws {
        let (text, truth) = Self.generateECS(events: 1500, seed: 7)
        let plain = try Fixture.write(text, name: "part.ndjson")
        let compressed = try Gzip.compress(plain)
        defer { for file in [plain, compressed] { try? FileManager.default.removeItem(atPath: file) } }
        let (table, summary) = try Ingest.countTable(
            paths: [plain, compressed], options: Fixture.options(maxBadFraction: 0))
        #expect(Fixture.cells(table) == truth.counts.mapValues { $0 * 2 })
        #expect(summary.files.count == 2)
        #expect(summary.files[0].eventsCounted == summary.files[1].eventsCounted)
        #expect(summary.files[1].linesRead == truth.lines)
    }

    @Test func perEventStreamCarriesTheSameEvents() throws {
        let (text, truth) = Self.generateECS(events: 600, seed: 99)
        let path = try Fixture.write(text, name: "stream.ndjson")
        var counted: [String: Int] = [:]
        var private_ = 0
        let summary = try Ingest.forEachEvent(paths: [path], options: Fixture.options(maxBadFraction: 0)) { event in
            if let country = event.country {
                #expect(event.skipReason == nil)
                let bucket = Int64((event.time / 900).rounded(.down)) * 900
                counted["\((bucket - Fixture.day) / 60)/\(country.code)", default: 0] += 1
            } else if event.skipReason == .privateDestination {
                private_ += 1
            }
        }
        #expect(counted == truth.counts)
        #expect(private_ == truth.skipped[.privateDestination] ?? 0)
        #expect(summary.total.eventsCounted == truth.counts.values.reduce(0, +))
    }
}

/// gzip through the system tool, so the tests check our zlib reading against another writer.
enum Gzip {
    static func compress(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-k", "-f", "-n", path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GeoSpikeError(.ioError, "gzip failed on \(path)") }
        return path + ".gz"
    }
}
