import Foundation

/// Reads Zeek's tab-separated logs (conn.log), driven by their `#` header lines.
///
/// `#separator` (written as `\x09`), `#unset_field`, `#empty_field`, `#path` and `#fields`
/// configure the reader and may appear again mid-file (concatenated logs). Leading
/// whitespace before a header line is tolerated; `-` and `(empty)` are no value.
struct ZeekTSVParser: EventLineParser {
    private var separator = UInt8(ascii: "\t")
    private var unsetField: [UInt8] = Array("-".utf8)
    private var emptyField: [UInt8] = Array("(empty)".utf8)
    private var path: String?
    private var fieldCount = 0
    /// Column index of ts, id.resp_h, id.orig_h, id.resp_p, resp_cc (-1 when absent).
    private var columns = (time: -1, destination: -1, source: -1, port: -1, country: -1)
    private var spans: [UnsafeBufferPointer<UInt8>] = Array(
        repeating: UnsafeBufferPointer(start: nil, count: 0), count: 5)

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into fields: inout EventFields)
        -> LineOutcome
    {
        guard let base = line.baseAddress else { return .malformed("empty line") }
        var start = 0
        while start < line.count, base[start] == UInt8(ascii: " ") || base[start] == UInt8(ascii: "\t") { start += 1 }
        if start < line.count, base[start] == UInt8(ascii: "#") {
            return header(UnsafeBufferPointer(start: base + start, count: line.count - start))
        }
        guard fieldCount > 0 else { return .malformed("data before the #fields header line") }
        // Split on the separator, keeping only the columns ingest needs.
        for i in 0..<spans.count { spans[i] = UnsafeBufferPointer(start: nil, count: 0) }
        var column = 0
        var fieldStart = 0
        var i = 0
        while true {
            if i == line.count || base[i] == separator {
                let span = UnsafeBufferPointer(start: base + fieldStart, count: i - fieldStart)
                if column == columns.time {
                    spans[0] = span
                } else if column == columns.destination {
                    spans[1] = span
                } else if column == columns.source {
                    spans[2] = span
                } else if column == columns.port {
                    spans[3] = span
                } else if column == columns.country {
                    spans[4] = span
                }
                column += 1
                if i == line.count { break }
                fieldStart = i + 1
            }
            i += 1
        }
        guard column == fieldCount else {
            return .malformed("\(column) fields where the #fields header has \(fieldCount) (truncated line?)")
        }
        let timeText = spans[0]
        guard let time = Timestamp.parseEpoch(timeText, guessUnit: false) ?? Timestamp.parseDateTime(timeText)?.seconds
        else { return .malformed("ts '\(timeText.text.prefix(40))' is not a timestamp") }
        fields.time = time
        fields.destinationIP = value(spans[1])
        fields.sourceIP = value(spans[2])
        fields.destinationPort = value(spans[3])
        fields.countryCode = value(spans[4])
        if let path, path != "conn" { return .skipped(.notNetwork) }
        return .event
    }

    private func value(_ span: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        if span.baseAddress == nil || span.isEmpty || span.elementsEqual(unsetField) || span.elementsEqual(emptyField) {
            return nil
        }
        return span
    }

    private mutating func header(_ line: UnsafeBufferPointer<UInt8>) -> LineOutcome {
        let text = line.text
        // The directive name ends at the first space or tab (#separator uses a space), or
        // at the file's own separator: after `#separator \x2c` Zeek writes `#fields,ts,…`.
        let separatorCharacter = Character(Unicode.Scalar(separator))
        guard let nameEnd = text.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == separatorCharacter }) else {
            return .metadata
        }
        let name = text[..<nameEnd]
        let rest = String(text[text.index(after: nameEnd)...])
        var parts = rest.split(separator: separatorCharacter, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 && rest.contains(" ") {
            // Hand-edited headers sometimes use spaces; accept them for the header only.
            parts = rest.split(separator: " ").map(String.init)
        }
        switch name {
        case "#separator":
            let value = rest.trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\\x"), let byte = UInt8(value.dropFirst(2), radix: 16) {
                separator = byte
            } else if let byte = value.utf8.first {
                separator = byte
            }
        case "#unset_field":
            unsetField = Array((parts.first ?? "-").utf8)
        case "#empty_field":
            emptyField = Array((parts.first ?? "(empty)").utf8)
        case "#path":
            path = parts.first?.trimmingCharacters(in: .whitespaces)
        case "#fields":
            fieldCount = parts.count
            columns = (-1, -1, -1, -1, -1)
            for (index, field) in parts.enumerated() {
                switch field.trimmingCharacters(in: .whitespaces) {
                case "ts": columns.time = index
                case "id.resp_h": columns.destination = index
                case "id.orig_h": columns.source = index
                case "id.resp_p": columns.port = index
                case "resp_cc": columns.country = index
                default: break
                }
            }
            if columns.time < 0 || columns.destination < 0 {
                fieldCount = 0
                return .malformed("#fields has no ts or id.resp_h column; is this a Zeek conn.log?")
            }
        default:
            break
        }
        return .metadata
    }
}
