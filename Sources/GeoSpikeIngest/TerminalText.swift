/// Text from the data made safe for an analyst's terminal, as git and kubectl do.
///
/// Log fields are written by whoever controls the traffic: a `host.name` holding
/// `ESC]0;…BEL ESC[2J` would retitle the window and clear the screen, and a carriage
/// return would let a line overwrite an earlier one (an alert, say). Human-facing output
/// (tables, `inspect`, errors and warnings) therefore shows control characters, Unicode
/// direction overrides and invalid UTF-8 as visible escapes: `\e`, `\r`, `\x07`,
/// `\u{202E}`, `\xff`. Machine outputs (NDJSON, CSV, YAML) keep values exact and escape
/// them by their own rules instead.
public enum TerminalText {
    /// `text` with every unsafe character escaped, newlines included (one field, one line).
    public static func visible(_ text: String) -> String {
        escape(text, keepingNewlines: false)
    }

    /// The same for a whole message or table: newlines and tabs stay, the rest is escaped.
    public static func visibleLines(_ text: String) -> String {
        escape(text, keepingNewlines: true)
    }

    /// Raw bytes (a field as read from a log), invalid UTF-8 shown byte by byte as `\xNN`.
    public static func visible(bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            if length > 0, i + length <= bytes.count,
                let scalar = String(validating: bytes[i..<(i + length)], as: UTF8.self)
            {
                out += escape(scalar, keepingNewlines: false)
                i += length
            } else {
                out += "\\x" + hex(lead)
                i += 1
            }
        }
        return out
    }

    /// Whether `text` would be shown as it is.
    public static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { needsEscape($0, keepingNewlines: false) }
    }

    static func escape(_ text: String, keepingNewlines: Bool) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingNewlines: keepingNewlines) }) else {
            return text
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepingNewlines: keepingNewlines) else {
                out.append(scalar)
                continue
            }
            let escaped: String
            switch scalar.value {
            case 0x1B: escaped = "\\e"
            case 0x0D: escaped = "\\r"
            case 0x0A: escaped = "\\n"
            case 0x09: escaped = "\\t"
            case 0xFFFD: escaped = "\\u{FFFD}"
            case ..<0x100: escaped = "\\x" + hex(UInt8(scalar.value))
            default: escaped = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }

    /// C0 and C1 controls, DEL, bidirectional overrides and isolates (which reorder what
    /// follows on the line), and U+FFFD (where invalid UTF-8 was decoded).
    @inline(__always)
    static func needsEscape(_ scalar: Unicode.Scalar, keepingNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !keepingNewlines
        case 0x00..<0x20, 0x7F..<0xA0: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        case 0xFFFD: return true
        default: return false
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
