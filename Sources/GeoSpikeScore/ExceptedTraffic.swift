import GeoSpikeIngest

/// A batch read once, event by event, into the full count table and the counts that
/// remain when excepted events are taken out.
///
/// Suppression needs per-event decisions (an exception for one approved host must not
/// hide a second host's spike), which a count table cannot make after the fact. So one
/// pass over the logs builds `table` (as `Ingest.countTable` would, with influencers),
/// `kept` (the same without excepted events, and the same observed time range, so the
/// same buckets are interim), and per exception the events it removed per cell.
public struct ExceptedTraffic: Sendable {
    /// Every counted event, with influencer tallies.
    public var table: CountTable
    /// Every counted event that no exception matched.
    public var kept: CountTable
    /// Per exception (same order as the list): events it removed, per cell.
    public var excepted: [[CellKey: Int]]
    public var summary: IngestSummary

    /// Events removed by any exception.
    public var exceptedEvents: Int { excepted.reduce(0) { $0 + $1.values.reduce(0, +) } }

    /// Events that `exception` removed from `cell`.
    public func excepted(by exception: Int, in cell: CellKey) -> Int { excepted[exception][cell] ?? 0 }

    /// Reads `paths` once, deciding every event against `exceptions`.
    ///
    /// Counts CSV has no events to decide on and is rejected (`.usage`). The observed time
    /// range comes from events that reach the scorer; lines ingest skips before that (not
    /// network events, excluded processes) do not stretch it, so in rare cases where such
    /// a line is the batch's last, the last bucket's interim status can differ from a run
    /// without exceptions.
    public static func read(paths: [String], options: ReaderOptions, exceptions: ExceptionList) throws
        -> ExceptedTraffic
    {
        let matcher = exceptions.matcher
        let capacity = options.influencerCapacity
        let span = options.bucketSpan
        var table = CountTable(bucketSpan: span)
        var kept = CountTable(bucketSpan: span)
        var excepted = [[CellKey: Int]](repeating: [:], count: exceptions.entries.count)
        let summary = try Ingest.forEachEvent(paths: paths, options: options) { event in
            table.observe(time: event.time)
            kept.observe(time: event.time)
            guard let country = event.country else { return }
            if capacity > 0 {
                table.add(time: event.time, country: country, influencerValues: event.influencerValues, capacity: capacity)
            } else {
                table.add(time: event.time, country: country)
            }
            if let k = matcher.firstMatch(event) {
                excepted[k][CellKey(bucketStart: span.bucketStart(containing: event.time), country: country), default: 0] += 1
            } else {
                kept.add(time: event.time, country: country)
            }
        }
        return ExceptedTraffic(table: table, kept: kept, excepted: excepted, summary: summary)
    }
}

extension NetworkEvent {
    /// The event's influencer fields that are present, as ingest tallies them.
    var influencerValues: [InfluencerField: String] {
        var values: [InfluencerField: String] = [:]
        values[.sourceIP] = sourceIP
        values[.destinationIP] = destinationIP
        values[.destinationPort] = destinationPort.map(String.init)
        values[.processName] = processName
        values[.hostName] = hostName
        values[.userName] = userName
        return values
    }
}
