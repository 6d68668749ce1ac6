import ArgumentParser
import Foundation
import GeoSpikeIngest

/// `geospike-eval counts`: network logs in, the per-bucket, per-country count table out.
struct CountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counts",
        abstract: "Count network events per bucket and destination country; print CSV.",
        discussion: """
            Writes bucket_start,country,count (ISO 8601 UTC bucket starts, sorted, zero cells \
            omitted) to stdout and an account of every line read to stderr. Inputs may be ECS \
            NDJSON, Zeek conn.log (TSV or JSON), Suricata EVE, CSV or a counts CSV, plain or .gz; \
            - reads standard input.
            """)

    @Option(name: .long, parsing: .upToNextOption, help: "Log files to read (- for stdin).")
    var input: [String]

    @Option(help: "Write the CSV to this file instead of stdout.")
    var output: String?

    @OptionGroup var reader: ReaderArguments

    func run() throws {
        var options = try reader.readerOptions()
        // The table printed here has no influencer columns, so do not pay for tallies.
        options.influencerCapacity = 0
        try GeoSpikeError.exitingOnError(command: "geospike-eval counts") {
            let (table, summary) = try Ingest.countTable(paths: input, options: options)
            try reader.report(summary)
            let csv = Data(CountsCSV.write(table).utf8)
            if let output {
                try OutputFile.replace(output, with: csv)
            } else {
                try StandardOutput.write(csv)
            }
        }
    }
}
