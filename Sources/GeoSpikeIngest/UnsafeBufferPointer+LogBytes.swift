/// Small helpers for the byte slices readers hand around.
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
        case 2:
            return (self[0] == UInt8(ascii: "?") && self[1] == UInt8(ascii: "?"))
                || (self[0] == UInt8(ascii: "-") && self[1] == UInt8(ascii: "-"))
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
