import Foundation

/// The size and form of one injected spike.
///
/// Sizes are either relative to the cell's typical (expected) count, which is how an
/// analyst describes a surge ("three times the usual"), or absolute added events, which is
/// how an attack is described ("a scan of 50 connections"). Any spike may be sustained
/// over several consecutive buckets (a botnet's rise, a beacon). A country the model has
/// never seen can only take absolute additions.
public struct SpikeShape: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Each bucket holds `amount` × its typical count.
        case multiple
        /// `amount` events are added to each bucket.
        case addition
        /// `amount` events a bucket to a country the model has never seen.
        case newCountry = "new-country"
    }

    public var kind: Kind
    public var amount: Double
    /// Consecutive buckets the spike covers.
    public var buckets: Int
    /// The group it is reported under (e.g. an attack kind); nil: its size label.
    public var group: String?
    /// Which countries it may hit, as a range of fractions of the model's countries ranked
    /// busiest first (`0.5..<1` = the quieter half); nil: any country.
    public var countryRanks: Range<Double>?
    /// For a multiple: the typical count it multiplies is taken as at least this. Infected
    /// hosts beacon whether or not the country is busy, so a botnet that multiplies a
    /// country's daytime traffic by m adds at least m − 1 flows a bucket at night too.
    public var typicalFloor: Double

    public init(
        kind: Kind, amount: Double, buckets: Int = 1, group: String? = nil, countryRanks: Range<Double>? = nil,
        typicalFloor: Double = 0
    ) {
        self.kind = kind
        self.amount = amount
        self.buckets = max(1, buckets)
        self.group = group
        self.countryRanks = countryRanks
        self.typicalFloor = typicalFloor
    }

    /// Events added to a bucket whose typical count is `typical`; always at least one, so
    /// that every spike is something a log would show.
    public func addedEvents(typical: Double) -> Int {
        switch kind {
        case .multiple: return max(1, Int(((amount - 1) * max(typical, typicalFloor)).rounded()))
        case .addition, .newCountry: return max(1, Int(amount.rounded()))
        }
    }

    /// A short name for tables: `x3`, `+20`, `x2 for 8`, `new +10 for 12`.
    public var label: String {
        let number = amount == amount.rounded() ? String(Int(amount)) : FixedFormat.decimal(amount, 1)
        let size: String
        switch kind {
        case .multiple: size = "x" + number
        case .addition: size = "+" + number
        case .newCountry: size = "new +" + number
        }
        return buckets > 1 ? "\(size) for \(buckets)" : size
    }

    /// What tables group it under: its `group`, else its size label.
    public var groupLabel: String { group ?? label }

    /// The sizes `geospike-eval inject` uses unless told otherwise: surges from double to
    /// ten times typical, bursts of 5 to 100 events, two-hour sustained rises, and traffic
    /// to new countries, single and beaconing.
    public static let standardLadder: [SpikeShape] = [
        SpikeShape(kind: .multiple, amount: 2), SpikeShape(kind: .multiple, amount: 3),
        SpikeShape(kind: .multiple, amount: 5), SpikeShape(kind: .multiple, amount: 10),
        SpikeShape(kind: .addition, amount: 5), SpikeShape(kind: .addition, amount: 10),
        SpikeShape(kind: .addition, amount: 25), SpikeShape(kind: .addition, amount: 50),
        SpikeShape(kind: .addition, amount: 100),
        SpikeShape(kind: .multiple, amount: 1.5, buckets: 8), SpikeShape(kind: .multiple, amount: 2, buckets: 8),
        SpikeShape(kind: .multiple, amount: 3, buckets: 8),
        SpikeShape(kind: .newCountry, amount: 3), SpikeShape(kind: .newCountry, amount: 10),
        SpikeShape(kind: .newCountry, amount: 3, buckets: 8),
    ]

    /// `count` attacks drawn as `geospike-eval synth` draws them (see `AttackKind`), one
    /// kind after another:
    /// - exfiltration: 40–400 flows in 1–3 buckets, to the quieter half of the countries;
    /// - scan: 150–600 connections in one bucket, to any but the three busiest;
    /// - botnet: traffic × 2–5 for 8–24 buckets, to the countries ranked 20–50%, adding at
    ///   least m − 1 flows a bucket (the generator's `max(mean, 1)`);
    /// - C2 to a new country: 5–30 flows a bucket for 12–32 buckets.
    /// Spreading totals over buckets evenly is the hardest case for the single-bucket test.
    public static func realisticAttacks(count: Int, seed: UInt64) -> [SpikeShape] {
        var rng = SeededGenerator(seed: seed, stream: 0x5EED_A77A)
        return (0..<count).map { n in
            switch n % 4 {
            case 0:
                let buckets = rng.integer(in: 1...3)
                let total = Double(rng.integer(in: 40...400))
                return SpikeShape(
                    kind: .addition, amount: (total / Double(buckets)).rounded(), buckets: buckets,
                    group: "exfiltration", countryRanks: 0.5..<1)
            case 1:
                return SpikeShape(
                    kind: .addition, amount: Double(rng.integer(in: 150...600)), group: "scan",
                    countryRanks: 0.075..<1)
            case 2:
                let multiple = (rng.uniform(2, 5) * 10).rounded() / 10
                return SpikeShape(
                    kind: .multiple, amount: multiple, buckets: rng.integer(in: 8...24), group: "botnet",
                    countryRanks: 0.2..<0.5, typicalFloor: 1)
            default:
                return SpikeShape(
                    kind: .newCountry, amount: Double(rng.integer(in: 5...30)), buckets: rng.integer(in: 12...32),
                    group: "c2-new-country")
            }
        }
    }

    /// Parses `x3`, `+20`, `new+10`, each optionally sustained: `x2/8`, `+5/4`, `new+5/12`.
    public init?(parsing text: String) {
        let t = text.lowercased().replacingOccurrences(of: " ", with: "")
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        var buckets = 1
        if parts.count == 2 {
            guard let k = Int(parts[1]), (1...96).contains(k) else { return nil }
            buckets = k
        }
        let size = parts[0]
        if size.hasPrefix("new+"), let n = Double(size.dropFirst(4)), n >= 1, n.isFinite {
            self.init(kind: .newCountry, amount: n, buckets: buckets)
        } else if size.hasPrefix("+"), let n = Double(size.dropFirst()), n >= 1, n.isFinite {
            self.init(kind: .addition, amount: n, buckets: buckets)
        } else if size.hasPrefix("x"), let m = Double(size.dropFirst()), m > 1, m.isFinite {
            self.init(kind: .multiple, amount: m, buckets: buckets)
        } else {
            return nil
        }
    }
}
