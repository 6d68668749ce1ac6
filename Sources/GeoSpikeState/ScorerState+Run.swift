import Foundation
import GeoSpikeIngest
import GeoSpikeScore

extension ScorerState {
    /// What the state knows about a batch's buckets and the time before them.
    public struct Recall: Sendable {
        /// Stored counts from the window before the batch through its last bucket: all
        /// events (`count`) and those no exception excepted (`kept`).
        public var cells: [(key: CellKey, count: Int, kept: Int)]
        /// Buckets of the batch an earlier run already judged complete: their final records
        /// were emitted then.
        public var judged: Set<Int64>
        /// Incidents still open after the last run.
        public var openIncidents: [Incident]
        /// The earliest bucket any run saw: no run can know the window before it.
        public var firstBucket: Int64?
        /// Buckets after the latest judged one and before this batch that no run has
        /// seen (starts of the first and last), when there are any.
        public var missed: ClosedRange<Int64>?

        /// The records a run may emit: those of the batch's own buckets not judged before.
        public func unseen(_ records: [AnomalyRecord], batch range: ClosedRange<Int64>) -> [AnomalyRecord] {
            records.filter { range.contains($0.bucketStart) && !judged.contains($0.bucketStart) }
        }

        /// Adds the stored counts to the batch's tables, so each cell holds the most events
        /// any run saw in it (a batch whose lookback starts inside a bucket saw only part
        /// of it), and extends the tables back over the multi-bucket window.
        public func merge(
            into table: inout CountTable, kept: inout CountTable?, batch range: ClosedRange<Int64>,
            precedingBuckets: Int, bucketSpan span: Int64
        ) {
            for cell in cells {
                let key = cell.key
                let more = cell.count - table.count(bucketStart: key.bucketStart, country: key.country)
                if more > 0 { table.add(bucketStart: key.bucketStart, country: key.country, count: more) }
                // Through the optional, not a copy: a copied table would copy its cells on every add.
                let moreKept =
                    cell.kept - (kept?.count(bucketStart: key.bucketStart, country: key.country) ?? cell.kept)
                if moreKept > 0 { kept?.add(bucketStart: key.bucketStart, country: key.country, count: moreKept) }
            }
            // A window that no run saw traffic in is still a window of zeros, as in one long run.
            let start = max(range.lowerBound - Int64(precedingBuckets) * span, firstBucket ?? range.lowerBound)
            if let first = table.bucketRange?.lowerBound, start < first, let country = table.countries.first {
                table.add(bucketStart: start, country: country, count: 0)
            }
            // The table without excepted events must span the same buckets for its scores to line up.
            if let first = table.bucketRange?.lowerBound, let country = table.countries.first,
                (kept?.bucketRange?.lowerBound).map({ first < $0 }) ?? (kept != nil)
            {
                kept?.add(bucketStart: first, country: country, count: 0)
            }
        }
    }

    /// Reads what the state holds for a batch of buckets `range`, whose multi-bucket window
    /// reaches `precedingBuckets` before it.
    public func recall(batch range: ClosedRange<Int64>, precedingBuckets: Int, bucketSpan span: Int64) throws -> Recall
    {
        let from = range.lowerBound - Int64(precedingBuckets) * span
        let cells = try database.query(
            "SELECT bucket_start, country, count, kept FROM cells WHERE bucket_start BETWEEN ? AND ?",
            [.integer(from), .integer(range.upperBound)]
        ) { row -> (key: CellKey, count: Int, kept: Int)? in
            guard let country = CountryCode(row.text(1)) else { return nil }
            return (CellKey(bucketStart: row.integer(0), country: country), Int(row.integer(2)), Int(row.integer(3)))
        }.compactMap { $0 }
        let judged = try database.query(
            "SELECT bucket_start FROM judged_buckets WHERE bucket_start BETWEEN ? AND ?",
            [.integer(range.lowerBound), .integer(range.upperBound)]
        ) { $0.integer(0) }
        let incidents = try database.query("SELECT incident FROM open_incidents") { $0.text(0) }.map { text in
            guard let incident = Self.decodeIncident(text) else {
                throw GeoSpikeError(.badData, "\(path): an open incident is unreadable: damaged; it was left as it is")
            }
            return incident
        }
        let latest = try meta("latest_judged_bucket").flatMap { Int64($0) }
        var missed: ClosedRange<Int64>?
        if let latest, range.lowerBound > latest + span { missed = (latest + span)...(range.lowerBound - span) }
        return Recall(
            cells: cells, judged: Set(judged), openIncidents: incidents,
            firstBucket: try meta("first_bucket").flatMap { Int64($0) }, missed: missed)
    }

