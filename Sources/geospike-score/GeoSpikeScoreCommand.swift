import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

@main
struct GeoSpikeScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geospike-score",
        abstract: "Score a batch of network logs against a geospike model and print anomaly records.",
        version: "0.1.0")

    @Option(name: .long, help: "The model file (from geospike-train).")
    var model: String

    @Option(name: .long, parsing: .upToNextOption, help: "Log files to score ('-' = stdin, .gz read transparently).")
    var input: [String] = []

    @OptionGroup var reader: ReaderArguments

    @Option(name: .long, help: "Alert when record_score >= this (0-100).")
    var threshold: Double = 75

    @Option(name: .long, help: "Records to write: alerts, or all (every bucket and country with traffic).")
    var emit: Scorer.Emit = .alerts

    @Option(name: .long, help: "Output: ndjson (one record per line) or table (for people).")
    var output: OutputFormat = .ndjson

    @Option(name: .long, help: "Buckets ending after this time are interim (ISO 8601 or epoch seconds). Default: the latest event.")
    var until: String?

    @Option(name: .long, help: "Benjamini-Hochberg false discovery rate across the countries of a bucket.")
    var fdr: Double?

    @Option(name: .long, help: "Influencer values reported per field.")
    var top: Int = 5

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case ndjson, table }

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input PATH ('-' for stdin)") }
        guard (0...100).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 100") }
        if let q = fdr, !(q > 0 && q < 1) { throw ValidationError("--fdr must be between 0 and 1 (e.g. 0.05)") }
        if let u = until, Timestamp.parse(Substring(u)) == nil {
            throw ValidationError("--until '\(u)': give an ISO 8601 time such as 2026-10-05T10:30:00Z or epoch seconds")
        }
        guard top >= 0 else { throw ValidationError("--top must be >= 0") }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-score") {
            let trained = try ModelFile.read(from: model)
            let scorer = try Scorer(model: trained, modelID: try ModelFile.identifier(of: trained))
            var readerOptions = try reader.readerOptions()
            readerOptions.bucketSpan = trained.bucketSpan
            let (table, summary) = try Ingest.countTable(paths: input, options: readerOptions)
            try reader.report(summary)
            var options = ScoreOptions()
            options.threshold = threshold
            options.until = until.flatMap { Timestamp.parse(Substring($0)) }
            options.falseDiscoveryRate = fdr
            options.topInfluencers = top
            let batch = try scorer.score(table, options: options)
            let records = scorer.records(batch, table: table, emit: emit, options: options)
            // Everything is computed before anything is written: an error never leaves half a result on stdout.
            switch output {
            case .ndjson:
                var text = ""
                for r in records { text += r.jsonLine + "\n" }
                FileHandle.standardOutput.write(Data(text.utf8))
            case .table:
                let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                print(RecordTable(records: records, timeZone: trained.metadata.timeZone, colour: colour).text, terminator: "")
            }
            let interim = batch.interim.filter { $0 }.count
            FileHandle.standardError.write(
                Data(
                    ("geospike-score: \(batch.bucketCount) buckets x \(batch.countryCount) countries scored"
                        + " (\(batch.countryCount - batch.firstSeenStart) first seen, \(interim) interim bucket(s)); "
                        + "\(batch.alertCount) alert(s) at record_score >= \(JSONLine.number(threshold))\n").utf8))
        }
    }
}

extension Scorer.Emit: ExpressibleByArgument {}
