import GeoSpikeIngest

/// Groups injected spikes into rounds that can share one scoring pass without affecting
/// each other's scores.
///
/// A spike changes the single-bucket test of its own buckets and the multi-bucket test of
/// the `window − 1` buckets after it, of its own country only (countries are scored
/// independently, and no false-discovery control runs during injection). Two spikes of a
/// country whose buckets extended by `window − 1` do not overlap therefore score exactly
/// as they would alone, and a round of such spikes costs one `Scorer.score` call instead
/// of one per spike.
public enum SpikePacking {
    /// One spike's footprint: a country column and bucket indices `first...last`.
    public struct Footprint: Sendable {
        public var country: CountryCode
        public var first: Int
        public var last: Int

        public init(country: CountryCode, first: Int, last: Int) {
            self.country = country
            self.first = first
            self.last = last
        }
    }

    /// Indices of `footprints`, grouped into rounds, greedily in the order given.
    public static func rounds(_ footprints: [Footprint], window: Int) -> [[Int]] {
        let reach = max(0, window - 1)
        var rounds: [[Int]] = []
        // Per round, per country: the occupied (extended) intervals.
        var occupied: [[CountryCode: [ClosedRange<Int>]]] = []
        for (index, spike) in footprints.enumerated() {
            let extent = spike.first...(spike.last + reach)
            var placed = false
            for r in rounds.indices {
                let taken = occupied[r][spike.country] ?? []
                if taken.allSatisfy({ !$0.overlaps(extent) }) {
                    rounds[r].append(index)
                    occupied[r][spike.country, default: []].append(extent)
                    placed = true
                    break
                }
            }
            if !placed {
                rounds.append([index])
                occupied.append([spike.country: [extent]])
            }
        }
        return rounds
    }
}
