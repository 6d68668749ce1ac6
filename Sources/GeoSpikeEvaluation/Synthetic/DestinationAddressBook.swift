import GeoSpikeIngest

/// The external addresses the organisation connects to, per country, all inside the
/// committed `CountryAddressRanges`, so a reader's GeoIP lookup gives the intended country.
///
/// Each country has a few popular servers (its SaaS and CDN endpoints, drawn with
/// Zipf-like popularity, which is what makes `destination.ip` a useful influencer) and
/// a long tail of one-off addresses anywhere in its ranges.
struct DestinationAddressBook: Sendable {
    private struct CountryAddresses: Sendable {
        var v4: [ClosedRange<UInt32>]
        var v6: [ClosedRange<UInt64>]
        var popular: [SyntheticAddress]
        var cumulativePopularity: [Double]
    }

    private var byCountry: [CountryCode: CountryAddresses] = [:]

    /// Share of connections that go to one of a country's popular servers.
    static let popularShare = 0.8
    /// Share of addresses drawn as IPv6 where the country has IPv6 ranges.
    static let ipv6Share = 0.12

    init(seed: UInt64, countries: [CountryCode], popularCount: (CountryCode) -> Int) {
        for country in countries {
            var rng = SeededGenerator(seed: seed, stream: SyntheticStreams.addresses, UInt64(country.packed))
            let v4 = CountryAddressRanges.ipv4[country.code] ?? []
            let v6 = CountryAddressRanges.ipv6[country.code] ?? []
            var entry = CountryAddresses(v4: v4, v6: v6, popular: [], cumulativePopularity: [])
            let count = max(1, popularCount(country))
            for _ in 0..<count { entry.popular.append(Self.randomAddress(in: entry, &rng)) }
            entry.cumulativePopularity = (0..<count).map { 1 / Double($0 + 1) }.runningTotals
            byCountry[country] = entry
        }
    }

    /// Whether the book can give addresses in `country`.
    func covers(_ country: CountryCode) -> Bool { byCountry[country] != nil }

    /// A destination for an ordinary connection to `country`.
    func draw(_ country: CountryCode, _ rng: inout SeededGenerator) -> SyntheticAddress? {
        guard let entry = byCountry[country] else { return nil }
        if rng.chance(Self.popularShare) {
            return entry.popular[rng.pick(cumulative: entry.cumulativePopularity)]
        }
        return Self.randomAddress(in: entry, &rng)
    }

    /// One of the `rank`-th popular servers of `country` (stable across buckets).
    func popular(_ country: CountryCode, rank: Int) -> SyntheticAddress? {
        guard let entry = byCountry[country], !entry.popular.isEmpty else { return nil }
        return entry.popular[rank % entry.popular.count]
    }

    /// An address anywhere in `country`'s IPv4 ranges (scans and botnets walk IPv4).
    func randomIPv4(_ country: CountryCode, _ rng: inout SeededGenerator) -> SyntheticAddress? {
        guard let entry = byCountry[country], !entry.v4.isEmpty else { return nil }
        return Self.randomV4(entry.v4, &rng)
    }

    /// A /24-sized neighbourhood start in `country`, for scans that sweep adjacent hosts.
    func sweepBase(_ country: CountryCode, _ rng: inout SeededGenerator) -> UInt32? {
        guard let entry = byCountry[country], !entry.v4.isEmpty else { return nil }
        let range = entry.v4[rng.index(below: entry.v4.count)]
        let blocks = (UInt64(range.upperBound) - UInt64(range.lowerBound) + 1) / 1024
        guard blocks > 0 else { return range.lowerBound }
        return range.lowerBound + UInt32(UInt64(rng.index(below: Int(blocks))) * 1024)
    }

    private static func randomAddress(in entry: CountryAddresses, _ rng: inout SeededGenerator) -> SyntheticAddress {
        if !entry.v6.isEmpty && (entry.v4.isEmpty || rng.chance(ipv6Share)) {
            let range = entry.v6[rng.index(below: entry.v6.count)]
            let span = range.upperBound - range.lowerBound
            let offset = span == UInt64.max ? rng.next() : rng.next() % (span + 1)
            // Servers sit at small interface identifiers more often than not.
            let low = rng.chance(0.5) ? UInt64(1 + rng.index(below: 0x200)) : rng.next()
            return .v6(high: range.lowerBound + offset, low: low)
        }
        return randomV4(entry.v4, &rng)
    }

    private static func randomV4(_ ranges: [ClosedRange<UInt32>], _ rng: inout SeededGenerator) -> SyntheticAddress {
        let range = ranges[rng.index(below: ranges.count)]
        let size = UInt64(range.upperBound) - UInt64(range.lowerBound) + 1
        var address = range.lowerBound + UInt32(rng.next() % size)
        // Avoid network and broadcast-looking last octets, as real servers do.
        let last = address & 0xFF
        if last == 0 || last == 255, range.contains(address ^ 1) { address ^= 1 }
        return .v4(address)
    }
}
