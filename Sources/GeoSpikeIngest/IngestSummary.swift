import Foundation

/// The accounting of one ingest run: per file and in total, nothing lost unreported.
public struct IngestSummary: Sendable, Codable, Equatable {
    public var files: [FileSummary] = []
    /// Sums over all files (`path` is `(total)`, `format` is `auto`).
    public var total = FileSummary(path: "(total)", format: .auto)
    /// The GeoIP source used for records without a country.
    public var geoip: String = ""
    public var warnings: [String] = []
    /// Inputs given more than once (the same file by device and inode), read once.
    public var repeatedInputs = 0

    public init() {}

    /// Adds a finished file to the summary.
    mutating func append(_ file: FileSummary) {
        files.append(file)
        total.accumulate(file)
    }

    public var linesRead: Int { total.linesRead }
    public var eventsCounted: Int { total.eventsCounted }
    public func skipped(_ reason: SkipReason) -> Int { total.skipped(reason) }

    /// A human report for stderr.
    public var report: String {
        var lines: [String] = []
        func skips(_ s: FileSummary) -> String {
            let parts = SkipReason.allCases.compactMap { reason in
                s.skipped(reason) > 0 ? "\(s.skipped(reason)) \(reason.phrase)" : nil
            }
            return parts.isEmpty ? "none skipped" : "skipped " + parts.joined(separator: ", ")
        }
        let fileWord = files.count == 1 ? "file" : "files"
        // The other lines, so that the numbers visibly add up to the lines read.
        var rest: [String] = []
        if total.blankLines > 0 { rest.append("\(total.blankLines) blank") }
        if total.metadataLines > 0 { rest.append("\(total.metadataLines) header or comment") }
        lines.append(
            "ingest: \(files.count) \(fileWord), \(total.linesRead) lines read, \(total.eventsCounted) events counted, \(skips(total))"
                + (rest.isEmpty ? "" : "; " + rest.joined(separator: ", ") + " lines")
        )
        if files.count > 1 || files.first.map({ $0.skippedTotal > 0 || !$0.warnings.isEmpty }) == true {
            for file in files {
                lines.append(
                    "  \(file.path) (\(file.format.rawValue)): \(file.linesRead) lines, \(file.eventsCounted) counted, \(skips(file))"
                )
            }
        }
        if !total.malformedExamples.isEmpty {
            lines.append("  first malformed lines:")
            for example in total.malformedExamples { lines.append("    \(example)") }
        }
        for warning in warnings + total.warnings { lines.append("  warning: \(warning)") }
        lines.append("  GeoIP: \(geoip)")
        return lines.joined(separator: "\n")
    }

    /// The summary as pretty JSON (for `--summary-json`).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
