/// The per-run alert cap (Kibana's `max_signals`, 100 for the reference rule), counted in
/// incidents: an incident is one alert however many buckets it spans.
///
/// A broken GeoIP feed or a new SaaS rollout can make every country spike at once; a SOC
/// queue with 3,000 alerts from one run helps nobody. The cap keeps the incidents with the
/// highest peaks and holds the rest back, saying how many, rather than truncating in file
/// order. Suppressed incidents are not alerts and never count.
public enum IncidentCap {
    /// Holds back every alerting incident beyond the `limit` with the highest peak scores
    /// (ties to the later peak, then country), and its records; returns how many were.
    @discardableResult
    public static func apply(_ incidents: inout [Incident], records: inout [AnomalyRecord], limit: Int) -> Int {
        let alerting = incidents.indices.filter { !incidents[$0].suppressed }
        guard alerting.count > max(0, limit) else { return 0 }
        let ranked = alerting.sorted { a, b in
            let (x, y) = (incidents[a], incidents[b])
            if x.peakScore != y.peakScore { return x.peakScore > y.peakScore }
            if x.peakBucket != y.peakBucket { return x.peakBucket > y.peakBucket }
            return x.groupKey < y.groupKey
        }
        var heldIDs = Set<String>()
        for k in ranked.dropFirst(max(0, limit)) {
            incidents[k].heldBack = true
            heldIDs.insert(incidents[k].id)
        }
        for i in records.indices where records[i].alert && records[i].incidentID.map(heldIDs.contains) == true {
            records[i].alert = false
            records[i].heldBack = true
        }
        return heldIDs.count
    }
}
