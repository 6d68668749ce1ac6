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

    @OptionGroup var training: TrainingArguments

    @Flag(name: .long, help: "No progress on stderr.")
    var quiet = false

    // Off by default: the summary is quoted verbatim in notebooks, and timings differ run to run.
    @Flag(name: .long, help: "Print the CPU seconds spent reading the input and fitting the model (even with --quiet).")
    var cpuTimes = false

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input PATH ('-' for stdin)") }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-train") {
            let options = try training.trainingOptions()
            // Before hours of reading and fitting, not after.
            try OutputFile.checkTarget(out)
            var readerOptions = try reader.readerOptions()
            // The model keeps only each country's usual sources, so a few slots per cell
            // suffice; sixteen would cost gigabytes over months of buckets.
            readerOptions.influencerCapacity = min(readerOptions.influencerCapacity, 4)
            let progress: (String) -> Void = { message in
                if !quiet { StandardError.write("geospike-train: \(message)\n") }
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
                StandardError.write("geospike-train: \(line)\n")
            }
        }
    }
}
