import GeoSpikeIngest
import GeoSpikeModel

/// The records of one run as the SOC receives them: exceptions applied, the per-run cap
/// enforced, investigation context attached, and the counts the run summary reports.
public struct AlertBatch: Sendable {
    public var records: [AnomalyRecord]
    /// Alerts delivered (after exceptions and the cap).
    public var alerts: Int
    /// Alerts an exception explained.
    public var suppressed: Int
    /// Alerts beyond the cap.
    public var heldBack: Int

    /// Builds the run's output from the scorer's records (`Scorer.records`, with
    /// `alert` as scored).
    ///
    /// Order matters: suppressed alerts leave first, so they never take a place under the
    /// cap; then the cap; then context for whatever is still an alert or was suppressed.
    /// With `emit == .alerts` held-back records are dropped from `records` (the output
    /// must hold at most `maxAlerts` alerts); suppressed ones stay, flagged.
    public init(
        records: [AnomalyRecord], suppressions: [CellKey: AlertSuppression], maxAlerts: Int, emit: Scorer.Emit,
        context: ((AnomalyRecord) -> InvestigationContext)? = nil
    ) {
        var records = records
        var suppressed = 0
        for i in records.indices where records[i].alert {
            guard let country = CountryCode(records[i].country),
                let suppression = suppressions[CellKey(bucketStart: records[i].bucketStart, country: country)]
            else { continue }
            records[i].alert = false
            records[i].suppression = suppression
            suppressed += 1
        }
        heldBack = AlertCap.apply(&records, limit: maxAlerts)
        if emit == .alerts { records.removeAll { $0.heldBack } }
        if let context {
            for i in records.indices where records[i].alert || records[i].suppression != nil {
                records[i].context = context(records[i])
            }
        }
        self.records = records
        self.suppressed = suppressed
        alerts = records.filter(\.alert).count
    }
}
