import GeoSpikeIngest
import GeoSpikeModel

/// The records of one run as the SOC receives them: exceptions applied, the per-run cap
/// enforced, alerting buckets grouped into incidents, investigation context attached, and
/// the counts the run summary reports.
public struct AlertBatch: Sendable {
    public var records: [AnomalyRecord]
    /// The incidents the alerting and suppressed records form, oldest first.
    public var incidents: [Incident]
    /// Incidents still open after earlier runs that this run adds nothing to and that have
    /// now been quiet for the gap: closed, reported once more with their final end.
    public var closedIncidents: [Incident] = []
    /// Alerts delivered (after exceptions and the cap).
    public var alerts: Int
    /// Alerts an exception explained.
    public var suppressed: Int
    /// Incidents beyond the cap (`--max-alerts` counts incidents, not buckets).
    public var heldBack: Int

    /// Builds the run's output from the scorer's records (`Scorer.records`, with
    /// `alert` as scored).
    ///
    /// Order matters: suppressed alerts leave first, so they never take a place under the
    /// cap; then incidents form; then the cap on incidents; then context for whatever is
    /// still an alert or was suppressed. With `emit == .alerts` held-back records and
    /// incidents are dropped (the output must hold at most `maxAlerts` incidents);
    /// suppressed ones stay, flagged.
    ///
    /// `horizon`: the start of the first bucket not yet complete (nil: the end of the last
    /// complete bucket among `records`); `carried`: incidents still open from earlier runs.
    public init(
        records: [AnomalyRecord], suppressions: [CellKey: AlertSuppression], maxAlerts: Int, emit: Scorer.Emit,
        grouping: IncidentGrouping = IncidentGrouping(), horizon: Int64? = nil, carried: [Incident] = [],
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
        let quietHorizon =
            horizon ?? records.lazy.filter { !$0.interim }.map { $0.bucketStart + $0.bucketSpan }.max() ?? 0
        var incidents = grouping.group(
            &records, modelID: records.first?.modelID ?? "", horizon: quietHorizon, carried: carried)
        // A carried incident keeps its id when this batch extends it; one that was not
        // extended and has been quiet for the gap is over, even when its group started
        // a new incident here.
        let extended = Set(incidents.map(\.id))
        closedIncidents = carried.filter {
            !extended.contains($0.id) && !grouping.continues(incidentEnd: $0.end, bucketStart: quietHorizon)
        }.map { incident -> Incident in
            var closed = incident
            closed.open = false
            closed.recordIDs = []
            return closed
        }
        heldBack = IncidentCap.apply(&incidents, records: &records, limit: maxAlerts)
        if emit == .alerts {
            records.removeAll { $0.heldBack }
            incidents.removeAll { $0.heldBack }
        }
        if let context {
            for i in records.indices where records[i].alert || records[i].suppression != nil {
                records[i].context = context(records[i])
            }
        }
        self.records = records
        self.incidents = incidents
        self.suppressed = suppressed
        alerts = records.filter(\.alert).count
    }
}
