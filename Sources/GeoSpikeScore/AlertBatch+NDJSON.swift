/// The run's NDJSON output.
extension AlertBatch {
    /// One line per record; with `ecs`, the records of an incident give way to one alert
    /// document per incident, written where its last bucket of the run would have been,
    /// after a final document for each incident of earlier runs that this run closed.
    public func ndjson(ecs: Bool, rule: RuleMetadata, createdAt: Double, top: Int) -> String {
        guard ecs else { return records.map { $0.jsonLine + "\n" }.joined() }
        let closing = closedIncidents.map {
            IncidentDocument(incident: $0, record: nil, rule: rule, createdAt: createdAt, top: top).jsonLine + "\n"
        }
        var lastIndex: [String: Int] = [:]
        var indexOfRecord: [String: Int] = [:]
        for (i, r) in records.enumerated() {
            if let id = r.incidentID { lastIndex[id] = i }
            indexOfRecord[r.recordID] = i
        }
        let incidentByID = Dictionary(incidents.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var text = closing.joined()
        for (i, r) in records.enumerated() {
            guard let id = r.incidentID, r.alert || r.suppression != nil else {
                text += r.jsonLine + "\n"
                continue
            }
            guard lastIndex[id] == i, let incident = incidentByID[id] else { continue }
            let shown = indexOfRecord[incident.peakRecordID].map { records[$0] } ?? r
            text +=
                IncidentDocument(incident: incident, record: shown, rule: rule, createdAt: createdAt, top: top).jsonLine
            text += "\n"
        }
        return text
    }
}

extension ScoredBatch {
    /// The start of the first bucket not yet complete (the end of the last bucket when all
    /// are complete): incidents whose quiet time up to it is shorter than the gap are open.
    public func horizon(bucketSpan: Int64) -> Int64 {
        if let b = interim.firstIndex(of: true) { return bucketStarts[b] }
        return (bucketStarts.last ?? 0) + bucketSpan
    }
}
