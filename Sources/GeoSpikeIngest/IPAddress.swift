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

    /// Parses IPv6 text: groups before `::` shift into `head`, groups after it into `tail`,
    /// and the gap is the zero groups between them.
    static func parseV6(_ p: UnsafePointer<UInt8>, count: Int) -> (UInt64, UInt64)? {
        var n = count
        for i in 0..<count where p[i] == UInt8(ascii: "%") {
            n = i
            break
        }
        guard n >= 2 else { return nil }
        var head: UInt128 = 0
        var tail: UInt128 = 0
        var headGroups = 0
        var tailGroups = 0
        var sawGap = false
        var i = 0
        if p[0] == UInt8(ascii: ":") {
            guard p[1] == UInt8(ascii: ":") else { return nil }
            sawGap = true
            i = 2
        }
        while i < n {
            var value: UInt32 = 0
            var digits = 0
            var j = i
            while j < n, let h = hexValue(p[j]) {
                value = value << 4 | UInt32(h)
                digits += 1
                j += 1
            }
            if j < n, p[j] == UInt8(ascii: ".") {
                // An embedded IPv4 tail fills the last two groups.
                guard let v4 = parseV4(p + i, count: n - i) else { return nil }
                if sawGap {
                    tail = tail << 32 | UInt128(v4)
                    tailGroups += 2
                } else {
                    head = head << 32 | UInt128(v4)
                    headGroups += 2
                }
                i = n
                break
            }
            guard digits > 0, digits <= 4 else { return nil }
            if sawGap {
                tail = tail << 16 | UInt128(value)
                tailGroups += 1
            } else {
                head = head << 16 | UInt128(value)
                headGroups += 1
            }
            i = j
            if i < n {
                guard p[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                if i < n, p[i] == UInt8(ascii: ":") {
                    guard !sawGap else { return nil }
                    sawGap = true
                    i += 1
                } else if i == n {
                    return nil
                }
            }
        }
        let groups = headGroups + tailGroups
        let address: UInt128
        if sawGap {
            guard groups < 8 else { return nil }
            address = head << (16 * (8 - headGroups)) | tail
        } else {
            guard groups == 8 else { return nil }
            address = head
        }
        return (UInt64(truncatingIfNeeded: address >> 64), UInt64(truncatingIfNeeded: address))
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
