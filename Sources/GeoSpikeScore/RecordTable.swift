import Foundation
import GeoSpikeIngest
import GeoSpikeModel

/// Anomaly records as aligned text for a terminal: one line per record, the explanation
/// (top source, destination, port, process) on an indented line below each alert, then
/// the exception that suppressed it and its investigation context when there are any.
public struct RecordTable {
    public let records: [AnomalyRecord]
    public let timeZone: String
    public let colour: Bool

    public init(records: [AnomalyRecord], timeZone: String, colour: Bool) {
        self.records = records
        self.timeZone = timeZone
        self.colour = colour
    }

    public var text: String {
        guard !records.isEmpty else { return "no records\n" }
        let clock = try? LocalClock(identifier: timeZone)
        var lines = [
            "bucket (UTC)          local  country                  actual   typical  score  severity  probability  flags"
        ]
        for r in records {
            let local = clock.map { c -> String in
                let p = c.position(of: r.bucketStart)
                return String(format: "%02d:%02d", p.secondOfDay / 3600, p.secondOfDay % 3600 / 60)
            } ?? "     "
            var flags: [String] = []
            if r.alert { flags.append("ALERT") }
            if r.suppression != nil { flags.append("SUPPRESSED") }
            if r.heldBack { flags.append("held-back") }
            if r.firstSeen { flags.append("first-seen") }
            if r.interim { flags.append("interim") }
            if abs(r.multiBucketImpact) >= 2 { flags.append(r.multiBucketImpact > 0 ? "sustained" : "burst") }
            let country = "\(r.country) \(r.countryName)"
            // Fields come from the logs: escaped so that no value can drive the terminal.
            var line = String(
                format: "%@  %@  %@  %6d  %8.2f  %5.1f  %@  %11.3g  %@",
                Timestamp.iso8601(r.bucketStart), local,
                String(country.prefix(23)).padding(toLength: 23, withPad: " ", startingAt: 0), r.actual, r.typical,
                r.recordScore, r.severity.padding(toLength: 8, withPad: " ", startingAt: 0),
                max(r.probability, 1e-300), flags.joined(separator: ","))
            line = TerminalText.visible(line)
            if colour, let code = Self.colourCode[r.severity], r.alert { line = "\u{1B}[\(code)m\(line)\u{1B}[0m" }
            lines.append(line)
            if r.scoredAsAlert {
                let explanation = r.influencers.compactMap { field, values -> String? in
                    guard let top = values.first else { return nil }
                    return "\(field)=\(top.value) (\(top.count))"
                }
                if !explanation.isEmpty { lines.append(TerminalText.visible("    top: " + explanation.joined(separator: "  "))) }
            }
            if let s = r.suppression {
                lines.append(TerminalText.visible(
                    "    suppressed by exception \(s.exceptionID) (\(s.reason); owner \(s.owner)): \(s.exceptedEvents) excepted event(s); without them \(s.actualWithoutExcepted) events, score "
                        + String(format: "%.1f", s.recordScoreWithoutExcepted)))
            }
            if let context = r.context {
                lines.append(TerminalText.visible("    context: " + context.summaryLine))
                for step in context.nextSteps { lines.append(TerminalText.visible("    next: " + step)) }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let colourCode = ["critical": "31;1", "major": "33", "minor": "36"]
}
