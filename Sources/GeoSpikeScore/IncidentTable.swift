import Foundation
import GeoSpikeIngest

/// Incidents as text for a terminal: one block per incident (when, how big, the peak, the
/// top influencers over the whole incident and the investigation context once), its
/// buckets beneath; then any records that belong to no incident (`--emit all`).
public struct IncidentTable {
    public let incidents: [Incident]
    public let records: [AnomalyRecord]
    public let timeZone: String
    public let colour: Bool

    public init(incidents: [Incident], records: [AnomalyRecord], timeZone: String, colour: Bool) {
        self.incidents = incidents
        self.records = records
        self.timeZone = timeZone
        self.colour = colour
    }

    public var text: String {
        guard !records.isEmpty || !incidents.isEmpty else { return "no records\n" }
        var out = ""
        var byIncident: [String: [AnomalyRecord]] = [:]
        for r in records { if let id = r.incidentID { byIncident[id, default: []].append(r) } }
        for incident in incidents {
            let members = byIncident[incident.id] ?? []
            // Log values reach this text (influencers, group-by fields): escaped for the terminal.
            out += TerminalText.visible(header(incident)) + "\n"
            let explanation = incident.topInfluencers(1).compactMap { field, values -> String? in
                values.first.map { "\(field)=\($0.value) (\($0.count))" }
            }
            if !explanation.isEmpty {
                out += TerminalText.visible("  top over the incident: " + explanation.joined(separator: "  ")) + "\n"
            }
            // Context and next steps once per incident, from its peak bucket (else its latest).
            let representative = members.first { $0.recordID == incident.peakRecordID } ?? members.last
            if let context = representative?.context {
                out += TerminalText.visible("  context: " + context.summaryLine) + "\n"
                for step in context.nextSteps { out += TerminalText.visible("  next: " + step) + "\n" }
            }
            // Beneath the incident's own top influencers and context, a bucket needs one line.
            let quiet = members.map { r -> AnomalyRecord in
                var r = r
                r.context = nil
                r.influencers = []
                return r
            }
            if !quiet.isEmpty {
                out +=
                    RecordTable(records: quiet, timeZone: timeZone, colour: colour).text
                    .split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                    .map { "    " + $0 }.joined(separator: "\n") + "\n"
            }
            out += "\n"
        }
        let others = records.filter { $0.incidentID == nil }
        if !others.isEmpty {
            if !incidents.isEmpty { out += "records in no incident:\n" }
            out += RecordTable(records: others, timeZone: timeZone, colour: colour).text
        }
        return out
    }

    /// `INCIDENT KG Kyrgyzstan  2026-10-05T00:45:00Z .. 05:00:00Z (closed, first-seen)  17 bucket(s),
    /// 321 events (320 above typical), peak 100.0 at 04:45:00Z  id 817b33d3dcecc05a`, on one line.
    func header(_ incident: Incident) -> String {
        var flags: [String] = [incident.open ? "open" : "closed"]
        if incident.suppressed { flags.append("SUPPRESSED") }
        if incident.heldBack { flags.append("held-back") }
        if incident.firstSeen { flags.append("first-seen") }
        let group = incident.terms.dropFirst().map { "\($0.field)=\($0.value)" }
        let end = Timestamp.iso8601(incident.end)
        let sameDay = end.prefix(10) == Timestamp.iso8601(incident.firstBucket).prefix(10)
        var line =
            "INCIDENT \(incident.country) \(incident.countryName)"
            + (group.isEmpty ? "" : " [" + group.joined(separator: " ") + "]")
            + "  \(Timestamp.iso8601(incident.firstBucket)) .. \(sameDay ? String(end.dropFirst(11)) : end)"
            + " (\(flags.joined(separator: ", ")))  \(incident.buckets) bucket(s), \(incident.events) events"
            + " (\(Int(incident.eventsAboveTypical.rounded())) above typical), peak "
            + String(format: "%.1f", incident.peakScore) + " at "
            + String(Timestamp.iso8601(incident.peakBucket).dropFirst(11))
            + "  id \(incident.id)"
        if colour, !incident.suppressed, !incident.heldBack { line = "\u{1B}[1m\(line)\u{1B}[0m" }
        return line
    }
}
