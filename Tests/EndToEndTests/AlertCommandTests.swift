import Foundation
import Testing

/// geospike-score's alert features and geospike-eval's exception commands, run as a SOC
/// runs them on the bundled attacked day: ECS alert documents, exceptions, the cap, and
/// suggested exceptions fed back in.
@Suite("Alerts a SOC can act on")
struct AlertCommandTests {
    static let root = BinaryRunner.packageRoot
    static let batch = root.appendingPathComponent("datasets/batch-attack-ecs.ndjson.gz").path
    static let example = root.appendingPathComponent("datasets/exceptions-example.json").path
    /// The exception file judges expiry against this, so the tests read the same in any year.
    static let now = "2026-10-06T00:00:00Z"

    /// A model trained once from the bundled count table (fast: no log parsing).
    private static let trained: Result<String, any Error> = Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("geospike-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let model = directory.appendingPathComponent("model.gsm").path
        let counts = root.appendingPathComponent("datasets/train-counts.csv").path
        let result = try run(
            "geospike-train", ["--input", counts, "--timezone", "Europe/Berlin", "--seed", "1", "--out", model])
        guard result.exitCode == 0 else { throw RunnerError(message: "training failed: \(result.stderr)") }
        return model
    }

    /// geospike-score on the attacked day; `--geoip none` because the batch carries its countries.
    static func score(_ extra: [String]) throws -> (exitCode: Int32, stdout: String, stderr: String) {
        try run(
            "geospike-score",
            ["--model", try trained.get(), "--input", batch, "--geoip", "none", "--now", now] + extra)
    }

