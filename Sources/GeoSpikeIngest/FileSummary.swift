/// What happened to the lines of one input file.
///
/// For event formats every line is exactly one of: blank, metadata (headers, comments),
/// counted, or skipped for a reason, so `linesRead` is their sum. A counts CSV row
/// carries many events: there `eventsCounted` and the country skips add up its counts,
/// and only malformed rows are counted as lines.
public struct FileSummary: Sendable, Codable, Equatable {
    public var path: String
    public var format: InputFormat
    public var linesRead = 0
    public var blankLines = 0
    public var metadataLines = 0
    public var eventsCounted = 0
    public var skipped: [SkipReason: Int] = [:]
    /// The first malformed lines, as `file:line: what was wrong`.
    public var malformedExamples: [String] = []
    /// Things worth knowing that did not stop the run (an empty file, no GeoIP database).
    public var warnings: [String] = []
    /// Counts rows whose bucket start was not on the bucket grid, added to the bucket
    /// that contains them (as finer counts aggregate into coarser buckets).
    public var offGridRows = 0

    /// How many malformed examples are kept per file.
    public static let exampleLimit = 5

    public init(path: String, format: InputFormat) {
        self.path = path
        self.format = format
    }

    /// Lines that should hold a record: everything but blank and metadata lines.
    public var dataLines: Int { linesRead - blankLines - metadataLines }

    /// Events or lines skipped for any reason.
    public var skippedTotal: Int { skipped.values.reduce(0, +) }

    /// Skips for one reason (zero when none).
    public func skipped(_ reason: SkipReason) -> Int { skipped[reason] ?? 0 }

    /// Adds another file's numbers to these (examples and warnings are concatenated).
    mutating func accumulate(_ other: FileSummary) {
        linesRead += other.linesRead
        blankLines += other.blankLines
        metadataLines += other.metadataLines
        eventsCounted += other.eventsCounted
        for (reason, n) in other.skipped { skipped[reason, default: 0] += n }
        malformedExamples += other.malformedExamples.prefix(
            Self.exampleLimit - min(Self.exampleLimit, malformedExamples.count))
        warnings += other.warnings
        offGridRows += other.offGridRows
    }
}
