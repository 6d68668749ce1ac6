import Foundation
import Testing

@testable import GeoSpikeIngest

/// CountTable hashes bulk-added cells only when a cell is looked up; none of that may show.
@Suite("Count table cells")
struct CountTableTests {
    static let se = CountryCode("SE")!
    static let us = CountryCode("US")!

    /// The same events through bulk cells (with repeats and zeros) and one event at a time.
    static func tables() -> (bulk: CountTable, events: CountTable) {
        var bulk = CountTable()
        var events = CountTable()
        for b in 0..<50 {
            let start = Fixture.day + Int64(b) * 900
            for (country, n) in [(se, b % 4), (us, b % 7)] {
                bulk.add(bucketStart: start, country: country, count: n)
                if b % 5 == 0 { bulk.add(bucketStart: start, country: country, count: 2) }
                for e in 0..<(n + (b % 5 == 0 ? 2 : 0)) { events.add(time: Double(start + Int64(e)), country: country) }
            }
        }
        return (bulk, events)
    }

    @Test func bulkCellsCountAsEventsDo() {
        let (bulk, events) = Self.tables()
        #expect(bulk.counts.filter { $0.value != 0 } == events.counts)
        #expect(bulk.sortedCells.map(\.count) == events.sortedCells.map(\.count))
        #expect(bulk.totalsByCountry == events.totalsByCountry)
        var walked: [CellKey: Int] = [:]
        let (map, appended) = bulk.storedCells
        for (key, count) in map { walked[key, default: 0] += count }
        for (key, count) in appended { walked[key, default: 0] += count }
        #expect(walked == bulk.counts)
        #expect(!bulk.isEmpty && CountTable().isEmpty)
    }

    @Test func copiesAreIndependent() {
        var a = Self.tables().bulk
        let before = a.counts
        let b = a
        a.add(bucketStart: Fixture.day, country: Self.se, count: 100)
        #expect(b.counts == before)
        #expect(a.count(bucketStart: Fixture.day, country: Self.se) == 100 + (before[CellKey(bucketStart: Fixture.day, country: Self.se)] ?? 0))
        // Looked up (and so hashed) before the copy is changed, or after: the same.
        var c = b
        _ = c.counts
        c.add(time: Double(Fixture.day), country: Self.us)
        #expect(b.counts == before)
        #expect(c.count(bucketStart: Fixture.day, country: Self.us) == (before[CellKey(bucketStart: Fixture.day, country: Self.us)] ?? 0) + 1)
    }

    @Test func mergingIntoAnEmptyTableSharesTheCellsUntilOneChanges() {
        let (bulk, events) = Self.tables()
        var merged = CountTable()
        merged.observe(time: Double(Fixture.day))
        merged.merge(bulk)
        #expect(merged.counts == bulk.counts)
        merged.merge(events)
        #expect(merged.counts == bulk.counts.merging(events.counts, uniquingKeysWith: +))
        #expect(bulk.counts == Self.tables().bulk.counts)
    }

    @Test func cellsReadFromManyThreadsAgree() {
        let table = Self.tables().bulk
        let expected = table.counts.count
        let copies = (0..<8).map { _ in table }
        let results = UnsafeMutableBufferPointer<Int>.allocate(capacity: copies.count)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: copies.count) { i in results[i] = copies[i].counts.count }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func repeatedCellsAreFoldedSoMemoryFollowsCellsNotRows() {
        let cells = CountTableCells(foldAbove: 256)
        var most = 0
        for row in 0..<20_000 {
            cells.append(1, to: CellKey(bucketStart: Int64(row % 100) * 900, country: Self.se))
            most = max(most, cells.appendedCount)
        }
        #expect(most <= 256)
        #expect(cells.dictionary.count == 100 && cells.dictionary.values.allSatisfy { $0 == 200 })
    }
}
