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
///
/// Rows are parsed from the line's bytes (field boundaries, timestamp, count and country
/// code), with no String built per line: a year of 15-minute counts to 250 countries is
/// millions of 25-byte rows, so per-line allocations would cost more than the fit they feed.
/// Text is made only for what is rare: country names, unusual numbers, error messages.
struct CountsCSVParser {
    enum Outcome {
        case metadata
        case malformed(String)
        case row(CountsRow)
    }

    private let fileName: String
    private var columnCount = 0
    private var bucketColumn = -1
    /// The largest count a row may carry (10⁹, a million events a second): no sum of a
    /// table's rows can then reach `Int.max` (that would take 9 billion rows).
    static let largestCount = 1_000_000_000
    private var countryColumn = -1
    private var countColumn = -1
    private var extraColumns: [(index: Int, name: String)] = []
    /// Start and end offsets of the current row's fields, trimmed (the first
    /// `columnCount` of them); reused from row to row.
    private var fields: [(start: Int, end: Int)] = []
    /// Fields in the current row, all of them counted.
    private var fieldCount = 0
    /// The last bucket start parsed and its bytes: rows come sorted by bucket, a few
    /// hundred to a bucket, so most rows repeat the previous row's timestamp.
    private var lastBucketBytes: [UInt8] = []
    private var lastBucketStart = 0.0
    /// Country names (and `??`) seen so far, to their packed code or 0 for none: folding a
    /// name is slow, and an engine that writes names repeats the same few hundred.
    private var countryOfName: [String: UInt16] = [:]

    init(fileName: String) {
        self.fileName = fileName
    }

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws -> Outcome {
        if line.first == UInt8(ascii: "#") { return .metadata }
        if columnCount == 0 { return try parseHeader(line, lineNumber: lineNumber) }
        splitFields(line)
        guard fieldCount == columnCount else {
            return .malformed("\(fieldCount) columns where the header has \(columnCount) (truncated line?)")
        }
        let bucketBytes = field(bucketColumn, of: line)
        guard let bucketStart = bucketStart(bucketBytes) else {
            return .malformed("bucket_start '\(bucketBytes.text.prefix(40))' is not a timestamp")
        }
        let countBytes = field(countColumn, of: line)
        guard let count = Self.parseInteger(countBytes), count >= 0 else {
            return .malformed("count '\(countBytes.text.prefix(40))' is not a non-negative whole number")
        }
        // No network logs a billion events to one country in one bucket; a larger count is
        // a unit or column mix-up, and summing such counts would overflow.
        guard count <= Self.largestCount else {
            return .malformed("count \(count) is more than \(Self.largestCount) events in one bucket; is this the count column?")
        }
        let country = countryCode(field(countryColumn, of: line))
        var extras: [(String, Double)] = []
        for (index, name) in extraColumns {
            let bytes = field(index, of: line)
            guard !bytes.isEmpty else { continue }
            guard let value = Self.parseNumber(bytes), value.isFinite else {
                return .malformed("\(name) '\(bytes.text.prefix(40))' is not a number")
            }
            extras.append((name, value))
        }
        return .row(CountsRow(bucketStart: bucketStart, country: country, count: count, extras: extras))
    }

    /// The header: once per file, so plain String handling.
    private mutating func parseHeader(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws -> Outcome {
        let cells = line.text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
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
        fields = Array(repeating: (0, 0), count: columnCount)
        return .metadata
    }

    // MARK: - Fields

    /// Splits the line at every comma and trims each field: blanks first, then double
    /// quotes, as the header is trimmed. Counts every field; keeps the first `columnCount`.
    private mutating func splitFields(_ line: UnsafeBufferPointer<UInt8>) {
        var count = 0
        fields.withUnsafeMutableBufferPointer { fields in
            var start = 0
            for i in 0...line.count where i == line.count || line[i] == UInt8(ascii: ",") {
                if count < fields.count {
                    var (low, high) = (start, i)
                    while low < high, case let n = Self.blankLength(line, startingAt: low, before: high), n > 0 { low += n }
                    while high > low, case let n = Self.blankLength(line, endingAt: high, after: low), n > 0 { high -= n }
                    while low < high, line[low] == UInt8(ascii: "\"") { low += 1 }
                    while high > low, line[high - 1] == UInt8(ascii: "\"") { high -= 1 }
                    fields[count] = (low, high)
                }
                count += 1
                start = i + 1
            }
        }
        fieldCount = count
    }

    private func field(_ index: Int, of line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: line[fields[index].start..<fields[index].end])
    }

