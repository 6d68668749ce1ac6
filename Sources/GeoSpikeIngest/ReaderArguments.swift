import ArgumentParser
import Foundation

/// The reader options on the command line, shared by geospike-train, geospike-score and
/// geospike-eval through `@OptionGroup`; `readerOptions()` turns them into `ReaderOptions`.
public struct ReaderArguments: ParsableArguments {
    @Option(help: "Input format: auto, ecs, zeek, suricata, csv or counts (auto detects per file).")
    public var format: String = "auto"

    @Option(
        help: ArgumentHelp(
            "GeoIP database for records without a country: a .mmdb file, a Tor geoip file or directory, or none.",
            discussion: "Default: Debian's tor-geoipdb tables in /usr/share/tor when installed."))
    public var geoip: String?

    @Option(help: "Bucket width, e.g. 15m, 1h, 900s; it must divide a day.")
    public var bucketSpan: String = "15m"

    @Option(help: "IANA time zone of CSV times written without a zone (e.g. Europe/Stockholm).")
    public var inputTimezone: String = "UTC"

    @Option(help: "CSV column holding the event time.")
    public var timeField: String?

    @Option(help: "CSV column holding the destination IP.")
    public var dstIpField: String?

    @Option(help: "CSV column holding the destination country (ISO code or name).")
    public var countryField: String?

    @Option(help: "CSV column holding the source IP.")
    public var srcIpField: String?

    @Option(help: "CSV column holding the destination port.")
    public var dstPortField: String?

    @Option(help: "CSV column holding the process name.")
    public var processField: String?

    @Option(help: "CSV column holding the host name.")
    public var hostField: String?

    @Option(help: "CSV column holding the user name.")
    public var userField: String?

    @Option(
        help: ArgumentHelp(
            "Drop events of this process.name (repeatable; none clears the list).",
            discussion:
                "Default: elastic-agent, metricbeat, filebeat, packetbeat, winlogbeat, as Elastic's datafeed; giving the option replaces that list. Names match without case and with or without .exe."
        ))
    public var excludeProcess: [String] = []

    @Option(help: "Fail (exit 65) when more than this fraction of a file's records are malformed.")
    public var maxBadFraction: Double = 0.01

    @Flag(help: "Fail on the first malformed line.")
    public var strict = false

    @Option(help: "Top values kept per bucket, country and influencer field (0 keeps none, faster).")
    public var influencerCapacity: Int = 16

    @Option(
        help: ArgumentHelp(
            "Event times before this are malformed lines (a date or ISO 8601 date-time, UTC).",
            discussion: "Default 1990-01-01."))
    public var notBefore: String?

    @Option(
        help: ArgumentHelp(
            "Event times after this are malformed lines (a date or ISO 8601 date-time, UTC).",
            discussion: "Default: the end of tomorrow, UTC."))
    public var notAfter: String?

    @Option(help: "Also write the ingest summary as JSON to this file.")
    public var summaryJSON: String?

    public init() {}

    public func validate() throws {
        _ = try readerOptions()
    }

    /// The options these arguments describe; invalid values are a `ValidationError` (exit 64).
    public func readerOptions() throws -> ReaderOptions {
        var options = ReaderOptions()
        guard let format = InputFormat(rawValue: format.lowercased()) else {
            throw ValidationError(
                "--format '\(format)' is not one of \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        options.format = format
        do {
            options.bucketSpan = try BucketSpan(parsing: bucketSpan)
            _ = try LocalTimeConverter(identifier: inputTimezone)
        } catch let error as GeoSpikeError {
            throw ValidationError(error.message)
        }
        options.geoip = geoip
        options.inputTimeZone = inputTimezone
        options.csvFields = CSVFieldMapping(
            timeField: timeField, destinationIPField: dstIpField, countryField: countryField,
            sourceIPField: srcIpField, destinationPortField: dstPortField, processField: processField,
            hostField: hostField, userField: userField)
        if !excludeProcess.isEmpty {
            options.excludedProcesses = excludeProcess.filter { $0.lowercased() != "none" }
        }
        guard maxBadFraction >= 0, maxBadFraction <= 1 else {
            throw ValidationError(
                "--max-bad-fraction must be between 0 and 1 (e.g. 0.01 for 1%), not \(maxBadFraction)")
        }
        options.maxBadFraction = maxBadFraction
        options.strict = strict
        guard (0...255).contains(influencerCapacity) else {
            throw ValidationError("--influencer-capacity must be between 0 and 255, not \(influencerCapacity)")
        }
        options.influencerCapacity = influencerCapacity
        if let notBefore { options.notBefore = try Self.time(notBefore, option: "--not-before") }
        if let notAfter { options.notAfter = try Self.time(notAfter, option: "--not-after") }
        if let latest = options.notAfter, latest < options.notBefore {
            throw ValidationError("--not-after \(notAfter ?? "") is before --not-before \(notBefore ?? "1990-01-01")")
        }
        return options
    }

    /// `2026-10-05` (midnight UTC) or any date-time `Timestamp.parse` reads.
    static func time(_ text: String, option: String) throws -> Double {
        let full = text.count == 10 ? text + "T00:00:00Z" : text
        guard let seconds = Timestamp.parse(full[...]) else {
            throw ValidationError("\(option) '\(text)' is not a date (2026-10-05) or an ISO 8601 date-time")
        }
        return seconds
    }

    /// Writes the summary to stderr, and to `--summary-json` when given.
    public func report(_ summary: IngestSummary) throws {
        StandardError.write(summary.report + "\n")
        guard let summaryJSON else { return }
        try OutputFile.replace(summaryJSON, with: try summary.jsonData())
    }
}
