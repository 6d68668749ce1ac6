import GeoSpikeIngest

/// One ECS alert document per incident, in the shape of Kibana's suppressed alerts: the
/// first bucket opens the alert and later buckets of the incident raise
/// `kibana.alert.suppression.docs_count` instead of another alert.
///
/// The document carries the fields of one of its records (the peak bucket when this run
/// scored it, else the incident's latest bucket of the run), so tools that read anomaly
/// fields off alerts still find them; `kibana.alert.uuid` is the same for every version of
/// the incident, so a store that upserts by it keeps the latest as the incident grows. A
/// run that only closes an incident opened by earlier runs has no record of it: the
/// document then carries the incident's id, country and peak instead.
public struct IncidentDocument: Sendable {
    public let incident: Incident
    public let record: AnomalyRecord?
    public let rule: RuleMetadata
    /// When the run wrote the document (epoch seconds): its `@timestamp`.
    public let createdAt: Double
    /// Influencer values reported per field.
    public let top: Int

    public init(incident: Incident, record: AnomalyRecord?, rule: RuleMetadata, createdAt: Double, top: Int = 5) {
        self.incident = incident
        self.record = record
        self.rule = rule
        self.createdAt = createdAt
        self.top = top
    }

    /// Stable per rule and incident.
    public var alertID: String {
        RecordID.make(modelID: rule.ruleID, bucketStart: incident.firstBucket, country: incident.id)
    }

    /// "Network traffic to Kyrgyzstan: 321 events in 17 bucket(s) of 15 minutes, 320 above
    /// typical, a country not seen in training (peak record score 100)".
    public var reason: String {
        let minutes = incident.bucketSpan / 60
        var text =
            "Network traffic to \(incident.countryName): \(incident.events) events in \(incident.buckets) "
            + "bucket(s) of \(minutes) minutes, \(Int(incident.eventsAboveTypical.rounded())) above typical"
        if incident.firstSeen { text += ", a country not seen in training" }
        return text + " (peak record score \(JSONLine.number((incident.peakScore * 10).rounded() / 10)))"
    }

    public var jsonLine: String {
        var json = JSONLine()
        if let record {
            record.addFields(to: &json)
        } else {
            json.add("incident_id", incident.id)
            json.add("timestamp", Timestamp.iso8601(incident.peakBucket))
            json.add("bucket_span", incident.bucketSpan)
            json.add("country", incident.country)
            json.add("country_name", incident.countryName)
            json.add("record_score", (incident.peakScore * 1e3).rounded() / 1e3)
            json.add("alert", !incident.suppressed)
        }
        json.add("@timestamp", Timestamp.iso8601(Int64(createdAt.rounded(.down))))
        json.add("event.kind", "signal")
        json.addRaw("event.category", "[\"network\"]")
        json.add("kibana.alert.uuid", alertID)
        json.add("kibana.alert.status", incident.open ? "active" : "recovered")
        json.add("kibana.alert.workflow_status", incident.suppressed ? "closed" : "open")
        json.add("kibana.alert.suppressed", incident.suppressed)
        json.add("kibana.alert.reason", reason)
        json.add("kibana.alert.severity", rule.severity)
        json.add("kibana.alert.risk_score", rule.riskScore)
        json.add("kibana.alert.original_time", Timestamp.iso8601(incident.firstBucket))
        json.add("kibana.alert.start", Timestamp.iso8601(incident.firstBucket))
        if !incident.open { json.add("kibana.alert.end", Timestamp.iso8601(incident.end)) }
        json.addRaw("kibana.alert.suppression.terms", termsJSON)
        json.add("kibana.alert.suppression.docs_count", incident.buckets - 1)
        json.add("kibana.alert.suppression.start", Timestamp.iso8601(incident.firstBucket))
        json.add("kibana.alert.suppression.end", Timestamp.iso8601(incident.lastBucket))
        AlertDocument.addRuleFields(rule, to: &json)
        json.addRaw("kibana.alert.ancestors", ancestorsJSON)
        json.add("destination.geo.country_iso_code", incident.country)
        json.add("destination.geo.country_name", incident.countryName)
        let influencers = incident.topInfluencers(top)
        for field in ["source.ip", "host.name", "process.name", "user.name"] {
            let values = influencers.first { $0.field == field }?.values.map(\.value) ?? []
            if !values.isEmpty { json.addRaw(field, AlertDocument.list(values)) }
        }
        json.addRaw("incident", incident.json(top: top))
        return json.string
    }

    /// Elastic's suppression terms: each grouping field with its value.
    var termsJSON: String {
        "["
            + incident.terms.map { term -> String in
                var item = JSONLine()
                item.add("field", term.field)
                item.addRaw("value", AlertDocument.list([term.value]))
                return item.string
            }.joined(separator: ",") + "]"
    }

    /// The anomaly records of the incident's buckets that this run wrote.
    var ancestorsJSON: String {
        "["
            + incident.recordIDs.map { id -> String in
                var ancestor = JSONLine()
                ancestor.add("id", id)
                ancestor.add("type", "anomaly_record")
                ancestor.add("index", "geospike-records")
                if let record { ancestor.add("model_id", record.modelID) }
                ancestor.add("depth", 0)
                return ancestor.string
            }.joined(separator: ",") + "]"
    }
}

extension Incident {
    /// The incident as the `incident` object of its alert document.
    public func json(top: Int) -> String {
        var json = JSONLine()
        json.add("id", id)
        json.add("status", open ? "open" : "closed")
        json.add("start", Timestamp.iso8601(firstBucket))
        json.add("end", Timestamp.iso8601(end))
        json.add("buckets", buckets)
        json.add("events", events)
        json.add("events_above_typical", (eventsAboveTypical * 10).rounded() / 10)
        json.add("peak_bucket", Timestamp.iso8601(peakBucket))
        json.add("peak_record_score", (peakScore * 1e3).rounded() / 1e3)
        json.add("peak_record_id", peakRecordID)
        json.add("first_seen", firstSeen)
        var influencers = JSONLine()
        for (field, values) in topInfluencers(top) {
            influencers.addRaw(
                field,
                "["
                    + values.map { v -> String in
                        var item = JSONLine()
                        item.add("value", v.value)
                        item.add("count", v.count)
                        return item.string
                    }.joined(separator: ",") + "]")
        }
        json.addRaw("influencers", influencers.string)
        return json.string
    }
}
