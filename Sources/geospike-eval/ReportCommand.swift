import ArgumentParser
import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest

/// `geospike-eval report`: everything about a model on a history, as markdown and figures.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a markdown report with figures: false alerts, calibration, spike power, detectability.",
        discussion: """
            Writes --out (a .md file) and its figures beside it as NAME-*.svg, plus PNGs when rsvg-convert \
            is installed (Debian librsvg2-bin). The same inputs give the same bytes.
            """)

    @OptionGroup var history: ModelAndHistory

    @Option(name: .long, help: "The markdown file to write, e.g. reports/model.md.")
    var out: String

    @Option(name: .long, help: "Alert threshold (0-100).")
    var threshold: Double = 75

    @Option(name: .long, help: "Spikes injected for recall and ROC.")
    var spikes: Int = 300

    @Option(name: .long, help: "Random seed of the injected spikes.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "False alerts per day the detectability map's threshold allows.")
    var targetAlertsPerDay: Double = 1

    @Option(name: .long, help: "Buckets sampled per country and local hour for the detectability map (0 leaves it out).")
    var detectabilitySamples: Int = 4

    @Option(name: .long, help: "Busiest countries drawn against their expected band.")
    var topCountries: Int = 4

    @Flag(name: .long, help: "SVG only, even when rsvg-convert is installed.")
    var noPng = false

    func validate() throws {
        guard out.hasSuffix(".md") else { throw ValidationError("--out must end in .md, e.g. reports/model.md") }
        guard (0...100).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 100") }
        guard spikes >= 1 else { throw ValidationError("--spikes must be at least 1") }
        guard detectabilitySamples >= 0 else { throw ValidationError("--detectability-samples must be >= 0") }
        guard targetAlertsPerDay > 0 else { throw ValidationError("--target-alerts-per-day must be > 0") }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval report") {
            let (model, modelID, table) = try history.load()
            var options = EvaluationReport.Options()
            options.threshold = threshold
            options.until = history.untilSeconds
            options.spikes = spikes
            options.seed = seed
            options.targetAlertsPerDay = targetAlertsPerDay
            options.topCountries = topCountries
            options.detectabilitySamples = detectabilitySamples
            options.png = !noPng
            let report = try EvaluationReport.write(
                model: model, modelID: modelID, table: table, to: out, options: options
            ) { StandardError.write("geospike-eval report: \($0)\n") }
            try StandardOutput.write("wrote \(report.files.count) file(s): \(report.files.joined(separator: " "))\n")
        }
    }
}
