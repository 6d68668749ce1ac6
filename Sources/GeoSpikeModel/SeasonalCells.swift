import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics

/// The training buckets grouped by their design row: one cell per (local slot, weekday).
///
/// Every bucket in a cell has the same design row, so a country's IRLS only needs, per
/// cell, the summed recency weight of its buckets and the weighted sum of its counts: the
/// score equations and Fisher information depend on nothing else. A year of 15-minute
/// buckets (35,040) becomes at most 672 rows; the fit's cost no longer grows with history.
public struct SeasonalCells: Sendable {
    /// One row per cell: the shared design row, smooth columns only.
    public let design: Matrix
    /// Per cell: its slot-effect index (see `SeasonalDesign.slotEffectIndex`), or -1.
    public let slotEffect: [Int]
    /// Number of slot effects (0 when the design has none).
    public let slotEffectCount: Int
    /// Summed recency weight of the buckets in each cell (the same for every country:
    /// a bucket without events to a country is a zero count, not a missing one).
    public let weights: [Double]
    /// For each training bucket, in time order: its cell and its recency weight.
    public let bucketCell: [Int32]
    public let bucketWeight: [Double]
    /// Start of the first bucket.
    public let firstBucket: Int64
    public let bucketSpan: BucketSpan

    /// Groups the buckets `first...last` (bucket starts) by local slot and weekday.
    ///
    /// - Parameter halfLifeDays: a bucket this long before `weightReference` weighs half; 0 = all weigh 1.
    /// - Parameter excluding: buckets (indices from `first`) that keep their cells but weigh
    ///   nothing, so a fit ignores them and can still predict them: a cross-validation fold.
    public init(
        first: Int64, last: Int64, span: BucketSpan, clock: LocalClock, design seasonal: SeasonalDesign,
        halfLifeDays: Double, weightReference: Int64, excluding: Range<Int> = 0..<0
    ) {
        let count = Int((last - first) / span.seconds) + 1
        var cellOfKey: [Int: Int] = [:]
        var rows: [[Double]] = []
        var slotEffect: [Int] = []
        var weights: [Double] = []
        var bucketCell = [Int32](repeating: 0, count: max(0, count))
        var bucketWeight = [Double](repeating: 1, count: max(0, count))
        let decay = halfLifeDays > 0 ? log(2) / (halfLifeDays * 86400) : 0
        for i in 0..<max(0, count) {
            let start = first + Int64(i) * span.seconds
            let middle = start + span.seconds / 2
            let position = clock.position(of: middle)
            // Key by the slot the middle falls in, so a DST shift moves buckets between cells.
            let slot = position.secondOfDay / Int(span.seconds)
            let key = position.weekday * 100_000 + slot
            let cell: Int
            if let existing = cellOfKey[key] {
                cell = existing
            } else {
                cell = rows.count
                cellOfKey[key] = cell
                let slotMiddle = Double(slot) * Double(span.seconds) + Double(span.seconds) / 2
                rows.append(Array(seasonal.row(secondOfDay: slotMiddle, weekday: position.weekday).prefix(seasonal.smoothColumnCount)))
                slotEffect.append(
                    seasonal.slotsPerDay > 0
                        ? seasonal.slotEffectIndex(
                            slot: min(seasonal.slotsPerDay - 1, Int(slotMiddle) * seasonal.slotsPerDay / 86400),
                            weekday: position.weekday)
                        : -1)
                weights.append(0)
            }
            let w = excluding.contains(i) ? 0 : decay > 0 ? exp(-decay * Double(weightReference - start)) : 1
            bucketCell[i] = Int32(cell)
            bucketWeight[i] = w
            weights[cell] += w
        }
        var matrix = Matrix(rows: rows.count, columns: seasonal.smoothColumnCount)
        for (i, row) in rows.enumerated() { for j in row.indices { matrix[i, j] = row[j] } }
        self.design = matrix
        self.slotEffect = slotEffect
        self.slotEffectCount = 2 * seasonal.slotsPerDay
        self.weights = weights
        self.bucketCell = bucketCell
        self.bucketWeight = bucketWeight
        self.firstBucket = first
        self.bucketSpan = span
    }

    public var bucketCount: Int { bucketCell.count }
    public var cellCount: Int { weights.count }

