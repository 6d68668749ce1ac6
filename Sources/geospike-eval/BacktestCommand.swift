import ArgumentParser
import GeoSpikeEvaluation
import GeoSpikeIngest

/// `geospike-eval backtest`: how many alerts a model raises a day on history assumed clean.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay the scorer over clean history: alerts per day at thresholds, per country and local hour.",
        discussion: """
            Scores the input with the same scorer as geospike-score and reports alerts at record_score \
            thresholds 25, 50, 75, 90 and --threshold: per day, per country-bucket (the false-positive \
            rate on clean history), per country and per local hour, beside the alerts per day the model's \
            calibration predicts. The alert count at a threshold equals what geospike-score --threshold \
            raises on the same input (the last bucket is interim unless --until says otherwise). History \
            holds many 15-minute runs, so geospike-score's per-run cap (--max-alerts) is not applied here; \
            give geospike-score a large --max-alerts to compare on more than a run's worth of alerts.
            """)

    @OptionGroup var history: ModelAndHistory

    @Option(name: .long, help: "The alert threshold to report in detail (0-100).")
    var threshold: Double = 75

    @Flag(name: .long, help: "Write one JSON object instead of tables.")
    var json = false

    func validate() throws {
        guard (0...100).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 100") }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval backtest") {
            let (model, modelID, table) = try history.load()
            let result = try Backtest(model: model, modelID: modelID).run(
                table, threshold: threshold, until: history.untilSeconds)
            emit(text: result.text, json: result.json, asJSON: json)
        }
    }
}
