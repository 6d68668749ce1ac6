import Foundation
import Testing

/// geospike-score --state run as a SIEM rule runs it: every 15 minutes over the last 30
/// minutes of the bundled attacked day, with kills, overlaps and damaged state files.
@Suite("Scoring in 15-minute runs with a state file")
struct StateCommandTests {
    static let root = BinaryRunner.packageRoot
    static let model = root.appendingPathComponent("models/demo.gsm").path
    static let day = root.appendingPathComponent("datasets/batch-attack-ecs.ndjson.gz").path
    static let now = "2026-10-06T00:00:00Z"
    /// 2026-10-05T00:00:00Z, the attacked day's first bucket.
    static let dayStart: Double = 1_791_158_400

    /// The day's events cut into the 96 batches of a rule run at every quarter hour
    /// (00:15 … 24:00), each holding the 30 minutes before its run; lines that are not
    /// JSON (the dataset's deliberately truncated ones) are left out, as the scorer skips them.
    static let runs: Result<[String], any Error> = Result {
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", day]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        let parse = ISO8601DateFormatter()
        parse.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var timed: [(time: Double, line: Data)] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let stamp = object["@timestamp"] as? String, let date = parse.date(from: stamp)
            else { continue }
            timed.append((date.timeIntervalSince1970, Data(line)))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "geospike-runs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try (1...96).map { k in
            let end = dayStart + Double(k) * 900
            var batch = Data()
            for event in timed where event.time >= end - 1800 && event.time < end {
                batch.append(event.line)
                batch.append(UInt8(ascii: "\n"))
            }
            let path = directory.appendingPathComponent(String(format: "run-%02d.ndjson", k)).path
            try batch.write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    static func temporaryState() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("geospike-state-\(UUID().uuidString).db").path
    }

    static func removeState(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func score(_ input: String, state: String?, _ extra: [String] = []) throws
        -> (exitCode: Int32, stdout: String, stderr: String)
    {
        try run(
            "geospike-score",
            ["--model", model, "--input", input, "--now", now] + (state.map { ["--state", $0] } ?? []) + extra)
    }

    static func lines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// The alerting buckets of one run over the whole day, by record id.
    static let wholeDay: Result<[String: [String: Any]], any Error> = Result {
        let result = try score(day, state: nil)
        guard result.exitCode == 0 else { throw RunnerError(message: result.stderr) }
        return Dictionary(uniqueKeysWithValues: try lines(result.stdout).map { ($0["record_id"] as? String ?? "", $0) })
    }

    /// Checks `emitted` against the whole-day run: the same alerting buckets, with the same
    /// counts, incidents and (to the output's rounding) scores, and no record twice.
    static func expectSameAsOneRun(_ emitted: [[String: Any]], _ note: String = "") throws {
        let whole = try wholeDay.get()
        #expect(whole.count >= 20, "the day must alert enough for the comparison to mean something")
        let ids = emitted.compactMap { $0["record_id"] as? String }
        #expect(ids.count == Set(ids).count, "a record emitted twice \(note)")
        #expect(
            Set(ids) == Set(whole.keys),
            "missing: \(Set(whole.keys).subtracting(ids)); extra: \(Set(ids).subtracting(whole.keys)) \(note)")
        for record in emitted {
            guard let id = record["record_id"] as? String, let expected = whole[id] else { continue }
            #expect(record["actual"] as? Int == expected["actual"] as? Int)
            #expect(record["incident_id"] as? String == expected["incident_id"] as? String)
            #expect(record["interim"] as? Bool == false && record["alert"] as? Bool == true)
            let score = try #require(record["record_score"] as? Double)
            let wholeScore = try #require(expected["record_score"] as? Double)
            #expect(abs(score - wholeScore) < 0.002, "\(id): \(score) vs \(wholeScore)")
        }
    }

    @Test func aDayIn96RunsAlertsAsOneRunOverTheDay() throws {
        let runs = try Self.runs.get()
        let state = Self.temporaryState()
        defer { Self.removeState(state) }
        var emitted: [[String: Any]] = []
        for (k, file) in runs.enumerated() {
            let result = try Self.score(file, state: state)
            #expect(result.exitCode == 0, "run \(k + 1): \(result.stderr)")
            #expect(!result.stderr.contains("warning: gap"), "consecutive runs leave no gap")
            emitted += try Self.lines(result.stdout)
        }
        try Self.expectSameAsOneRun(emitted)

        // The same batch again: every complete bucket was judged, nothing is new.
        let again = try Self.score(runs[40], state: state)
        #expect(again.exitCode == 0 && again.stdout.isEmpty, "\(again.stdout)")
        let day = try Self.score(Self.day, state: state)
        #expect(day.exitCode == 0 && day.stdout.isEmpty, "the whole day after its runs: \(day.stdout)")
    }

