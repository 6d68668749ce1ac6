import GeoSpikeIngest

/// An IPv4 or IPv6 network in CIDR notation (`10.20.0.0/16`, `2001:db8::/32`), or one
/// address (a /32 or /128), for exception conditions on `source.ip` and `destination.ip`.
public struct CIDRBlock: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`.
    ///
    /// A network with bits set beyond its prefix (`10.1.2.3/8`) is rejected rather than
    /// masked: in an exception it almost always means the author meant one host and wrote
    /// a whole /8, which would silence far more traffic than intended.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(parts[0].trimmingSpaces) else {
            throw CIDRError("'\(text)' is not an IP address or CIDR block (e.g. 10.20.0.0/16 or 2001:db8::/32)")
        }
        let width = address.bitWidth
        var prefix = width
        if parts.count == 2 {
            guard let p = Int(parts[1].trimmingSpaces), (0...width).contains(p) else {
                throw CIDRError("'\(text)': the prefix length after '/' must be 0 to \(width)")
            }
            prefix = p
        }
        guard address.masked(to: prefix) == address else {
            let networkText = address.masked(to: prefix).description
            throw CIDRError(
                "'\(text)' has address bits set beyond /\(prefix): write \(networkText)/\(prefix) for the whole network, or \(address)/\(width) for one address")
        }
        network = address
        prefixLength = prefix
    }

    /// True when `address` lies in the block (IPv4 never matches an IPv6 block, and back).
    public func contains(_ address: IPAddress) -> Bool {
        address.bitWidth == network.bitWidth && address.masked(to: prefixLength) == network
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

/// Why text is not a CIDR block; callers add the file and line.
public struct CIDRError: Error, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
}

extension IPAddress {
    var bitWidth: Int {
        if case .v4 = self { return 32 }
        return 128
    }

    /// The address with every bit after the first `prefix` cleared.
    func masked(to prefix: Int) -> IPAddress {
        switch self {
        case .v4(let a):
            return .v4(prefix == 0 ? 0 : a & ~UInt32(0) << (32 - prefix))
        case .v6(let hi, let lo):
            func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? ~0 : ~UInt64(0) << (64 - bits) }
            return .v6(hi & mask(prefix), lo & mask(prefix - 64))
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self.drop { $0 == " " }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
