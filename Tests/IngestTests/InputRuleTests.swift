import Foundation
import Testing

@testable import GeoSpikeIngest

/// The documented rules for input that is well-formed but implausible or ambiguous: each
/// one applied the same way every time, and counted in the ingest summary.
@Suite("Input rules")
struct InputRuleTests {
    static func ecs(country: String, at minute: Int = 1, extra: String = "") -> String {
        #"{"@timestamp":"2026-10-05T00:\#(String(format: "%02d", minute)):00Z","destination":{"ip":"89.160.20.156","geo":{"country_iso_code":"\#(country)"}}\#(extra)}"#
    }

    /// `{"…": "US", "…": "KP"}`: JSON leaves the winner undefined, and tools disagree.
    @Test func aFieldGivenTwiceWithDifferentValuesIsMalformed() throws {
        let twice = #"{"@timestamp":"2026-10-05T00:01:00Z","destination":{"geo":{"country_iso_code":"US"},"ip":"89.160.20.156"},"destination.geo.country_iso_code":"KP"}"#
        let sameTwice = #"{"@timestamp":"2026-10-05T00:01:00Z","@timestamp":"2026-10-05T00:01:00Z","destination":{"ip":"89.160.20.156","geo":{"country_iso_code":"US"}}}"#
        let path = try Fixture.write([twice, sameTwice].joined(separator: "\n") + "\n", name: "dup.ndjson")
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options(maxBadFraction: 0.5))
        #expect(Fixture.cells(table) == ["0/US": 1], "the same value twice is not a conflict")
        #expect(summary.total.skipped == [.malformed: 1])
        #expect(summary.total.malformedExamples == ["\(path):1: destination.geo.country_iso_code is given twice with different values"])
    }

    @Test func userAssignedCodesAreCountedAsUnassigned() throws {
        let lines = ["XX", "ZZ", "QM", "AA", "SE", "XK", "EU"].map { Self.ecs(country: $0) }
        let path = try Fixture.write(lines.joined(separator: "\n") + "\n", name: "codes.ndjson")
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/SE": 1, "0/XK": 1, "0/EU": 1])
        #expect(summary.total.skipped == [.unassignedCountry: 4])
        #expect(summary.report.contains("4 unassigned country code"))
        let counts = try Fixture.write("bucket_start,country,count\n2026-10-05T00:00:00Z,ZZ,7\n2026-10-05T00:00:00Z,SE,2\n", name: "codes.csv")
        let (countsTable, countsSummary) = try Ingest.countTable(paths: [counts], options: Fixture.options())
        #expect(Fixture.cells(countsTable) == ["0/SE": 2])
        #expect(countsSummary.total.skipped == [.unassignedCountry: 7])
    }

    @Test func offGridCountsRowsAreAddedToTheirBucketAndReported() throws {
        let text = "bucket_start,country,count\n2026-10-05T00:00:00Z,SE,2\n2026-10-05T00:07:00Z,SE,3\n2026-10-05T00:20:00Z,SE,1\n"
        let path = try Fixture.write(text, name: "offgrid.csv")
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/SE": 5, "15/SE": 1])
        #expect(summary.total.offGridRows == 2)
        #expect(summary.report.contains("\(path): 2 row(s) start off the 15m bucket grid (first: \(path):3)"), "\(summary.report)")
    }

    @Test func theSameInputTwiceIsReadOnce() throws {
        let path = try Fixture.write(Self.ecs(country: "SE") + "\n", name: "twice.ndjson")
        let link = path + ".link"
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        defer { try? FileManager.default.removeItem(atPath: link) }
        let (table, summary) = try Ingest.countTable(paths: [path, path, link], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/SE": 1])
        #expect(summary.repeatedInputs == 2)
        #expect(summary.files.count == 1)
        #expect(summary.report.contains("\(link) is the same file as \(path), given again; it was read once"))
    }
}
