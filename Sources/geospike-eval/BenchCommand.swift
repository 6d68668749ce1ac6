import ArgumentParser
import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeNumerics
import GeoSpikeScore

/// `geospike-eval bench`: the cost per operation of the hot loops, for `bench/run.py`.
///
/// Times the ECS reader, GeoIP lookups, the count tails and the scoring kernel on
/// deterministic synthetic input, and optionally the kernel on a given model and counts.
/// Each number is the best of `--rounds` runs, in CPU time (the count tails time
/// themselves, in wall time). Benchmarks only: no test depends on them.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the hot loops: ECS reader, GeoIP lookup, count tails, scoring kernel (ns per operation).",
        discussion: """
            Generates synthetic traffic (the same generator as `synth`, fixed seed), reads it back, \
            looks up addresses in Debian's tor-geoipdb tables, and trains and scores a model on it. \
            Pin OPENBLAS_NUM_THREADS=1 for per-core numbers. `make bench` records the output in \
            bench/RESULTS.md.
            """)

    /// One benchmark's result.
    struct Result: Codable {
        var name: String
        var nanosecondsPerOperation: Double
        /// What one operation is.
        var unit: String
        /// `ingest`, `geoip`, `special-functions`, `training`, `scoring` (a day, set-up
        /// included), `scoring-kernel` (the synthetic 28 days: issue 5's throughput target)
        /// or `scoring-wide` (the `--model`/`--counts` pair).
        var kind: String
    }

    @Flag(help: "Print JSON (as bench/run.py reads it) instead of a table.")
    var json = false

    @Option(help: "Rounds per benchmark; the best round is reported.")
    var rounds = 5

    @Option(help: "Days of synthetic traffic to train on; the scoring batch is the day after.")
    var days = 28

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Groups to run: ingest, geoip, tails, training, scoring, model (= training and scoring); "
                + "default all. For profiling one hot loop."))
    var only: [String] = []

    @Option(help: "A trained model to score --counts with as well (e.g. bench/work/wide/model.gsm, 250 countries).")
    var model: String?

    @Option(help: "A counts CSV whose last --days days --model scores (e.g. bench/work/wide/training-counts.csv).")
    var counts: String?

    @Option(help: "Megabytes of generated ECS NDJSON to read in the ingest benchmark.")
    var ingestMegabytes = 64

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1 (got \(rounds)).") }
        guard days >= 14 else {
            throw ValidationError("--days must be at least 14: the trainer holds out a week (got \(days)).")
        }
        let unknown = Set(only).subtracting(Self.groups)
        guard unknown.isEmpty else {
            throw ValidationError("--only takes \(Self.groups.sorted().joined(separator: ", ")); not \(unknown.sorted().joined(separator: ", ")).")
        }
        guard (model == nil) == (counts == nil) else {
            throw ValidationError("--model and --counts go together: the model scores the counts' last --days days.")
        }
        guard ingestMegabytes >= 1 else {
            throw ValidationError("--ingest-megabytes must be at least 1 (got \(ingestMegabytes)).")
        }
    }

    static let groups: Set<String> = ["ingest", "geoip", "tails", "training", "scoring", "model"]

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval bench") {
            var selected = only.isEmpty ? Self.groups : Set(only)
            if selected.contains("model") { selected.formUnion(["training", "scoring"]) }
            var results: [Result] = []
            if selected.contains("ingest") { results += try ingestBenchmarks() }
            if selected.contains("geoip") { results += try geoIPBenchmarks() }
            if selected.contains("tails") {
                results += NumericsBenchmark.run(rounds: rounds).map {
                    Result(
                        name: $0.name, nanosecondsPerOperation: $0.nanosecondsPerCall, unit: "one tail",
                        kind: "special-functions")
                }
            }
            if !selected.isDisjoint(with: ["training", "scoring"]) {
                results += try modelBenchmarks(training: selected.contains("training"), scoring: selected.contains("scoring"))
            }
            if let model, let counts, selected.contains("scoring") {
                results.append(try wideScoringBenchmark(model: model, counts: counts))
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try StandardOutput.write(String(decoding: try encoder.encode(results), as: UTF8.self) + "\n")
            } else {
                let width = results.map(\.name.count).max() ?? 0
                for r in results {
                    let name = r.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    try StandardOutput.write("\(name)  \(String(format: "%12.1f", r.nanosecondsPerOperation)) ns  per \(r.unit)\n")
                }
            }
        }
    }

    /// Best CPU time of `rounds` calls of `body`, in nanoseconds.
    ///
    /// CPU time of the process, not wall time: the machines this runs on are shared, and
    /// with OPENBLAS_NUM_THREADS=1 everything here runs on one thread, so CPU time is what
    /// the wall time would be on an idle core.
    private func bestNanoseconds(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = Self.processCPUNanoseconds()
            try body()
            best = min(best, Self.processCPUNanoseconds() - start)
        }
        return best
    }

    private static func processCPUNanoseconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1e9 + Double(now.tv_nsec)
    }

    /// The whole ECS reader, file to count table (line splitting, the byte scanner,
    /// timestamps, country resolution, the table), on the ingest module's generated
    /// Packetbeat-like file: per line, with the rate per byte in the unit.
    private func ingestBenchmarks() throws -> [Result] {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("geospike-bench-\(ProcessInfo.processInfo.processIdentifier).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try IngestBenchmark.writeECS(path: path, megabytes: ingestMegabytes, seed: 8)
        var results: [Result] = []
        for capacity in [0, 16] {
            var options = ReaderOptions()
            options.format = .ecs
            options.influencerCapacity = capacity
            var run: IngestBenchmark.Result?
            let ns = try bestNanoseconds { run = try IngestBenchmark.measure(path: path, options: options) }
            guard let run, run.lines > 0 else { continue }
            let label = capacity == 0 ? "counts only, as `counts`" : "with top-\(capacity) influencer tallies"
            results.append(Result(
                name: "ECS reader → count table (\(label))",
                nanosecondsPerOperation: ns / Double(run.lines),
                unit: String(
                    format: "line (%.0f MB per CPU-second, %.0f-byte lines)", Double(run.bytes) / ns * 1e3,
                    Double(run.bytes) / Double(run.lines)),
                kind: "ingest"))
        }
        return results
    }

    /// Address parsing and binary search in Debian's tor-geoipdb tables.
    private func geoIPBenchmarks() throws -> [Result] {
        let directory = GeoIPResolver.torDirectory
        guard FileManager.default.fileExists(atPath: directory + "/geoip") else {
            throw GeoSpikeError(.noInput, "\(directory)/geoip is missing; install tor-geoipdb (make deps)")
        }
        var results: [Result] = []
        for file in ["geoip", "geoip6"] {
            var ranges = 0
            let ns = try bestNanoseconds { ranges = try IngestBenchmark.torLoadSeconds(path: directory + "/" + file).ranges }
            results.append(Result(
                name: "tor \(file) table load (\(ranges) ranges)", nanosecondsPerOperation: ns, unit: "load",
                kind: "geoip"))
        }
        let v4 = try TorGeoIPTable.load(path: directory + "/geoip")
        let v6 = try TorGeoIPTable.load(path: directory + "/geoip6")

        var random = SeededGenerator(seed: 8)
        let count = 200_000
        let v4Text = (0..<count).map { _ in
            "\(Int.random(in: 1...223, using: &random)).\(Int.random(in: 0...255, using: &random))."
                + "\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))"
        }
        let v6Text = (0..<count).map { _ in
            String(format: "2%03x:%x:%x::%x", Int.random(in: 0...0xfff, using: &random),
                   Int.random(in: 0...0xffff, using: &random), Int.random(in: 0...0xffff, using: &random),
                   Int.random(in: 1...0xffff, using: &random))
        }
        var parsed: [IPAddress] = []
        let parseNs = bestNanoseconds { parsed = v4Text.compactMap { IPAddress($0) } }
        results.append(Result(
            name: "IPAddress parse (IPv4 text)", nanosecondsPerOperation: parseNs / Double(count), unit: "address",
            kind: "geoip"))
        let v6Parsed = v6Text.compactMap { IPAddress($0) }
        guard parsed.count == count, v6Parsed.count == count else {
            throw GeoSpikeError(.badData, "the benchmark's own addresses did not parse; this is a bug in geospike-eval bench")
        }
        var resolved = 0
        let v4Ns = bestNanoseconds { resolved = parsed.reduce(0) { $0 + (v4.country(of: $1) == nil ? 0 : 1) } }
        results.append(Result(
            name: "tor geoip lookup (IPv4, \(resolved * 100 / count)% resolved)",
            nanosecondsPerOperation: v4Ns / Double(count), unit: "lookup", kind: "geoip"))
        let v6Ns = bestNanoseconds { resolved = v6Parsed.reduce(0) { $0 + (v6.country(of: $1) == nil ? 0 : 1) } }
        results.append(Result(
            name: "tor geoip lookup (IPv6, \(resolved * 100 / count)% resolved)",
            nanosecondsPerOperation: v6Ns / Double(count), unit: "lookup", kind: "geoip"))
        return results
    }

    /// Training on `days` of synthetic counts, and the scoring kernel (one gemm for all
    /// expected counts, then the tails, multi-bucket windows and record scores) on the day
    /// after and on the training range. Without `training` the model is trained once, untimed.
    private func modelBenchmarks(training timeTraining: Bool, scoring timeScoring: Bool) throws -> [Result] {
        let traffic = SyntheticTraffic(SyntheticScenario(days: days + 1, seed: 8))
        let all = traffic.countTable()
        let split = traffic.bucketStart(days * BucketSpan.fifteenMinutes.bucketsPerDay)
        var training = CountTable(), batch = CountTable()
        for (key, count) in all.counts {
            if key.bucketStart < split {
                training.add(bucketStart: key.bucketStart, country: key.country, count: count)
            } else {
                batch.add(bucketStart: key.bucketStart, country: key.country, count: count)
            }
        }
        // Silent buckets at either end still belong to the observed range.
        training.observe(time: Double(traffic.bucketStart(0)))
        training.observe(time: Double(split) - 1)
        batch.observe(time: Double(split))
        batch.observe(time: Double(traffic.bucketStart(traffic.bucketCount - 1)))

        let trainer = Trainer(options: TrainingOptions())
        var model: TrainedModel?
        var results: [Result] = []
        if timeTraining {
            let trainNs = try bestNanoseconds { model = try trainer.train(training) }
            let countries = model?.countries.count ?? 0
            results.append(Result(
                name: "Trainer.train (\(days) days × \(countries) countries)",
                nanosecondsPerOperation: trainNs / Double(max(1, training.bucketCount * countries)),
                unit: String(format: "training country-window (%.0f ms in all)", trainNs / 1e6), kind: "training"))
        } else {
            model = try trainer.train(training)
        }
        guard let model else {
            throw GeoSpikeError(.badData, "training on the benchmark's synthetic counts produced no model")
        }
        guard timeScoring else { return results }
        let scorer = try Scorer(model: model, modelID: "bench")
        // A day is what a scheduled run might score after an outage, into fresh arrays; the
        // whole training range is the kernel's throughput once per-batch set-up is amortised:
        // scored into the previous round's batch, as a backtest or a long-running scorer
        // would, and once more into fresh arrays to show what first-touching them costs.
        return results + [
            try scoringBenchmark(scorer, batch, label: "1 day", reuse: false, kind: "scoring"),
            try scoringBenchmark(scorer, training, label: "\(days) days", reuse: true, kind: "scoring-kernel"),
            try scoringBenchmark(scorer, training, label: "\(days) days", reuse: false, kind: "scoring"),
        ]
    }

    /// Scorer.score on a table, per country-window: into the same batch every round
    /// (`reuse`), or into a new one.
    private func scoringBenchmark(_ scorer: Scorer, _ table: CountTable, label: String, reuse: Bool, kind: String)
        throws -> Result
    {
        var scored = ScoredBatch.empty
        let ns = try bestNanoseconds {
            if reuse {
                try scorer.score(table, into: &scored)
            } else {
                scored = try scorer.score(table)
            }
        }
        let windows = scored.bucketCount * scored.countryCount
        let arrays = reuse ? "reused batch" : "new batch"
        return Result(
            name: "Scorer.score (\(label), \(windows) country-windows, \(arrays))",
            nanosecondsPerOperation: ns / Double(max(1, windows)), unit: "country-window", kind: kind)
    }

    /// The scoring kernel on a real model and its counts: the last `days` days of `counts`,
    /// e.g. the wide workload's 250 countries, most of them sparse.
    private func wideScoringBenchmark(model path: String, counts: String) throws -> Result {
        let trained = try ModelFile.read(from: path)
        var options = ReaderOptions()
        options.format = .counts
        options.bucketSpan = trained.bucketSpan
        let (all, _) = try Ingest.countTable(paths: [counts], options: options)
        guard let range = all.bucketRange else { throw GeoSpikeError(.badData, "\(counts) has no counts to score") }
        let span = trained.bucketSpan.seconds
        let first = max(range.lowerBound, range.upperBound + span - Int64(days) * 86400)
        var recent = CountTable(bucketSpan: trained.bucketSpan)
        for (key, count) in all.counts where key.bucketStart >= first {
            recent.add(bucketStart: key.bucketStart, country: key.country, count: count)
        }
        recent.observe(time: Double(first))
        recent.observe(time: Double(range.upperBound + span) - 1)
        let scorer = try Scorer(model: trained, modelID: "bench")
        let file = (counts as NSString).lastPathComponent
        let label = "\(trained.countries.count)-country model, last \(days) days of \(file)"
        return try scoringBenchmark(scorer, recent, label: label, reuse: true, kind: "scoring-wide")
    }
}
