import Foundation
import Testing

/// `--timezone auto` through the binaries: what training and `inspect` say about the chosen
/// clock, and the scorer's warning once a batch passes a change the model could not know.
@Suite("The organisation's clock through the binaries", .serialized)
struct ClockCommandTests {
    static func dataset(_ name: String) -> String {
        BinaryRunner.packageRoot.appendingPathComponent("datasets/\(name)").path
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("geospike-clock-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The bundled training counts are four weeks of a Berlin office in summer time: no
    /// change of its clock to learn from, so the model keeps a fixed UTC+02:00, says the
    /// rule is unknown, and the scorer warns on a day after Europe's change on 2026-10-25.
    @Test func defaultTrainingChoosesTheClockAndTheScorerWarnsAfterAChangeItCannotKnow() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = directory + "/auto.gsm"
        let train = try run("geospike-train", ["--input", Self.dataset("train-counts.csv"), "--out", model])
        #expect(train.exitCode == 0, "\(train.stderr)")
        #expect(train.stderr.contains("geospike-train: clock: fixed UTC+02:00, chosen over UTC by "), "\(train.stderr)")
        // The choice is part of the model, and as deterministic as the rest of it.
        let again = directory + "/again.gsm"
        #expect(
            try run("geospike-train", ["--input", Self.dataset("train-counts.csv"), "--out", again, "--quiet"]).exitCode
                == 0)
        #expect(FileManager.default.contents(atPath: again) == FileManager.default.contents(atPath: model))
        let inspect = try run("geospike-train", ["inspect", model])
        #expect(inspect.exitCode == 0)
        #expect(inspect.stdout.contains("time zone Etc/GMT-2;"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("clock: fixed UTC+02:00"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("daylight-saving rule unknown"))

        let before = try run(
            "geospike-score", ["--model", model, "--input", Self.dataset("batch-attack-ecs.ndjson.gz")])
        #expect(before.exitCode == 0, "\(before.stderr)")
        #expect(!before.stderr.contains("warning"), "\(before.stderr)")

        let synth = try run(
            "geospike-eval",
            [
                "synth", "--seed", "7", "--volume", "0.4", "--start", "2026-10-27", "--days", "1", "--attacks",
                "--format", "counts", "--out", directory, "--file-name", "after.csv",
            ])
        #expect(synth.exitCode == 0, "\(synth.stderr)")
        let after = try run("geospike-score", ["--model", model, "--input", directory + "/after.csv"])
        #expect(after.exitCode == 0, "\(after.stderr)")
        #expect(
            after.stderr.contains(
                "geospike-score: warning: the model's clock (fixed UTC+02:00) cannot know whether your traffic changed clocks on 2026-10-25 as Europe/Berlin did"
            ),
            "\(after.stderr)")
        let records = after.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(!records.isEmpty, "the attacks alert")
        for record in records {
            let context = record["context"] as? [String: Any]
            #expect((context?["clock_warning"] as? String)?.contains("2026-10-25") == true, "\(record)")
        }
    }

    /// `geospike-eval synth --partner-clock US=America/New_York` puts that country's office
    /// hours on New York's clock: its busiest hour moves from Berlin's morning to New York's.
    @Test func synthPutsAPartnerCountryOnItsOwnClock() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func busiestUTCHourOfUS(_ extra: [String]) throws -> Int {
            let synth = try run(
                "geospike-eval",
                [
                    "synth", "--days", "5", "--seed", "2", "--countries", "3", "--volume", "4", "--format", "counts",
                    "--out", directory, "--file-name", "us.csv",
                ] + extra)
            #expect(synth.exitCode == 0, "\(synth.stderr)")
            var byHour = [Int](repeating: 0, count: 24)
            let csv = try String(contentsOfFile: directory + "/us.csv", encoding: .utf8)
            for line in csv.split(separator: "\n").dropFirst() where line.contains(",US,") {
                let fields = line.split(separator: ",")
                byHour[Int(fields[0].dropFirst(11).prefix(2)) ?? 0] += Int(fields[2]) ?? 0
            }
            return byHour.indices.max { byHour[$0] < byHour[$1] } ?? -1
        }
        let berlin = try busiestUTCHourOfUS([])
        let newYork = try busiestUTCHourOfUS(["--partner-clock", "US=America/New_York"])
        #expect((7...13).contains(berlin), "\(berlin)")
        #expect((13...20).contains(newYork) && newYork - berlin >= 4, "\(berlin) → \(newYork)")
        let bad = try run(
            "geospike-eval", ["synth", "--days", "1", "--out", directory, "--partner-clock", "US=Mars/Base"])
        #expect(bad.exitCode == 64 && bad.stderr.contains("US=Mars/Base"), "\(bad.stderr)")
    }

    /// `--timezone utc` fixes UTC (any case), and a named zone is used as given: neither
    /// records a choice.
    @Test func namedZonesOverrideTheChoice() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (argument, zone) in [("utc", "UTC"), ("Europe/Berlin", "Europe/Berlin")] {
            let model = directory + "/\(zone.replacingOccurrences(of: "/", with: "-")).gsm"
            let train = try run(
                "geospike-train",
                ["--input", Self.dataset("train-counts.csv"), "--timezone", argument, "--out", model, "--quiet"])
            #expect(train.exitCode == 0, "\(train.stderr)")
            let inspect = try run("geospike-train", ["inspect", model, "--json"])
            let json = try #require(JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
            let metadata = try #require(json["metadata"] as? [String: Any])
            #expect(metadata["timeZone"] as? String == zone)
            #expect(metadata["clock"] == nil)
        }
    }
}
