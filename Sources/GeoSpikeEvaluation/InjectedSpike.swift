import GeoSpikeIngest

/// One spike injected into history, and whether the scorer caught it.
public struct InjectedSpike: Sendable, Equatable {
    public var shape: SpikeShape
    public var country: CountryCode
    /// Index of its first bucket in the scored batch.
    public var firstBucket: Int
    /// Start of its first bucket, epoch seconds.
    public var bucketStart: Int64
    /// Local hour (model time zone) of its first bucket.
    public var localHour: Int
    /// Events added to each of its buckets.
    public var added: [Int]
    /// Sum of the clean typical counts of its buckets.
    public var typical: Double
    /// Highest record score over its buckets with the spike in.
    public var maxScore: Double = 0
    /// Any of its buckets alerted.
    public var caught = false

    public var lastBucket: Int { firstBucket + added.count - 1 }
    public var addedEvents: Int { added.reduce(0, +) }
}
