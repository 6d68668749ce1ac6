import Foundation
import GeoSpikeModel
import Testing

/// geospike-train and geospike-score as a user runs them: exit codes, messages, records.
@Suite("Train and score binaries", .serialized)
struct TrainScoreTests {
    static let root = BinaryRunner.packageRoot
    static func dataset(_ name: String) -> String { root.appendingPathComponent("datasets/\(name)").path }
    static let model = root.appendingPathComponent("models/demo.gsm").path

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("geospike-e2e-\(UUID().uuidString)-\(name)").path
    }

    static func records(_ ndjson: String) throws -> [[String: Any]] {
        try ndjson.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// The demo path in small: the committed model finds every labelled attack of the
    /// attack batch, and raises next to nothing on the same day without attacks.
    @Test func demoModelFindsTheLabelledAttacks() throws {
        let attack = try run("geospike-score", ["--model", Self.model, "--input", Self.dataset("batch-attack-ecs.ndjson.gz")])
        #expect(attack.exitCode == 0, "\(attack.stderr)")
        let alerts = try Self.records(attack.stdout)
        let alerted = Set(alerts.map { "\($0["timestamp"]!),\($0["country"]!)" })
        let labels = try String(contentsOfFile: Self.dataset("batch-attack-labels.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let episodes = Dictionary(grouping: labels) { "\($0[2]) \($0[1])" }
        #expect(episodes.count == 4)
        for (episode, cells) in episodes {
            #expect(cells.contains { alerted.contains("\($0[0]),\($0[1])") }, "no alert for \(episode)")
        }
        for alert in alerts {
            #expect(alert["alert"] as? Bool == true)
            #expect((alert["record_score"] as? Double ?? 0) >= 75)
            #expect((alert["record_id"] as? String)?.count == 16)
        }
        let clean = try run("geospike-score", ["--model", Self.model, "--input", Self.dataset("batch-clean-ecs.ndjson.gz")])
        #expect(clean.exitCode == 0)
        #expect(try Self.records(clean.stdout).count <= 1, "clean day alerts: \(clean.stdout)")
        #expect(clean.stderr.contains("alert(s) at record_score >= 75"))
    }

    @Test func tableOutputExplainsAlerts() throws {
        let result = try run(
            "geospike-score",
            ["--model", Self.model, "--input", Self.dataset("batch-attack-ecs.ndjson.gz"), "--output", "table"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("INCIDENT KG Kyrgyzstan  2026-10-05T00:45:00Z .. 05:00:00Z"))
        #expect(result.stdout.contains("    bucket (UTC)"), "each incident's buckets beneath it")
        #expect(result.stdout.contains("ALERT"))
        #expect(result.stdout.contains("top over the incident: "))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func trainingTwiceGivesTheSameBytes() throws {
        let a = Self.temporary("a.gsm")
        let b = Self.temporary("b.gsm")
        defer { for p in [a, b] { try? FileManager.default.removeItem(atPath: p) } }
        for out in [a, b] {
            let result = try run(
                "geospike-train",
                ["--input", Self.dataset("train-counts.csv"), "--timezone", "Europe/Berlin", "--seed", "5", "--out", out])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stderr.contains("wrote \(out): 40 countries"))
        }
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        let inspect = try run("geospike-train", ["inspect", a, "--json"])
        #expect(inspect.exitCode == 0)
        let json = try #require(JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let metadata = try #require(json["metadata"] as? [String: Any])
        #expect(metadata["timeZone"] as? String == "Europe/Berlin")
        #expect((metadata["options"] as? [String: Any])?["seed"] as? Int == 5)
        #expect((json["countries"] as? [Any])?.count == 40)
    }

    @Test func missingInputIsExit66() throws {
        let out = Self.temporary("m.gsm")
        let result = try run("geospike-train", ["--input", "/nonexistent/logs.ndjson", "--out", out])
        #expect(result.exitCode == 66)
        #expect(result.stderr.contains("/nonexistent/logs.ndjson"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func badOptionsAreExit64() throws {
        let noInput = try run("geospike-train", ["--out", Self.temporary("x.gsm")])
        #expect(noInput.exitCode == 64)
        let zone = try run(
            "geospike-train", ["--input", Self.dataset("train-counts.csv"), "--timezone", "Mars/Base", "--out", Self.temporary("z.gsm")])
        #expect(zone.exitCode == 64)
        #expect(zone.stderr.contains("Mars/Base"))
        // Refused before the input is read: no ingest summary precedes the error.
        #expect(!zone.stderr.contains("ingest:"), "\(zone.stderr)")
        let threshold = try run("geospike-score", ["--model", Self.model, "--input", "-", "--threshold", "120"])
        #expect(threshold.exitCode == 64)
    }

    @Test func damagedModelIsExit65WithNothingOnStdout() throws {
        var bytes = try #require(FileManager.default.contents(atPath: Self.model))
        bytes[bytes.count / 2] ^= 0xFF
        let path = Self.temporary("damaged.gsm")
        try bytes.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try run("geospike-score", ["--model", path, "--input", Self.dataset("batch-attack-ecs.ndjson.gz")])
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("checksum"))
        let missing = try run("geospike-score", ["--model", "/nonexistent.gsm", "--input", "-"])
        #expect(missing.exitCode == 66)
    }

    @Test func scoresStandardInputAndMarksTheLastBucketInterim() throws {
        let batch = """
            {"@timestamp":"2026-10-05T10:01:00Z","event":{"category":["network"]},"destination":{"ip":"81.2.69.160","geo":{"country_iso_code":"GB"}},"source":{"ip":"10.0.0.5"}}
            {"@timestamp":"2026-10-05T10:20:00Z","event":{"category":["network"]},"destination":{"ip":"81.2.69.160","geo":{"country_iso_code":"GB"}},"source":{"ip":"10.0.0.5"}}

            """
        let result = try run(
            "geospike-score", ["--model", Self.model, "--input", "-", "--emit", "all", "--geoip", "none"],
            stdin: Data(batch.utf8))
        #expect(result.exitCode == 0, "\(result.stderr)")
        let records = try Self.records(result.stdout)
        #expect(records.count == 2)
        #expect(records.map { $0["interim"] as? Bool } == [false, true])
        #expect(records.allSatisfy { $0["country"] as? String == "GB" && $0["alert"] as? Bool == false })
    }

    /// `make models` reproduces models/: the same model (every decoded number within
    /// `ModelComparison`'s tolerance, the same `model_id`) and the same card (numbers to
    /// the precision printed, `NumericText`). Not bytes: those follow the CPU's kernels.
    @Test func modelsDirectoryIsReproducible() throws {
        let out = Self.temporary("models")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/bin/bash")
        script.arguments = [Self.root.appendingPathComponent("scripts/model-card.sh").path, BinaryRunner.binDirectory.path, out]
        try script.run()
        script.waitUntilExit()
        try #require(script.terminationStatus == 0)
        let committedModel = Self.root.appendingPathComponent("models/demo.gsm").path
        let fresh = try ModelFile.readIdentified(from: "\(out)/demo.gsm")
        let committed = try ModelFile.readIdentified(from: committedModel)
        #expect(fresh.identifier == committed.identifier, "models/demo.gsm is stale: run `make models`")
        let differences = try ModelComparison.differences(fresh.model, committed.model)
        #expect(differences.isEmpty, "models/demo.gsm is stale (run `make models`): \(differences.prefix(5))")
        let card = try String(contentsOfFile: "\(out)/README.md", encoding: .utf8)
        let committedCard = try String(contentsOf: Self.root.appendingPathComponent("models/README.md"), encoding: .utf8)
        let difference = NumericText.difference(card, committedCard)
        #expect(difference == nil, "models/README.md is stale (run `make models`): \(difference ?? "")")
    }
}
