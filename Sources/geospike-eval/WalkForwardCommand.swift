import ArgumentParser
import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel

/// `geospike-eval walk-forward`: rolling train/test windows over raw history.
struct WalkForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walk-forward",
        abstract: "Train and test on rolling windows of history: do alert rates and calibration hold up?",
        discussion: """
            Window k trains on --train-days days and scores the --test-days after them; windows advance by \
            --test-days. Each row reports alerts per day at --threshold and at 50, observed and predicted, and \
            observed/expected exceedances of p = 1e-3 and 1e-4 (near 1 is calibrated; well above 1 means \
            more false alerts than predicted).
            """)

    @Option(name: .long, parsing: .upToNextOption, help: "Logs of the whole history ('-' = stdin, .gz read transparently).")
    var input: [String] = []

    @OptionGroup var reader: ReaderArguments

    @Option(name: .long, help: "Days of training per window.")
    var trainDays: Int

    @Option(name: .long, help: "Days of testing per window (and the step between windows).")
    var testDays: Int

    @OptionGroup var training: TrainingArguments

    @Option(name: .long, help: "Alert threshold (0-100).")
    var threshold: Double = 75

    @Flag(name: .long, help: "Write one JSON object instead of tables.")
    var json = false

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input PATH ('-' for stdin)") }
        guard trainDays >= 1, testDays >= 1 else { throw ValidationError("--train-days and --test-days must be at least 1") }
        guard (0...100).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 100") }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval walk-forward") {
            var options = WalkForward.Options(
                trainDays: trainDays, testDays: testDays, training: try training.trainingOptions())
            options.threshold = threshold
            let (table, summary) = try Ingest.countTable(paths: input, options: try reader.readerOptions())
            try reader.report(summary)
            let result = try WalkForward.run(table, options: options) {
                StandardError.write("geospike-eval walk-forward: \($0)\n")
            }
            try emit(text: result.text, json: result.json, asJSON: json)
        }
    }
}
