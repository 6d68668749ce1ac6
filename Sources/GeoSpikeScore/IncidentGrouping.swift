import Foundation
import GeoSpikeIngest

/// How alerting buckets become incidents: which fields define a group (`--group-by`) and
/// how long a group may stay quiet before its next alerting bucket starts a new incident
/// (`--incident-gap`).
public struct IncidentGrouping: Sendable, Equatable {
    /// Quiet time, in seconds, from the end of an incident's last alerting bucket to the
    /// start of the next, below which the next bucket joins the incident.
    public var gap: Int64
    /// `country`, then any influencer fields (ECS names): each record is grouped by the
    /// top value of each such field in its bucket, as Elastic's suppression groups alerts
    /// by a field's value.
    public var fields: [String]

    /// The fields `--group-by` accepts.
    public static let groupableFields = ["country"] + InfluencerField.allCases.map(\.ecsName)

    /// One hour: on labelled benchmarks, merging alerts of one series less than an hour
    /// apart about halved the false alerts a day without losing a detected window.
    public static let defaultGap: Int64 = 3600

    public init(gap: Int64 = IncidentGrouping.defaultGap, fields: [String] = ["country"]) {
        self.gap = gap
        self.fields = fields.contains("country") ? fields : ["country"] + fields
    }

    /// Parses `country,source.ip`; nil names the first field it does not know.
    public static func parseFields(_ text: String) -> Result<[String], FieldError> {
        let fields = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !fields.isEmpty else { return .failure(FieldError(field: text)) }
        for field in fields where !groupableFields.contains(field) { return .failure(FieldError(field: field)) }
        var seen = Set<String>()
        return .success(fields.filter { seen.insert($0).inserted })
    }

    public struct FieldError: Error, Equatable {
        public var field: String
    }

    /// Parses `1h`, `30m`, `90m`, `7200s` or bare seconds; nil for anything else.
    public static func parseGap(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let last = trimmed.last, let unit = units[last] {
            return Int64(trimmed.dropLast()).flatMap { $0 >= 0 ? $0 * unit : nil }
        }
        return Int64(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Whether a bucket starting at `bucketStart` continues an incident that ends at `end`.
    @inlinable
    public func continues(incidentEnd end: Int64, bucketStart: Int64) -> Bool {
        bucketStart - end < gap
    }

    /// The group a record belongs to: its country, then the top value of each other field
    /// (empty when the bucket has none).
    public func terms(of record: AnomalyRecord) -> [Incident.Term] {
        fields.map { field in
            let value =
                field == "country"
                ? record.country : record.influencers.first { $0.field == field }?.values.first?.value ?? ""
            return Incident.Term(field: field, value: value)
        }
    }

    /// Groups the records that alerted or were suppressed (in time order) into incidents,
    /// setting each one's `incidentID`; returns the incidents, oldest first.
    ///
    /// `carried`: incidents still open from earlier runs (a scorer with state), which a
    /// record of their group extends when it is close enough; they come back only if this
    /// run adds to them, their `recordIDs` then holding this run's buckets only.
    /// `horizon`: the start of the first bucket not yet complete; an incident whose quiet
    /// time up to it is shorter than the gap is still open.
    public func group(
        _ records: inout [AnomalyRecord], modelID: String, horizon: Int64, carried: [Incident] = []
    ) -> [Incident] {
        var incidents: [Incident] = []
        var latestByGroup: [String: Int] = [:]
        var carriedByGroup: [String: Incident] = [:]
        for incident in carried { carriedByGroup[incident.groupKey] = incident }
        let order = records.indices.filter { records[$0].alert || records[$0].suppression != nil }
            .sorted { records[$0].bucketStart < records[$1].bucketStart }
        for i in order {
            let record = records[i]
            let terms = terms(of: record)
            let key = Incident.groupKey(terms)
            if let k = latestByGroup[key], continues(incidentEnd: incidents[k].end, bucketStart: record.bucketStart) {
                incidents[k].add(record)
            } else if var earlier = carriedByGroup[key],
                continues(incidentEnd: earlier.end, bucketStart: record.bucketStart)
            {
                // Only a carried incident this record continues is taken off the list; one the
                // gap has ended stays there, for the batch to close.
                carriedByGroup[key] = nil
                earlier.recordIDs = []
                earlier.add(record)
                latestByGroup[key] = incidents.count
                incidents.append(earlier)
            } else {
                latestByGroup[key] = incidents.count
                incidents.append(Incident(record: record, terms: terms, modelID: modelID))
            }
            records[i].incidentID = latestByGroup[key].map { incidents[$0].id }
        }
        for k in incidents.indices {
            incidents[k].open = continues(incidentEnd: incidents[k].end, bucketStart: horizon)
        }
        return incidents.sorted { $0.firstBucket != $1.firstBucket ? $0.firstBucket < $1.firstBucket : $0.id < $1.id }
    }

    /// Incidents in a scored batch without building records (backtests): per country,
    /// alerting cells less than the gap apart count once.
    public func count(_ batch: ScoredBatch, bucketSpan: Int64, alerts: (_ cell: Int, _ bucket: Int) -> Bool) -> Int {
        var incidents = 0
        for j in 0..<batch.countryCount {
            var lastEnd: Int64?
            for b in 0..<batch.bucketCount where alerts(batch.index(bucket: b, country: j), b) {
                let start = batch.bucketStarts[b]
                if lastEnd.map({ !continues(incidentEnd: $0, bucketStart: start) }) ?? true { incidents += 1 }
                lastEnd = start + bucketSpan
            }
        }
        return incidents
    }
}
