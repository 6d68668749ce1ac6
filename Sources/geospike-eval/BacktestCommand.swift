import ArgumentParser
import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

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

    @Option(name: .long, help: "Approved exceptions (JSON or YAML), as geospike-score --exceptions: alerts are counted without excepted traffic.")
    var exceptions: String?

    @Option(name: .long, help: "The time exception expiry is judged at (ISO 8601 or epoch seconds). Default: now.")
    var now: String?

    func validate() throws {
        guard (0...100).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 100") }
        if let t = now, Timestamp.parse(Substring(t)) == nil, Double(t) == nil {
            throw ValidationError("--now '\(t)': give an ISO 8601 time such as 2026-10-05T10:30:00Z or epoch seconds")
        }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval backtest") {
            if let exceptions { return try runWithExceptions(exceptions) }
            let (model, modelID, table) = try history.load()
            let result = try Backtest(model: model, modelID: modelID).run(
                table, threshold: threshold, until: history.untilSeconds)
            try emit(text: result.text, json: result.json, asJSON: json)
        }
    }

    /// The backtest on the traffic the exceptions leave (what geospike-score --exceptions
    /// alerts on), with the alerts per day without them on stderr for comparison.
    private func runWithExceptions(_ path: String) throws {
        let model = try ModelFile.read(from: history.model)
        var options = try history.reader.readerOptions()
        options.bucketSpan = model.bucketSpan
        let now = now.flatMap { Double($0) ?? Timestamp.parse(Substring($0)) } ?? Date().timeIntervalSince1970
        let list = try ExceptionList.loadActive(path: path, now: now) {
            StandardError.write("geospike-eval backtest: warning: \($0)\n")
        }
        let traffic = try ExceptedTraffic.read(paths: history.input, options: options, exceptions: list)
        try history.reader.report(traffic.summary)
        let backtest = try Backtest(model: model, modelID: try ModelFile.identifier(of: model))
        let without = try backtest.run(traffic.table, threshold: threshold, until: history.untilSeconds)
        let result = try backtest.run(traffic.kept, threshold: threshold, until: history.untilSeconds)
        if let a = without.thresholds.first(where: { $0.threshold == threshold }),
            let b = result.thresholds.first(where: { $0.threshold == threshold })
        {
            StandardError.write(String(
                        format: "geospike-eval backtest: %d exception(s) from %@ removed %d event(s); alerts at record_score >= %@: %d (%.2f a day) without them, %d (%.2f a day) with them\n",
                        list.entries.count, path, traffic.exceptedEvents, JSONLine.number(threshold), a.alerts, a.alertsPerDay,
                        b.alerts, b.alertsPerDay
                    ))
        }
        try emit(text: result.text, json: result.json, asJSON: json)
    }
}
