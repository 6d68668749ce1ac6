import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeModel

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every country of a model: family, expected counts, peak local time, dispersion.")

    @Argument(help: "The model file.")
    var model: String

    @Flag(name: .long, help: "Write JSON instead of a table.")
    var json = false

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-train inspect") {
            let trained = try ModelFile.read(from: model)
            let inspection = ModelInspection(model: trained, modelID: try ModelFile.identifier(of: trained))
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let data = try encoder.encode(inspection)
                try StandardOutput.write(data + Data("\n".utf8))
            } else {
                // Names and reasons come from the model file: shown, never obeyed, by the terminal.
                try StandardOutput.write(TerminalText.visibleLines(inspection.report))
            }
        }
    }
}
