/// The raw values a reader found on one line, pointing into the reader's buffers.
///
/// Valid only while the line is being handled; the counting path turns them into a
/// country and influencer tallies without building Strings unless it must.
struct EventFields {
    /// Epoch seconds, UTC.
    var time: Double = 0
    var countryCode: UnsafeBufferPointer<UInt8>?
    var countryName: UnsafeBufferPointer<UInt8>?
    var destinationIP: UnsafeBufferPointer<UInt8>?
    var sourceIP: UnsafeBufferPointer<UInt8>?
    var destinationPort: UnsafeBufferPointer<UInt8>?
    var processName: UnsafeBufferPointer<UInt8>?
    var hostName: UnsafeBufferPointer<UInt8>?
    var userName: UnsafeBufferPointer<UInt8>?

    /// The value of an influencer field, if the line had one.
    @inline(__always)
    func value(of field: InfluencerField) -> UnsafeBufferPointer<UInt8>? {
        switch field {
        case .sourceIP: return sourceIP
        case .destinationIP: return destinationIP
        case .destinationPort: return destinationPort
        case .processName: return processName
        case .hostName: return hostName
        case .userName: return userName
        }
    }
}

/// What one line turned out to be.
enum LineOutcome {
    /// A network event, ready to be resolved and counted.
    case event
    /// A well-formed record that is not counted, for a reason decided by the reader.
    case skipped(SkipReason)
    /// A line that should have been a record and is not; the text says why.
    case malformed(String)
    /// A header or comment line.
    case metadata
}

/// Turns lines of one format into `EventFields`.
protocol EventLineParser {
    /// Parses one non-blank line; throws only for errors that end the file (a CSV
    /// header without the named columns).
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into fields: inout EventFields) throws
        -> LineOutcome
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes as a String (for messages and the per-event API, not the counting path).
    var text: String { String(decoding: self, as: UTF8.self) }

    /// The bytes without leading and trailing spaces and tabs.
    func trimmed() -> UnsafeBufferPointer<UInt8> {
        guard let base = baseAddress else { return self }
        var start = 0
        var end = count
        while start < end, base[start] == UInt8(ascii: " ") || base[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, base[end - 1] == UInt8(ascii: " ") || base[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return UnsafeBufferPointer(start: base + start, count: end - start)
    }

    /// True for the spellings logs use for "no value": empty, `-`, `(empty)`, `??`, `--`, `null`, `unknown`, `n/a`.
    var isAbsentValue: Bool {
        switch count {
        case 0: return true
        case 1: return self[0] == UInt8(ascii: "-")
        case 2: return (self[0] == UInt8(ascii: "?") && self[1] == UInt8(ascii: "?")) || (self[0] == UInt8(ascii: "-") && self[1] == UInt8(ascii: "-"))
        default:
            guard count <= 7 else { return false }
            // Compared byte by byte, lower-cased: CSV rows ask this for every column.
            for word in ["(empty)", "null", "unknown", "n/a", "none"] where word.utf8.count == count {
                var same = true
                for (byte, expected) in zip(self, word.utf8) where byte | 0x20 != expected | 0x20 {
                    same = false
                    break
                }
                if same { return true }
            }
            return false
        }
    }
}
