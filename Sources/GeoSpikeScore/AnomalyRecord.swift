/// One scored (bucket, country): the scorer's output, one JSON object per line.
///
/// Field names follow Elastic's anomaly records where they exist (`record_score`,
/// `typical`, `actual`, `multi_bucket_impact`), so that people and tools used to the
/// reference system find them where they expect.
public struct AnomalyRecord: Equatable, Sendable {
    public struct InfluencerValue: Equatable, Sendable {
        public var value: String
        public var count: Int

        public init(value: String, count: Int) {
            self.value = value
            self.count = count
        }
    }

    public var recordID: String
    public var modelID: String
    /// Bucket start, Unix seconds (UTC).
    public var bucketStart: Int64
    public var bucketSpan: Int64
    public var country: String
    public var countryName: String
    public var actual: Int
    /// Expected count at this bucket (the seasonal mean).
    public var typical: Double
    /// Calibrated probability of a count at least this large (single or sustained).
    public var probability: Double
    /// log10 of that probability, which stays meaningful where `probability` underflows.
    public var log10Probability: Double
    public var recordScore: Double
    /// Elastic's raw score of the uncalibrated probability.
    public var rawScore: Double
    public var severity: String
    public var alert: Bool
    public var family: String
    /// −5…5: how much of the anomaly is a sustained rise over the multi-bucket window (+)
    /// rather than this bucket alone (−).
    public var multiBucketImpact: Double
    /// The country had no traffic in training: judged by the new-country prior.
    public var firstSeen: Bool
    /// The bucket was not complete when scored; it never alerts.
    public var interim: Bool
    /// Top values per influencer field (ECS names), largest first.
    public var influencers: [(field: String, values: [InfluencerValue])]
    /// Set when an exception explains the spike: the record would have alerted, but the
    /// bucket without excepted events does not (`alert` is then false).
    public var suppression: AlertSuppression? = nil
    /// The record alerted but fell beyond the run's `--max-alerts` cap (`alert` is then false).
    public var heldBack: Bool = false
    /// Local time, usual sources, typical volume and next steps, for alerts.
    public var context: InvestigationContext? = nil
    /// The level, as a factor of `typical`, that the preceding two hours had held and the
    /// bucket was judged against on its own (1: no level shift): a shifted day, not a spike.
    public var levelShift: Double = 1
    /// "overall" when the count is above every bucket of the country's last two weeks of
    /// training (and of this batch before it), "hour" when only above that local hour's.
    public var newHigh: String? = nil
    /// The incident the record's bucket belongs to, when it alerted or was suppressed.
    public var incidentID: String? = nil

    public init(
        recordID: String, modelID: String, bucketStart: Int64, bucketSpan: Int64, country: String, countryName: String,
        actual: Int, typical: Double, probability: Double, log10Probability: Double, recordScore: Double,
        rawScore: Double, severity: String, alert: Bool, family: String, multiBucketImpact: Double, firstSeen: Bool,
        interim: Bool, influencers: [(field: String, values: [InfluencerValue])], suppression: AlertSuppression? = nil,
        heldBack: Bool = false, context: InvestigationContext? = nil
    ) {
        self.recordID = recordID
        self.modelID = modelID
        self.bucketStart = bucketStart
        self.bucketSpan = bucketSpan
        self.country = country
        self.countryName = countryName
        self.actual = actual
        self.typical = typical
        self.probability = probability
        self.log10Probability = log10Probability
        self.recordScore = recordScore
        self.rawScore = rawScore
        self.severity = severity
        self.alert = alert
        self.family = family
        self.multiBucketImpact = multiBucketImpact
        self.firstSeen = firstSeen
        self.interim = interim
        self.influencers = influencers
        self.suppression = suppression
        self.heldBack = heldBack
        self.context = context
    }

    /// Whether the scorer judged the bucket anomalous enough to alert, before exceptions
    /// and the per-run cap had their say.
    public var scoredAsAlert: Bool { alert || suppression != nil || heldBack }

    public static func == (lhs: AnomalyRecord, rhs: AnomalyRecord) -> Bool {
        lhs.recordID == rhs.recordID && lhs.actual == rhs.actual && lhs.recordScore == rhs.recordScore
            && lhs.alert == rhs.alert && lhs.interim == rhs.interim && lhs.typical == rhs.typical
    }
}
