import Foundation
import Testing

/// Event times from a broken clock or a corrupted field: the line is malformed (counted,
/// named by file and line, exit 65 past --max-bad-fraction), and a span that is still
/// too long after that is refused before a grid of its size is allocated.
@Suite("Implausible event times", .serialized)
struct ImplausibleTimeTests {
    static let model = BinaryRunner.packageRoot.appendingPathComponent("models/demo.gsm").path

    static func ecs(_ timestamp: String, category: String = "network") -> String {
        #"{"@timestamp":"\#(timestamp)","event":{"category":["\#(category)"]},"destination":{"ip":"81.2.69.160","geo":{"country_iso_code":"GB"}}}"#
    }

    /// A file in a fresh directory, removed with it by the caller.
    static func file(_ name: String, _ text: String) throws -> (path: String, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("implausible-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return (url.path, directory)
    }

    @Test func yearNineThousandInABatchIsAMalformedLine() throws {
        let (batch, directory) = try Self.file("two.ndjson", Self.ecs("2026-10-05T10:01:00Z") + "\n" + Self.ecs("9999-10-05T10:01:00Z") + "\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run("geospike-score", ["--model", Self.model, "--input", batch, "--geoip", "none"])
        #expect(result.exitCode == 65, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("two.ndjson:2: event time 9999-10-05T10:01:00Z is outside the plausible window"))
        #expect(result.stderr.contains("1 of 2 records (50.0%) are malformed"))
        // Within the bad-line budget, the plausible line is scored and the other counted as malformed.
        let tolerant = try run(
            "geospike-score", ["--model", Self.model, "--input", batch, "--geoip", "none", "--max-bad-fraction", "0.5", "--emit", "all"])
        #expect(tolerant.exitCode == 0, "\(tolerant.stderr)")
        #expect(tolerant.stdout.split(separator: "\n").count == 1)
        #expect(tolerant.stderr.contains("skipped 1 malformed"))
    }

    /// Uncounted events say which buckets were observed, so theirs are checked as well.
    @Test func anUncountedEventInYearNineThousandIsMalformedToo() throws {
        let (batch, directory) = try Self.file(
            "other.ndjson", Self.ecs("2026-10-05T10:01:00Z") + "\n" + Self.ecs("9999-10-05T10:01:00Z", category: "process") + "\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run("geospike-score", ["--model", Self.model, "--input", batch, "--geoip", "none"])
        #expect(result.exitCode == 65, "\(result.stderr)")
        #expect(result.stderr.contains("other.ndjson:2: event time 9999"))
    }

    /// With the window opened wide, the scorer still refuses to score 280 million buckets.
    @Test func aBatchSpanningCenturiesIsRefusedBeforeItIsAllocated() throws {
        let (batch, directory) = try Self.file("two.ndjson", Self.ecs("2026-10-05T10:01:00Z") + "\n" + Self.ecs("9999-10-05T10:01:00Z") + "\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run(
            "geospike-score", ["--model", Self.model, "--input", batch, "--geoip", "none", "--not-after", "9999-12-31"])
        #expect(result.exitCode == 65, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("the batch spans 279559489 buckets"), "\(result.stderr)")
    }

    @Test func aCountsRowInYearNineThousandIsMalformedAndTheTrainerRefusesTheSpan() throws {
        let (counts, directory) = try Self.file(
            "c.csv", "bucket_start,country,count\n2026-10-05T10:00:00Z,GB,3\n9999-01-01T00:00:00Z,GB,1\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("m.gsm").path
        let result = try run("geospike-train", ["--input", counts, "--out", out, "--quiet"])
        #expect(result.exitCode == 65, "\(result.stderr)")
        #expect(result.stderr.contains("c.csv:3: bucket start: event time 9999-01-01T00:00:00Z is outside the plausible window"))
        let wide = try run("geospike-train", ["--input", counts, "--out", out, "--quiet", "--not-after", "9999-12-31"])
        #expect(wide.exitCode == 65, "\(wide.stderr)")
        #expect(wide.stderr.contains("the training data spans 279532857 buckets"), "\(wide.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func theWindowIsAnOptionOfEveryReader() throws {
        let (batch, directory) = try Self.file("one.ndjson", Self.ecs("2026-10-05T10:01:00Z") + "\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let late = try run("geospike-eval", ["counts", "--input", batch, "--geoip", "none", "--not-before", "2027-01-01"])
        #expect(late.exitCode == 65, "\(late.stderr)")
        #expect(late.stderr.contains("one.ndjson:1: event time 2026-10-05T10:01:00Z is outside the plausible window 2027-01-01T00:00:00Z"))
        let fine = try run("geospike-eval", ["counts", "--input", batch, "--geoip", "none", "--not-after", "2026-10-06T00:00:00Z"])
        #expect(fine.exitCode == 0, "\(fine.stderr)")
        #expect(fine.stdout.contains("GB,1"))
        for bad in [["--not-after", "tomorrow"], ["--not-before", "2026-10-06", "--not-after", "2026-10-05"]] {
            let usage = try run("geospike-eval", ["counts", "--input", batch] + bad)
            #expect(usage.exitCode == 64, "\(bad): \(usage.stderr)")
        }
    }
}
