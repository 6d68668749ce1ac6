import Foundation
import GeoSpikeIngest
import GeoSpikeScore
import Testing

@testable import GeoSpikeState

/// The state file on its own: which model it belongs to, what a run recalls, and how
/// stored counts join a batch.
@Suite("Scorer state file")
struct ScorerStateTests {
    static let t0: Int64 = 1_791_158_400  // 2026-10-05T00:00:00Z
    static let kg = CountryCode(packed: 0x4B47)  // KG
    static let de = CountryCode(packed: 0x4445)  // DE

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).db").path
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// One run: `counts` (bucket index, country, events) over buckets `range`, the given ones complete.
    static func remember(
        _ state: ScorerState, _ counts: [(Int64, CountryCode, Int)], range: ClosedRange<Int64>, complete: [Int64],
        incidents: [Incident] = []
    ) throws {
        var table = CountTable()
        for (b, country, n) in counts { table.add(bucketStart: t0 + b * 900, country: country, count: n) }
        try state.remember(
            table: table, kept: nil, batch: (t0 + range.lowerBound * 900)...(t0 + range.upperBound * 900),
            completeBuckets: complete.map { t0 + $0 * 900 }, emitted: [], incidents: incidents, closed: [])
    }

    @Test func aStateBelongsToOneModelUntilReset() throws {
        let path = Self.temporaryPath()
        defer { Self.remove(path) }
        do {
            let state = try ScorerState(path: path)
            try state.begin(modelID: "geospike-aaaa", bucketSpan: 900, reset: false)
            try Self.remember(state, [(0, Self.kg, 5)], range: 0...1, complete: [0])
            try state.commit()
        }
        do {
            let state = try ScorerState(path: path)
            #expect(throws: GeoSpikeError.self) {
                try state.begin(modelID: "geospike-bbbb", bucketSpan: 900, reset: false)
            }
        }
        do {
            let state = try ScorerState(path: path)
            do {
                try state.begin(modelID: "geospike-bbbb", bucketSpan: 900, reset: false)
                Issue.record("another model's state was accepted")
            } catch let error as GeoSpikeError {
                #expect(error.exitCode == 65)
                #expect(error.message.contains("built for model geospike-aaaa, not geospike-bbbb; pass --reset-state"))
            }
        }
        // Refusing changed nothing; the same model still finds its counts.
        do {
            let state = try ScorerState(path: path)
            try state.begin(modelID: "geospike-aaaa", bucketSpan: 900, reset: false)
            let recall = try state.recall(batch: Self.t0...(Self.t0 + 900), precedingBuckets: 11, bucketSpan: 900)
            #expect(recall.cells.count == 1 && recall.cells.first?.count == 5 && recall.judged == [Self.t0])
            try state.commit()
        }
        do {
            let state = try ScorerState(path: path)
            try state.begin(modelID: "geospike-bbbb", bucketSpan: 900, reset: true)
            let recall = try state.recall(batch: Self.t0...(Self.t0 + 900), precedingBuckets: 11, bucketSpan: 900)
            #expect(recall.cells.isEmpty && recall.judged.isEmpty, "reset starts over")
            try state.commit()
        }
    }

    @Test func storedCountsFillTheWindowAndTheBiggerCountWins() throws {
        let path = Self.temporaryPath()
        defer { Self.remove(path) }
        let state = try ScorerState(path: path)
        try state.begin(modelID: "m", bucketSpan: 900, reset: false)
        // Earlier runs: buckets 0 .. 5 of DE, and KG in bucket 5 seen only in part (3 events).
        try Self.remember(
            state, (0...5).map { ($0, Self.de, 10 + Int($0)) } + [(5, Self.kg, 3)], range: 0...5, complete: Array(0...4)
        )
        let recall = try state.recall(
            batch: (Self.t0 + 5 * 900)...(Self.t0 + 6 * 900), precedingBuckets: 3, bucketSpan: 900)
        #expect(recall.cells.count == 5, "buckets 2 .. 6: DE 2-5 and KG 5")
        #expect(recall.judged.isEmpty, "bucket 5 was interim")
        // This batch sees all of bucket 5 for KG (7 events) but fewer DE events than stored.
        var table = CountTable()
        table.add(bucketStart: Self.t0 + 5 * 900, country: Self.kg, count: 7)
        table.add(bucketStart: Self.t0 + 5 * 900, country: Self.de, count: 1)
        table.add(bucketStart: Self.t0 + 6 * 900, country: Self.de, count: 4)
        var kept: CountTable? = nil
        recall.merge(
            into: &table, kept: &kept, batch: (Self.t0 + 5 * 900)...(Self.t0 + 6 * 900), precedingBuckets: 3,
            bucketSpan: 900)
        #expect(table.count(bucketStart: Self.t0 + 5 * 900, country: Self.kg) == 7)
        #expect(table.count(bucketStart: Self.t0 + 5 * 900, country: Self.de) == 15)
        #expect(table.count(bucketStart: Self.t0 + 2 * 900, country: Self.de) == 12)
        #expect(table.bucketRange == (Self.t0 + 2 * 900)...(Self.t0 + 6 * 900))
        #expect(recall.missed == nil)
        let later = try state.recall(
            batch: (Self.t0 + 9 * 900)...(Self.t0 + 9 * 900), precedingBuckets: 3, bucketSpan: 900)
        #expect(later.missed == (Self.t0 + 5 * 900)...(Self.t0 + 8 * 900), "4 buckets after the last judged one")
        try state.commit()
    }

    @Test func anOpenIncidentComesBackAsItWasStored() throws {
        let path = Self.temporaryPath()
        defer { Self.remove(path) }
        let state = try ScorerState(path: path)
        try state.begin(modelID: "m", bucketSpan: 900, reset: false)
        let incident = Incident(
            id: "0123456789abcdef",
            terms: [.init(field: "country", value: "KG"), .init(field: "host.name", value: "ws-1")],
            country: "KG", countryName: "Kyrgyzstan", firstBucket: Self.t0, lastBucket: Self.t0 + 900, bucketSpan: 900,
            buckets: 2, events: 39, eventsAboveTypical: 38.9, peakBucket: Self.t0 + 900, peakScore: 98.25,
            peakRecordID: "fedcba9876543210", recordIDs: ["a", "b"], influencerTotals: ["host.name": ["ws-1": 39]],
            firstSeen: true, suppressed: false, open: true)
        try Self.remember(state, [(1, Self.kg, 19)], range: 0...1, complete: [0, 1], incidents: [incident])
        let recall = try state.recall(
            batch: (Self.t0 + 2 * 900)...(Self.t0 + 2 * 900), precedingBuckets: 0, bucketSpan: 900)
        var expected = incident
        expected.recordIDs = []
        #expect(recall.openIncidents == [expected])
        try state.commit()
    }

    /// Stores `text` as the last run's output, bound for `file` at `offset`, by a writer
    /// that is gone (pid 0): what a run killed between its commit and its write leaves.
    static func leaveUndelivered(_ state: ScorerState, _ text: String, file: String, offset: Int64) throws {
        var info = stat()
        #expect(stat(file, &info) == 0)
        try state.database.run(
            """
            INSERT INTO delivery(id, text, delivered, path, device, inode, offset, writer_pid, writer_start)
            VALUES(1, ?, 0, ?, ?, ?, ?, 0, 0)
            """,
            [.text(text), .text(file), .integer(Int64(info.st_dev)), .integer(Int64(info.st_ino)), .integer(offset)])
    }

    @Test func aKilledRunsOutputIsCompletedFromWhereItsFileStops() throws {
        let path = Self.temporaryPath()
        let out = path + ".out"
        defer {
            Self.remove(path)
            try? FileManager.default.removeItem(atPath: out)
        }
        let earlier = "{\"record_id\":\"0\"}\n"
        let text = "{\"record_id\":\"1\"}\n{\"record_id\":\"2\"}\n{\"record_id\":\"3\"}\n"
        let state = try ScorerState(path: path)
        try state.begin(modelID: "m", bucketSpan: 900, reset: false)
        #expect(try state.undeliveredOutput() == "", "a new state owes nothing")

        // Killed before writing: all of it is owed.
        try Data(earlier.utf8).write(to: URL(fileURLWithPath: out))
        try Self.leaveUndelivered(state, text, file: out, offset: Int64(earlier.utf8.count))
        #expect(try state.undeliveredOutput() == text)
        // Killed after writing one and a half records: the cut record is written again, whole.
        let cut = String(text.prefix(30))
        try Data((earlier + cut).utf8).write(to: URL(fileURLWithPath: out))
        #expect(try state.undeliveredOutput() == "{\"record_id\":\"2\"}\n{\"record_id\":\"3\"}\n")
        // Killed after writing it all, before marking it delivered: nothing is owed.
        try Data((earlier + text).utf8).write(to: URL(fileURLWithPath: out))
        #expect(try state.undeliveredOutput() == "")
        // The file was replaced (rotated): nothing to read back, so all of it is written again.
        // (A new file renamed over it, so it cannot reuse the old one's inode.)
        try Data((earlier + text).utf8).write(to: URL(fileURLWithPath: out + ".new"))
        #expect(rename(out + ".new", out) == 0)
        #expect(try state.undeliveredOutput() == text)
        try state.commit()
    }
}
