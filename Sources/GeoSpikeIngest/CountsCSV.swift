import Foundation

/// The counts table as CSV, `bucket_start,country,count[,extra…]`: what `geospike-eval
/// counts` writes and what a distributed engine hands over after aggregating logs too
/// large for one machine.
///
/// Bucket starts are ISO 8601 UTC (`2026-10-05T00:15:00Z`); rows are sorted by bucket
/// then country; zero cells are omitted (absent means zero).
public enum CountsCSV {
    /// The header the writer emits and the reader requires (extra columns may follow).
    public static let header = "bucket_start,country,count"

    /// Writes every non-zero cell, with the table's extra columns (sorted by name) after `count`.
    public static func write(_ table: CountTable) -> String {
        let extraNames = table.extras.keys.sorted()
        var out = header + extraNames.map { "," + $0 }.joined() + "\n"
        for (key, count) in table.sortedCells {
            out += Timestamp.iso8601(key.bucketStart)
            out += ","
            out += key.country.code
            out += ","
            out += String(count)
            for name in extraNames {
                out += ","
                if let value = table.extras[name]?[key] { out += format(value) }
            }
            out += "\n"
        }
        return out
    }

    /// Parses counts CSV text into a table (bucket starts are re-bucketed to `bucketSpan`,
    /// so finer counts aggregate correctly). Unresolved countries are dropped.
    public static func parse(_ text: String, bucketSpan: BucketSpan = .fifteenMinutes, file: String = "<counts>")
        throws -> CountTable
    {
        var parser = CountsCSVParser(fileName: file)
        var table = CountTable(bucketSpan: bucketSpan)
        var text = text
        try text.withUTF8 { bytes in
            var lineNumber = 0
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                var length = end - start
                if length > 0, bytes[start + length - 1] == UInt8(ascii: "\r") { length -= 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<(start + length)])
                lineNumber += 1
                start = end + 1
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
                switch try parser.parse(line, lineNumber: lineNumber) {
                case .metadata: continue
                case .malformed(let reason): throw GeoSpikeError.badData(file: file, line: lineNumber, reason)
                case .row(let row): row.add(to: &table)
                }
            }
        }
        return table
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
