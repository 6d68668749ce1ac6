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
package final class JSONFieldScanner {
    /// What a matched value was.
    enum Kind: UInt8 {
        case absent, string, number, literal, array
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
    /// Results of the last scan, one per field (pointer storage: read per line, no copies).
    private let results: UnsafeMutablePointer<Value>
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

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
        results = .allocate(capacity: max(fields.count, 1))
        results.initialize(
            repeating: Value(bytes: UnsafeBufferPointer(start: nil, count: 0), kind: .absent),
            count: max(fields.count, 1))
        scratchCapacity = 4096
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        transitions.deallocate()
        fieldOfNode.deallocate()
        results.deallocate()
        scratch.deallocate()
    }

    /// Scans one line; false when it is not a single, complete JSON object.
    func scan(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<fieldCount { results[i].kind = .absent }
        guard let base = line.baseAddress else { return false }
        if line.count > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = line.count
            scratch = .allocate(capacity: scratchCapacity)
        }
        var cursor = Cursor(
            end: base + line.count, transitions: transitions, fieldOfNode: fieldOfNode, results: results,
            scratch: scratch)
        let complete = cursor.document(base)
        conflictingField = cursor.conflict
        return complete
    }

    /// After `scan`: the first wanted field the line gave twice with different values, or −1.
    /// JSON leaves duplicate keys undefined and tools disagree on which wins, so such a
    /// line is malformed rather than read one way here and another way elsewhere.
    private(set) var conflictingField = -1

    /// The value of field `i` from the last scan (kind `.absent` when missing).
    @inline(__always)
    func value(_ i: Int) -> Value { results[i] }

    /// The string value of field `i` (strings only).
    @inline(__always)
    func string(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        let value = results[i]
        return value.kind == .string ? value.bytes : nil
    }

    /// The raw text of field `i` when it is a string or a number (ports, epoch times).
    @inline(__always)
    func scalar(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        let value = results[i]
        return value.kind == .string || value.kind == .number ? value.bytes : nil
    }

    /// True when field `i` is the string `word` or an array holding that string; nil when absent or null.
    func contains(_ i: Int, _ word: StaticString) -> Bool? {
        let value = results[i]
        let target = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        switch value.kind {
        case .absent:
            return nil
        case .string:
            return value.bytes.elementsEqual(target)
        case .array:
            guard let base = value.bytes.baseAddress else { return false }
            let end = base + value.bytes.count
            var p = base + 1
            while p < end {
                if p.pointee == UInt8(ascii: "\"") {
                    let start = p + 1
                    var escaped = false
                    guard Cursor.skipString(&p, end, &escaped) else { return false }
                    let element = UnsafeBufferPointer(start: start, count: p - 1 - start)
                    // Decode escapes as a single string value is decoded, so that
                    // ["netw\u006frk"] matches as "netw\u006frk" does.
                    let matches =
                        escaped
                        ? withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, element.count)) { buffer in
                            let n = Self.unescape(element, into: buffer.baseAddress!)
                            return UnsafeBufferPointer(start: buffer.baseAddress, count: n).elementsEqual(target)
                        }
                        : element.elementsEqual(target)
                    if matches { return true }
                } else {
                    p += 1
                }
            }
            return false
        case .number, .literal:
            return value.bytes.elementsEqual("null".utf8) ? nil : false
        }
    }

    /// The walk over one line. A struct on the stack, so the hot loop touches no class
    /// properties (whose exclusivity checks cost more than the scanning itself).
    private struct Cursor {
        let end: UnsafePointer<UInt8>
        let transitions: UnsafeMutablePointer<Int16>
        let fieldOfNode: UnsafeMutablePointer<Int8>
        let results: UnsafeMutablePointer<Value>
        let scratch: UnsafeMutablePointer<UInt8>
        var scratchUsed = 0
        /// The first wanted field given twice with different values, or −1.
        var conflict = -1

        init(
            end: UnsafePointer<UInt8>, transitions: UnsafeMutablePointer<Int16>,
            fieldOfNode: UnsafeMutablePointer<Int8>,
            results: UnsafeMutablePointer<Value>, scratch: UnsafeMutablePointer<UInt8>
        ) {
            self.end = end
            self.transitions = transitions
            self.fieldOfNode = fieldOfNode
            self.results = results
            self.scratch = scratch
        }

        mutating func document(_ start: UnsafePointer<UInt8>) -> Bool {
            var p = start
            skipSpace(&p)
            guard p < end, p.pointee == UInt8(ascii: "{") else { return false }
            p += 1
            guard object(&p, node: 0) else { return false }
            skipSpace(&p)
            return p == end
        }

        @inline(__always)
        func skipSpace(_ p: inout UnsafePointer<UInt8>) {
            while p < end {
                let c = p.pointee
                guard c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A else { return }
                p += 1
            }
        }

        mutating func object(_ p: inout UnsafePointer<UInt8>, node: Int) -> Bool {
            skipSpace(&p)
            if p < end, p.pointee == UInt8(ascii: "}") {
                p += 1
                return true
            }
            while true {
                skipSpace(&p)
                guard p < end, p.pointee == UInt8(ascii: "\"") else { return false }
                p += 1
                // Walk the key through the trie; after a miss only the closing quote matters.
                var n = node
                while true {
                    guard p < end else { return false }
                    let c = p.pointee
                    if c == UInt8(ascii: "\"") { break }
                    if c == UInt8(ascii: "\\") {
                        guard let walked = escapedKey(&p, from: n) else { return false }
                        n = walked
                        break
                    }
                    if c >= 128 { n = -1 }
                    if n < 0 {
                        p = Self.findQuoteOrBackslash(p, end)
                        continue
                    }
                    n = Int(transitions[n &* 128 &+ Int(c)])
                    p += 1
                }
                p += 1
                skipSpace(&p)
                guard p < end, p.pointee == UInt8(ascii: ":") else { return false }
                p += 1
                skipSpace(&p)
                guard p < end else { return false }
                let c = p.pointee
                let field = n >= 0 ? Int(fieldOfNode[n]) : -1
                switch c {
                case UInt8(ascii: "\""):
                    let start = p + 1
                    var escaped = false
                    guard Self.skipString(&p, end, &escaped) else { return false }
                    if field >= 0 { record(field, start, p - 1, escaped: escaped) }
                case UInt8(ascii: "{"):
                    p += 1
                    let child = n >= 0 ? Int(transitions[n &* 128 &+ 0x2E]) : -1  // '.'
                    if child >= 0 {
                        guard object(&p, node: child) else { return false }
                    } else {
                        guard Self.skipContainer(&p, end) else { return false }
                    }
                case UInt8(ascii: "["):
                    let start = p
                    p += 1
                    guard Self.skipContainer(&p, end) else { return false }
                    if field >= 0 {
                        set(field, Value(bytes: UnsafeBufferPointer(start: start, count: p - start), kind: .array))
                    }
                default:
                    let start = p
                    while p < end {
                        let d = p.pointee
                        if d == UInt8(ascii: ",") || d == UInt8(ascii: "}") || d == UInt8(ascii: "]") || d <= 0x20 {
                            break
                        }
                        p += 1
                    }
                    guard p > start else { return false }
                    let isNumber = c == UInt8(ascii: "-") || (c &- UInt8(ascii: "0")) < 10
                    if !isNumber {
                        let token = UnsafeBufferPointer(start: start, count: p - start)
                        guard
                            token.elementsEqual("true".utf8) || token.elementsEqual("false".utf8)
                                || token.elementsEqual("null".utf8)
                        else { return false }
                    }
                    if field >= 0 {
                        set(
                            field,
                            Value(bytes: UnsafeBufferPointer(start: start, count: p - start), kind: isNumber ? .number : .literal))
                    }
                }
                skipSpace(&p)
                guard p < end else { return false }
                let separator = p.pointee
                p += 1
                if separator == UInt8(ascii: ",") { continue }
                return separator == UInt8(ascii: "}")
            }
        }

        /// The first `"` or backslash at or after `p` (or `end`), eight bytes at a time.
        @inline(__always)
        static func findQuoteOrBackslash(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<
            UInt8
        > {
            var p = start
            while end - p >= 8 {
                let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                let quotes = word ^ 0x2222_2222_2222_2222
                let slashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
                // A zero byte in either word marks a hit; the lowest marked byte is exact.
                let hits =
                    ((quotes &- 0x0101_0101_0101_0101) & ~quotes | (slashes &- 0x0101_0101_0101_0101) & ~slashes)
                    & 0x8080_8080_8080_8080
                if hits != 0 { return p + (hits.trailingZeroBitCount >> 3) }
                p += 8
            }
            while p < end, p.pointee != UInt8(ascii: "\""), p.pointee != UInt8(ascii: "\\") { p += 1 }
            return p
        }

        /// Moves `p` from an opening quote to just past the closing one; notes escapes.
        @inline(__always)
        static func skipString(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ escaped: inout Bool)
            -> Bool
        {
            var q = p + 1
            while true {
                q = findQuoteOrBackslash(q, end)
                guard q < end else { return false }
                if q.pointee == UInt8(ascii: "\"") {
                    p = q + 1
                    return true
                }
                escaped = true
                q += 2
            }
        }

        /// Moves `p` from just inside `{` or `[` to just past the matching close.
        static func skipContainer(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
            var depth = 1
            var escaped = false
            while p < end {
                switch p.pointee {
                case UInt8(ascii: "\""):
                    guard skipString(&p, end, &escaped) else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        p += 1
                        return true
                    }
                default:
                    break
                }
                p += 1
            }
            return false
        }

        private mutating func record(
            _ field: Int, _ start: UnsafePointer<UInt8>, _ stop: UnsafePointer<UInt8>, escaped: Bool
        ) {
            let raw = UnsafeBufferPointer(start: start, count: stop - start)
            guard escaped else {
                set(field, Value(bytes: raw, kind: .string))
                return
            }
            let out = scratch + scratchUsed
            let length = JSONFieldScanner.unescape(raw, into: out)
            scratchUsed += length
            set(field, Value(bytes: UnsafeBufferPointer(start: out, count: length), kind: .string))
        }

        /// Records a field's value; a scalar field met twice (a repeated key, or the nested and
        /// the dotted form of one path) with another value is remembered as a conflict. Lists
        /// (`event.category`) are compared by no one the same way, so the last one stands.
        @inline(__always)
        private mutating func set(_ field: Int, _ value: Value) {
            let previous = results[field]
            if previous.kind != .absent, previous.kind != .array, value.kind != .array, conflict < 0,
                previous.kind != value.kind || !previous.bytes.elementsEqual(value.bytes)
            {
                conflict = field
            }
            results[field] = value
        }

        /// Decodes the rest of a key from its first backslash, continuing the trie walk;
        /// leaves `p` on the closing quote.
        private func escapedKey(_ p: inout UnsafePointer<UInt8>, from node: Int) -> Int? {
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
                // Decoded into free scratch space that the next recorded string may reuse.
                let out = scratch + scratchUsed
                let length = JSONFieldScanner.unescape(UnsafeBufferPointer(start: p, count: q - p), into: out)
                for i in 0..<length where n >= 0 {
                    let c = out[i]
                    n = c < 128 ? Int(transitions[n * 128 + Int(c)]) : -1
                }
            }
            p = q
            return n
        }
    }

    /// Decodes JSON escapes (`\"`, `\\`, `\n`, `\u00e9`, surrogate pairs) into UTF-8.
    package static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
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
