import Foundation

/// One parsed counts row.
struct CountsRow {
    var bucketStart: Double
    /// nil when the row's country is `??`, empty or an unknown name.
    var country: CountryCode?
    var count: Int
    var extras: [(String, Double)]

    /// Adds the row to `table`, re-bucketed to the table's span (finer counts aggregate
    /// correctly); a row without a country only marks its bucket as observed.
    @discardableResult
    func add(to table: inout CountTable) -> Bool {
        let bucket = table.bucketSpan.bucketStart(containing: bucketStart)
        guard let country else {
            table.observe(time: Double(bucket))
            return false
        }
        table.add(bucketStart: bucket, country: country, count: count)
        for (name, value) in extras { table.addExtra(name, bucketStart: bucket, country: country, value: value) }
        return true
    }
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
