import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeModel

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Train a model (the default: `geospike-train --input … --out MODEL`).")

    @Option(name: .long, parsing: .upToNextOption, help: "Log files to learn from ('-' = stdin, .gz read transparently).")
    var input: [String] = []

    @Option(name: .long, help: "Where to write the model.")
    var out: String

    @OptionGroup var reader: ReaderArguments

    @Option(name: .long, help: "IANA time zone whose wall clock shapes the traffic (e.g. Europe/Berlin).")
    var timezone: String = "UTC"

    @Option(name: .long, help: "Seed, recorded in the model file.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Families to choose from, comma-separated: poisson,negbin,lognormal.")
    var families: String = "poisson,negbin,lognormal"

    @Option(name: .long, help: "Seasonality: weekly (daily shape, weekend shape, day-of-week levels), daily, or none.")
    var seasonality: String = "weekly"

    @Option(name: .long, help: "Daily Fourier harmonics.")
    var harmonics: Int = 6

    @Flag(name: .long, inversion: .prefixedNo, help: "Give each local time slot its own (shrunken) effect: nightly jobs and other sharp regular bursts.")
    var slotEffects = true

    @Option(name: .long, help: "Days after which a bucket's weight halves (0 = equal weights).")
    var halfLifeDays: Double = 28

    @Option(name: .long, help: "Latest days held out to choose families and calibrate.")
    var holdoutDays: Double = 7

    @Option(name: .long, help: "Prior SD of a country's seasonal coefficients around the pooled shape.")
    var shapePriorSd: Double = 0.5

    @Option(name: .long, help: "Prior SD of log dispersion around the pooled dispersion.")
    var dispersionPriorSd: Double = 1

    @Option(name: .long, help: "Buckets in the multi-bucket window.")
    var multiBucketWindow: Int = 12

    @Flag(name: .long, help: "No progress on stderr.")
    var quiet = false

    // Off by default: the summary is quoted verbatim in notebooks, and timings differ run to run.
    @Flag(name: .long, help: "Print the CPU seconds spent reading the input and fitting the model (even with --quiet).")
    var cpuTimes = false

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input PATH ('-' for stdin)") }
        guard ["weekly", "daily", "none"].contains(seasonality) else {
            throw ValidationError("--seasonality must be weekly, daily or none")
        }
    }

    func trainingOptions() throws -> TrainingOptions {
        var options = TrainingOptions()
        options.timeZone = timezone
        options.seed = seed
        options.families = try families.split(separator: ",").map {
            guard let f = CountFamily(rawValue: $0.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--families: unknown family '\($0)' (poisson, negbin, lognormal)")
            }
            return f
        }
        switch seasonality {
        case "none": options.design = .flat
        case "daily": options.design = SeasonalDesign(dailyHarmonics: harmonics, weekendHarmonics: 0, dayOfWeekEffects: false)
        default: options.design = SeasonalDesign(dailyHarmonics: harmonics, weekendHarmonics: min(3, harmonics))
        }
        options.slotEffects = slotEffects && seasonality != "none"
        options.halfLifeDays = halfLifeDays
        options.holdoutDays = holdoutDays
        options.shapePriorSD = shapePriorSd
        options.dispersionPriorSD = dispersionPriorSd
        options.multiBucketWindow = multiBucketWindow
        return options
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-train") {
            let options = try trainingOptions()
            try options.validate()
            var readerOptions = try reader.readerOptions()
            // The model keeps only each country's usual sources, so a few slots per cell
            // suffice; sixteen would cost gigabytes over months of buckets.
            readerOptions.influencerCapacity = min(readerOptions.influencerCapacity, 4)
            let progress: (String) -> Void = { message in
                if !quiet { FileHandle.standardError.write(Data("geospike-train: \(message)\n".utf8)) }
            }
            progress("reading \(input.joined(separator: " "))")
            let started = ProcessCPUClock.seconds()
            let (table, summary) = try Ingest.countTable(paths: input, options: readerOptions)
            try reader.report(summary)
            let ingested = ProcessCPUClock.seconds()
            let model = try Trainer(options: options).train(table, progress: progress)
            let fitted = ProcessCPUClock.seconds()
            try ModelFile.write(model, to: out)
            let families = Dictionary(grouping: model.countries, by: \.family).mapValues(\.count)
            let familyText = CountFamily.allCases.compactMap { f in families[f].map { "\($0) \(f.rawValue)" } }
                .joined(separator: ", ")
            progress(
                "wrote \(out): \(model.countries.count) countries (\(familyText)), "
                    + "\(model.metadata.trainingBuckets) buckets \(model.metadata.trainingStart) … \(model.metadata.trainingEnd)")
            if cpuTimes {
                let line = String(format: "CPU seconds: ingest %.3f, fit %.3f", ingested - started, fitted - ingested)
                FileHandle.standardError.write(Data("geospike-train: \(line)\n".utf8))
            }
        }
    }
}
