import GeoSpikeIngest

/// Every country's non-zero counts in time order: what the trainer reads instead of the
/// count table's hash map.
///
/// One flat array of cells, country after country (each country's in bucket order), so
/// that every sum over a country's buckets runs in one fixed order: the same data then
/// gives the same floating-point results and model bytes, whatever order the table holds
/// its cells in. Memory is one index and one count per non-zero cell.
struct CountrySeries {
    /// Countries with at least one event, sorted by code.
    let countries: [CountryCode]
    /// Start of bucket 0 (the first observed bucket).
    let firstBucket: Int64
    /// Buckets from the first to the last observed one.
    let bucketCount: Int
    /// Country `c`'s cells are `cellBuckets[cellStart[c]..<cellStart[c + 1]]` (bucket
    /// indices, ascending) with counts `cellCounts[…]` (all > 0).
    private let cellStart: [Int]
    private let cellBuckets: [Int]
    private let cellCounts: [Int]

    init(_ table: CountTable) {
        let span = table.bucketSpan.seconds
        let first = table.bucketRange?.lowerBound ?? 0
        let count = table.bucketCount
        func index(of start: Int64) -> Int? {
            // One division per cell (they are slow, and there are millions of cells).
            let offset = start - first
            let i = offset / span
            guard offset >= 0, i * span == offset, i < Int64(count) else { return nil }
            return Int(i)
        }
        // The table's cells come in no order, and a cell may come more than once (its
        // counts add up): walk them as stored, without building the table's hash map.
        let (map, appended) = table.storedCells
        // Pass 1: how many cells each country has (indexed by packed code: no hashing).
        var cellsOf = [Int](repeating: 0, count: Int(UInt16.max) + 1)
        func tally(_ key: CellKey, _ y: Int) {
            if y != 0 && index(of: key.bucketStart) != nil { cellsOf[Int(key.country.packed)] += 1 }
        }
        for (key, y) in map { tally(key, y) }
        for (key, y) in appended { tally(key, y) }
        var present: [CountryCode] = []
        var countryIndex = [Int](repeating: -1, count: cellsOf.count)
        var dealtStart = [0]
        for packed in cellsOf.indices where cellsOf[packed] > 0 {
            countryIndex[packed] = present.count
            present.append(CountryCode(packed: UInt16(packed)))
            dealtStart.append(dealtStart[dealtStart.count - 1] + cellsOf[packed])
        }
        // Pass 2: deal the cells out to their countries. One write position per country
        // keeps the writes in a few hundred streams that stay in cache, where scattering
        // straight into bucket order would miss the cache on almost every cell.
        let dealtTotal = dealtStart[dealtStart.count - 1]
        var dealtBuckets = [Int](repeating: 0, count: dealtTotal)
        var dealtCounts = [Int](repeating: 0, count: dealtTotal)
        var next = dealtStart
        func deal(_ key: CellKey, _ y: Int) {
            guard y != 0, let i = index(of: key.bucketStart) else { return }
            let c = countryIndex[Int(key.country.packed)]
            dealtBuckets[next[c]] = i
            dealtCounts[next[c]] = y
            next[c] += 1
        }
        for (key, y) in map { deal(key, y) }
        for (key, y) in appended { deal(key, y) }
        // Then each country's cells into bucket order, repeats summed, non-positive totals
        // dropped, compacted in place (a country's cells never move right). A counts CSV
        // sorted by bucket, as engines write it, deals every country's cells out in order
        // already; otherwise through a row of all buckets when the country has cells in
        // many of them, by sorting when it has few.
        var countries: [CountryCode] = []
        var cellStart = [0]
        var out = 0
        var row = [Int](repeating: 0, count: count)
        func emit(_ bucket: Int, _ total: Int) {
            guard total > 0 else { return }
            dealtBuckets[out] = bucket
            dealtCounts[out] = total
            out += 1
        }
        for (c, country) in present.enumerated() {
            let dealt = dealtStart[c]..<dealtStart[c + 1]
            if zip(dealt.dropFirst(), dealt).allSatisfy({ dealtBuckets[$0] > dealtBuckets[$1] }) {
                for k in dealt { emit(dealtBuckets[k], dealtCounts[k]) }
            } else if dealt.count * 16 >= count {
                for k in dealt { row[dealtBuckets[k]] += dealtCounts[k] }
                for i in 0..<count where row[i] != 0 {
                    emit(i, row[i])
                    row[i] = 0
                }
            } else {
                let sorted = dealt.sorted { dealtBuckets[$0] < dealtBuckets[$1] }.map { (dealtBuckets[$0], dealtCounts[$0]) }
                var k = 0
                while k < sorted.count {
                    let bucket = sorted[k].0
                    var total = 0
                    while k < sorted.count, sorted[k].0 == bucket {
                        total += sorted[k].1
                        k += 1
                    }
                    emit(bucket, total)
                }
            }
            if out > cellStart[cellStart.count - 1] {
                countries.append(country)
                cellStart.append(out)
            }
        }
        dealtBuckets.removeLast(dealtTotal - out)
        dealtCounts.removeLast(dealtTotal - out)
        let (cellBuckets, cellCounts) = (dealtBuckets, dealtCounts)
        self.countries = countries
        self.firstBucket = first
        self.bucketCount = count
        self.cellStart = cellStart
        self.cellBuckets = cellBuckets
        self.cellCounts = cellCounts
    }

    /// Country `c`'s non-zero cells among buckets `range` (indices relative to bucket 0),
    /// in bucket order.
    func cells(of c: Int, in range: Range<Int>) -> (buckets: ArraySlice<Int>, counts: ArraySlice<Int>) {
        let all = cellStart[c]..<cellStart[c + 1]
        let low = Self.partitionPoint(all) { cellBuckets[$0] >= range.lowerBound }
        let high = Self.partitionPoint(low..<all.upperBound) { cellBuckets[$0] >= range.upperBound }
        return (cellBuckets[low..<high], cellCounts[low..<high])
    }

    /// Position of `country` in `countries`, or nil when it has no events.
    func index(of country: CountryCode) -> Int? {
        let i = Self.partitionPoint(countries.indices) { countries[$0] >= country }
        return i < countries.count && countries[i] == country ? i : nil
    }

    /// Events to all countries among buckets `range`.
    func events(in range: Range<Int>) -> Int {
        countries.indices.reduce(0) { $0 + cells(of: $1, in: range).counts.reduce(0, +) }
    }

    /// The first index of `range` where `predicate` holds, for a predicate that is false
    /// then true along the range (binary search).
    private static func partitionPoint(_ range: Range<Int>, _ predicate: (Int) -> Bool) -> Int {
        var (low, high) = (range.lowerBound, range.upperBound)
        while low < high {
            let middle = (low + high) / 2
            if predicate(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
