/// An IPv4 or IPv6 address parsed from log text, as integers ready for range lookups.
///
/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are IPv4: logs from dual-stack
/// sockets write them that way, and the GeoIP tables key them as IPv4.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    /// The 128-bit address as its high and low 64 bits.
    case v6(UInt64, UInt64)

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (zone ids such as `%eth0` are ignored).
    public init?<S: StringProtocol>(_ text: S) {
        var copy = String(text)
        guard let parsed = copy.withUTF8({ IPAddress.parse($0) }) else { return nil }
        self = parsed
    }

    /// Parses an address from raw bytes (the ingest hot path).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        var n = bytes.count
        // Brackets appear around IPv6 in some exporters ("[2001:db8::1]").
        var start = 0
        if base[0] == UInt8(ascii: "["), base[n - 1] == UInt8(ascii: "]") {
            start = 1
            n -= 1
        }
        var hasColon = false
        for i in start..<n where base[i] == UInt8(ascii: ":") {
            hasColon = true
            break
        }
        if !hasColon {
            return parseV4(base + start, count: n - start).map { .v4($0) }
        }
        guard let (hi, lo) = parseV6(base + start, count: n - start) else { return nil }
        if hi == 0, lo >> 32 == 0xFFFF { return .v4(UInt32(truncatingIfNeeded: lo)) }
        return .v6(hi, lo)
    }

    static func parseV4(_ p: UnsafePointer<UInt8>, count: Int) -> UInt32? {
        var result: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for i in 0..<count {
            let c = p[i]
            if c == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                result = result << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else {
                let d = c &- UInt8(ascii: "0")
                guard d < 10, digits < 3 else { return nil }
                octet = octet * 10 + UInt32(d)
                guard octet <= 255 else { return nil }
                digits += 1
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return result << 8 | octet
    }

    /// Parses IPv6 text, ignoring a zone id (`%eth0`): everything before the first `%`
    /// must be the address.
    static func parseV6(_ p: UnsafePointer<UInt8>, count: Int) -> (UInt64, UInt64)? {
        guard let (address, length) = scanV6(p, count: count), length == count || p[length] == UInt8(ascii: "%")
        else { return nil }
        return (UInt64(truncatingIfNeeded: address >> 64), UInt64(truncatingIfNeeded: address))
    }

    /// Reads IPv6 text from `p` up to the first byte that cannot continue it.
    ///
    /// Returns the address and that byte's offset, or nil when the text before it is not
    /// an address. The caller decides what may follow (`%` and a zone id in logs, a comma
    /// in Tor's tables).
    ///
    /// RFC 4291 text: eight groups of 1 to 4 hex digits (either case), or fewer with one
    /// `::` standing for the zero groups missing, and optionally dotted IPv4 in place of
    /// the last two groups. All groups go into one register as read; the zeros of `::` are
    /// opened up once at the end, so a group costs a shift and an or. Where eight bytes can
    /// be read, a group is read without a branch per digit (`hexGroup(at:)`): a group's
    /// length varies, and a loop that stops at its end mispredicts once per group.
    @inline(__always)
    static func scanV6(_ p: UnsafePointer<UInt8>, count: Int) -> (address: UInt128, length: Int)? {
        var groups: UInt128 = 0
        var groupCount = 0
        var groupsBeforeGap: Int?
        var i = 0
        if count >= 1, p[0] == UInt8(ascii: ":") {
            guard count >= 2, p[1] == UInt8(ascii: ":") else { return nil }
            groupsBeforeGap = 0
            i = 2
        }
        var afterGap = groupsBeforeGap != nil
        while true {
            let first = i
            var value: UInt32 = 0
            if count - i >= 8 {
                let group = hexGroup(at: p + i)
                value = group.value
                i += group.length
            } else {
                while i < count, let digit = hexValue(p[i]) {
                    value = value &<< 4 | UInt32(digit)
                    i += 1
                }
            }
            // Longer runs are no group, nor the first octet of dotted IPv4.
            guard i - first <= 4 else { return nil }
            if i < count, p[i] == UInt8(ascii: ".") {
                // Dotted IPv4 in place of the last two groups; it ends the address.
                var end = i
                while end < count, p[end] == UInt8(ascii: ".") || p[end] &- UInt8(ascii: "0") < 10 { end += 1 }
                guard groupCount <= 6, let v4 = parseV4(p + first, count: end - first) else { return nil }
                groups = groups &<< 32 | UInt128(v4)
                groupCount += 2
                i = end
                break
            }
            if i == first {
                // Only `::` may end an address; a single `:` needs a group after it.
                guard afterGap else { return nil }
                break
            }
            guard groupCount < 8 else { return nil }
            groups = groups &<< 16 | UInt128(value)
            groupCount += 1
            guard i < count, p[i] == UInt8(ascii: ":") else { break }
            i += 1
            afterGap = i < count && p[i] == UInt8(ascii: ":")
            if afterGap {
                guard groupsBeforeGap == nil else { return nil }
                groupsBeforeGap = groupCount
                i += 1
            }
        }
        guard let groupsBeforeGap else { return groupCount == 8 ? (groups, i) : nil }
        guard groupCount < 8 else { return nil }
        // The groups after `::` stay where they are; those before it move up past the zeros.
        let tail = groups & ((1 &<< (16 * (groupCount - groupsBeforeGap))) &- 1)
        return ((groups ^ tail) &<< (16 * (8 - groupCount)) | tail, i)
    }

    /// The run of hex digits at `p` (up to 8) and, when it is at most 4 long, its value;
    /// reads 8 bytes from `p`.
    ///
    /// All eight bytes are classified at once (SWAR): a byte is a digit when its value xor
    /// 0x30 is below 10, and a letter when its value with the case bit set is within 0x61…
    /// 0x66, both shown by the top bit of a sum (a carry can only leave a byte that is not
    /// hex, so it reaches only bytes after the run, which are ignored). A hex byte's value
    /// is its low nibble, plus 9 for letters (bit 6).
    @inline(__always)
    static func hexGroup(at p: UnsafePointer<UInt8>) -> (value: UInt32, length: Int) {
        let bytes = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self).littleEndian
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops = ones &* 0x80
        let digits = bytes ^ (ones &* 0x30)
        let isDigit = ~(digits | (digits &+ ones &* 0x76)) & tops
        let lower = bytes | (ones &* 0x20)
        let isLetter = (lower &+ ones &* 0x1F) & ~(lower &+ ones &* 0x19) & tops  // ≥ 0x61 and not ≥ 0x67
        let length = (~(isDigit | isLetter) & tops).trailingZeroBitCount / 8
        let nibbles = (bytes & (ones &* 0x0F)) &+ ((bytes >> 6) & ones) &* 9
        // The run's nibbles moved up so its last is byte 3; bytes past the run move above byte 3.
        let aligned = UInt32(truncatingIfNeeded: nibbles &<< UInt64(8 * (4 - min(length, 4))))
        let pairs = (aligned &<< 4 | aligned >> 8) & 0x00FF_00FF  // bytes 0 and 2: two nibbles each
        return ((pairs & 0xFF) << 8 | pairs >> 16, length)
    }

    /// The value of a hex digit; arithmetic rather than ranges, which stay slow in debug builds.
    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        let digit = c &- 0x30  // '0'
        if digit < 10 { return digit }
        let letter = (c | 0x20) &- 0x61  // 'a', either case
        return letter < 6 ? letter + 10 : nil
    }

    /// True for destinations that belong to no country: private (RFC 1918, ULA),
    /// loopback, link-local, multicast, CGNAT, documentation, benchmarking, reserved.
    public var isNonPublic: Bool {
        switch self {
        case .v4(let a):
            func within(_ network: UInt32, _ prefix: UInt32) -> Bool {
                a >> (32 - prefix) == network >> (32 - prefix)
            }
            return within(0x0000_0000, 8)  // "this network"
                || within(0x0A00_0000, 8)  // 10/8 private
                || within(0x6440_0000, 10)  // 100.64/10 CGNAT
                || within(0x7F00_0000, 8)  // loopback
                || within(0xA9FE_0000, 16)  // link-local
                || within(0xAC10_0000, 12)  // 172.16/12 private
                || within(0xC000_0000, 24)  // 192.0.0/24 IETF protocol assignments
                || within(0xC000_0200, 24)  // TEST-NET-1
                || within(0xC0A8_0000, 16)  // 192.168/16 private
                || within(0xC612_0000, 15)  // 198.18/15 benchmarking
                || within(0xC633_6400, 24)  // TEST-NET-2
                || within(0xCB00_7100, 24)  // TEST-NET-3
                || within(0xE000_0000, 4)  // multicast
                || within(0xF000_0000, 4)  // reserved and broadcast
        case .v6(let hi, let lo):
            if hi == 0 && (lo == 0 || lo == 1) { return true }  // unspecified, loopback
            if hi == 0x0064_FF9B_0000_0000 && lo >> 32 == 0 {  // NAT64: judge the IPv4 inside
                return IPAddress.v4(UInt32(truncatingIfNeeded: lo)).isNonPublic
            }
            if hi == 0x0100_0000_0000_0000 { return true }  // 100::/64 discard
            if hi >> 32 == 0x2001_0DB8 { return true }  // 2001:db8::/32 documentation
            if hi >> 44 == 0x3FFF0 { return true }  // 3fff::/20 documentation
            let top16 = hi >> 48
            if top16 & 0xFE00 == 0xFC00 { return true }  // fc00::/7 unique local
            if top16 & 0xFFC0 == 0xFE80 { return true }  // fe80::/10 link-local
            if top16 & 0xFFC0 == 0xFEC0 { return true }  // fec0::/10 site-local (deprecated)
            if top16 & 0xFF00 == 0xFF00 { return true }  // ff00::/8 multicast
            return false
        }
    }

    public var description: String {
        switch self {
        case .v4(let a):
            return "\(a >> 24).\(a >> 16 & 0xFF).\(a >> 8 & 0xFF).\(a & 0xFF)"
        case .v6(let hi, let lo):
            let groups =
                (0..<4).map { String(hi >> (48 - 16 * $0) & 0xFFFF, radix: 16) }
                + (0..<4).map { String(lo >> (48 - 16 * $0) & 0xFFFF, radix: 16) }
            return groups.joined(separator: ":")
        }
    }
}
