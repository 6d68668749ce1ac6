import GeoSpikeIngest

/// One episode of alerting buckets of one group (a country by default): what an analyst
/// triages once, instead of one alert per 15-minute bucket.
///
/// Alerting buckets of a group less than the incident gap apart (the quiet time between the
/// end of one and the start of the next) belong to one incident; a bucket after a longer
/// quiet time starts a new one. Elastic's alert suppression groups alerts the same way.
public struct Incident: Equatable, Sendable {
    /// Stable for the group and first bucket, so runs that see the incident grow update
    /// one incident instead of opening another.
    public var id: String
    /// The grouping fields and their values, `country` first (country=KG, source.ip=10.1.2.3).
    public var terms: [Term]
    public var country: String
    public var countryName: String
    /// Start of the first and of the last alerting bucket (Unix seconds).
    public var firstBucket: Int64
    public var lastBucket: Int64
    public var bucketSpan: Int64
    /// Alerting (or suppressed) buckets in the incident.
    public var buckets: Int
    /// Events in those buckets, and how many more than the model expected there.
    public var events: Int
    public var eventsAboveTypical: Double
    public var peakBucket: Int64
    public var peakScore: Double
    public var peakRecordID: String
    /// The records of the incident's buckets that this run emits (a later run with state
    /// emits only the buckets it adds).
    public var recordIDs: [String]
    /// Per influencer field, value totals over every bucket of the incident.
    public var influencerTotals: [String: [String: Int]]
    /// The country had no traffic in training.
    public var firstSeen: Bool
    /// Every bucket was suppressed by an exception: reported, not alerted.
    public var suppressed: Bool
    /// Beyond the run's `--max-alerts` (ranked by peak score): not alerted.
    public var heldBack: Bool = false
    /// Could still grow: the quiet time since its last bucket is shorter than the gap.
    public var open: Bool

    public struct Term: Equatable, Sendable {
        public var field: String
        public var value: String

        public init(field: String, value: String) {
            self.field = field
            self.value = value
        }
    }

    public var start: Int64 { firstBucket }
    /// End of the last alerting bucket.
    public var end: Int64 { lastBucket + bucketSpan }

    /// `country=KG|source.ip=10.1.2.3`: the key that incidents of one group share.
    public var groupKey: String { Self.groupKey(terms) }

    static func groupKey(_ terms: [Term]) -> String {
        terms.map { "\($0.field)=\($0.value)" }.joined(separator: "|")
    }

    /// The incident id for a group and first bucket (FNV-1a, like record ids).
    public static func makeID(modelID: String, groupKey: String, firstBucket: Int64) -> String {
        RecordID.make(modelID: modelID, bucketStart: firstBucket, country: "incident|" + groupKey)
    }

    /// The `limit` values with the most events over the incident per field, largest first
    /// (ties by value), fields in the order records list them.
    public func topInfluencers(_ limit: Int) -> [(field: String, values: [AnomalyRecord.InfluencerValue])] {
        InfluencerField.allCases.compactMap { field in
            guard let totals = influencerTotals[field.ecsName], !totals.isEmpty else { return nil }
            let top = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
            return (field.ecsName, top.map { AnomalyRecord.InfluencerValue(value: $0.key, count: $0.value) })
        }
    }

    /// Adds one alerting record to the incident.
    mutating func add(_ record: AnomalyRecord) {
        if record.bucketStart < firstBucket { firstBucket = record.bucketStart }
        if record.bucketStart > lastBucket { lastBucket = record.bucketStart }
        buckets += 1
        events += record.actual
        eventsAboveTypical += max(0, Double(record.actual) - record.typical)
        if record.recordScore > peakScore || (record.recordScore == peakScore && record.bucketStart > peakBucket) {
            peakScore = record.recordScore
            peakBucket = record.bucketStart
            peakRecordID = record.recordID
        }
        recordIDs.append(record.recordID)
        for (field, values) in record.influencers {
            for v in values { influencerTotals[field, default: [:]][v.value, default: 0] += v.count }
        }
        firstSeen = firstSeen || record.firstSeen
        suppressed = suppressed && record.suppression != nil
    }

    /// An incident of one record.
    init(record: AnomalyRecord, terms: [Term], modelID: String) {
        id = Self.makeID(modelID: modelID, groupKey: Self.groupKey(terms), firstBucket: record.bucketStart)
        self.terms = terms
        country = record.country
        countryName = record.countryName
        firstBucket = record.bucketStart
        lastBucket = record.bucketStart
        bucketSpan = record.bucketSpan
        buckets = 0
        events = 0
        eventsAboveTypical = 0
        peakBucket = record.bucketStart
        peakScore = -1
        peakRecordID = record.recordID
        recordIDs = []
        influencerTotals = [:]
        firstSeen = false
        suppressed = true
        open = false
        add(record)
    }

    public init(
        id: String, terms: [Term], country: String, countryName: String, firstBucket: Int64, lastBucket: Int64,
        bucketSpan: Int64, buckets: Int, events: Int, eventsAboveTypical: Double, peakBucket: Int64,
        peakScore: Double, peakRecordID: String, recordIDs: [String], influencerTotals: [String: [String: Int]],
        firstSeen: Bool, suppressed: Bool, open: Bool
    ) {
        self.id = id
        self.terms = terms
        self.country = country
        self.countryName = countryName
        self.firstBucket = firstBucket
        self.lastBucket = lastBucket
        self.bucketSpan = bucketSpan
        self.buckets = buckets
        self.events = events
        self.eventsAboveTypical = eventsAboveTypical
        self.peakBucket = peakBucket
        self.peakScore = peakScore
        self.peakRecordID = peakRecordID
        self.recordIDs = recordIDs
        self.influencerTotals = influencerTotals
        self.firstSeen = firstSeen
        self.suppressed = suppressed
        self.open = open
    }
}
