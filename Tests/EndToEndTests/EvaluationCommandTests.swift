import Foundation
import Testing

/// geospike-eval's evaluation subcommands, run as built binaries on synthetic history.
@Suite("geospike-eval evaluation commands")
struct EvaluationCommandTests {
    /// Ten days of training and two of clean history, counted, plus the same two days with
    /// labelled attacks; one model trained on the first. Built once per test process.
    struct Fixture: Sendable {
        let directory: String
        var model: String { directory + "/model.gsm" }
        var clean: String { directory + "/clean.csv" }
        var attacked: String { directory + "/attacked.csv" }
        var labels: String { directory + "/labels.csv" }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("geospike-eval-e2e-\(UUID().uuidString)").path
            let synth = ["synth", "--seed", "21", "--countries", "12", "--format", "counts", "--out", directory]
            for arguments in [
                synth + ["--days", "10", "--file-name", "train.csv"],
                synth + ["--days", "2", "--start", "2026-09-17", "--file-name", "clean.csv"],
                synth + ["--days", "2", "--start", "2026-09-17", "--file-name", "attacked.csv", "--attacks", "--labels", "labels.csv"],
            ] {
                let result = try run("geospike-eval", arguments)
                guard result.exitCode == 0 else { throw RunnerError(message: "synth failed: \(result.stderr)") }
            }
            let train = try run(
                "geospike-train",
                ["--input", directory + "/train.csv", "--timezone", "Europe/Berlin", "--out", directory + "/model.gsm", "--quiet"],
                environment: ["OPENBLAS_NUM_THREADS": "1"])
            guard train.exitCode == 0 else { throw RunnerError(message: "train failed: \(train.stderr)") }
        }

