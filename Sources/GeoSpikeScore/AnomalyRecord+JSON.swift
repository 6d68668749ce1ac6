import GeoSpikeIngest

extension AnomalyRecord {
    /// The record as one NDJSON line, fields in DESIGN.md's order.
    ///
    /// After them, only when they apply: `incident_id` (the record alerted or was
    /// suppressed), `suppressed` and `exception` (an exception
    /// explains the spike), `held_back` (beyond the run's alert cap), `context`
    /// (the investigation context of an alert).
    public var jsonLine: String {
        var json = JSONLine()
        addFields(to: &json)
        return json.string
    }

    /// Writes the record's fields into `json`, so an alert document can carry them beside its own.
    func addFields(to json: inout JSONLine) {
        json.add("record_id", recordID)
        json.add("model_id", modelID)
        json.add("timestamp", Timestamp.iso8601(bucketStart))
        json.add("bucket_span", bucketSpan)
        json.add("country", country)
        json.add("country_name", countryName)
        json.add("actual", actual)
        json.add("typical", (typical * 1e4).rounded() / 1e4)
        json.add("probability", probability)
        json.add("log10_probability", (log10Probability * 1e4).rounded() / 1e4)
        json.add("record_score", (recordScore * 1e3).rounded() / 1e3)
        json.add("raw_score", (rawScore * 1e3).rounded() / 1e3)
        json.add("severity", severity)
        json.add("alert", alert)
        json.add("family", family)
        json.add("multi_bucket_impact", (multiBucketImpact * 100).rounded() / 100)
        json.add("first_seen", firstSeen)
        json.add("interim", interim)
        if levelShift > 1 { json.add("level_shift", (levelShift * 100).rounded() / 100) }
        if let newHigh { json.add("new_high", newHigh) }
        json.addRaw("influencers", influencersJSON)
        if let incidentID { json.add("incident_id", incidentID) }
        if let suppression {
            json.add("suppressed", true)
            json.addRaw("exception", suppression.json)
        }
        if heldBack { json.add("held_back", true) }
        if let context { json.addRaw("context", context.json) }
    }

    var influencersJSON: String {
        var fields = JSONLine()
        for (field, values) in influencers {
            let list = values.map { v -> String in
                var item = JSONLine()
                item.add("value", v.value)
                item.add("count", v.count)
                return item.string
            }
            fields.addRaw(field, "[" + list.joined(separator: ",") + "]")
        }
        return fields.string
    }
}
