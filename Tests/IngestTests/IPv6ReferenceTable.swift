import Foundation

/// `Fixtures/ipv6_addresses.csv` from `make_ipv6_table.py`: IPv6 texts and what Python's
/// `ipaddress` makes of them.
struct IPv6ReferenceTable {
    struct Row {
        let text: String
        /// The address as high and low 64 bits; nil when Python rejects the text.
        let address: (hi: UInt64, lo: UInt64)?
        /// The IPv4 address inside an IPv4-mapped one.
        let ipv4Mapped: UInt32?
    }

    let rows: [Row]

    init() throws {
        let text = try String(contentsOfFile: Fixture.path("ipv6_addresses.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst()  // the header
        rows = try lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            func bad() -> IPv6ReferenceTableError {
                IPv6ReferenceTableError(message: "ipv6_addresses.csv: '\(line)' is not text,address,ipv4_mapped")
            }
            guard fields.count == 3 else { throw bad() }
            var address: (UInt64, UInt64)?
            if !fields[1].isEmpty {
                guard fields[1].count == 32, let hi = UInt64(fields[1].prefix(16), radix: 16),
                    let lo = UInt64(fields[1].suffix(16), radix: 16)
                else { throw bad() }
                address = (hi, lo)
            }
            var mapped: UInt32?
            if !fields[2].isEmpty {
                let octets = fields[2].split(separator: ".").compactMap { UInt8($0) }
                guard octets.count == 4 else { throw bad() }
                mapped = octets.reduce(0) { $0 << 8 | UInt32($1) }
            }
            return Row(text: String(fields[0]), address: address, ipv4Mapped: mapped)
        }
    }
}

struct IPv6ReferenceTableError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
