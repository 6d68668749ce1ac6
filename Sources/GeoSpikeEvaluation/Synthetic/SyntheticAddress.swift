/// An IPv4 or IPv6 address as numbers, written out only when a line is formatted.
enum SyntheticAddress: Sendable, Hashable {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }
}