        static let shared = Result { try Fixture() }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: [[], ["--until", "2026-09-19T00:00:00Z"]])
    func backtestCountsWhatTheScorerRaises(extra: [String]) throws {
        let f = try Fixture.shared.get()
        let backtest = try run(
            "geospike-eval", ["backtest", "--model", f.model, "--input", f.attacked, "--threshold", "60", "--json"] + extra)
        #expect(backtest.exitCode == 0, "\(backtest.stderr)")
        let thresholds = try #require(try Self.json(backtest.stdout)["thresholds"] as? [[String: Any]])
        #expect(thresholds.compactMap { $0["threshold"] as? Double } == [25, 50, 60, 75, 90])
        var nonZero = 0
        for row in thresholds {
            let t = try #require(row["threshold"] as? Double)
            let alerts = try #require(row["alerts"] as? Int)
            // A backtest is many 15-minute runs' worth of history: the per-run cap must not bind.
            let score = try run(
                "geospike-score",
                ["--model", f.model, "--input", f.attacked, "--threshold", String(Int(t)), "--max-alerts", "1000000"] + extra)
            #expect(score.exitCode == 0)
            let lines = score.stdout.split(separator: "\n").count
            #expect(alerts == lines, "threshold \(t)")
            // Incidents too: the scorer's, grouped by country with the default gap.
            let incidentIDs = Set(
                try score.stdout.split(separator: "\n").map { line -> String in
                    let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    return try #require(record["incident_id"] as? String)
                })
            #expect(row["incidents"] as? Int == incidentIDs.count, "threshold \(t)")
            #expect(incidentIDs.count <= lines)
            if lines > 0 { nonZero += 1 }
            if t == 75 {
                // With geospike-score's defaults, as the issue states it.
                let plain = try run("geospike-score", ["--model", f.model, "--input", f.attacked] + extra)
                #expect(alerts == plain.stdout.split(separator: "\n").count)
            }
        }
        // The attacked days must alert at several thresholds, or the equality proves little.
        #expect(nonZero >= 3)
    }

    @Test func labelsScoreTheScorersAlertsOnPlantedAttacks() throws {
        let f = try Fixture.shared.get()
        let alerts = f.directory + "/alerts.ndjson"
        let score = try run("geospike-score", ["--model", f.model, "--input", f.attacked])
        try score.stdout.write(toFile: alerts, atomically: true, encoding: .utf8)
        let labels = try run("geospike-eval", ["labels", "--alerts", alerts, "--labels", f.labels, "--json"])
        #expect(labels.exitCode == 0, "\(labels.stderr)")
        let object = try Self.json(labels.stdout)
        let alertCount = score.stdout.split(separator: "\n").count
        #expect(object["alerts"] as? Int == alertCount)
        let episodes = try #require(object["episodes"] as? Int)
        #expect(episodes >= 8)  // four attacks a day for two days, split only by long gaps
        let precision = try #require(object["precision"] as? Double)
        let recall = try #require(object["recall"] as? Double)
        #expect(precision > 0 && recall > 0)
        let text = try run("geospike-eval", ["labels", "--alerts", alerts, "--labels", f.labels])
        #expect(text.stdout.contains("precision") && text.stdout.contains("kind"))
    }

    @Test func injectCalibrationAndWalkForwardAnswer() throws {
        let f = try Fixture.shared.get()
        let inject = try run(
            "geospike-eval",
            ["inject", "--model", f.model, "--input", f.clean, "--spikes", "40", "--sizes", "+100", "x2/8", "new+20", "--json"])
        #expect(inject.exitCode == 0, "\(inject.stderr)")
        let injected = try Self.json(inject.stdout)
        #expect(injected["spikes"] as? Int == 40)
        let sizes = try #require(injected["by_size"] as? [[String: Any]])
        #expect(sizes.compactMap { $0["size"] as? String } == ["+100", "x2 for 8", "new +20"])
        for size in sizes {
            let spikes = try #require(size["spikes"] as? Int)
            let caught = try #require(size["caught"] as? Int)
            #expect(spikes > 10)
            #expect(size["recall"] as? Double == Double(caught) / Double(spikes))
        }

        let calibration = try run("geospike-eval", ["calibration", "--model", f.model, "--input", f.clean, "--json"])
        #expect(calibration.exitCode == 0)
        let levels = try #require(try Self.json(calibration.stdout)["levels"] as? [[String: Any]])
        #expect(levels.count == 6)

        let walk = try run(
            "geospike-eval",
            ["walk-forward", "--input", f.directory + "/train.csv", "--train-days", "4", "--test-days", "3", "--timezone", "Europe/Berlin", "--json"],
            environment: ["OPENBLAS_NUM_THREADS": "1"])
        #expect(walk.exitCode == 0, "\(walk.stderr)")
        let windows = try #require(try Self.json(walk.stdout)["windows"] as? [[String: Any]])
        #expect(windows.count == 2)
        #expect(windows.first?["test_start"] as? String == "2026-09-11T00:00:00Z")
        for window in windows {
            let rows = try #require((window["backtest"] as? [String: Any])?["thresholds"] as? [[String: Any]])
            for row in rows {
                let alerts = try #require(row["alerts"] as? Int)
                let incidents = try #require(row["incidents"] as? Int)
                #expect(incidents <= alerts && (incidents > 0) == (alerts > 0))
                #expect(abs((row["incidents_per_day"] as? Double ?? -1) - Double(incidents) / 3) < 1e-9)
            }
        }
        let walkText = try run(
            "geospike-eval",
            ["walk-forward", "--input", f.directory + "/train.csv", "--train-days", "4", "--test-days", "3", "--timezone", "Europe/Berlin"],
            environment: ["OPENBLAS_NUM_THREADS": "1"])
        #expect(walkText.stdout.contains("alerts/day  incidents/day"))
    }

    @Test func reportWritesMarkdownAndEveryLinkedFigure() throws {
        let f = try Fixture.shared.get()
        let out = f.directory + "/report/attacked.md"
        let report = try run(
            "geospike-eval",
            ["report", "--model", f.model, "--input", f.attacked, "--out", out, "--spikes", "30", "--detectability-samples", "1"])
        #expect(report.exitCode == 0, "\(report.stderr)")
        let markdown = try String(contentsOfFile: out, encoding: .utf8)
        let links = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first }
        #expect(links.count >= 10)
        for link in links {
            #expect(FileManager.default.fileExists(atPath: f.directory + "/report/" + link), "\(link)")
        }
        #expect(markdown.contains("## Alerts") && markdown.contains("alert-"))
    }

    @Test func badInputsExitWithTheDocumentedCodes() throws {
        let f = try Fixture.shared.get()
        let missingModel = try run("geospike-eval", ["backtest", "--model", f.directory + "/none.gsm", "--input", f.clean])
        #expect(missingModel.exitCode == 66)
        #expect(missingModel.stderr.contains("none.gsm"))
        let missingInput = try run("geospike-eval", ["backtest", "--model", f.model, "--input", f.directory + "/none.csv"])
        #expect(missingInput.exitCode == 66)
        let badThreshold = try run("geospike-eval", ["backtest", "--model", f.model, "--input", f.clean, "--threshold", "101"])
        #expect(badThreshold.exitCode == 64)
        let badSize = try run("geospike-eval", ["inject", "--model", f.model, "--input", f.clean, "--sizes", "x0.5"])
        #expect(badSize.exitCode == 64)
        let notAModel = try run("geospike-eval", ["calibration", "--model", f.clean, "--input", f.clean])
        #expect(notAModel.exitCode == 65)
        let badReport = try run("geospike-eval", ["report", "--model", f.model, "--input", f.clean, "--out", f.directory + "/r.txt"])
        #expect(badReport.exitCode == 64)
        let badLabels = f.directory + "/bad-labels.csv"
        try "timestamp,country\nnot-a-time,DE\n".write(toFile: badLabels, atomically: true, encoding: .utf8)
        let labels = try run("geospike-eval", ["labels", "--alerts", f.clean, "--labels", badLabels])
        #expect(labels.exitCode == 65)
        let short = try run("geospike-eval", ["walk-forward", "--input", f.clean, "--train-days", "5", "--test-days", "2"])
        #expect(short.exitCode == 65)
        #expect(short.stderr.contains("--train-days"))
    }
}
