import Foundation

extension TorGeoIPTable {
    /// One line of a table file.
    enum Line {
        /// A comment or an empty line.
        case none
        case v4(start: UInt32, end: UInt32, code: UInt16)
        case v6(start: UInt128, end: UInt128, code: UInt16)
    }

    /// The line starting at `lineStart` and where the next one starts; `lineNumber` and
    /// `path` name a malformed line in the error.
    ///
    /// The common lines, `START,END,CC` with decimal bounds of at most 10 digits or with
    /// IPv6 bounds, are read in one pass without a line search; comments and anything
    /// unusual take the general path (`generalLine`), which gives the errors.
    @inline(__always)
    static func line(_ base: UnsafePointer<UInt8>, from lineStart: Int, count: Int, lineNumber: Int, path: String)
        throws -> (line: Line, next: Int)
    {
        if let v4 = ipv4Line(base, from: lineStart, count: count) {
            return (.v4(start: v4.start, end: v4.end, code: v4.code), v4.next)
        }
        if let v6 = ipv6Line(base, from: lineStart, count: count) {
            return (.v6(start: v6.start, end: v6.end, code: v6.code), v6.next)
        }
        return try generalLine(base, from: lineStart, count: count, lineNumber: lineNumber, path: path)
    }

    /// Any line, found with a line search and split at its commas: what the fast paths
    /// must agree with wherever they answer.
    static func generalLine(
        _ base: UnsafePointer<UInt8>, from lineStart: Int, count: Int, lineNumber: Int, path: String
    ) throws -> (line: Line, next: Int) {
        var lineEnd = count
        if let newline = memchr(base + lineStart, 0x0A, count - lineStart) {
            lineEnd = UnsafePointer<UInt8>(newline.assumingMemoryBound(to: UInt8.self)) - base
        }
        var end = lineEnd
        if end > lineStart, base[end - 1] == 0x0D { end -= 1 }  // \r
        let next = min(count, lineEnd + 1)
        if end == lineStart || base[lineStart] == 0x23 { return (.none, next) }  // #
        func fail() -> GeoSpikeError {
            let text = String(
                decoding: UnsafeBufferPointer(start: base + lineStart, count: min(end - lineStart, 80)), as: UTF8.self)
            return GeoSpikeError.badData(
                file: path, line: lineNumber,
                "'\(text)' is not START,END,CC; is this a Tor geoip file? (or pass --geoip FILE.mmdb)")
        }
        var comma1 = lineStart
        while comma1 < end, base[comma1] != 0x2C { comma1 += 1 }  // ,
        var comma2 = comma1 + 1
        while comma2 < end, base[comma2] != 0x2C { comma2 += 1 }
        guard comma2 + 3 == end else { throw fail() }
        let code = CountryCode(byte0: base[comma2 + 1], byte1: base[comma2 + 2])?.packed ?? 0
        let startText = UnsafeBufferPointer(start: base + lineStart, count: comma1 - lineStart)
        let endText = UnsafeBufferPointer(start: base + comma1 + 1, count: comma2 - comma1 - 1)
        if let s = integer(startText), let e = integer(endText) {
            guard s <= e, e <= UInt64(UInt32.max) else { throw fail() }
            return (.v4(start: UInt32(s), end: UInt32(e), code: code), next)
        }
        if case .v6(let sh, let sl)? = IPAddress.parse(startText), case .v6(let eh, let el)? = IPAddress.parse(endText)
        {
            let s = UInt128(sh) << 64 | UInt128(sl)
            let e = UInt128(eh) << 64 | UInt128(el)
            guard s <= e else { throw fail() }
            return (.v6(start: s, end: e, code: code), next)
        }
        throw fail()
    }

    /// What one checking pass over a file learns: whether every line is well formed (it
    /// throws otherwise), which families it holds and whether each is sorted.
    struct Survey {
        var v4Ranges = 0
        var v6Ranges = 0
        var v4Sorted = true
        var v6Sorted = true
        /// Where the first range line starts.
        var firstRange: Int?

        /// One family, sorted: lookups can bisect the text itself.
        var isSortedText: Bool { (v4Ranges == 0 && v6Sorted) || (v6Ranges == 0 && v4Sorted) }
    }

