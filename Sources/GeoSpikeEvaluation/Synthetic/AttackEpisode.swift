import GeoSpikeIngest

/// One injected attack: who, where, when and how many events per bucket.
struct AttackEpisode: Sendable {
    let kind: AttackKind
    let country: CountryCode
    /// Internal hosts taking part (one except for botnets).
    let hosts: [Int]
    let tool: NetworkApplication
    let destinationPort: Int
    /// Bucket index within the scenario → events the attack adds in that bucket.
    var addedEvents: [(bucket: Int, count: Int)]
    /// Destinations the attack keeps using (exfiltration drop servers, the C2 server).
    let fixedDestinations: [SyntheticAddress]
    /// First address of the swept neighbourhood, for scans.
    let sweepBase: UInt32?
}