    /// Records the run in its transaction; nothing is durable until `commit`.
    ///
    /// The batch's counts, its complete buckets as judged, the records it emitted, and its
    /// incidents (open ones kept, closed ones dropped).
    public func remember(
        table: CountTable, kept: CountTable?, batch range: ClosedRange<Int64>, completeBuckets: [Int64],
        emitted: [AnomalyRecord], incidents: [Incident], closed: [Incident]
    ) throws {
        let upsertCell = try database.prepare(
            """
            INSERT INTO cells(bucket_start, country, count, kept) VALUES(?, ?, ?, ?)
            ON CONFLICT(bucket_start, country) DO UPDATE
            SET count = max(count, excluded.count), kept = max(kept, excluded.kept)
            """)
        let keptCounts = kept?.counts
        for (key, count) in table.counts where range.contains(key.bucketStart) && count > 0 {
            let keptCount = keptCounts.map { $0[key] ?? 0 } ?? count
            try upsertCell.bind([
                .integer(key.bucketStart), .text(key.country.code), .integer(Int64(count)), .integer(Int64(keptCount)),
            ])
            while try upsertCell.step() {}
        }
        let judge = try database.prepare("INSERT OR IGNORE INTO judged_buckets(bucket_start) VALUES(?)")
        for start in completeBuckets {
            try judge.bind([.integer(start)])
            while try judge.step() {}
        }
        let emit = try database.prepare("INSERT OR IGNORE INTO emitted_records(record_id, bucket_start) VALUES(?, ?)")
        for record in emitted where !record.interim {
            try emit.bind([.text(record.recordID), .integer(record.bucketStart)])
            while try emit.step() {}
        }

        // Incidents: earlier runs' ones the batch closed leave first (`AlertBatch.closedIncidents`),
        // then this run's open ones replace their group's and its closed ones leave.
        for incident in closed {
            try database.run("DELETE FROM open_incidents WHERE group_key = ?", [.text(incident.groupKey)])
        }
        for incident in incidents {
            if incident.open {
                try database.run(
                    """
                    INSERT INTO open_incidents(group_key, incident) VALUES(?, ?)
                    ON CONFLICT(group_key) DO UPDATE SET incident = excluded.incident
                    """,
                    [.text(incident.groupKey), .text(Self.encode(incident))])
            } else {
                try database.run("DELETE FROM open_incidents WHERE group_key = ?", [.text(incident.groupKey)])
            }
        }

        if let latest = completeBuckets.max() {
            let stored = try meta("latest_judged_bucket").flatMap { Int64($0) }
            let newest = max(latest, stored ?? latest)
            try setMeta("latest_judged_bucket", String(newest))
            try database.run("DELETE FROM cells WHERE bucket_start < ?", [.integer(newest - Self.cellRetention)])
            try database.run(
                "DELETE FROM judged_buckets WHERE bucket_start < ?", [.integer(newest - Self.judgedRetention)])
            try database.run(
                "DELETE FROM emitted_records WHERE bucket_start < ?", [.integer(newest - Self.judgedRetention)])
        }
        let first = try meta("first_bucket").flatMap { Int64($0) }
        if first.map({ range.lowerBound < $0 }) ?? true { try setMeta("first_bucket", String(range.lowerBound)) }
    }

    /// Influencer values kept per field of an open incident: enough for its top values.
    static let incidentInfluencerValues = 32

    /// The incident as one JSON object, with the project's own writer: Foundation's costs
    /// a millisecond of a run's budget in dynamic casts.
    static func encode(_ incident: Incident) -> String {
        var influencers = JSONLine()
        for field in incident.influencerTotals.keys.sorted() {
            let top = (incident.influencerTotals[field] ?? [:])
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(
                    incidentInfluencerValues)
            var values = JSONLine()
            for (value, count) in top { values.add(value, count) }
            influencers.addRaw(field, values.string)
        }
        var json = JSONLine()
        json.add("id", incident.id)
        json.addRaw(
            "terms",
            "["
                + incident.terms.map { "[\(JSONLine.quoted($0.field)),\(JSONLine.quoted($0.value))]" }.joined(
                    separator: ",") + "]")
        json.add("country", incident.country)
        json.add("country_name", incident.countryName)
        json.add("first_bucket", incident.firstBucket)
        json.add("last_bucket", incident.lastBucket)
        json.add("bucket_span", incident.bucketSpan)
        json.add("buckets", incident.buckets)
        json.add("events", incident.events)
        json.add("events_above_typical", incident.eventsAboveTypical)
        json.add("peak_bucket", incident.peakBucket)
        json.add("peak_score", incident.peakScore)
        json.add("peak_record_id", incident.peakRecordID)
        json.add("first_seen", incident.firstSeen)
        json.add("suppressed", incident.suppressed)
        json.addRaw("influencers", influencers.string)
        return json.string
    }

    static func decodeIncident(_ text: String) -> Incident? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let id = object["id"] as? String, let terms = object["terms"] as? [[String]],
            let country = object["country"] as? String, let countryName = object["country_name"] as? String,
            let first = (object["first_bucket"] as? NSNumber)?.int64Value,
            let last = (object["last_bucket"] as? NSNumber)?.int64Value,
            let span = (object["bucket_span"] as? NSNumber)?.int64Value, let buckets = object["buckets"] as? Int,
            let events = object["events"] as? Int,
            let above = (object["events_above_typical"] as? NSNumber)?.doubleValue,
            let peakBucket = (object["peak_bucket"] as? NSNumber)?.int64Value,
            let peakScore = (object["peak_score"] as? NSNumber)?.doubleValue,
            let peakRecordID = object["peak_record_id"] as? String, let firstSeen = object["first_seen"] as? Bool,
            let suppressed = object["suppressed"] as? Bool,
            let influencers = object["influencers"] as? [String: [String: Int]],
            terms.allSatisfy({ $0.count == 2 })
        else { return nil }
        return Incident(
            id: id, terms: terms.map { Incident.Term(field: $0[0], value: $0[1]) }, country: country,
            countryName: countryName, firstBucket: first, lastBucket: last, bucketSpan: span, buckets: buckets,
            events: events, eventsAboveTypical: above, peakBucket: peakBucket, peakScore: peakScore,
            peakRecordID: peakRecordID, recordIDs: [], influencerTotals: influencers, firstSeen: firstSeen,
            suppressed: suppressed, open: true)
    }
}
