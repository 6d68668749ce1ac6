import ArgumentParser
import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest

/// `geospike-eval synth`: writes realistic synthetic network logs, and the labels of the
/// attacks injected into them, reproducibly from a seed.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write realistic synthetic network logs with labelled attacks, deterministic by seed.",
        discussion: """
            Traffic of a small organisation to ~40 countries per 15-minute bucket: office hours in \
            its time zone (with daylight saving), weekends, holidays, drift, overdispersion, nightly \
            jobs, internal traffic, Elastic agents' own connections (ECS) and a few malformed lines. \
            With --attacks, one exfiltration, one C2 to a new country, one scan and one botnet a day \
            are added and listed in the labels file. The same seed and options give the same bytes.
            """)

    @Option(help: "Number of days to generate.")
    var days: Int

    @Option(help: "Random seed; the same seed gives the same traffic.")
    var seed: UInt64 = 1

    @Option(help: "Log format: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = "ecs"

    @Option(help: "Directory to write into (created when missing).")
    var out: String

    @Option(help: "File name of the log inside --out (default depends on the format; .gz compresses).")
    var fileName: String?

    @Option(help: "First day, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC), or epoch seconds.")
    var start: String = "2026-09-07"

    @Option(help: "The organisation's IANA time zone (office hours, holidays, nightly jobs).")
    var timezone: String = "Europe/Berlin"

    @Option(help: "Number of countries the organisation talks to normally (1-60).")
    var countries: Int = 40

    @Option(help: "Scales every rate; 1 is a small organisation (~30-60 external events per 15 min).")
    var volume: Double = 1

    @Flag(help: "Inject labelled attacks (exfiltration, C2 to a new country, scan, botnet) every day.")
    var attacks = false

    @Option(help: "File name of the attack labels inside --out (.csv or .json).")
    var labels: String = "labels.csv"

    @Option(help: "Fraction of malformed lines.")
    var malformedFraction: Double = 0.002

    @Option(help: "Benign stray connections per day to countries outside the usual set (first-seen, not attacks).")
    var strayPerDay: Double = 0

    @Option(help: "gzip compression level 1-9 for .gz outputs (1 is fastest; a year is compression-bound).")
    var compressionLevel: Int = 1

    @Option(
        name: .customLong("partner-clock"),
        help:
            "COUNTRY=ZONE: traffic to that country keeps that zone's office hours (e.g. US=America/New_York); repeatable."
    )
    var partnerClocks: [String] = []

    func validate() throws {
        guard LogFormat(rawValue: format) != nil else {
            throw ValidationError(
                "--format '\(format)' is not one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard parsedStart != nil else {
            throw ValidationError(
                "--start '\(start)' is not a date: use 2026-09-07, 2026-09-07T06:00Z or epoch seconds.")
        }
        guard (1...9).contains(compressionLevel) else {
            throw ValidationError("--compression-level must be between 1 and 9 (got \(compressionLevel)).")
        }
        do {
            try scenario().validate()
        } catch let error as GeoSpikeError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        do {
            let logFormat = LogFormat(rawValue: format) ?? .ecs
            let traffic = SyntheticTraffic(try scenario())
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let logPath = (out as NSString).appendingPathComponent(fileName ?? logFormat.defaultFileName)
            try traffic.writeLogs(format: logFormat, to: logPath, compressionLevel: compressionLevel)
            let table = traffic.countTable()
            let events = table.counts.values.reduce(0, +)
            try StandardOutput.write(
                "wrote \(logPath): \(events) events to \(table.countries.count) countries in \(traffic.bucketCount) buckets\n")
            if attacks {
                let labelPath = (out as NSString).appendingPathComponent(labels)
                try traffic.writeLabels(to: labelPath)
                try StandardOutput.write("wrote \(labelPath): \(traffic.labels.count) attacked cells\n")
            }
        } catch let error as GeoSpikeError {
            StandardError.write("geospike-eval synth: \(error.message)\n")
            throw ExitCode(error.exitCode)
        } catch let error as CocoaError {
            StandardError.write("geospike-eval synth: cannot create directory \(out): \(error.localizedDescription)\n")
            throw ExitCode(74)
        }
    }

    private func scenario() throws -> SyntheticScenario {
        var scenario = SyntheticScenario(days: days, seed: seed)
        scenario.start = parsedStart ?? SyntheticScenario.defaultStart
        scenario.timeZone = timezone
        scenario.countries = countries
        scenario.volume = volume
        scenario.attacks = attacks
        scenario.malformedFraction = malformedFraction
        scenario.strayEventsPerDay = strayPerDay
        if !partnerClocks.isEmpty {
            var clocks: [String: String] = [:]
            for pair in partnerClocks {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    throw GeoSpikeError(
                        .usage, "--partner-clock '\(pair)': give COUNTRY=ZONE, e.g. US=America/New_York")
                }
                clocks[parts[0].uppercased()] = parts[1]
            }
            scenario.partnerClocks = clocks
        }
        return scenario
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][Z]` (always UTC) or epoch seconds.
    private var parsedStart: Int64? {
        if let epoch = Int64(start) { return epoch }
        let text = start.hasSuffix("Z") ? String(start.dropLast()) : start
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        guard date.count == 3, (1...12).contains(date[1]), (1...31).contains(date[2]) else { return nil }
        var components = DateComponents(
            timeZone: TimeZone(secondsFromGMT: 0), year: date[0], month: date[1], day: date[2])
        if parts.count == 2 {
            let time = parts[1].split(separator: ":").compactMap { Int($0) }
            guard (2...3).contains(time.count) else { return nil }
            components.hour = time[0]
            components.minute = time[1]
            components.second = time.count == 3 ? time[2] : 0
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        guard components.isValidDate(in: calendar), let instant = calendar.date(from: components) else { return nil }
        return Int64(instant.timeIntervalSince1970)
    }
}
