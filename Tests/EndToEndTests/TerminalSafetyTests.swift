import Foundation
import Testing

/// A `host.name` from the logs that would retitle the window, clear the screen and
/// overwrite a line reaches the analyst as visible escapes in every human-facing output,
/// and exactly (JSON-escaped) in the NDJSON records.
@Suite("Terminal safety", .serialized)
struct TerminalSafetyTests {
    static let model = BinaryRunner.packageRoot.appendingPathComponent("models/demo.gsm").path
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[31mFAKE-OK\u{1B}[0m\r"

    /// 300 events to North Korea from the hostile host in one bucket (an alert), a later
    /// event that completes the bucket, and a line whose timestamp carries an escape.
    static func batch() throws -> (path: String, directory: URL) {
        var lines: [String] = []
        for i in 0..<300 {
            let event: [String: Any] = [
                "@timestamp": String(format: "2026-10-05T10:%02d:00Z", i % 15), "event": ["category": ["network"]],
                "destination": ["ip": "175.45.176.1", "geo": ["country_iso_code": "KP"]], "host": ["name": hostile],
                "source": ["ip": "10.0.0.5"],
            ]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self))
        }
        lines.append(#"{"@timestamp":"2026-10-05T10:31:00Z","event":{"category":["network"]},"destination":{"ip":"81.2.69.160","geo":{"country_iso_code":"GB"}}}"#)
        lines.append("{\"@timestamp\":\"\u{1B}[2Jnot-a-time\",\"event\":{\"category\":[\"network\"]}}")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("terminal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("hostile.ndjson").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return (path, directory)
    }

    static func hasTerminalControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }
    }

    @Test func theTableAndMessagesShowEscapes() throws {
        let (batch, directory) = try Self.batch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = try run(
            "geospike-score",
            ["--model", Self.model, "--input", batch, "--geoip", "none", "--output", "table", "--max-bad-fraction", "0.5"])
        #expect(table.exitCode == 0, "\(table.stderr)")
        #expect(table.stdout.contains("ALERT"))
        #expect(table.stdout.contains(#"host.name=\e]0;pwned\x07\e[2J\e[31mFAKE-OK\e[0m\r (300)"#), "\(table.stdout)")
        #expect(!Self.hasTerminalControls(table.stdout))
        #expect(table.stderr.contains(#"@timestamp '\e[2Jnot-a-time' is not a timestamp"#), "\(table.stderr)")
        #expect(!Self.hasTerminalControls(table.stderr))
    }

    @Test func recordsKeepTheExactValue() throws {
        let (batch, directory) = try Self.batch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ndjson = try run(
            "geospike-score", ["--model", Self.model, "--input", batch, "--geoip", "none", "--max-bad-fraction", "0.5"])
        #expect(ndjson.exitCode == 0, "\(ndjson.stderr)")
        #expect(!Self.hasTerminalControls(ndjson.stdout))
        let line = try #require(ndjson.stdout.split(separator: "\n").first)
        let record = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let influencers = try #require(record["influencers"] as? [String: [[String: Any]]])
        #expect(influencers["host.name"]?.first?["value"] as? String == Self.hostile)
    }
}