    static func lines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theExampleExceptionSuppressesTheScanAndTheAttacksStand() throws {
        let result = try Self.score(["--alerts-format", "ecs", "--exceptions", Self.example])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let documents = try Self.lines(result.stdout)
        let hongKong = documents.filter { $0["country"] as? String == "HK" }
        #expect(hongKong.count == 1)
        let scan = try #require(hongKong.first)
        #expect(scan["suppressed"] as? Bool == true && scan["alert"] as? Bool == false)
        #expect(scan["kibana.alert.workflow_status"] as? String == "closed")
        let exception = try #require(scan["exception"] as? [String: Any])
        #expect(exception["id"] as? String == "red-team-scan-hk")
        #expect(exception["owner"] as? String == "secops@example.com")
        // Every event of the scan is excepted (some lack a country with --geoip none, so not all 600).
        #expect(exception["excepted_events"] as? Int == scan["actual"] as? Int)
        #expect(exception["actual_without_excepted"] as? Int == 0)

        // One alert document per incident: the KG and NZ attacks stand (and whatever else alerts).
        let standing = documents.filter { $0["alert"] as? Bool == true }
        #expect(Set(standing.compactMap { $0["country"] as? String }).isSuperset(of: ["KG", "NZ"]))
        #expect(standing.filter { $0["country"] as? String == "KG" }.count == 1, "the C2 episode is one incident")
        for alert in standing {
            #expect(alert["kibana.alert.rule.name"] as? String == "Spike in Network Traffic To a Country")
            #expect(alert["kibana.alert.severity"] as? String == "low")
            #expect(alert["kibana.alert.risk_score"] as? Int == 21)
            #expect(alert["@timestamp"] as? String == Self.now)
            let ancestors = try #require(alert["kibana.alert.ancestors"] as? [[String: Any]])
            #expect(ancestors.contains { $0["id"] as? String == alert["record_id"] as? String })
            #expect(ancestors.count == (alert["kibana.alert.suppression.docs_count"] as? Int).map { $0 + 1 })
            #expect((alert["context"] as? [String: Any])?["timezone"] as? String == "Europe/Berlin")
        }
        #expect(
            result.stderr.contains(
                "alert(s) at record_score >= 75 in \(standing.count) incident(s), 1 suppressed by exceptions"))
    }

    @Test func theCapKeepsTheHighestScoresAndSaysHowManyWereHeldBack() throws {
        let all = try Self.lines(try Self.score(["--max-alerts", "1000"]).stdout)
        #expect(all.count > 3)
        // --max-alerts counts incidents: the three with the highest peaks keep all their buckets.
        var peaks: [String: Double] = [:]
        for record in all {
            let id = try #require(record["incident_id"] as? String)
            peaks[id] = max(peaks[id] ?? 0, try #require(record["record_score"] as? Double))
        }
        #expect(peaks.count > 3)
        let capped = try Self.score(["--max-alerts", "3"])
        #expect(capped.exitCode == 0)
        let kept = try Self.lines(capped.stdout)
        let keptIDs = Set(kept.compactMap { $0["incident_id"] as? String })
        #expect(keptIDs.count == 3)
        #expect(keptIDs.compactMap { peaks[$0] }.sorted(by: >) == Array(peaks.values.sorted(by: >).prefix(3)))
        #expect(kept.count == all.filter { keptIDs.contains($0["incident_id"] as? String ?? "") }.count)
        #expect(capped.stderr.contains("in 3 incident(s), \(peaks.count - 3) incident(s) held back by --max-alerts 3"))
    }

    @Test func badExceptionFilesFailWithTheirLine() throws {
        let bad = try Self.temporaryFile(
            "bad.yaml", "- country: HK\n  host.name: srv-git-01\n  source.ip: 10.10.0.13/8\n  reason: scan\n  owner: secops\n")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let result = try Self.score(["--exceptions", bad])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("\(bad):3: source.ip: '10.10.0.13/8' has address bits set beyond /8"))
        #expect(result.stdout.isEmpty)
        let missing = try Self.score(["--exceptions", "/nonexistent/exceptions.json"])
        #expect(missing.exitCode == 66)

        let expired = try Self.temporaryFile(
            "expired.yaml", "- country: HK\n  host.name: srv-git-01\n  reason: scan\n  owner: secops\n  expires: 2026-10-01\n")
        defer { try? FileManager.default.removeItem(atPath: expired) }
        let stale = try Self.score(["--exceptions", expired])
        #expect(stale.exitCode == 0)
        #expect(stale.stderr.contains("warning: exception '\(expired):1'"))
        #expect(stale.stderr.contains("0 suppressed by exceptions"))
        #expect(try Self.lines(stale.stdout).contains { $0["country"] as? String == "HK" && $0["alert"] as? Bool == true })
    }

    @Test func aSuggestedExceptionSuppressesTheAlertItWasMadeFor() throws {
        let alerts = try Self.score([])
        let alertsFile = try Self.temporaryFile("alerts.ndjson", alerts.stdout)
        defer { try? FileManager.default.removeItem(atPath: alertsFile) }
        let hongKong = try #require(try Self.lines(alerts.stdout).first { $0["country"] as? String == "HK" })
        let recordID = try #require(hongKong["record_id"] as? String)

        let unmarked = try run(
            "geospike-eval", ["suggest-exceptions", "--alerts", alertsFile, "--reason", "scan", "--owner", "secops"])
        #expect(unmarked.exitCode == 64)
        #expect(unmarked.stderr.contains("no alert in \(alertsFile) is marked benign"))

        let suggested = try run(
            "geospike-eval",
            [
                "suggest-exceptions", "--alerts", alertsFile, "--benign", recordID, "--reason", "red-team scan",
                "--owner", "secops", "--expires", "2026-12-31",
            ])
        #expect(suggested.exitCode == 0, "\(suggested.stderr)")
        #expect(suggested.stdout.contains("host.name: \"srv-git-01\""))
        #expect(suggested.stdout.contains("process.name: \"masscan\""))
        #expect(!suggested.stdout.contains("user.name"), "the scan carried no user")
        let file = try Self.temporaryFile("suggested.yaml", suggested.stdout)
        defer { try? FileManager.default.removeItem(atPath: file) }

        let rescored = try Self.score(["--exceptions", file])
        #expect(rescored.exitCode == 0, "\(rescored.stderr)")
        let line = try #require(try Self.lines(rescored.stdout).first { $0["record_id"] as? String == recordID })
        #expect(line["suppressed"] as? Bool == true)
        #expect((line["exception"] as? [String: Any])?["id"] as? String == "hk-srv-git-01")
        #expect(rescored.stderr.contains("1 suppressed by exceptions"))

        let backtest = try run(
            "geospike-eval",
            [
                "backtest", "--model", try Self.trained.get(), "--input", Self.batch, "--geoip", "none", "--exceptions",
                file, "--now", Self.now,
            ])
        #expect(backtest.exitCode == 0, "\(backtest.stderr)")
        let expected = try Self.lines(alerts.stdout).count
        let scanEvents = try #require(hongKong["actual"] as? Int)
        #expect(backtest.stderr.contains("removed \(scanEvents) event(s); alerts at record_score >= 75: \(expected) ("))
        #expect(backtest.stderr.contains(" without them, \(expected - 1) ("), "\(backtest.stderr)")
    }
}
