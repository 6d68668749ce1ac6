import Foundation

/// The cells of a `CountTable`: a hash map, and cells added in bulk that are hashed only
/// once somebody looks a cell up.
///
/// A counts CSV (or a long accumulation) adds millions of already-aggregated cells, which
/// the trainer only ever walks through: hashing each on arrival, and rehashing them all at
/// every growth of the map, cost several times the parsing. Bulk cells are appended to two
/// arrays instead, and folded into the map, sized once, on the first lookup; a walk
/// (`contents`) never needs the map. Integer counts add up the same in any order, so when
/// they are folded does not change any count.
///
/// Copies of a table share one store until one of them changes (`CountTable` copies it on
/// write); the lock makes the lazy fold safe when copies are read from several threads.
final class CountTableCells: @unchecked Sendable {
    private let lock = NSLock()
    private var hashed: [CellKey: Int]
    /// Cells not yet in `hashed`; a key may repeat, and its counts then add up. One array
    /// (not one per field): every access to a class's property is checked for exclusivity
    /// at run time, and appending is the ingest's inner loop.
    private var appended: [(key: CellKey, count: Int)] = []

    /// - Parameter foldAbove: appended cells held at most before a fold, or twice the hashed
    ///   cells when there are more; 4 M cells (about 100 MB) by default.
    init(hashed: [CellKey: Int] = [:], foldAbove: Int = 1 << 22) {
        self.hashed = hashed
        foldLimit = foldAbove
    }

    /// An independent copy, for copy on write.
    func copy() -> CountTableCells {
        lock.withLock {
            let copy = CountTableCells(hashed: hashed, foldAbove: foldLimit)
            copy.appended = appended
            return copy
        }
    }

    var isEmpty: Bool {
        lock.withLock { hashed.isEmpty && appended.isEmpty }
    }

    /// Every cell with its total count.
    var dictionary: [CellKey: Int] {
        lock.withLock {
            foldAppended()
            return hashed
        }
    }

    /// The map and the appended cells as they are, folding nothing.
    var contents: (map: [CellKey: Int], appended: [(key: CellKey, count: Int)]) {
        lock.withLock { (hashed, appended) }
    }

    // MARK: - Changes (only on a store no other table shares)

    /// Adds to one cell through the map: for per-event adds, which would make the
    /// appended arrays grow with the input rather than with the cells.
    func add(_ count: Int, to key: CellKey) {
        hashed[key, default: 0] += count
    }

    /// Adds an already aggregated cell without hashing it.
    func append(_ count: Int, to key: CellKey) {
        appended.append((key, count))
        // Input that repeats its cells many times over (minute counts read into
        // 15-minute buckets, unsorted) must not grow memory with its rows: fold now and
        // then. Input with one row per cell, the usual case, folds only when looked up.
        if appended.count >= foldLimit { foldAppended() }
    }

    private var foldLimit: Int

    /// Cells appended and not yet folded into the map.
    var appendedCount: Int { lock.withLock { appended.count } }

    private func foldAppended() {
        guard !appended.isEmpty else { return }
        hashed.reserveCapacity(hashed.count + appended.count)
        for (key, count) in appended { hashed[key, default: 0] += count }
        appended = []
        foldLimit = max(foldLimit, 2 * hashed.count)
    }
}
