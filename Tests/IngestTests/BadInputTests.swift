import Foundation
import Testing

@testable import GeoSpikeIngest

/// Bad input gets a clear error with the right exit code, and nothing is lost unreported.
@Suite("Bad input and accounting")
struct BadInputTests {
    static let goodLine = #"{"@timestamp":"2026-10-05T00:01:00Z","destination":{"ip":"89.160.20.156"}}"#

    func lines(good: Int, bad: Int) -> String {
        Array(repeating: Self.goodLine, count: good).joined(separator: "\n") + "\n"
            + Array(repeating: #"{"@timestamp":"2026-10-05T00:02:00Z","destination":{"ip":"89.1"#, count: bad)
            .joined(separator: "\n") + "\n"
    }

    @Test func aFewMalformedLinesAreSkippedAndReported() throws {
        let path = try Fixture.write(lines(good: 199, bad: 1), name: "few-bad.ndjson")
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options(maxBadFraction: 0.01))
        #expect(Fixture.cells(table) == ["0/SE": 199])
        #expect(summary.total.skipped == [.malformed: 1])
        #expect(summary.total.malformedExamples == ["\(path):200: truncated JSON object"])
        #expect(summary.report.contains("\(path):200: truncated JSON object"))
    }

    @Test func tooManyMalformedLinesFailWithExit65() throws {
        let path = try Fixture.write(lines(good: 97, bad: 3), name: "many-bad.ndjson")
        let error = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [path], options: Fixture.options(maxBadFraction: 0.01))
        }
        #expect(error?.exitCode == 65)
        #expect(
            error?.message.contains("3 of 100 records (3.0%) are malformed, more than --max-bad-fraction 0.01") == true)
        #expect(error?.message.contains("\(path):98: truncated JSON object") == true)
    }

    @Test func strictStopsAtTheFirstMalformedLine() throws {
        let path = try Fixture.write(lines(good: 5, bad: 1) + Self.goodLine + "\n", name: "strict.ndjson")
        var options = Fixture.options()
        options.strict = true
        let error = #expect(throws: GeoSpikeError.self) { try Ingest.countTable(paths: [path], options: options) }
        #expect(error?.kind == .badData)
        #expect(error?.message.hasPrefix("\(path):6: truncated JSON object") == true)
    }

    @Test func missingFilesFailWithExit66BeforeAnythingIsRead() throws {
        let good = try Fixture.write(Self.goodLine + "\n", name: "good.ndjson")
        let error = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [good, "/nonexistent/conn.log"], options: Fixture.options())
        }
        #expect(error?.exitCode == 66)
        #expect(error?.message.contains("/nonexistent/conn.log does not exist") == true)
        let directory = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [Fixture.directory.path], options: Fixture.options())
        }
        #expect(directory?.exitCode == 66)
        #expect(directory?.message.contains("is a directory") == true)
    }

    @Test func emptyInputFailsWithExit65() throws {
        let empty = try Fixture.write("", name: "empty.ndjson")
        let blank = try Fixture.write("\n  \n\n", name: "blank.ndjson")
        for path in [empty, blank] {
            let error = #expect(throws: GeoSpikeError.self) {
                try Ingest.countTable(paths: [path], options: Fixture.options())
            }
            #expect(error?.exitCode == 65)
            #expect(error?.message.contains("no records in the input") == true)
        }
        // One empty file among good ones is a warning, not a failure.
        let good = try Fixture.write(Self.goodLine + "\n", name: "with-empty.ndjson")
        let (_, summary) = try Ingest.countTable(paths: [good, empty], options: Fixture.options())
        #expect(summary.total.eventsCounted == 1)
        #expect(summary.report.contains("warning: \(empty) is empty"))
    }

    @Test func headerOnlyZeekLogIsNoRecords() throws {
        let header = try String(contentsOfFile: Fixture.path("conn.log"), encoding: .utf8)
            .split(separator: "\n").filter { $0.contains("#") }.joined(separator: "\n")
        let path = try Fixture.write(header + "\n", name: "header-only.log")
        let error = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [path], options: Fixture.options())
        }
        #expect(error?.exitCode == 65)
    }

    @Test func binaryGarbageIsRejectedAsNotText() throws {
        var bytes = [UInt8]()
        var state: UInt32 = 12345
        for _ in 0..<8192 {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        let path = Fixture.temporaryPath("garbage.bin")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [path], options: Fixture.options())
        }
        #expect(error?.exitCode == 65)
        #expect(error?.message.contains("is not a text log") == true)
        let utf16 = Fixture.temporaryPath("utf16.ndjson")
        try Data(Self.goodLine.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(
            to: URL(fileURLWithPath: utf16))
        let utf16Error = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [utf16], options: Fixture.options())
        }
        #expect(utf16Error?.message.contains("NUL bytes") == true)
    }

    @Test func truncatedGzipIsBadDataNotACrash() throws {
        let plain = try Fixture.write(lines(good: 3000, bad: 0), name: "cut.ndjson")
        let compressed = try Gzip.compress(plain)
        let data = try Data(contentsOf: URL(fileURLWithPath: compressed))
        let cut = Fixture.temporaryPath("cut-short.ndjson.gz")
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: cut))
        let error = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [cut], options: Fixture.options())
        }
        #expect(error?.exitCode == 65)
        #expect(error?.message.contains("truncated gzip") == true)
    }

    @Test func linesLongerThanTheReadBufferAreRead() throws {
        let padding = String(repeating: "x", count: 3 << 20)
        let long =
            #"{"@timestamp":"2026-10-05T00:01:00Z","message":"\#(padding)","destination.geo.country_iso_code":"NO"}"#
        let path = try Fixture.write(Self.goodLine + "\n" + long + "\n" + Self.goodLine, name: "long.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options(maxBadFraction: 0))
        #expect(Fixture.cells(table) == ["0/NO": 1, "0/SE": 2])
        #expect(summary.total.linesRead == 3)
    }

    @Test func crlfLineEndingsAndNoFinalNewline() throws {
        let path = try Fixture.write(
            "ts,dst_ip\r\n2026-10-05T00:01:00Z,89.160.20.156\r\n1791158500,81.2.69.160", name: "crlf.csv")
        let (table, _) = try Ingest.countTable(paths: [path], options: Fixture.options(maxBadFraction: 0))
        #expect(Fixture.cells(table) == ["0/GB": 1, "0/SE": 1])
    }

    @Test func aByteOrderMarkBeforeTheFirstLineIsIgnored() throws {
        let csv = try Fixture.write("\u{FEFF}ts,dst_ip\n2026-10-05T00:01:00Z,89.160.20.156\n", name: "bom.csv")
        let json = try Fixture.write("\u{FEFF}" + Self.goodLine + "\n", name: "bom.ndjson")
        let (table, summary) = try Ingest.countTable(paths: [csv, json], options: Fixture.options(maxBadFraction: 0))
        #expect(Fixture.cells(table) == ["0/SE": 2])
        #expect(summary.files.map(\.format) == [.csv, .ecs])
    }

    @Test func withoutAnyGeoIPDatabaseUnresolvedEventsAreCountedAndExplained() throws {
        let path = try Fixture.write(Self.goodLine + "\n", name: "no-geoip.ndjson")
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options(geoip: "none"))
        #expect(table.counts.isEmpty)
        #expect(summary.total.skipped == [.unresolvedCountry: 1])
        #expect(summary.report.contains("no GeoIP database was available"))
        #expect(table.bucketRange == Fixture.day...Fixture.day)
    }

    @Test func summaryJSONHasStableKeys() throws {
        let (_, summary) = try Ingest.countTable(paths: [Fixture.path("conn.log")], options: Fixture.options())
        let json = try #require(try JSONSerialization.jsonObject(with: summary.jsonData()) as? [String: Any])
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["linesRead"] as? Int == 19)
        #expect((total["skipped"] as? [String: Int])?["privateDestination"] == 2)
        let decoded = try JSONDecoder().decode(IngestSummary.self, from: summary.jsonData())
        #expect(decoded == summary)
    }
}
