import ArgumentParser
import GeoSpikeEvaluation
import GeoSpikeIngest

/// `geospike-eval calibration`: whether a model's probabilities mean what they say.
struct CalibrationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibration",
        abstract: "Check on clean history that probabilities mean what they say (exceedances, p-value histogram).",
        discussion: """
            Scores the input and counts, at p = 0.1 down to 1e-6, how many country-buckets had a calibrated \
            probability at most p, against the N·p expected; "too many" marks a level whose excess is \
            unlikely by chance, which means more false alerts than the model predicts.
            """)

    @OptionGroup var history: ModelAndHistory

    @Flag(name: .long, help: "Write one JSON object instead of tables.")
    var json = false

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval calibration") {
            let (model, modelID, table) = try history.load()
            let check = try CalibrationCheck.run(model: model, modelID: modelID, table: table, until: history.untilSeconds)
            try emit(text: check.text, json: check.json, asJSON: json)
        }
    }
}
