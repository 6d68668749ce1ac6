import Foundation

/// Counts events per (bucket, country) and tallies their influencers, on the hot path.
///
/// Cells are found through one integer-keyed dictionary (with the last cell remembered,
/// since neighbouring lines usually share bucket and country). Influencer tallies are
/// Space-Saving sketches over raw bytes kept in flat arrays, `capacity` slots per cell
/// and field: a value becomes a String only when it enters a tally, so memory is bounded
/// by cells x fields x capacity however many distinct addresses pass through.
struct CountAccumulator {
    let bucketSpan: BucketSpan
    let capacity: Int
    private static let fieldCount = InfluencerField.allCases.count
    private var cellOfKey: [Int64: Int] = [:]
    private var keys: [CellKey] = []
    private var counts: [Int] = []
    private var lastKey = Int64.min
    private var lastCell = 0
    // The slots of group (cell, field) start at groupBase[cell * fieldCount + field], or
    // the group has none yet: a field that a format never carries costs nothing.
    private var groupBase: [Int32] = []
    private var slotHash: [UInt64] = []
    private var slotCount: [Int] = []
    private var slotError: [Int] = []
    private var slotValue: [String] = []
    private var slotsUsed: [UInt8] = []
    private(set) var firstTime: Double?
    private(set) var lastTime: Double?

    init(bucketSpan: BucketSpan, capacity: Int) {
        precondition(capacity >= 0 && capacity <= 255)
        self.bucketSpan = bucketSpan
        self.capacity = capacity
    }

    /// Records that a well-formed event happened at `time` (counted or not).
    @inline(__always)
    mutating func observe(_ time: Double) {
        if let first = firstTime {
            if time < first { firstTime = time }
            if let last = lastTime, time > last { lastTime = time }
        } else {
            firstTime = time
            lastTime = time
        }
    }

    /// Counts one event and tallies its influencer values.
    mutating func add(time: Double, country: CountryCode, fields: EventFields) {
        let bucketStart = bucketSpan.bucketStart(containing: time)
        let key = (bucketStart / bucketSpan.seconds) << 16 | Int64(country.packed)
        let cell: Int
        if key == lastKey {
            cell = lastCell
        } else if let existing = cellOfKey[key] {
            cell = existing
        } else {
            cell = keys.count
            cellOfKey[key] = cell
            keys.append(CellKey(bucketStart: bucketStart, country: country))
            counts.append(0)
            if capacity > 0 {
                groupBase.append(contentsOf: repeatElement(-1, count: Self.fieldCount))
                slotsUsed.append(contentsOf: repeatElement(0, count: Self.fieldCount))
            }
        }
        lastKey = key
        lastCell = cell
        counts[cell] += 1
        guard capacity > 0 else { return }
        for field in InfluencerField.allCases {
            if let value = fields.value(of: field) { tally(value, cell: cell, field: field.rawValue) }
        }
    }

    private mutating func tally(_ value: UnsafeBufferPointer<UInt8>, cell: Int, field: Int) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in value { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let group = cell * Self.fieldCount + field
        if groupBase[group] < 0 {
            groupBase[group] = Int32(slotHash.count)
            slotHash.append(contentsOf: repeatElement(0, count: capacity))
            slotCount.append(contentsOf: repeatElement(0, count: capacity))
            slotError.append(contentsOf: repeatElement(0, count: capacity))
            slotValue.append(contentsOf: repeatElement("", count: capacity))
        }
        let base = Int(groupBase[group])
        let used = Int(slotsUsed[group])
        for i in base..<(base + used) where slotHash[i] == hash && Self.equal(slotValue[i], value) {
            slotCount[i] += 1
            return
        }
        if used < capacity {
            let i = base + used
            slotHash[i] = hash
            slotValue[i] = String(decoding: value, as: UTF8.self)
            slotCount[i] = 1
            slotError[i] = 0
            slotsUsed[group] = UInt8(used + 1)
            return
        }
        // Space-Saving: the newcomer replaces the smallest count and inherits it as error.
        var smallest = base
        for i in (base + 1)..<(base + capacity) where slotCount[i] < slotCount[smallest] { smallest = i }
        let floor = slotCount[smallest]
        slotHash[smallest] = hash
        slotValue[smallest] = String(decoding: value, as: UTF8.self)
        slotCount[smallest] = floor + 1
        slotError[smallest] = floor
    }

    /// Byte equality of a stored value and a candidate, without generic sequence walking.
    @inline(__always)
    private static func equal(_ stored: String, _ candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        let utf8 = stored.utf8
        guard utf8.count == candidate.count else { return false }
        guard let theirs = candidate.baseAddress else { return utf8.isEmpty }
        return utf8.withContiguousStorageIfAvailable { bytes in
            guard let ours = bytes.baseAddress else { return false }
            return memcmp(ours, theirs, candidate.count) == 0
        } ?? utf8.elementsEqual(candidate)
    }

    /// The counts and tallies as a `CountTable`.
    func table() -> CountTable {
        var table = CountTable(bucketSpan: bucketSpan)
        if let firstTime, let lastTime {
            table.observe(time: firstTime)
            table.observe(time: lastTime)
        }
        for (cell, key) in keys.enumerated() {
            table.addCell(key, count: counts[cell])
            guard capacity > 0 else { continue }
            var tallies: [InfluencerTally] = []
            tallies.reserveCapacity(Self.fieldCount)
            for field in 0..<Self.fieldCount {
                let group = cell * Self.fieldCount + field
                let base = Int(groupBase[group])
                let entries = (base..<(base + Int(slotsUsed[group]))).map {
                    InfluencerTally.Entry(value: slotValue[$0], count: slotCount[$0], error: slotError[$0])
                }
                tallies.append(InfluencerTally(capacity: capacity, entries: entries))
            }
            table.setInfluencers(tallies, for: key)
        }
        return table
    }
}
