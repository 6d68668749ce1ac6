import Foundation

/// Pulls a few named fields out of one JSON object by scanning its bytes once.
///
/// Logs are NDJSON documents of which ingest needs perhaps ten leaves, so building a
/// dictionary per line would waste most of the time. The scanner walks the object,
/// matches each key against a byte trie of the wanted dotted paths, and skips every
/// other value by depth. Nested objects and dotted keys are the same path to the trie:
/// `{"destination": {"geo": {"country_iso_code": "SE"}}}`, `{"destination.geo":
/// {"country_iso_code": "SE"}}` and `{"destination.geo.country_iso_code": "SE"}` all
/// yield the field. Strings with escapes are decoded; the structure is checked well
/// enough that a truncated or unbalanced line fails, while skipped values are not
/// validated beyond their nesting.
final class JSONFieldScanner {
    /// What a matched value was.
    enum Kind: UInt8 {
        case string, number, literal, array
    }

    /// One matched value; `bytes` points into the line or the scanner's scratch buffer.
    struct Value {
        var bytes: UnsafeBufferPointer<UInt8>
        var kind: Kind
    }

    private let nodeCount: Int
    /// `transitions[node * 128 + byte]`: the next trie node, or -1.
    private let transitions: UnsafeMutablePointer<Int16>
    /// The field index a node completes, or -1.
    private let fieldOfNode: UnsafeMutablePointer<Int8>
    let fieldCount: Int
    private(set) var values: [Value?]
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    private var scratchUsed = 0

    /// Builds the trie; `fields[i]` lists the dotted paths that all mean field `i`.
    init(fields: [[String]]) {
        precondition(fields.count < 64)
        var table: [[Int16]] = [Array(repeating: -1, count: 128)]
        var terminal: [Int8] = [-1]
        for (index, paths) in fields.enumerated() {
            for path in paths {
                var node = 0
                for byte in path.utf8 {
                    precondition(byte < 128, "field paths are ASCII")
                    if table[node][Int(byte)] < 0 {
                        table.append(Array(repeating: -1, count: 128))
                        terminal.append(-1)
                        table[node][Int(byte)] = Int16(table.count - 1)
                    }
                    node = Int(table[node][Int(byte)])
                }
                terminal[node] = Int8(index)
            }
        }
        nodeCount = table.count
        transitions = .allocate(capacity: nodeCount * 128)
        for (n, row) in table.enumerated() {
            for (b, next) in row.enumerated() { transitions[n * 128 + b] = next }
        }
        fieldOfNode = .allocate(capacity: nodeCount)
        fieldOfNode.initialize(from: terminal, count: nodeCount)
        fieldCount = fields.count
        values = Array(repeating: nil, count: fields.count)
        scratchCapacity = 4096
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        transitions.deallocate()
        fieldOfNode.deallocate()
        scratch.deallocate()
    }

