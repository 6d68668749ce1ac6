/// How a batch is judged; holds no logic.
public struct ScoreOptions: Sendable {
    /// Alert when `record_score >= threshold` (Elastic's rule uses 75).
    public var threshold: Double = 75
    /// Buckets ending after this instant (epoch seconds) are interim and never alert.
    /// nil: the latest event time in the batch.
    public var until: Double?
    /// Benjamini–Hochberg false discovery rate across the countries of a bucket; nil = off.
    public var falseDiscoveryRate: Double?
    /// Influencer values reported per field.
    public var topInfluencers: Int = 5

    public init() {}
}
