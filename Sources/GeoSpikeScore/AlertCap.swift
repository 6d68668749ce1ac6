/// The per-run alert cap (Kibana's `max_signals`, 100 for the reference rule).
///
/// A broken GeoIP feed or a new SaaS rollout can make every country spike at once; a
/// SOC queue with 3,000 alerts from one run helps nobody. The cap keeps the highest
/// record scores and holds the rest back, saying how many, rather than truncating in
/// file order. Suppressed and interim records are not alerts and never count.
public enum AlertCap {
    /// Marks every alert beyond the `limit` best as held back (`alert = false`,
    /// `heldBack = true`) and returns how many were.
    ///
    /// Best is the highest record score; ties go to the later bucket (the more current
    /// one), then to country code, so the same records always make the cut.
    @discardableResult
    public static func apply(_ records: inout [AnomalyRecord], limit: Int) -> Int {
        let alerts = records.indices.filter { records[$0].alert }
        guard alerts.count > max(0, limit) else { return 0 }
        let ranked = alerts.sorted { a, b in
            let (x, y) = (records[a], records[b])
            if x.recordScore != y.recordScore { return x.recordScore > y.recordScore }
            if x.bucketStart != y.bucketStart { return x.bucketStart > y.bucketStart }
            return x.country < y.country
        }
        for i in ranked.dropFirst(max(0, limit)) {
            records[i].alert = false
            records[i].heldBack = true
        }
        return ranked.count - max(0, limit)
    }
}