    /// Checks every line of a table, without keeping the ranges.
    static func survey(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> Survey {
        var survey = Survey()
        guard let base = bytes.baseAddress else { return survey }
        var lastV4: UInt32 = 0
        var lastV6: UInt128 = 0
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            lineNumber += 1
            // The common lines first, without building a `Line`.
            if let v4 = ipv4Line(base, from: lineStart, count: bytes.count) {
                survey.v4Sorted = survey.v4Sorted && lastV4 <= v4.start
                lastV4 = v4.start
                survey.v4Ranges += 1
                if survey.firstRange == nil { survey.firstRange = lineStart }
                lineStart = v4.next
                continue
            }
            if let v6 = ipv6Line(base, from: lineStart, count: bytes.count) {
                survey.v6Sorted = survey.v6Sorted && lastV6 <= v6.start
                lastV6 = v6.start
                survey.v6Ranges += 1
                if survey.firstRange == nil { survey.firstRange = lineStart }
                lineStart = v6.next
                continue
            }
            let (line, next) = try Self.generalLine(
                base, from: lineStart, count: bytes.count, lineNumber: lineNumber, path: path)
            switch line {
            case .none:
                break
            case .v4(let start, _, _):
                survey.v4Sorted = survey.v4Sorted && lastV4 <= start
                lastV4 = start
                survey.v4Ranges += 1
                survey.firstRange = survey.firstRange ?? lineStart
            case .v6(let start, _, _):
                survey.v6Sorted = survey.v6Sorted && lastV6 <= start
                lastV6 = start
                survey.v6Ranges += 1
                survey.firstRange = survey.firstRange ?? lineStart
            }
            lineStart = next
        }
        return survey
    }

