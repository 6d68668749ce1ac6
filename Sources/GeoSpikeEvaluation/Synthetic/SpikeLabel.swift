import GeoSpikeIngest

/// One attacked (bucket, country) cell: how many events the attack added there and why.
///
/// Labels name every cell an attack touched, so a backtest can tell a caught attack from
/// a false alert and a recall figure can be computed per kind.
public struct SpikeLabel: Sendable, Equatable {
    /// Start of the 15-minute bucket, epoch seconds.
    public var bucketStart: Int64
    public var country: CountryCode
    /// `exfiltration`, `c2-new-country`, `scan` or `botnet` (see `AttackKind`).
    public var kind: String
    /// Events the attack added on top of the normal traffic of the cell.
    public var addedEvents: Int
    /// The internal host behind the attack, or nil when several hosts took part.
    public var sourceHost: String?

    public init(bucketStart: Int64, country: CountryCode, kind: String, addedEvents: Int, sourceHost: String?) {
        self.bucketStart = bucketStart
        self.country = country
        self.kind = kind
        self.addedEvents = addedEvents
        self.sourceHost = sourceHost
    }
}
