import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeModel

@main
struct GeoSpikeTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geospike-train",
        abstract: "Learn per-country seasonal count models from network logs.",
        version: Trainer.toolVersion,
        subcommands: [Fit.self, Inspect.self],
        defaultSubcommand: Fit.self
    )
}
