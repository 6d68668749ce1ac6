import GeoSpikeIngest

extension LocatedValue {
    /// Parses one JSON document (RFC 8259), keeping each value's line.
    ///
    /// `firstLine` is the line number of the text's first line, so one line of an NDJSON
    /// file reports its own line. Errors are `.badData` at `file:line` and say what was
    /// expected; duplicate object keys are errors too, since in a hand-edited file the
    /// second one silently winning is how an exception ends up broader than intended.
    public static func parseJSON(_ text: String, file: String, firstLine: Int = 1) throws -> LocatedValue {
        var parser = JSONTextParser(bytes: Array(text.utf8), file: file, line: firstLine)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.atEnd else { throw parser.error("unexpected text after the JSON value") }
        return value
    }
}

/// The byte-level JSON reader behind `LocatedValue.parseJSON`.
private struct JSONTextParser {
    let bytes: [UInt8]
    let file: String
    var line: Int
    var position = 0

    /// Deeper nesting than this is not an exception list or a rule file.
    static let maximumDepth = 64

    init(bytes: [UInt8], file: String, line: Int) {
        self.bytes = bytes
        self.file = file
        self.line = line
    }

    var atEnd: Bool { position >= bytes.count }

    func error(_ message: String) -> GeoSpikeError {
        GeoSpikeError.badData(file: file, line: line, "\(message) (not valid JSON)")
    }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            position += 1
        }
    }

    mutating func value(depth: Int) throws -> LocatedValue {
        guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
        guard !atEnd else { throw error("the text ends where a value was expected") }
        let start = line
        switch bytes[position] {
        case UInt8(ascii: "{"): return LocatedValue(.object(try object(depth: depth)), line: start)
        case UInt8(ascii: "["): return LocatedValue(.array(try array(depth: depth)), line: start)
        case UInt8(ascii: "\""): return LocatedValue(.string(try string()), line: start)
        case UInt8(ascii: "t"): try literal("true"); return LocatedValue(.bool(true), line: start)
        case UInt8(ascii: "f"): try literal("false"); return LocatedValue(.bool(false), line: start)
        case UInt8(ascii: "n"): try literal("null"); return LocatedValue(.null, line: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return LocatedValue(.number(try number()), line: start)
        default:
            throw error("unexpected character '\(String(decoding: [bytes[position]], as: UTF8.self))'")
        }
    }

    mutating func object(depth: Int) throws -> [(key: String, value: LocatedValue)] {
        position += 1
        var members: [(key: String, value: LocatedValue)] = []
        skipSpace()
        if !atEnd, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return members
        }
        while true {
            skipSpace()
            guard !atEnd, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let keyLine = line
            let key = try string()
            if members.contains(where: { $0.key == key }) {
                throw GeoSpikeError.badData(
                    file: file, line: keyLine, "the key \"\(key)\" appears twice in one object; keep one")
            }
            skipSpace()
            guard !atEnd, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after \"\(key)\"") }
            position += 1
            skipSpace()
            members.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard !atEnd else { throw error("the text ends inside an object; a '}' is missing") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
            position += 1
            return members
        }
    }

    mutating func array(depth: Int) throws -> [LocatedValue] {
        position += 1
        var elements: [LocatedValue] = []
        skipSpace()
        if !atEnd, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            skipSpace()
            elements.append(try value(depth: depth + 1))
            skipSpace()
            guard !atEnd else { throw error("the text ends inside a list; a ']' is missing") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in a list") }
            position += 1
            return elements
        }
    }

    mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count,
            Array(bytes[position..<(position + expected.count)]) == expected
        else { throw error("expected \(word)") }
        position += expected.count
    }

    mutating func number() throws -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits() -> Int {
            let from = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
            return position - from
        }
        guard digits() > 0 else { throw error("a number needs digits") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("a number needs digits after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { throw error("a number needs digits in its exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func string() throws -> String {
        position += 1
        let limit = position + LocatedValue.maximumTextBytes
        var scalars = String.UnicodeScalarView()
        var run = position
        func flush(_ to: Int) {
            scalars.append(contentsOf: String(decoding: bytes[run..<to], as: UTF8.self).unicodeScalars)
        }
        while position < bytes.count {
            guard position <= limit else {
                throw error("a string longer than \(LocatedValue.maximumTextBytes) bytes; names, reasons and values are short")
            }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                flush(position)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(position)
                position += 1
                scalars.append(try escape())
                run = position
            case 0..<0x20:
                throw error("a string is not closed on its line (or holds a raw control character)")
            default:
                position += 1
            }
        }
        throw error("the text ends inside a string; a '\"' is missing")
    }

    mutating func escape() throws -> Unicode.Scalar {
        guard !atEnd else { throw error("the text ends after '\\'") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("a \\u escape of a high surrogate needs its low surrogate") }
                position += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low),
                    let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                else { throw error("invalid surrogate pair in a \\u escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw error("invalid \\u escape") }
            return scalar
        default:
            throw error("unknown escape '\\\(String(decoding: [byte], as: UTF8.self))'")
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexDigit(bytes[position]) else { throw error("a \\u escape needs four hex digits") }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
