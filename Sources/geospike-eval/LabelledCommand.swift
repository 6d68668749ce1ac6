import ArgumentParser
import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel

/// `geospike-eval labelled`: the walk-forward on real series with expert labels.
struct LabelledCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labelled",
        abstract: "Judge the model on labelled count series (TimeStamp,Value,Label): episodes found, false alerts a day.",
        discussion: """
            Each CSV is one series, treated as one country. Test windows of --test-days follow a first \
            --min-train-days of history; each is scored by a model trained on all points before it. Reports, \
            per series and overall, the labelled spike episodes found (an alert inside the episode), the \
            episodes that go down (apart), false alerts per day outside every episode, and the alerts per day \
            the model predicts at --threshold. The protocol is in docs/labelled-series-protocol.md.
            """)

    @Option(name: .long, parsing: .upToNextOption, help: "Series CSV files (TimeStamp,Value,Label).")
    var input: [String] = []

    @Option(name: .long, help: "The series' step (e.g. 1h, 1m); default: the most common gap between time stamps.")
    var bucketSpan: String?

    @Option(name: .long, help: "Days of history before the first test window.")
    var minTrainDays: Int = 7

    @Option(name: .long, help: "Days per test window.")
    var testDays: Int = 7

    @OptionGroup var training: TrainingArguments

    @Option(name: .long, help: "Alert threshold (0-100).")
    var threshold: Double = 75

    @Flag(name: .long, help: "Write one JSON object instead of tables.")
    var json = false

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input FILE.csv") }
        guard minTrainDays >= 1, testDays >= 1 else { throw ValidationError("--min-train-days and --test-days must be at least 1") }
        guard (0...100).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 100") }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval labelled") {
            let step = try bucketSpan.map { try BucketSpan(parsing: $0) }
            let series = try input.map { try LabelledSeries.read(path: $0, step: step) }
            var options = LabelledWalkForward.Options(training: try training.trainingOptions())
            options.threshold = threshold
            options.minTrainDays = minTrainDays
            options.testDays = testDays
            let result = try LabelledWalkForward.run(series, options: options) {
                StandardError.write("geospike-eval labelled: \($0)\n")
            }
            try emit(text: result.text, json: result.json, asJSON: json)
        }
    }
}
