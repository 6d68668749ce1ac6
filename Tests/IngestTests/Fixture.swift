import Foundation
import GeoSpikeIngest

/// Paths to the fixture files and small helpers shared by the ingest tests.
enum Fixture {
    static var directory: URL {
        Bundle.module.resourceURL?.appendingPathComponent("Fixtures")
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// MaxMind's GeoIP2 test database: 175.16.199.74 resolves to CN (GeoLite2's does not).
    static var geoIP2: String { path("geoip/GeoIP2-Country-Test.mmdb") }
    static var geoLite2: String { path("geoip/GeoLite2-Country-Test.mmdb") }
    static var torDirectory: String { path("tor") }

    /// 2026-10-05T00:00:00Z, the day every fixture is on.
    static let day: Int64 = 1_791_158_400

    /// Reader options with a given GeoIP database and a bad-line budget the small fixtures fit.
    static func options(geoip: String? = Fixture.geoIP2, maxBadFraction: Double = 0.25) -> ReaderOptions {
        var options = ReaderOptions()
        options.geoip = geoip
        options.maxBadFraction = maxBadFraction
        return options
    }

    /// A cell map keyed by "minutes after midnight/country", e.g. "15/SE", for readable expectations.
    static func cells(_ table: CountTable) -> [String: Int] {
        var cells: [String: Int] = [:]
        for (key, count) in table.sortedCells {
            cells["\((key.bucketStart - day) / 60)/\(key.country.code)"] = count
        }
        return cells
    }

    /// A path in this test process's own temporary directory (tests remove their large files).
    static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "geospike-ingest-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    /// Writes `text` to a temporary file and returns its path.
    static func write(_ text: String, name: String) throws -> String {
        let path = temporaryPath(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
