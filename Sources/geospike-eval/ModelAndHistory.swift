import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeModel

/// The options shared by subcommands that judge a model on history: the model, the logs,
/// every reader option, and `--until`.
struct ModelAndHistory: ParsableArguments {
    @Option(name: .long, help: "The model file (from geospike-train).")
    var model: String

    @Option(name: .long, parsing: .upToNextOption, help: "Logs of history assumed clean ('-' = stdin, .gz read transparently).")
    var input: [String] = []

    @OptionGroup var reader: ReaderArguments

    @Option(name: .long, help: "Buckets ending after this time are interim (ISO 8601 or epoch seconds). Default: the latest event.")
    var until: String?

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input PATH ('-' for stdin)") }
        if let u = until, Timestamp.parse(Substring(u)) == nil, Double(u) == nil {
            throw ValidationError("--until '\(u)': give an ISO 8601 time such as 2026-10-05T10:30:00Z or epoch seconds")
        }
    }

    var untilSeconds: Double? { until.flatMap { Double($0) ?? Timestamp.parse(Substring($0)) } }

    /// Reads the model and counts the history in the model's bucket span, exactly as
    /// geospike-score does; the ingest summary goes to stderr.
    func load() throws -> (model: TrainedModel, modelID: String, table: CountTable) {
        let trained = try ModelFile.read(from: model)
        var options = try reader.readerOptions()
        options.bucketSpan = trained.bucketSpan
        let (table, summary) = try Ingest.countTable(paths: input, options: options)
        try reader.report(summary)
        return (trained, try ModelFile.identifier(of: trained), table)
    }
}

/// Writes a command's result: the JSON form with `--json`, else the text for people.
func emit(text: String, json: String, asJSON: Bool) throws {
    try StandardOutput.write(asJSON ? json + "\n" : TerminalText.visibleLines(text))
}
