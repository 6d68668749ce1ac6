/// The fields whose top values explain a bucket's count (Elastic's influencers).
public enum InfluencerField: Int, CaseIterable, Sendable, Codable {
    case sourceIP, destinationIP, destinationPort, processName, hostName, userName

    /// The ECS name the records and alert documents use.
    public var ecsName: String {
        switch self {
        case .sourceIP: return "source.ip"
        case .destinationIP: return "destination.ip"
        case .destinationPort: return "destination.port"
        case .processName: return "process.name"
        case .hostName: return "host.name"
        case .userName: return "user.name"
        }
    }
}

/// Bounded heavy-hitter counts of one field's values (Metwally et al.'s Space-Saving).
///
/// Memory stays at `capacity` entries however many distinct IPs pass through. Any value
/// whose true count exceeds n / capacity is guaranteed to be present, and each reported
/// count overestimates the truth by at most the `error` recorded with it; values that
/// are never evicted (all of them, when there are fewer than `capacity`) are exact.
public struct InfluencerTally: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var value: String
        public var count: Int
        /// The most this count can exceed the true count by.
        public var error: Int

        public init(value: String, count: Int, error: Int = 0) {
            self.value = value
            self.count = count
            self.error = error
        }
    }

    public let capacity: Int
    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    public init(capacity: Int = 16) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// A tally holding `entries` as they are (built by ingest's byte-level tallies).
    public init(capacity: Int, entries: [Entry]) {
        precondition(capacity > 0 && entries.count <= capacity)
        self.capacity = capacity
        self.entries = entries
        for (i, entry) in entries.enumerated() { index[entry.value] = i }
    }

    public mutating func add(_ value: String, count: Int = 1) {
        if let i = index[value] {
            entries[i].count += count
            return
        }
        if entries.count < capacity {
            index[value] = entries.count
            entries.append(Entry(value: value, count: count, error: 0))
            return
        }
        // Replace the smallest entry; the newcomer inherits its count as possible error.
        var smallest = 0
        for i in 1..<entries.count where entries[i].count < entries[smallest].count { smallest = i }
        let floor = entries[smallest].count
        index[entries[smallest].value] = nil
        entries[smallest] = Entry(value: value, count: floor + count, error: floor)
        index[value] = smallest
    }

    public mutating func merge(_ other: InfluencerTally) {
        for entry in other.entries { add(entry.value, count: entry.count) }
    }

    /// The `k` largest values, largest first, ties broken by value so output is deterministic.
    public func top(_ k: Int) -> [Entry] {
        let sorted = entries.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
        return Array(sorted.prefix(k))
    }

    public static func == (lhs: InfluencerTally, rhs: InfluencerTally) -> Bool {
        lhs.capacity == rhs.capacity && lhs.top(lhs.capacity) == rhs.top(rhs.capacity)
    }
}
