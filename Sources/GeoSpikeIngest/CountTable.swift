/// One (bucket, country) cell of the count table.
public struct CellKey: Hashable, Sendable, Comparable {
    /// Bucket start, Unix epoch seconds (UTC).
    public var bucketStart: Int64
    public var country: CountryCode

    public init(bucketStart: Int64, country: CountryCode) {
        self.bucketStart = bucketStart
        self.country = country
    }

    /// One word into the hasher rather than two: ingest hashes a key for every counts row.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(UInt64(bitPattern: bucketStart) &<< 16 | UInt64(country.packed))
    }

    public static func < (lhs: CellKey, rhs: CellKey) -> Bool {
        lhs.bucketStart != rhs.bucketStart
            ? lhs.bucketStart < rhs.bucketStart : lhs.country < rhs.country
    }
}

/// What ingest hands to the model: events per bucket and destination country.
///
/// Memory grows with buckets x countries (plus bounded influencer tallies), never with
/// the number of input lines. Cells that are absent are zero: a country that went
/// silent is information, so the time range is tracked separately from the cells.
public struct CountTable: Sendable {
    public let bucketSpan: BucketSpan
    /// Events per cell (absent = zero).
    public var counts: [CellKey: Int] { cells.dictionary }
    private var cells = CountTableCells()
    /// Per cell, per influencer field: the top values. Empty when influencers were not kept.
    public private(set) var influencers: [CellKey: [InfluencerTally]] = [:]
    /// Earliest and latest event time seen in any accepted line, with or without a
    /// country: together they say which buckets were observed (and could have been zero).
    public private(set) var firstEventTime: Double?
    public private(set) var lastEventTime: Double?
    /// Extra per-cell totals a counts CSV may carry (e.g. `bytes`, `distinct_sources`).
    public private(set) var extras: [String: [CellKey: Double]] = [:]

    public init(bucketSpan: BucketSpan = .fifteenMinutes) {
        self.bucketSpan = bucketSpan
    }

    /// Records that an event at `time` was observed, whether or not it had a country.
    public mutating func observe(time: Double) {
        if firstEventTime.map({ time < $0 }) ?? true { firstEventTime = time }
        if lastEventTime.map({ time > $0 }) ?? true { lastEventTime = time }
    }

    /// Counts `count` events to `country` at `time`.
    public mutating func add(time: Double, country: CountryCode, count: Int = 1) {
        observe(time: time)
        let key = CellKey(bucketStart: bucketSpan.bucketStart(containing: time), country: country)
        uniqueCells().add(count, to: key)
    }

    /// Counts one event and tallies its influencer values (nil fields are skipped).
    public mutating func add(
        time: Double, country: CountryCode, influencerValues: [InfluencerField: String],
        capacity: Int = 16
    ) {
        add(time: time, country: country)
        let key = CellKey(bucketStart: bucketSpan.bucketStart(containing: time), country: country)
        var tallies =
            influencers[key]
            ?? Array(repeating: InfluencerTally(capacity: capacity), count: InfluencerField.allCases.count)
        for (field, value) in influencerValues { tallies[field.rawValue].add(value) }
        influencers[key] = tallies
    }

    /// Adds an already aggregated cell (counts CSV, merges, injected spikes).
    public mutating func add(bucketStart: Int64, country: CountryCode, count: Int) {
        precondition(
            bucketStart % bucketSpan.seconds == 0, "bucket start must be aligned to the span")
        observe(time: Double(bucketStart))
        observe(time: Double(bucketStart + bucketSpan.seconds) - 1e-3)
        uniqueCells().append(count, to: CellKey(bucketStart: bucketStart, country: country))
    }

    /// Adds to one cell without touching the observed time range (ingest tracks that itself).
    mutating func addCell(_ key: CellKey, count: Int) {
        uniqueCells().append(count, to: key)
    }

    /// The cells, copied first if another table shares them (copy on write).
    private mutating func uniqueCells() -> CountTableCells {
        if !isKnownUniquelyReferenced(&cells) { cells = cells.copy() }
        return cells
    }

    /// Sets an extra numeric column for a cell (summed when repeated).
    public mutating func addExtra(_ name: String, bucketStart: Int64, country: CountryCode, value: Double) {
        extras[name, default: [:]][CellKey(bucketStart: bucketStart, country: country), default: 0] += value
    }

    /// Replaces a cell's influencer tallies (used when merging tables).
    public mutating func setInfluencers(_ tallies: [InfluencerTally], for key: CellKey) {
        influencers[key] = tallies
    }

    /// Adds another table's cells, influencers and time range to this one.
    public mutating func merge(_ other: CountTable) {
        precondition(other.bucketSpan == bucketSpan, "tables with different bucket spans")
        // Ingest merges the counts CSV's millions of cells into a table without cells: it
        // then shares them, and no cell is hashed or copied.
        if cells.isEmpty {
            cells = other.cells
        } else {
            let mine = uniqueCells()
            let (map, appended) = other.cells.contents
            for (key, count) in map { mine.append(count, to: key) }
            for (key, count) in appended { mine.append(count, to: key) }
        }
        for (key, tallies) in other.influencers {
            if var mine = influencers[key] {
                for i in mine.indices { mine[i].merge(tallies[i]) }
                influencers[key] = mine
            } else {
                influencers[key] = tallies
            }
        }
        for (name, cells) in other.extras {
            for (key, v) in cells { extras[name, default: [:]][key, default: 0] += v }
        }
        if let t = other.firstEventTime { observe(time: t) }
        if let t = other.lastEventTime { observe(time: t) }
    }

    /// Whether the table has no cells (no event had a country), whatever its time range.
    public var isEmpty: Bool { cells.isEmpty }

    /// The cells as stored, for walks over every cell of a large table (the trainer's)
    /// without building the map that `counts` is: a map, and aggregated cells not hashed
    /// yet. In no particular order; a key may be in both or repeat (its counts then add
    /// up), and a count may be 0.
    package var storedCells: (map: [CellKey: Int], appended: [(key: CellKey, count: Int)]) { cells.contents }

    /// Every country with at least one event, sorted by code.
    public var countries: [CountryCode] {
        Array(Set(counts.keys.map(\.country))).sorted()
    }

    /// Start of the first and last observed bucket, or nil for an empty table.
    public var bucketRange: ClosedRange<Int64>? {
        guard let first = firstEventTime, let last = lastEventTime else { return nil }
        return bucketSpan.bucketStart(containing: first)...bucketSpan.bucketStart(containing: last)
    }

    /// Number of buckets in `bucketRange`.
    public var bucketCount: Int {
        guard let r = bucketRange else { return 0 }
        return Int((r.upperBound - r.lowerBound) / bucketSpan.seconds) + 1
    }

    /// All non-zero cells, sorted by bucket then country.
    public var sortedCells: [(key: CellKey, count: Int)] {
        counts.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { (key: $0.key, count: $0.value) }
    }

    /// Events in one cell (zero when absent).
    public func count(bucketStart: Int64, country: CountryCode) -> Int {
        counts[CellKey(bucketStart: bucketStart, country: country)] ?? 0
    }

    /// Total events counted to each country.
    public var totalsByCountry: [CountryCode: Int] {
        var totals: [CountryCode: Int] = [:]
        for (key, count) in counts { totals[key.country, default: 0] += count }
        return totals
    }
}