    @Test func anIncidentGrowsAcrossRunsUnderOneAlertAndClosesAfterTheGap() throws {
        // 00:30 .. 06:15: the C2 episode to Kyrgyzstan (00:45 .. 04:45), the scan to Hong
        // Kong (04:00), and the hour of quiet after them.
        let runs = try Array(Self.runs.get()[2..<25])
        let state = Self.temporaryState()
        defer { Self.removeState(state) }
        var documents: [[String: Any]] = []
        for file in runs {
            let result = try Self.score(file, state: state, ["--alerts-format", "ecs"])
            #expect(result.exitCode == 0, "\(result.stderr)")
            documents += try Self.lines(result.stdout)
        }
        let kg = documents.filter { $0["country"] as? String == "KG" }
        #expect(kg.count == 18, "one update per run that adds a bucket, and one when it closes")
        #expect(Set(kg.compactMap { $0["kibana.alert.uuid"] as? String }).count == 1, "one alert, updated")
        #expect(kg.compactMap { $0["kibana.alert.suppression.docs_count"] as? Int } == Array(0...16) + [16])
        let growing = kg.dropLast()
        #expect(
            growing.allSatisfy { $0["kibana.alert.status"] as? String == "active" && $0["kibana.alert.end"] == nil })
        let closing = try #require(kg.last)
        #expect(closing["kibana.alert.status"] as? String == "recovered")
        #expect(closing["kibana.alert.end"] as? String == "2026-10-05T05:00:00Z")
        #expect(closing["record_id"] == nil && (closing["kibana.alert.ancestors"] as? [Any])?.isEmpty == true)
        let last = try #require(closing["incident"] as? [String: Any])
        #expect(last["buckets"] as? Int == 17 && last["events"] as? Int == 321)
        #expect(last["start"] as? String == "2026-10-05T00:45:00Z" && last["end"] as? String == "2026-10-05T05:00:00Z")
        #expect(last["status"] as? String == "closed")
        let hosts = try #require((last["influencers"] as? [String: Any])?["host.name"] as? [[String: Any]])
        #expect(hosts.first?["value"] as? String == "WS-BER-0202" && hosts.first?["count"] as? Int == 321)
        let hk = documents.filter { $0["country"] as? String == "HK" }
        #expect(hk.compactMap { $0["kibana.alert.status"] as? String } == ["active", "recovered"])
    }

    @Test func aGapBetweenRunsIsReportedAndItsBucketsScoredWhenTheirEventsArrive() throws {
        let runs = try Self.runs.get()
        let state = Self.temporaryState()
        defer { Self.removeState(state) }
        for file in runs[0..<4] { #expect(try Self.score(file, state: state).exitCode == 0) }
        // Runs 5 .. 20 never happen; run 21 (04:45 .. 05:15) finds 00:45 .. 04:45 not scored.
        let late = try Self.score(runs[20], state: state)
        #expect(late.exitCode == 0)
        #expect(
            late.stderr.contains(
                "warning: gap since the last run: 2026-10-05T00:45:00Z .. 2026-10-05T04:45:00Z "
                    + "(16 bucket(s)) not yet scored"
            ),
            "\(late.stderr)")
        // A backfill of the whole day scores the gap's buckets (the C2 episode) once, in time order.
        let backfill = try Self.lines(try Self.score(Self.day, state: state).stdout)
        let kg = backfill.filter { $0["country"] as? String == "KG" }
        #expect(kg.count >= 16)
        #expect(kg.compactMap { $0["timestamp"] as? String } == kg.compactMap { $0["timestamp"] as? String }.sorted())
        let again = try Self.score(Self.day, state: state)
        #expect(again.stdout.isEmpty)
    }

    @Test func twoScorersOnOneStateFileTakeTurns() throws {
        let state = Self.temporaryState()
        defer { Self.removeState(state) }
        let binary = BinaryRunner.binDirectory.appendingPathComponent("geospike-score")
        var processes: [(Process, URL)] = []
        for k in 0..<2 {
            let out = URL(fileURLWithPath: state + ".out\(k)")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            let process = Process()
            process.executableURL = binary
            process.arguments = ["--model", Self.model, "--input", Self.day, "--now", Self.now, "--state", state]
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append((process, out))
        }
        var emitted: [[String: Any]] = []
        for (process, out) in processes {
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)
            emitted += try Self.lines(String(decoding: try Data(contentsOf: out), as: UTF8.self))
            try? FileManager.default.removeItem(at: out)
        }
        try Self.expectSameAsOneRun(emitted, "(two scorers at once)")
    }

    /// `kill -9` at random points of random runs: no bucket lost, no record twice.
    ///
    /// Each killed run is then run again, as a scheduler retries. GEOSPIKE_KILL_RUNS sets
    /// the number of kills (`make kill-test` runs 100).
    @Test func killedRunsLoseNoBucketAndDuplicateNoAlert() throws {
        let kills = Int(ProcessInfo.processInfo.environment["GEOSPIKE_KILL_RUNS"] ?? "") ?? 10
        let runs = try Self.runs.get()
        let state = Self.temporaryState()
        defer { Self.removeState(state) }
        var killsByRun = [Int](repeating: 0, count: runs.count)
        for _ in 0..<kills { killsByRun[Int.random(in: 0..<runs.count)] += 1 }
        let binary = BinaryRunner.binDirectory.appendingPathComponent("geospike-score")
        let out = URL(fileURLWithPath: state + ".out")
        defer { try? FileManager.default.removeItem(at: out) }
        var emitted: [[String: Any]] = []
        var delays: [Int] = []
        for (k, file) in runs.enumerated() {
            for _ in 0..<killsByRun[k] {
                FileManager.default.createFile(atPath: out.path, contents: nil)
                let process = Process()
                process.executableURL = binary
                process.arguments = ["--model", Self.model, "--input", file, "--now", Self.now, "--state", state]
                let handle = try FileHandle(forWritingTo: out)
                process.standardOutput = handle
                process.standardError = FileHandle.nullDevice
                // Anywhere from before the model is read to after the commit of a debug build's run.
                let delay = Int.random(in: 0..<100_000)
                delays.append(delay)
                try process.run()
                usleep(useconds_t(delay))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                try handle.close()
                // Whatever a killed run wrote before it died was delivered too.
                emitted += try Self.lines(String(decoding: try Data(contentsOf: out), as: UTF8.self))
            }
            let result = try Self.score(file, state: state)
            #expect(result.exitCode == 0, "run \(k + 1) after kills: \(result.stderr)")
            emitted += try Self.lines(result.stdout)
        }
        try Self.expectSameAsOneRun(emitted, "(kills after microseconds: \(delays))")
    }

    @Test func aDamagedOrNewerStateFileIsRefusedAndLeftAsItIs() throws {
        let runs = try Self.runs.get()
        let garbage = Self.temporaryState()
        defer { Self.removeState(garbage) }
        let junk = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        try junk.write(to: URL(fileURLWithPath: garbage))
        let damaged = try Self.score(runs[0], state: garbage)
        #expect(damaged.exitCode == 65)
        #expect(damaged.stderr.contains("\(garbage): not a geospike state file, or a damaged one"), "\(damaged.stderr)")
        #expect(damaged.stdout.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: garbage)) == junk, "never silently reset")
        #expect(try Self.score(runs[0], state: garbage, ["--reset-state"]).exitCode == 65, "not even when asked to")

        // A valid state with one page overwritten.
        let broken = Self.temporaryState()
        defer { Self.removeState(broken) }
        for file in runs[0..<8] { #expect(try Self.score(file, state: broken).exitCode == 0) }
        var pages = try Data(contentsOf: URL(fileURLWithPath: broken))
        #expect(pages.count >= 3 * 4096)
        pages.replaceSubrange(4096..<8192, with: junk[0..<4096])
        try pages.write(to: URL(fileURLWithPath: broken))
        let corrupt = try Self.score(runs[8], state: broken)
        #expect(corrupt.exitCode == 65)
        #expect(corrupt.stderr.contains("\(broken): ") && corrupt.stderr.contains("damaged"), "\(corrupt.stderr)")
        #expect(corrupt.stdout.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: broken)) == pages, "left as it is")

        // A state written by a newer schema: SQLite's user_version, bytes 60-63 of the header.
        let newer = Self.temporaryState()
        defer { Self.removeState(newer) }
        #expect(try Self.score(runs[0], state: newer).exitCode == 0)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: newer))
        #expect(bytes.count > 100 && !FileManager.default.fileExists(atPath: newer + "-wal"), "checkpointed on close")
        bytes.replaceSubrange(60..<64, with: [0, 0, 0, 2])
        try bytes.write(to: URL(fileURLWithPath: newer))
        let refused = try Self.score(runs[1], state: newer)
        #expect(refused.exitCode == 65)
        #expect(
            refused.stderr.contains("state schema 2 was written by a newer geospike (this one reads 1)"),
            "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
    }

    @Test func aStateBuiltForAnotherModelIsRefusedUnlessReset() throws {
        let runs = try Self.runs.get()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "geospike-other-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Another model: the same office trained from its count table (no usual sources).
        let other = directory.appendingPathComponent("other.gsm").path
        let counts = Self.root.appendingPathComponent("datasets/train-counts.csv").path
        let trained = try run(
            "geospike-train", ["--input", counts, "--timezone", "Europe/Berlin", "--seed", "1", "--out", other])
        #expect(trained.exitCode == 0, "\(trained.stderr)")
        let state = Self.temporaryState()
        defer { Self.removeState(state) }
        #expect(try Self.score(runs[4], state: state).exitCode == 0)

        let refused = try run(
            "geospike-score", ["--model", other, "--input", runs[5], "--now", Self.now, "--state", state])
        #expect(refused.exitCode == 65)
        #expect(refused.stderr.contains("\(state): the state was built for model geospike-"), "\(refused.stderr)")
        #expect(refused.stderr.contains("pass --reset-state to start it over for this model"))
        #expect(refused.stdout.isEmpty)
        // Reset: the other model starts over and judges run 6's complete bucket (01:00, KG alerting) itself.
        let reset = try run(
            "geospike-score",
            ["--model", other, "--input", runs[5], "--now", Self.now, "--state", state, "--reset-state"])
        #expect(reset.exitCode == 0, "\(reset.stderr)")
        #expect(try Self.lines(reset.stdout).contains { $0["country"] as? String == "KG" })
        // The first model now finds the state is not its own.
        #expect(try Self.score(runs[6], state: state).exitCode == 65)
    }

    /// A week of counts (the last training week of datasets/train-counts.csv) in 672 runs
    /// of 15 minutes over the last 30, at threshold 20 so that it alerts dozens of times;
    /// about a minute in a debug build, so `make state-week-test` runs it
    /// (GEOSPIKE_REPLAY_WEEK=1).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GEOSPIKE_REPLAY_WEEK"] == "1"))
    func aWeekIn672RunsAlertsAsOneRunOverTheWeek() throws {
        let text = try String(
            contentsOf: Self.root.appendingPathComponent("datasets/train-counts.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        let parse = ISO8601DateFormatter()
        let weekStart = try #require(parse.date(from: "2026-09-28T00:00:00Z")).timeIntervalSince1970
        let week = lines.compactMap { line -> (time: Double, line: String)? in
            guard let stamp = line.split(separator: ",").first, let date = parse.date(from: String(stamp)) else {
                return nil
            }
            let t = date.timeIntervalSince1970
            return t >= weekStart && t < weekStart + 7 * 86400 ? (t, line) : nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "geospike-week-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("week.csv").path
        try ([header] + week.map(\.line)).joined(separator: "\n").appending("\n").write(
            toFile: whole, atomically: true, encoding: .utf8)
        let one = try Self.lines(try Self.score(whole, state: nil, ["--threshold", "20"]).stdout)
        #expect(one.count >= 30, "the week must alert enough for the comparison to mean something")

        let state = Self.temporaryState()
        defer { Self.removeState(state) }
        let batch = directory.appendingPathComponent("run.csv").path
        var emitted: [[String: Any]] = []
        for k in 1...672 {
            let end = weekStart + Double(k) * 900
            let rows = week.filter { $0.time >= end - 1800 && $0.time < end }.map(\.line)
            try ([header] + rows).joined(separator: "\n").appending("\n").write(
                toFile: batch, atomically: true, encoding: .utf8)
            let result = try Self.score(batch, state: state, ["--threshold", "20"])
            #expect(result.exitCode == 0, "run \(k): \(result.stderr)")
            emitted += try Self.lines(result.stdout)
        }
        let ids = emitted.compactMap { $0["record_id"] as? String }
        #expect(ids.count == Set(ids).count, "a record emitted twice")
        #expect(Set(ids) == Set(one.compactMap { $0["record_id"] as? String }))
    }
}
