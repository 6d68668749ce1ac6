import Testing

@testable import GeoSpikeIngest

@Suite("IP addresses")
struct IPAddressTests {
    @Test func parsesIPv4() {
        #expect(IPAddress("89.160.20.156") == .v4(0x59A0_149C))
        #expect(IPAddress("0.0.0.0") == .v4(0))
        #expect(IPAddress("255.255.255.255") == .v4(UInt32.max))
        for bad in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4 ", "a.b.c.d", "", "1.2.3.1234"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func parsesIPv6InAllItsSpellings() {
        #expect(IPAddress("2001:218::1") == .v6(0x2001_0218_0000_0000, 1))
        #expect(IPAddress("2001:0218:0000:0000:0000:0000:0000:0001") == .v6(0x2001_0218_0000_0000, 1))
        #expect(IPAddress("::") == .v6(0, 0))
        #expect(IPAddress("::1") == .v6(0, 1))
        #expect(IPAddress("fe80::1c2b:3aff:fe4d:5e6f%eth0") == .v6(0xFE80_0000_0000_0000, 0x1C2B_3AFF_FE4D_5E6F))
        #expect(IPAddress("[2a02:cf40::1]") == .v6(0x2A02_CF40_0000_0000, 1))
        #expect(IPAddress("64:ff9b::192.0.2.33") == .v6(0x0064_FF9B_0000_0000, 0xC000_0221))
        #expect(IPAddress("2001:db8::") == .v6(0x2001_0DB8_0000_0000, 0))
        for bad in ["2001:::1", "1::2::3", "12345::1", "2001:db8:0:0:0:0:0:0:1", ":1", "1:", "g::1", "1:2:3:4:5:6:7"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func ipv6TextParsesAsPythonsIPAddressModuleSays() throws {
        let table = try IPv6ReferenceTable()
        #expect(table.rows.count > 1000 && table.rows.contains { $0.address == nil })
        for row in table.rows {
            let parsed = Self.parseV6(row.text)
            #expect(parsed?.0 == row.address?.hi && parsed?.1 == row.address?.lo, "'\(row.text)'")
            guard let (hi, lo) = row.address else { continue }
            let expected: IPAddress = row.ipv4Mapped.map { .v4($0) } ?? .v6(hi, lo)
            #expect(IPAddress(row.text) == expected, "'\(row.text)'")
        }
    }

    /// `parseV6` on the text, with a comma after it that it must not read.
    static func parseV6(_ text: String) -> (UInt64, UInt64)? {
        let bytes = Array(text.utf8) + [UInt8(ascii: ",")]
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { IPAddress.parseV6($0, count: buffer.count - 1) }
        }
    }

    @Test func whereParsingIsLooserThanPython() {
        // Leading zeros in dotted octets, as in IPv4 alone; any zone id, even an empty one.
        #expect(IPAddress("::ffff:01.002.3.4") == .v4(0x0102_0304))
        #expect(IPAddress("64:ff9b::010.0.0.1") == .v6(0x0064_FF9B_0000_0000, 0x0A00_0001))
        #expect(IPAddress("fe80::1%") == .v6(0xFE80_0000_0000_0000, 1))
        #expect(IPAddress("fe80::1%a%b") == .v6(0xFE80_0000_0000_0000, 1))
        #expect(IPAddress("::%") == .v6(0, 0))
        #expect(IPAddress("1:%eth0") == nil)
    }

    @Test func ipv4MappedAddressesAreIPv4() {
        #expect(IPAddress("::ffff:89.160.20.156") == .v4(0x59A0_149C))
        #expect(IPAddress("::ffff:59a0:149c") == .v4(0x59A0_149C))
    }

    @Test func nonPublicDestinationsBelongToNoCountry() {
        let nonPublic = [
            "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "169.254.10.10", "100.64.0.1",
            "100.127.255.254", "224.0.0.251", "239.255.255.250", "255.255.255.255", "0.1.2.3", "192.0.2.7",
            "198.51.100.1", "203.0.113.9", "198.18.0.1", "240.0.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
            "ff02::fb", "2001:db8::1", "64:ff9b::10.0.0.1", "3fff::1",
        ]
        for text in nonPublic {
            #expect(IPAddress(text)?.isNonPublic == true, "\(text)")
        }
        let public_ = [
            "89.160.20.156", "8.8.8.8", "172.32.0.1", "100.128.0.1", "172.15.255.255", "2001:218::1", "2a02:cf40::1",
            "64:ff9b::8.8.8.8", "2001:4860:4860::8888",
        ]
        for text in public_ {
            #expect(IPAddress(text)?.isNonPublic == false, "\(text)")
        }
    }
}