    /// Index of the bucket starting at `start`, or nil outside the range.
    public func bucketIndex(of start: Int64) -> Int? {
        let offset = start - firstBucket
        guard offset >= 0, offset % bucketSpan.seconds == 0 else { return nil }
        let i = Int(offset / bucketSpan.seconds)
        return i < bucketCount ? i : nil
    }
}

/// One country's counts in the shape the fit needs: weighted sums per cell and a weighted
/// histogram of the counts themselves (the dispersion likelihood depends on each count
/// only through terms like log Γ(y + r), so equal counts can share one evaluation).
public struct CountryCellCounts: Sendable {
    /// Weighted sum of counts per cell.
    public var weightedSums: [Double]
    /// Weighted sum of log(count + 1) and of its square per cell (log-normal family).
    public var weightedLogSums: [Double]
    public var weightedLogSquares: [Double]
    /// Distinct counts and the summed weight of the buckets that had each (zeros included).
    public var histogram: [(count: Double, weight: Double)]
    public var events: Int
    public var nonZeroBuckets: Int

    /// Gathers `counts` (bucket index → count; absent = 0) over the cells.
    public init(counts: [Int: Int], cells: SeasonalCells) {
        let buckets = counts.filter { $0.value > 0 }.keys.sorted()
        self.init(buckets: buckets, counts: buckets.map { counts[$0] ?? 0 }, cells: cells)
    }

    /// log(count + 1) for the small counts that nearly every bucket holds, computed once
    /// rather than for each of a year's thirty-five thousand buckets per country.
    private static let logOnePlusSmallCount = (0..<4096).map { log(Double($0) + 1) }

    /// Gathers a country's non-zero counts, given in bucket order, over the cells.
    ///
    /// In bucket order because floating-point sums must not depend on the order cells
    /// were stored in, or the same data would give different model bytes.
    init<Buckets: Collection<Int>, Counts: Collection<Int>>(buckets: Buckets, counts: Counts, cells: SeasonalCells) {
        var sums = [Double](repeating: 0, count: cells.cellCount)
        var logSums = [Double](repeating: 0, count: cells.cellCount)
        var logSquares = [Double](repeating: 0, count: cells.cellCount)
        var byCount = CountWeights(largest: counts.max() ?? 0)
        var nonZeroWeight = 0.0
        var events = 0
        for (bucket, y) in zip(buckets, counts) {
            let cell = Int(cells.bucketCell[bucket])
            let w = cells.bucketWeight[bucket]
            let z = y < Self.logOnePlusSmallCount.count ? Self.logOnePlusSmallCount[y] : log(Double(y) + 1)
            sums[cell] += w * Double(y)
            logSums[cell] += w * z
            logSquares[cell] += w * z * z
            byCount.add(w, to: y)
            nonZeroWeight += w
            events += y
        }
        let totalWeight = cells.weights.reduce(0, +)
        var histogram = byCount.sorted
        let zeroWeight = totalWeight - nonZeroWeight
        if zeroWeight > 1e-12 { histogram.insert((count: 0, weight: zeroWeight), at: 0) }
        weightedSums = sums
        weightedLogSums = logSums
        weightedLogSquares = logSquares
        self.histogram = histogram
        self.events = events
        nonZeroBuckets = counts.count
    }
}

/// Summed bucket weight per distinct count: an array indexed by the count when counts are
/// small (they are, for 15-minute buckets), a dictionary otherwise.
private struct CountWeights {
    private var dense: [Double]
    private var seen: [Bool]
    private var sparse: [Int: Double] = [:]
    private static let denseLimit = 1 << 16

    init(largest: Int) {
        let size = largest < Self.denseLimit ? largest + 1 : 0
        dense = [Double](repeating: 0, count: size)
        seen = [Bool](repeating: false, count: size)
    }

    @inline(__always)
    mutating func add(_ weight: Double, to count: Int) {
        if count < dense.count {
            dense[count] += weight
            seen[count] = true
        } else {
            sparse[count, default: 0] += weight
        }
    }

    /// (count, weight) by increasing count.
    var sorted: [(count: Double, weight: Double)] {
        if dense.isEmpty { return sparse.sorted { $0.key < $1.key }.map { (count: Double($0.key), weight: $0.value) } }
        return dense.indices.filter { seen[$0] }.map { (count: Double($0), weight: dense[$0]) }
    }
}