    /// Scans one line; false when it is not a single, complete JSON object.
    func scan(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<fieldCount { values[i] = nil }
        scratchUsed = 0
        guard let base = line.baseAddress else { return false }
        if line.count > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = line.count
            scratch = .allocate(capacity: scratchCapacity)
        }
        let end = base + line.count
        var p = base
        skipSpace(&p, end)
        guard p < end, p.pointee == UInt8(ascii: "{") else { return false }
        p += 1
        guard parseObject(&p, end, node: 0) else { return false }
        skipSpace(&p, end)
        return p == end
    }

    /// The string value of field `i` (strings only).
    @inline(__always)
    func string(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        guard let value = values[i], value.kind == .string else { return nil }
        return value.bytes
    }

    /// The raw text of field `i` when it is a string or a number (ports, epoch times).
    @inline(__always)
    func scalar(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        guard let value = values[i], value.kind == .string || value.kind == .number else { return nil }
        return value.bytes
    }

    /// True when field `i` is the string `word` or an array holding that string.
    func contains(_ i: Int, _ word: StaticString) -> Bool? {
        guard let value = values[i] else { return nil }
        let target = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        switch value.kind {
        case .string:
            return value.bytes.elementsEqual(target)
        case .array:
            guard let base = value.bytes.baseAddress else { return false }
            let end = base + value.bytes.count
            var p = base + 1
            while p < end {
                if p.pointee == UInt8(ascii: "\"") {
                    let start = p + 1
                    guard skipString(&p, end) else { return false }
                    let text = UnsafeBufferPointer(start: start, count: p - 1 - start)
                    if text.elementsEqual(target) { return true }
                } else {
                    p += 1
                }
            }
            return false
        case .number, .literal:
            // `null` means absent; other scalars cannot hold the word.
            return value.bytes.elementsEqual("null".utf8) ? nil : false
        }
    }

    // MARK: - Scanning

    @inline(__always)
    private func skipSpace(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) {
        while p < end {
            let c = p.pointee
            guard c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n")
            else { return }
            p += 1
        }
    }

    private func parseObject(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, node: Int) -> Bool {
        skipSpace(&p, end)
        if p < end, p.pointee == UInt8(ascii: "}") {
            p += 1
            return true
        }
        while true {
            skipSpace(&p, end)
            guard p < end, p.pointee == UInt8(ascii: "\"") else { return false }
            p += 1
            // Walk the key through the trie; a miss only needs the closing quote.
            var n = node
            while true {
                guard p < end else { return false }
                let c = p.pointee
                if c == UInt8(ascii: "\"") { break }
                if c == UInt8(ascii: "\\") {
                    guard let walked = walkEscapedKey(&p, end, from: n) else { return false }
                    n = walked
                    break
                }
                if n >= 0 { n = c < 128 ? Int(transitions[n &* 128 &+ Int(c)]) : -1 }
                p += 1
            }
            p += 1
            skipSpace(&p, end)
            guard p < end, p.pointee == UInt8(ascii: ":") else { return false }
            p += 1
            skipSpace(&p, end)
            guard p < end else { return false }
            let c = p.pointee
            let field = n >= 0 ? Int(fieldOfNode[n]) : -1
            if c == UInt8(ascii: "{") {
                p += 1
                let child = n >= 0 ? Int(transitions[n &* 128 &+ Int(UInt8(ascii: "."))]) : -1
                if child >= 0 {
                    guard parseObject(&p, end, node: child) else { return false }
                } else {
                    guard skipContainer(&p, end) else { return false }
                }
            } else if c == UInt8(ascii: "\"") {
                let start = p + 1
                guard skipString(&p, end) else { return false }
                if field >= 0 { recordString(field, start, p - 1) }
            } else if c == UInt8(ascii: "[") {
                let start = p
                p += 1
                guard skipContainer(&p, end) else { return false }
                if field >= 0 { values[field] = Value(bytes: UnsafeBufferPointer(start: start, count: p - start), kind: .array) }
            } else {
                let start = p
                while p < end {
                    let d = p.pointee
                    if d == UInt8(ascii: ",") || d == UInt8(ascii: "}") || d == UInt8(ascii: "]") || d == UInt8(ascii: " ")
                        || d == UInt8(ascii: "\t") || d == UInt8(ascii: "\r") || d == UInt8(ascii: "\n")
                    { break }
                    p += 1
                }
                guard p > start else { return false }
                let isNumber = c == UInt8(ascii: "-") || (c &- UInt8(ascii: "0")) < 10
                if !isNumber {
                    let token = UnsafeBufferPointer(start: start, count: p - start)
                    guard token.elementsEqual("true".utf8) || token.elementsEqual("false".utf8)
                        || token.elementsEqual("null".utf8)
                    else { return false }
                }
                if field >= 0 {
                    values[field] = Value(
                        bytes: UnsafeBufferPointer(start: start, count: p - start), kind: isNumber ? .number : .literal)
                }
            }
            skipSpace(&p, end)
            guard p < end else { return false }
            if p.pointee == UInt8(ascii: ",") {
                p += 1
                continue
            }
            if p.pointee == UInt8(ascii: "}") {
                p += 1
                return true
            }
            return false
        }
    }

    /// Moves `p` from an opening quote to just past the closing one.
    @inline(__always)
    private func skipString(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        let contentStart = p + 1
        var q = contentStart
        while q < end {
            guard let hit = memchr(q, Int32(UInt8(ascii: "\"")), end - q) else { return false }
            let quote = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
            // The quote ends the string unless an odd run of backslashes escapes it.
            var backslashes = 0
            var k = quote - 1
            while k >= contentStart, k.pointee == UInt8(ascii: "\\") {
                backslashes += 1
                k -= 1
            }
            if backslashes & 1 == 0 {
                p = quote + 1
                return true
            }
            q = quote + 1
        }
        return false
    }

    /// Moves `p` from just inside `{` or `[` to just past the matching close.
    private func skipContainer(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        var depth = 1
        while p < end {
            let c = p.pointee
            if c == UInt8(ascii: "\"") {
                guard skipString(&p, end) else { return false }
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    p += 1
                    return true
                }
            }
            p += 1
        }
        return false
    }

    private func recordString(_ field: Int, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) {
        let raw = UnsafeBufferPointer(start: start, count: end - start)
        if memchr(start, Int32(UInt8(ascii: "\\")), end - start) == nil {
            values[field] = Value(bytes: raw, kind: .string)
            return
        }
        let out = scratch + scratchUsed
        let length = Self.unescape(raw, into: out)
        scratchUsed += length
        values[field] = Value(bytes: UnsafeBufferPointer(start: out, count: length), kind: .string)
    }

    /// Decodes the rest of a key from its first backslash, continuing the trie walk;
    /// leaves `p` on the closing quote.
    private func walkEscapedKey(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, from node: Int) -> Int? {
        var q = p
        while q < end {
            let c = q.pointee
            if c == UInt8(ascii: "\\") {
                q += 2
                continue
            }
            if c == UInt8(ascii: "\"") { break }
            q += 1
        }
        guard q < end else { return nil }
        var n = node
        if n >= 0 {
            let out = scratch + scratchUsed
            let length = Self.unescape(UnsafeBufferPointer(start: p, count: q - p), into: out)
            for i in 0..<length where n >= 0 {
                let c = out[i]
                n = c < 128 ? Int(transitions[n * 128 + Int(c)]) : -1
            }
        }
        p = q
        return n
    }

    /// Decodes JSON escapes (`\"`, `\\`, `\n`, `\u00e9`, surrogate pairs) into UTF-8.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        var o = 0
        let n = raw.count
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= n else { return nil }
            var v: UInt32 = 0
            for k in at..<at + 4 {
                guard let h = IPAddress.hexValue(raw[k]) else { return nil }
                v = v << 4 | UInt32(h)
            }
            return v
        }
        func put(_ scalar: UInt32) {
            // A decoded escape never takes more bytes than its \uXXXX text, so `out` has room.
            switch scalar {
            case 0..<0x80:
                out[o] = UInt8(scalar)
                o += 1
            case 0x80..<0x800:
                out[o] = UInt8(0xC0 | scalar >> 6)
                out[o + 1] = UInt8(0x80 | scalar & 0x3F)
                o += 2
            case 0x800..<0x10000:
                out[o] = UInt8(0xE0 | scalar >> 12)
                out[o + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
                out[o + 2] = UInt8(0x80 | scalar & 0x3F)
                o += 3
            default:
                out[o] = UInt8(0xF0 | scalar >> 18)
                out[o + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
                out[o + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
                out[o + 3] = UInt8(0x80 | scalar & 0x3F)
                o += 4
            }
        }
        while i < n {
            let c = raw[i]
            guard c == UInt8(ascii: "\\"), i + 1 < n else {
                out[o] = c
                o += 1
                i += 1
                continue
            }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): put(0x0A)
            case UInt8(ascii: "t"): put(0x09)
            case UInt8(ascii: "r"): put(0x0D)
            case UInt8(ascii: "b"): put(0x08)
            case UInt8(ascii: "f"): put(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(i) else {
                    put(UInt32(e))
                    continue
                }
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= n, raw[i] == UInt8(ascii: "\\"),
                    raw[i + 1] == UInt8(ascii: "u"), let low = hex4(i + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if (0xD800..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                put(scalar)
            default: put(UInt32(e))
            }
        }
        return o
    }
}
