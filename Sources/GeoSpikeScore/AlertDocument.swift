import GeoSpikeIngest

/// An alert as an ECS-style document, in the shape Kibana's security alerts index holds
/// (`kibana.alert.*` with dotted keys), written beside the anomaly record's own fields.
///
/// A SOC that already triages Elastic alerts can ingest these unchanged: rule name, id,
/// severity, risk score, tags and ATT&CK mapping where its dashboards look for them; the
/// destination country and the top source hosts, IPs, processes and users as ECS fields;
/// `kibana.alert.ancestors` and `kibana.alert.original_time` pointing back to the anomaly
/// record (whose `record_id` is also on the line).
public struct AlertDocument: Sendable {
    public let record: AnomalyRecord
    public let rule: RuleMetadata
    /// When the run made the alert (epoch seconds): the document's `@timestamp`.
    public let createdAt: Double

    public init(record: AnomalyRecord, rule: RuleMetadata, createdAt: Double) {
        self.record = record
        self.rule = rule
        self.createdAt = createdAt
    }

    /// Stable per rule and record (FNV-1a of rule id, bucket and record id), so overlapping
    /// runs write the same alert id and a second rule over the same record a different one.
    public var alertID: String {
        RecordID.make(modelID: rule.ruleID, bucketStart: record.bucketStart, country: record.recordID)
    }

    /// "Network traffic to Kyrgyzstan: 20 events in 15 minutes where 0.3 are typical (record score 97.1)".
    public var reason: String {
        let minutes = record.bucketSpan / 60
        let typical =
            record.typical < 1
            ? JSONLine.number((record.typical * 100).rounded() / 100)
            : record.typical < 10 ? JSONLine.number((record.typical * 10).rounded() / 10) : String(Int(record.typical.rounded()))
        var text = "Network traffic to \(record.countryName): \(record.actual) events in \(minutes) minutes where \(typical) are typical"
        if record.firstSeen { text += ", a country not seen in training" }
        return text + " (record score \(JSONLine.number((record.recordScore * 10).rounded() / 10)))"
    }

    /// The document as one NDJSON line: the record's fields, then the alert's.
    public var jsonLine: String {
        var json = JSONLine()
        record.addFields(to: &json)
        json.add("@timestamp", Timestamp.iso8601(Int64(createdAt.rounded(.down))))
        json.add("event.kind", "signal")
        json.addRaw("event.category", "[\"network\"]")
        json.add("kibana.alert.uuid", alertID)
        json.add("kibana.alert.status", "active")
        json.add("kibana.alert.workflow_status", record.suppression == nil ? "open" : "closed")
        json.add("kibana.alert.suppressed", record.suppression != nil)
        json.add("kibana.alert.reason", reason)
        json.add("kibana.alert.severity", rule.severity)
        json.add("kibana.alert.risk_score", rule.riskScore)
        json.add("kibana.alert.original_time", Timestamp.iso8601(record.bucketStart))
        Self.addRuleFields(rule, to: &json)
        json.addRaw("kibana.alert.ancestors", ancestorsJSON)
        json.add("destination.geo.country_iso_code", record.country)
        json.add("destination.geo.country_name", record.countryName)
        for field in ["source.ip", "host.name", "process.name", "user.name"] {
            let values = record.influencers.first { $0.field == field }?.values.map(\.value) ?? []
            if !values.isEmpty { json.addRaw(field, Self.list(values)) }
        }
        return json.string
    }

    /// The rule's `kibana.alert.rule.*` fields, shared with incident documents.
    static func addRuleFields(_ rule: RuleMetadata, to json: inout JSONLine) {
        json.add("kibana.alert.rule.name", rule.name)
        json.add("kibana.alert.rule.rule_id", rule.ruleID)
        json.add("kibana.alert.rule.type", "machine_learning")
        json.add("kibana.alert.rule.severity", rule.severity)
        json.add("kibana.alert.rule.risk_score", rule.riskScore)
        json.add("kibana.alert.rule.interval", rule.interval)
        json.add("kibana.alert.rule.from", rule.from)
        json.add("kibana.alert.rule.max_signals", rule.maxAlertsPerRun)
        json.addRaw("kibana.alert.rule.tags", Self.list(rule.tags))
        json.addRaw("kibana.alert.rule.threat", rule.threatJSON)
    }

    /// The anomaly record this alert came from.
    var ancestorsJSON: String {
        var ancestor = JSONLine()
        ancestor.add("id", record.recordID)
        ancestor.add("type", "anomaly_record")
        ancestor.add("index", "geospike-records")
        ancestor.add("model_id", record.modelID)
        ancestor.add("depth", 0)
        return "[" + ancestor.string + "]"
    }

    static func list(_ values: [String]) -> String {
        "[" + values.map(JSONLine.quoted).joined(separator: ",") + "]"
    }
}
