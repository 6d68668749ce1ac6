import Foundation
import Testing

/// `geospike-eval counts` run as a user runs it: files, stdin, gzip, exit codes.
@Suite("geospike-eval counts")
struct CountsCommandTests {
    static let fixtures = BinaryRunner.packageRoot.appendingPathComponent("Tests/IngestTests/Fixtures")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static let geoIP2 = fixture("geoip/GeoIP2-Country-Test.mmdb")

    @Test func theQuirksFileGivesTheHandWorkedCounts() throws {
        let result = try run(
            "geospike-eval",
            [
                "counts", "--input", Self.fixture("ecs_quirks.ndjson"), "--geoip", Self.geoIP2, "--max-bad-fraction",
                "0.1",
            ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        // Worked out line by line in Fixtures/ecs_quirks.ndjson (see FormatReaderTests).
        #expect(
            result.stdout == """
                bucket_start,country,count
                2026-10-05T00:00:00Z,GB,1
                2026-10-05T00:00:00Z,SE,1
                2026-10-05T00:00:00Z,US,1
                2026-10-05T00:15:00Z,JP,1
                2026-10-05T00:15:00Z,SE,2
                2026-10-05T00:30:00Z,CN,2
                2026-10-05T00:30:00Z,GB,1
                2026-10-05T00:30:00Z,SE,1
                2026-10-05T00:45:00Z,GB,2
                2026-10-05T00:45:00Z,NO,1

                """)
        #expect(
            result.stderr.contains(
                "22 lines read, 13 events counted, skipped 2 malformed, 1 not network, 2 excluded process, 2 private destination, 1 unresolved country"
            ))
        #expect(result.stderr.contains("ecs_quirks.ndjson:13: truncated JSON object"))
    }

    @Test func formatsMixInOneRunAndStdinIsAnInput() throws {
        let conn = try Data(contentsOf: URL(fileURLWithPath: Self.fixture("conn.log")))
        let result = try run(
            "geospike-eval",
            [
                "counts", "--input", Self.fixture("eve.json"), "-", Self.fixture("nfdump.csv"), "--geoip", Self.geoIP2,
                "--max-bad-fraction", "0.2",
            ], stdin: conn)
        #expect(result.exitCode == 0, "\(result.stderr)")
        // eve.json + conn.log (stdin) + nfdump.csv, each worked out in FormatReaderTests.
        #expect(
            result.stdout == """
                bucket_start,country,count
                2026-10-05T00:00:00Z,GB,3
                2026-10-05T00:00:00Z,SE,3
                2026-10-05T00:15:00Z,JP,3
                2026-10-05T00:15:00Z,US,2
                2026-10-05T00:30:00Z,CN,1
                2026-10-05T00:30:00Z,NO,1
                2026-10-05T00:45:00Z,CN,2

                """)
        #expect(result.stderr.contains("<stdin> (zeek): 19 lines, 6 counted"))
    }

    @Test func gzippedStdinAndSummaryJSON() throws {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-c", "-n", Self.fixture("eve.json")]
        let pipe = Pipe()
        gzip.standardOutput = pipe
        try gzip.run()
        let compressed = pipe.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()
        let summaryPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "summary-\(UUID().uuidString).json"
        ).path
        defer { try? FileManager.default.removeItem(atPath: summaryPath) }
        let result = try run(
            "geospike-eval",
            [
                "counts", "--input", "-", "--geoip", Self.geoIP2, "--max-bad-fraction", "0.2", "--summary-json",
                summaryPath,
            ],
            stdin: compressed)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 6)
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
            as? [String: Any]
        let total = json?["total"] as? [String: Any]
        #expect(total?["eventsCounted"] as? Int == 5)
        #expect((total?["skipped"] as? [String: Int])?["notNetwork"] == 3)
    }

    @Test func badInputExitsWithTheDocumentedCodes() throws {
        let missing = try run("geospike-eval", ["counts", "--input", "/nonexistent/eve.json"])
        #expect(missing.exitCode == 66)
        #expect(missing.stderr.contains("/nonexistent/eve.json does not exist"))

        let tooBad = try run("geospike-eval", ["counts", "--input", Self.fixture("eve.json"), "--geoip", Self.geoIP2])
        #expect(tooBad.exitCode == 65)
        #expect(tooBad.stderr.contains("more than --max-bad-fraction 0.01"))
        #expect(tooBad.stdout.isEmpty)

        let strict = try run(
            "geospike-eval", ["counts", "--input", Self.fixture("conn.log"), "--geoip", Self.geoIP2, "--strict"])
        #expect(strict.exitCode == 65)
        #expect(strict.stderr.contains("conn.log:15:"))

        let empty = try run("geospike-eval", ["counts", "--input", "-"], stdin: Data())
        #expect(empty.exitCode == 65)
        #expect(empty.stderr.contains("no records in the input"))

        let binary = try run(
            "geospike-eval", ["counts", "--input", "-"], stdin: Data((0..<4096).map { UInt8($0 % 256) }))
        #expect(binary.exitCode == 65)
        #expect(binary.stderr.contains("is not a text log"))

        let usage = try run("geospike-eval", ["counts", "--input", Self.fixture("eve.json"), "--bucket-span", "7m"])
        #expect(usage.exitCode == 64)
        let format = try run("geospike-eval", ["counts", "--input", Self.fixture("eve.json"), "--format", "pcap"])
        #expect(format.exitCode == 64)
        #expect(format.stderr.contains("pcap"))
    }

    @Test func outputFileAndHourlyBuckets() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("counts-\(UUID().uuidString).csv")
            .path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try run(
            "geospike-eval",
            [
                "counts", "--input", Self.fixture("conn.log"), "--geoip", Self.geoIP2, "--max-bad-fraction", "0.2",
                "--bucket-span", "1h", "--output", output,
            ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(
            try String(contentsOfFile: output, encoding: .utf8) == """
                bucket_start,country,count
                2026-10-05T00:00:00Z,CN,1
                2026-10-05T00:00:00Z,GB,1
                2026-10-05T00:00:00Z,JP,1
                2026-10-05T00:00:00Z,NO,1
                2026-10-05T00:00:00Z,SE,1
                2026-10-05T00:00:00Z,US,1

                """)
    }
}
