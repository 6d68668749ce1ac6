import ArgumentParser
import GeoSpikeModel

@main
struct GeoSpikeEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geospike-eval",
        abstract: "Count, backtest, inject spikes, calibrate and report on geospike models.",
        version: Trainer.toolVersion,
        subcommands: [
            SynthCommand.self,
            CountsCommand.self,
            BacktestCommand.self,
            InjectCommand.self,
            WalkForwardCommand.self,
            LabelledCommand.self,
            LabelsCommand.self,
            CalibrationCommand.self,
            ReportCommand.self,
            BenchCommand.self,
            SuggestExceptionsCommand.self,
        ]
    )
}
