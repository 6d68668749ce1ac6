import Foundation

/// Reads flow CSV from firewalls, nfdump and Argus, with columns found by name.
///
/// The first line is the header; fields named by `CSVFieldMapping` must be in it, and
/// the others are guessed from common names. The delimiter (comma, tab, semicolon or
/// bar) is taken from the header. Times may be epoch seconds or milliseconds, ISO 8601,
/// or `YYYY/MM/DD HH:MM:SS[.ffffff]`; times without a zone are in `inputTimeZone`.
/// nfdump's trailing `Summary` block is metadata, not data.
struct CSVEventParser: EventLineParser {
    private let mapping: CSVFieldMapping
    private var converter: LocalTimeConverter
    private let fileName: String
    private var delimiter = UInt8(ascii: ",")
    private var columnCount = 0
    private var columnIndex = [Int](repeating: -1, count: CSVColumn.allCases.count)
    private var inTrailer = false
    private var spans: [UnsafeBufferPointer<UInt8>?] = Array(repeating: nil, count: CSVColumn.allCases.count)
    /// Unquoted copies of quoted fields, valid for one line.
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 0

    init(mapping: CSVFieldMapping, timeZone: String, fileName: String) throws {
        self.mapping = mapping
        self.converter = try LocalTimeConverter(identifier: timeZone)
        self.fileName = fileName
        scratch = .allocate(capacity: 1)
    }

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into fields: inout EventFields) throws
        -> LineOutcome
    {
        if columnCount == 0 {
            if line.first == UInt8(ascii: "#") { return .metadata }
            try readHeader(line, lineNumber: lineNumber)
            return .metadata
        }
        if inTrailer { return .metadata }
        if line.trimmed().elementsEqual("Summary".utf8) {
            inTrailer = true
            return .metadata
        }
        if line.first == UInt8(ascii: "#") { return .metadata }
        guard let count = split(line) else { return .malformed("unterminated quoted field") }
        guard count == columnCount else {
            return .malformed("\(count) columns where the header has \(columnCount) (truncated line?)")
        }
        guard let timeText = spans[CSVColumn.time.rawValue]?.trimmed(), !timeText.isEmpty else {
            return .malformed("empty time column")
        }
        guard let time = parseTime(timeText) else {
            return .malformed("time '\(timeText.text.prefix(40))' is not epoch seconds, milliseconds or a date-time")
        }
        fields.time = time
        fields.destinationIP = present(.destinationIP)
        fields.sourceIP = present(.sourceIP)
        fields.destinationPort = present(.destinationPort)
        fields.processName = present(.process)
        fields.hostName = present(.host)
        fields.userName = present(.user)
        if let country = present(.country) {
            if country.count == 2 { fields.countryCode = country } else { fields.countryName = country }
        }
        return .event
    }

    private func present(_ column: CSVColumn) -> UnsafeBufferPointer<UInt8>? {
        guard let span = spans[column.rawValue]?.trimmed(), !span.isAbsentValue else { return nil }
        return span
    }

    private mutating func parseTime(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        if let epoch = Timestamp.parseEpoch(text, guessUnit: true) { return epoch }
        guard let parsed = Timestamp.parseDateTime(text) else { return nil }
        return parsed.hasZone ? parsed.seconds : converter.utc(fromLocal: parsed.seconds)
    }

    /// Splits a row into `spans` for the wanted columns; returns the column count, or nil
    /// for an unterminated quote.
    private mutating func split(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        for i in spans.indices { spans[i] = nil }
        guard let base = line.baseAddress else { return 0 }
        if scratchCapacity < line.count {
            scratch.deallocate()
            scratchCapacity = line.count
            scratch = .allocate(capacity: scratchCapacity)
        }
        var scratchUsed = 0
        var column = 0
        var i = 0
        let n = line.count
        while true {
            var span: UnsafeBufferPointer<UInt8>
            var j = i
            while j < n, base[j] == UInt8(ascii: " ") { j += 1 }
            if j < n, base[j] == UInt8(ascii: "\"") {
                // RFC 4180 quoting: "" inside quotes is one quote.
                let out = scratch + scratchUsed
                var length = 0
                j += 1
                var closed = false
                while j < n {
                    if base[j] == UInt8(ascii: "\"") {
                        if j + 1 < n, base[j + 1] == UInt8(ascii: "\"") {
                            out[length] = UInt8(ascii: "\"")
                            length += 1
                            j += 2
                            continue
                        }
                        closed = true
                        j += 1
                        break
                    }
                    out[length] = base[j]
                    length += 1
                    j += 1
                }
                guard closed else { return nil }
                while j < n, base[j] != delimiter { j += 1 }
                scratchUsed += length
                span = UnsafeBufferPointer(start: out, count: length)
            } else {
                j = i
                while j < n, base[j] != delimiter { j += 1 }
                span = UnsafeBufferPointer(start: base + i, count: j - i)
            }
            for c in 0..<columnIndex.count where columnIndex[c] == column { spans[c] = span }
            column += 1
            if j >= n { return column }
            i = j + 1
        }
    }

    private mutating func readHeader(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws {
        let text = line.text
        let candidates: [Character] = [",", "\t", ";", "|"]
        let best = candidates.max { a, b in text.filter { $0 == a }.count < text.filter { $0 == b }.count } ?? ","
        delimiter = best.asciiValue ?? UInt8(ascii: ",")
        let names = text.split(separator: best, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        let folded = names.map { $0.lowercased() }
        let listing = names.joined(separator: ", ")
        for column in CSVColumn.allCases {
            if let explicit = mapping.explicitName(for: column) {
                guard let index = folded.firstIndex(of: explicit.lowercased()) else {
                    throw GeoSpikeError.badData(
                        file: fileName, line: lineNumber,
                        "the header has no column '\(explicit)' (named by \(column.optionName)); its columns are: \(listing)"
                    )
                }
                columnIndex[column.rawValue] = index
            } else if let guesses = CSVFieldMapping.guesses[column],
                let index = guesses.lazy.compactMap({ folded.firstIndex(of: $0) }).first
            {
                columnIndex[column.rawValue] = index
            }
        }
        // One column must not serve two fields by guessing (e.g. "destination" as IP and country).
        if columnIndex[CSVColumn.country.rawValue] >= 0,
            columnIndex[CSVColumn.country.rawValue] == columnIndex[CSVColumn.destinationIP.rawValue],
            mapping.countryField == nil
        {
            columnIndex[CSVColumn.country.rawValue] = -1
        }
        guard columnIndex[CSVColumn.time.rawValue] >= 0 else {
            throw GeoSpikeError.badData(
                file: fileName, line: lineNumber,
                "no time column in the CSV header; name it with --time-field (columns: \(listing))")
        }
        guard columnIndex[CSVColumn.destinationIP.rawValue] >= 0 || columnIndex[CSVColumn.country.rawValue] >= 0 else {
            throw GeoSpikeError.badData(
                file: fileName, line: lineNumber,
                "no destination IP or country column in the CSV header; name one with --dst-ip-field or --country-field (columns: \(listing))"
            )
        }
        columnCount = names.count
    }
}
