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
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = Array(line.utf8)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            let outcome = try bytes.withUnsafeBufferPointer { try parser.parse($0, lineNumber: lineNumber) }
            switch outcome {
            case .metadata: continue
            case .malformed(let reason): throw GeoSpikeError.badData(file: file, line: lineNumber, reason)
            case .row(let row):
                guard let country = row.country else { continue }
                let bucket = bucketSpan.bucketStart(containing: row.bucketStart)
                table.add(bucketStart: bucket, country: country, count: row.count)
                for (name, value) in row.extras { table.addExtra(name, bucketStart: bucket, country: country, value: value) }
            }
        }
        return table
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// One parsed counts row.
struct CountsRow {
    var bucketStart: Double
    /// nil when the row's country is `??`, empty or an unknown name.
    var country: CountryCode?
    var count: Int
    var extras: [(String, Double)]
}

/// Reads counts CSV lines: the header first, then rows.
struct CountsCSVParser {
    enum Outcome {
        case metadata
        case malformed(String)
        case row(CountsRow)
    }

    private let fileName: String
    private var columnCount = 0
    private var bucketColumn = -1
    private var countryColumn = -1
    private var countColumn = -1
    private var extraColumns: [(index: Int, name: String)] = []

    init(fileName: String) {
        self.fileName = fileName
    }

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws -> Outcome {
        if line.first == UInt8(ascii: "#") { return .metadata }
        let cells = line.text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        if columnCount == 0 {
            let names = cells.map { $0.lowercased() }
            guard let b = names.firstIndex(of: "bucket_start"), let c = names.firstIndex(of: "country"),
                let n = names.firstIndex(of: "count")
            else {
                throw GeoSpikeError.badData(
                    file: fileName, line: lineNumber,
                    "a counts CSV starts with the header \(CountsCSV.header); found '\(line.text.prefix(80))'")
            }
            (bucketColumn, countryColumn, countColumn) = (b, c, n)
            extraColumns = cells.enumerated().filter { ![b, c, n].contains($0.offset) }.map { ($0.offset, $0.element) }
            columnCount = cells.count
            return .metadata
        }
        guard cells.count == columnCount else {
            return .malformed("\(cells.count) columns where the header has \(columnCount) (truncated line?)")
        }
        let bucketText = cells[bucketColumn]
        var bucketStart: Double?
        var copy = bucketText
        copy.withUTF8 { bytes in
            bucketStart = Timestamp.parseEpoch(bytes, guessUnit: true) ?? Timestamp.parseDateTime(bytes)?.seconds
        }
        guard let bucketStart else { return .malformed("bucket_start '\(bucketText.prefix(40))' is not a timestamp") }
        guard let count = Int(cells[countColumn]), count >= 0 else {
            return .malformed("count '\(cells[countColumn].prefix(40))' is not a non-negative whole number")
        }
        let countryText = cells[countryColumn]
        let country = CountryCode(countryText) ?? CountryNames.code(forName: countryText)
        var extras: [(String, Double)] = []
        for (index, name) in extraColumns where !cells[index].isEmpty {
            guard let value = Double(cells[index]), value.isFinite else {
                return .malformed("\(name) '\(cells[index].prefix(40))' is not a number")
            }
            extras.append((name, value))
        }
        return .row(CountsRow(bucketStart: bucketStart, country: country, count: count, extras: extras))
    }
}

import Foundation
