import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeScore

/// `geospike-eval suggest-exceptions`: the narrowest exception for alerts an analyst
/// marked as benign, ready for `geospike-score --exceptions`.
struct SuggestExceptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest-exceptions",
        abstract: "Propose the narrowest exceptions (country + source conditions) for alerts marked benign.",
        discussion: """
            Reads geospike-score's NDJSON output (records or --alerts-format ecs documents). Benign alerts are \
            those named with --benign (record_id or kibana.alert.uuid), or marked in the file with \
            "benign": true or "kibana.alert.workflow_reason": "false_positive". For each, the exception \
            conditions on the fewest source values (host.name, user.name, process.name, source.ip) that \
            cover the spike's excess over typical, so it removes the spike and as little else as possible. \
            A country-wide exception is proposed only with --allow-country-wide. Review the output, then \
            pass it to geospike-score --exceptions.
            """)

    @Option(name: .long, help: "geospike-score NDJSON output holding the alerts.")
    var alerts: String

    @Option(name: .long, parsing: .upToNextOption, help: "record_id or kibana.alert.uuid of each benign alert.")
    var benign: [String] = []

    @Flag(name: .long, help: "Treat every alert in the file as benign.")
    var allBenign = false

    @Option(name: .long, help: "Why the traffic is approved (the business process, a change ticket).")
    var reason: String

    @Option(name: .long, help: "Who approved it.")
    var owner: String

    @Option(name: .long, help: "Expiry: YYYY-MM-DD (valid through that day, UTC) or an ISO 8601 time.")
    var expires: String?

    @Flag(name: .long, help: "Propose a country-wide exception when no source condition explains a spike.")
    var allowCountryWide = false

    @Option(name: .long, help: "Output format: yaml or json.")
    var format: Format = .yaml

    @Option(name: .long, help: "Write the exceptions to this file instead of standard output.")
    var out: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case yaml, json }

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, !owner.trimmingCharacters(in: .whitespaces).isEmpty
        else { throw ValidationError("--reason and --owner must not be empty: an exception says why and who approved it") }
        if let expires, ExceptionEntry.expiry(expires) == nil {
            throw ValidationError("--expires '\(expires)': write 2026-12-31 or 2026-12-31T18:00:00Z")
        }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval suggest-exceptions") {
            let all = try BenignAlert.read(path: alerts)
            var chosen = all.filter { allBenign || $0.markedBenign || benign.contains($0.recordID) || $0.alertID.map(benign.contains) == true }
            for id in benign where !all.contains(where: { $0.recordID == id || $0.alertID == id }) {
                throw GeoSpikeError(.usage, "no open alert with record_id or kibana.alert.uuid '\(id)' in \(alerts)")
            }
            // An alert repeated by overlapping runs is one alert.
            var seen = Set<String>()
            chosen = chosen.filter { seen.insert($0.recordID).inserted }
            guard !chosen.isEmpty else {
                throw GeoSpikeError(
                    .usage,
                    "no alert in \(alerts) is marked benign: pass --benign RECORD_ID..., --all-benign, or set \"benign\": true on the lines")
            }
            let (list, unexplained) = ExceptionSuggestion.suggest(
                for: chosen, reason: reason, owner: owner, expires: expires.flatMap(ExceptionEntry.expiry),
                allowCountryWide: allowCountryWide)
            for alert in unexplained {
                StandardError.write("geospike-eval suggest-exceptions: \(alert.location): no source value covers the spike of \(alert.recordID) (\(alert.country.code), \(alert.actual) events); not proposing a country-wide exception (pass --allow-country-wide to)\n")
            }
            guard !list.entries.isEmpty else {
                throw GeoSpikeError(.badData, "no narrow exception explains the benign alert(s); see above")
            }
            let header = [
                "Proposed by geospike-eval suggest-exceptions from \(alerts) (\(chosen.count) benign alert(s)).",
                "Review before use: each entry excepts only the listed sources' traffic to its country.",
            ]
            let text = format == .yaml ? list.yaml(header: header) : list.json
            if let out {
                try OutputFile.replace(out, with: text)
                StandardError.write("wrote \(out): \(list.entries.count) exception(s)\n")
            } else {
                try StandardOutput.write(text)
            }
        }
    }
}