    private func repeatsLastBucket(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let new = bytes.baseAddress, !bytes.isEmpty, bytes.count == lastBucketBytes.count else { return false }
        return lastBucketBytes.withUnsafeBufferPointer { last in
            last.baseAddress.map { memcmp($0, new, bytes.count) == 0 } ?? false
        }
    }

    /// Epoch seconds (any unit) or an ISO 8601 date-time; the previous row's when the bytes are the same.
    private mutating func bucketStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if repeatsLastBucket(bytes) { return lastBucketStart }
        // The two forms cannot both match (a date-time has separators), so the likelier goes first.
        guard let seconds = Timestamp.parseDateTime(bytes)?.seconds ?? Timestamp.parseEpoch(bytes, guessUnit: true)
        else { return nil }
        lastBucketBytes.removeAll(keepingCapacity: true)
        lastBucketBytes.append(contentsOf: bytes)
        lastBucketStart = seconds
        return seconds
    }

    /// The UTF-8 forms of `CharacterSet.whitespaces` (tab and the Unicode space separators)
    /// beyond ASCII: a non-breaking space pasted from a spreadsheet is trimmed like a space.
    private static let wideBlanks: [[UInt8]] = [
        [0xC2, 0xA0], [0xE1, 0x9A, 0x80], [0xE2, 0x80, 0xAF], [0xE2, 0x81, 0x9F], [0xE3, 0x80, 0x80],
    ] + (0x80...0x8A).map { [0xE2, 0x80, UInt8($0)] }

    /// Bytes of the blank character that starts at `i` (and ends by `end`), or 0.
    @inline(__always)
    private static func blankLength(_ line: UnsafeBufferPointer<UInt8>, startingAt i: Int, before end: Int) -> Int {
        let byte = line[i]
        if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { return 1 }
        guard byte >= 0xC2 else { return 0 }
        for blank in wideBlanks where blank.count <= end - i {
            if blank.indices.allSatisfy({ line[i + $0] == blank[$0] }) { return blank.count }
        }
        return 0
    }

    /// Bytes of the blank character that ends just before `end` (and starts at or after `start`), or 0.
    @inline(__always)
    private static func blankLength(_ line: UnsafeBufferPointer<UInt8>, endingAt end: Int, after start: Int) -> Int {
        let byte = line[end - 1]
        if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { return 1 }
        guard byte >= 0x80 else { return 0 }
        for blank in wideBlanks where blank.count <= end - start {
            let i = end - blank.count
            if blank.indices.allSatisfy({ line[i + $0] == blank[$0] }) { return blank.count }
        }
        return 0
    }

    /// A two-letter code straight from the bytes; anything else (names, `??`) through the cache.
    private mutating func countryCode(_ bytes: UnsafeBufferPointer<UInt8>) -> CountryCode? {
        if bytes.count == 2, let code = CountryCode(byte0: bytes[0], byte1: bytes[1]) { return code }
        let text = bytes.text
        if let packed = countryOfName[text] { return packed == 0 ? nil : CountryCode(packed: packed) }
        let code = CountryNames.code(forName: text)
        // Names come from a small vocabulary; the cap keeps garbage from growing the cache.
        if countryOfName.count < 4096 { countryOfName[text] = code?.packed ?? 0 }
        return code
    }

    // MARK: - Numbers

    /// A whole number as `Int("…")` reads it: an optional sign, then digits only; nil on overflow.
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            i = 1
        }
        guard i < bytes.count else { return nil }
        var value = 0
        while i < bytes.count {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) =
                negative ? times10.subtractingReportingOverflow(Int(digit)) : times10.addingReportingOverflow(Int(digit))
            guard !o1, !o2 else { return nil }
            value = next
            i += 1
        }
        return value
    }

    /// A number as `Double("…")` reads it. Whole numbers below 2^53 (byte counts, distinct
    /// sources) convert exactly from their digits; anything else goes through the standard
    /// library's correctly rounded parser.
    static func parseNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if bytes.count <= 15, let whole = parseInteger(bytes) { return Double(whole) }
        return Double(bytes.text)
    }
}
