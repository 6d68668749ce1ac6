/// A byte buffer that formats log fields directly, without building Strings, so that a
/// year of logs (millions of lines) is written in seconds.
struct LogLineBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1 << 20) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }
    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(contentsOf other: ArraySlice<UInt8>) { bytes.append(contentsOf: other) }

    /// The bytes from `offset` to the end (to re-use a formatted line, e.g. to truncate it).
    func suffix(from offset: Int) -> ArraySlice<UInt8> { bytes[offset...] }

    mutating func truncate(to count: Int) { bytes.removeLast(bytes.count - count) }

    /// A JSON string literal, quoted and escaped.
    mutating func appendJSONString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0..<0x20:
                append("\\u00")
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func append(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            append(UInt64(-value))
        } else {
            append(UInt64(value))
        }
    }

    mutating func append(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while n > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// `value` zero-padded to `width` digits.
    mutating func append(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A fixed-point decimal of `micros / 10^6` with `decimals` (≤ 6) fraction digits.
    mutating func appendSeconds(micros: Int64, decimals: Int) {
        append(Int(micros / 1_000_000))
        guard decimals > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var fraction = Int(micros % 1_000_000)
        for _ in decimals..<6 { fraction /= 10 }
        append(fraction, width: decimals)
    }

    /// `YYYY-MM-DD<separator>HH:MM:SS[.fff…]` of the local time `micros + offset`, then
    /// `Z` (when `zulu`), or the offset as `+HHMM` (when `numericOffset`).
    mutating func appendTimestamp(
        micros: Int64, offsetSeconds: Int = 0, separator: UInt8 = UInt8(ascii: "T"), fractionDigits: Int,
        zulu: Bool = false, numericOffset: Bool = false
    ) {
        let local = micros + Int64(offsetSeconds) * 1_000_000
        let seconds = CivilDate.floorDiv(local, 1_000_000)
        let day = CivilDate.floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - day * 86_400)
        let date = CivilDate.date(days: day)
        append(date.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        append(date.month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        append(date.day, width: 2)
        bytes.append(separator)
        append(secondOfDay / 3600, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append((secondOfDay / 60) % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append(secondOfDay % 60, width: 2)
        if fractionDigits > 0 {
            bytes.append(UInt8(ascii: "."))
            var fraction = Int(local - seconds * 1_000_000)
            for _ in fractionDigits..<6 { fraction /= 10 }
            append(fraction, width: fractionDigits)
        }
        if zulu { bytes.append(UInt8(ascii: "Z")) }
        if numericOffset {
            bytes.append(UInt8(ascii: offsetSeconds < 0 ? "-" : "+"))
            let minutes = abs(offsetSeconds) / 60
            append(minutes / 60, width: 2)
            append(minutes % 60, width: 2)
        }
    }

    /// Dotted-quad IPv4, or RFC 5952 IPv6 (lower case, longest zero run compressed).
    mutating func append(_ address: SyntheticAddress) {
        switch address {
        case .v4(let a):
            append(UInt64(a >> 24))
            bytes.append(UInt8(ascii: "."))
            append(UInt64((a >> 16) & 0xFF))
            bytes.append(UInt8(ascii: "."))
            append(UInt64((a >> 8) & 0xFF))
            bytes.append(UInt8(ascii: "."))
            append(UInt64(a & 0xFF))
        case .v6(let high, let low):
            var groups = [UInt16](repeating: 0, count: 8)
            for i in 0..<4 {
                groups[i] = UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64(i)))
                groups[4 + i] = UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64(i)))
            }
            var bestStart = -1
            var bestLength = 1
            var i = 0
            while i < 8 {
                if groups[i] == 0 {
                    var j = i
                    while j < 8 && groups[j] == 0 { j += 1 }
                    if j - i > bestLength { (bestStart, bestLength) = (i, j - i) }
                    i = j
                } else {
                    i += 1
                }
            }
            i = 0
            while i < 8 {
                if i == bestStart {
                    append("::")
                    i += bestLength
                    continue
                }
                if i > 0 && i != bestStart + bestLength { bytes.append(UInt8(ascii: ":")) }
                appendHex(groups[i])
                i += 1
            }
        }
    }

    private mutating func appendHex(_ value: UInt16) {
        var started = false
        for shift in stride(from: 12, through: 0, by: -4) {
            let nibble = Int((value >> UInt16(shift)) & 0xF)
            if nibble != 0 || started || shift == 0 {
                bytes.append(Self.hex[nibble])
                started = true
            }
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
