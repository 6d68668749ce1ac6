import ArgumentParser
import GeoSpikeEvaluation
import GeoSpikeIngest

/// `geospike-eval inject`: how large a spike the model catches.
struct InjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Inject labelled spikes into clean history and report recall, ROC and a detectability map.",
        discussion: """
            Adds spikes of a range of sizes (multiples of typical, absolute additions, sustained over \
            several buckets, traffic to new countries) to copies of the history, scores them with the real \
            scorer, and reports recall by size, country and local hour, the ROC and precision-recall trade-off, \
            and, with --map, the smallest single-bucket spike caught per country and local hour at the \
            threshold that keeps clean alerts within --target-alerts-per-day. Sizes: x3 (three times \
            typical), +20 (20 events), new+10 (a new country), each optionally sustained: x2/8, new+5/12.
            """)

    @OptionGroup var history: ModelAndHistory

    @Option(name: .long, help: "Number of spikes to inject.")
    var spikes: Int = 300

    @Option(name: .long, help: "Random seed: the same seed places the same spikes.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Alert threshold (0-100).")
    var threshold: Double = 75

    @Option(name: .long, parsing: .upToNextOption, help: "Spike sizes, e.g. x2 x5 +10 +50 x2/8 new+10 (default: a standard ladder).")
    var sizes: [String] = []

    @Flag(name: .long, help: "Draw sizes as geospike-eval synth plants attacks (exfiltration, scan, botnet, C2).")
    var realistic = false

    @Flag(name: .long, help: "Also compute the detectability map.")
    var map = false

    @Option(name: .long, help: "False alerts per day the detectability map's threshold allows.")
    var targetAlertsPerDay: Double = 1

    @Option(name: .long, help: "Buckets sampled per country and local hour for the map.")
    var samples: Int = 6

    @Flag(name: .long, help: "Write one JSON object instead of tables.")
    var json = false

    func validate() throws {
        guard spikes >= 1 else { throw ValidationError("--spikes must be at least 1") }
        guard (0...100).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 100") }
        for size in sizes where SpikeShape(parsing: size) == nil {
            throw ValidationError("--sizes: '\(size)' is not a size; use x3, +20, new+10, or x2/8 for 8 buckets")
        }
        guard !(realistic && !sizes.isEmpty) else { throw ValidationError("give --sizes or --realistic, not both") }
        guard targetAlertsPerDay > 0 else { throw ValidationError("--target-alerts-per-day must be > 0") }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval inject") {
            let (model, modelID, table) = try history.load()
            var options = InjectionStudy.Options()
            options.spikes = spikes
            options.seed = seed
            options.threshold = threshold
            options.until = history.untilSeconds
            if realistic {
                options.shapes = SpikeShape.realisticAttacks(count: spikes, seed: seed)
            } else if !sizes.isEmpty {
                options.shapes = sizes.compactMap(SpikeShape.init(parsing:))
            }
            let result = try InjectionStudy(model: model, modelID: modelID).run(table, options: options)
            var text = result.text
            var json = result.json
            if map {
                var mapOptions = DetectabilityMap.Options()
                mapOptions.targetAlertsPerDay = targetAlertsPerDay
                mapOptions.samples = samples
                mapOptions.until = history.untilSeconds
                let detectability = try DetectabilityMap.compute(
                    model: model, modelID: modelID, table: table, options: mapOptions)
                text += "\n" + detectability.text
                json = String(json.dropLast()) + ",\"detectability\":" + detectability.json + "}"
            }
            try emit(text: text, json: json, asJSON: self.json)
        }
    }
}
