import Foundation
import GeoSpikeIngest
import Testing

@testable import GeoSpikeEvaluation

/// The committed datasets are what the generator writes today: a change to the generator
/// that is not followed by `make datasets` fails here instead of silently drifting.
@Suite("Synthetic datasets")
struct SyntheticDatasetTests {
    static let datasets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("datasets")

    /// The scenario of the day after the training data, as the Makefile's `datasets` target makes it.
    static func batchDay(attacks: Bool) -> SyntheticTraffic {
        var scenario = SyntheticScenario(days: 1, seed: 7)
        scenario.start = 1_791_158_400  // 2026-10-05T00:00:00Z
        scenario.volume = 0.4
        scenario.attacks = attacks
        return SyntheticTraffic(scenario)
    }

    /// The uncompressed content of a `.gz` file (gzip's own bytes may differ between zlib
    /// versions; the content may not).
    static func gunzip(_ url: URL) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    @Test(arguments: [
        ("batch-attack-ecs.ndjson.gz", LogFormat.ecs, true),
        ("batch-clean-ecs.ndjson.gz", LogFormat.ecs, false),
        ("sample-zeek-conn.log.gz", LogFormat.zeek, false),
    ])
    func committedBatchFilesAreTheGeneratorsOutput(name: String, format: LogFormat, attacks: Bool) throws {
        let committed = Self.datasets.appendingPathComponent(name)
        try #require(FileManager.default.fileExists(atPath: committed.path), "run `make datasets`")
        let fresh = FileManager.default.temporaryDirectory.appendingPathComponent(
            "geospike-\(UUID().uuidString)-\(name)")
        defer { try? FileManager.default.removeItem(at: fresh) }
        let traffic = Self.batchDay(attacks: attacks)
        try traffic.writeLogs(format: format, to: fresh.path)
        let expected = try Self.gunzip(fresh)
        #expect(expected.count > 100_000)
        #expect(try Self.gunzip(committed) == expected, "\(name) is stale: run `make datasets`")
    }

    @Test func committedLabelsNameTheAttackBatchsCells() throws {
        let committed = Self.datasets.appendingPathComponent("batch-attack-labels.csv")
        let text = try String(contentsOf: committed, encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst()
        let labels = Self.batchDay(attacks: true).labels
        #expect(rows.count == labels.count)
        for (row, label) in zip(rows, labels) {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields[0] == Substring(Timestamp.iso8601(label.bucketStart)))
            #expect(fields[1] == Substring(label.country.code) && Int(fields[3]) == label.addedEvents)
        }
        #expect(Set(labels.map(\.kind)).count == AttackKind.allCases.count)
    }
}