    /// Every range of a checked table, sorted, as parallel arrays: for a file that mixes
    /// families or is out of order.
    static func rangeArrays(_ bytes: UnsafeBufferPointer<UInt8>, survey: Survey, path: String) throws -> RangeArrays {
        var arrays = RangeArrays()
        guard let base = bytes.baseAddress else { return arrays }
        arrays.v4Starts.reserveCapacity(survey.v4Ranges)
        arrays.v4Ends.reserveCapacity(survey.v4Ranges)
        arrays.v4Codes.reserveCapacity(survey.v4Ranges)
        arrays.v6Starts.reserveCapacity(survey.v6Ranges)
        arrays.v6Ends.reserveCapacity(survey.v6Ranges)
        arrays.v6Codes.reserveCapacity(survey.v6Ranges)
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            lineNumber += 1
            let (line, next) = try Self.line(
                base, from: lineStart, count: bytes.count, lineNumber: lineNumber, path: path)
            switch line {
            case .none:
                break
            case .v4(let start, let end, let code):
                arrays.v4Starts.append(start)
                arrays.v4Ends.append(end)
                arrays.v4Codes.append(code)
            case .v6(let start, let end, let code):
                arrays.v6Starts.append(start)
                arrays.v6Ends.append(end)
                arrays.v6Codes.append(code)
            }
            lineStart = next
        }
        if !survey.v4Sorted {
            (arrays.v4Starts, arrays.v4Ends, arrays.v4Codes) = sorted(arrays.v4Starts, arrays.v4Ends, arrays.v4Codes)
        }
        if !survey.v6Sorted {
            (arrays.v6Starts, arrays.v6Ends, arrays.v6Codes) = sorted(arrays.v6Starts, arrays.v6Ends, arrays.v6Codes)
        }
        return arrays
    }

    /// Ranges ordered by start, the other arrays permuted alike.
    static func sorted<T: Comparable>(_ starts: [T], _ ends: [T], _ codes: [UInt16]) -> ([T], [T], [UInt16]) {
        let order = starts.indices.sorted { starts[$0] < starts[$1] }
        return (order.map { starts[$0] }, order.map { ends[$0] }, order.map { codes[$0] })
    }

    /// `START,END,CC` with decimal bounds of 1 to 10 digits: the range, the packed code
    /// (0 for `??`) and where the next line starts; nil for any other line.
    ///
    /// Every scorer run reads the 386k lines of the IPv4 table once, so the bounds are
    /// read eight digits at a time (`decimal(at:)`) wherever a whole line's worth of bytes
    /// follows; the last few lines of a file go digit by digit.
    @inline(__always)
    static func ipv4Line(_ base: UnsafePointer<UInt8>, from lineStart: Int, count: Int)
        -> (start: UInt32, end: UInt32, code: UInt16, next: Int)?
    {
        var i = lineStart
        let wide = lineStart + 32 <= count  // two 11-byte bounds, two commas, the code and \r\n fit
        // At most 10 digits, so no overflow in 64 bits; more makes the line not this kind.
        @inline(__always) func number() -> UInt64? {
            if wide {
                guard let (value, length) = decimal(at: base + i) else { return nil }
                i += length
                return value
            }
            let first = i
            var value: UInt64 = 0
            while i < count, i - first < 11 {
                let digit = base[i] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                value = value &* 10 &+ UInt64(digit)
                i &+= 1
            }
            return i > first && i - first <= 10 ? value : nil
        }
        guard let start = number(), i < count, base[i] == 0x2C else { return nil }  // ,
        i += 1
        guard let end = number(), start <= end, end <= UInt64(UInt32.max),
            let (code, next) = codeAndLineEnd(base, at: i, count: count)
        else { return nil }
        return (UInt32(start), UInt32(end), code, next)
    }

    /// `START,END,CC` with IPv6 bounds: the range, the packed code (0 for `??`) and where
    /// the next line starts; nil for any other line.
    ///
    /// A scorer run that meets one IPv6 destination reads the 277k lines of the IPv6 table
    /// once, so both bounds are read in one pass over the line (`IPAddress.scanV6`), with
    /// no line search and no zone-id search (Tor's tables have none).
    @inline(__always)
    static func ipv6Line(_ base: UnsafePointer<UInt8>, from lineStart: Int, count: Int)
        -> (start: UInt128, end: UInt128, code: UInt16, next: Int)?
    {
        guard let (start, startLength) = IPAddress.scanV6(base + lineStart, count: count - lineStart) else {
            return nil
        }
        var i = lineStart + startLength
        guard i < count, base[i] == 0x2C else { return nil }  // ,
        i += 1
        guard let (end, endLength) = IPAddress.scanV6(base + i, count: count - i) else { return nil }
        i += endLength
        // IPv4-mapped bounds parse as IPv4 in the general path, which rejects them: it says why.
        func isIPv4Mapped(_ a: UInt128) -> Bool { a >> 32 == 0xFFFF }
        guard start <= end, !isIPv4Mapped(start), !isIPv4Mapped(end),
            let (code, next) = codeAndLineEnd(base, at: i, count: count)
        else { return nil }
        return (start, end, code, next)
    }

    /// `,CC` and the end of the line at `i`: the packed code (0 for `??`) and where the
    /// next line starts; nil for anything else, which the general path judges.
    @inline(__always)
    static func codeAndLineEnd(_ base: UnsafePointer<UInt8>, at i: Int, count: Int) -> (code: UInt16, next: Int)? {
        guard i + 3 <= count, base[i] == 0x2C, base[i + 1] > 0x20, base[i + 2] > 0x20 else { return nil }  // ,
        let code = CountryCode(byte0: base[i + 1], byte1: base[i + 2])?.packed ?? 0
        let after = i + 3
        if after == count { return (code, after) }
        if base[after] == 0x0A { return (code, after + 1) }  // \n
        if base[after] == 0x0D, after + 1 < count, base[after + 1] == 0x0A { return (code, after + 2) }  // \r\n
        return nil
    }

    /// The run of 1 to 10 decimal digits at `p` and its length, nil when there is none or
    /// it is longer; reads 11 bytes from `p`.
    ///
    /// The first eight bytes are tested and converted together (SWAR, as in Lemire's
    /// "Faster integer parsing"): a byte is a digit when its value xor 0x30 is below 10,
    /// which adding 0x76 shows in its top bit (a carry can only reach bytes after the
    /// first non-digit, which are ignored).
    @inline(__always)
    static func decimal(at p: UnsafePointer<UInt8>) -> (value: UInt64, length: Int)? {
        let digits = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self).littleEndian ^ 0x3030_3030_3030_3030
        let nonDigits = (digits | (digits &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080
        if nonDigits != 0 {
            let length = nonDigits.trailingZeroBitCount / 8
            guard length > 0 else { return nil }
            // Zero digits shifted in at the front, the bytes after the number out at the back.
            return (eightDigits(digits << (64 - 8 * UInt64(length))), length)
        }
        var value = eightDigits(digits)
        var length = 8
        while length < 11 {
            let digit = p[length] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ UInt64(digit)
            length += 1
        }
        return length <= 10 ? (value, length) : nil
    }

    /// The number whose eight decimal digits (values 0…9, most significant first) are the
    /// bytes of `digits` from the lowest.
    @inline(__always)
    static func eightDigits(_ digits: UInt64) -> UInt64 {
        let pairs = digits &* 10 &+ (digits >> 8)  // byte i: 10·dᵢ + dᵢ₊₁
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        return ((pairs & mask) &* 0x000F_4240_0000_0064 &+ ((pairs >> 16) & mask) &* 0x0000_2710_0000_0001) >> 32
    }

    /// A decimal of 1 to 10 digits, or nil.
    static func integer(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard let base = text.baseAddress, !text.isEmpty, text.count <= 10 else { return nil }
        var value: UInt64 = 0
        for i in 0..<text.count {
            let d = base[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + UInt64(d)
        }
        return value
    }
}
