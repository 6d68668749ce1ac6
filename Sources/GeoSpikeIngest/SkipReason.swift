/// Why an input line or event was not counted; every skip is reported in the summary.
public enum SkipReason: String, Codable, CodingKeyRepresentable, CaseIterable, Sendable {
    /// Not a well-formed record (truncated JSON, missing or bad timestamp, wrong column count).
    case malformed
    /// Not a network-flow event: `event.category` without `network`, a Suricata
    /// `event_type` other than flow/netflow, a Zeek log other than conn.
    case notNetwork
    /// `process.name` is on the excluded list (Beats, Elastic Agent).
    case excludedProcess
    /// The destination is private, loopback, link-local, multicast or otherwise non-public.
    case privateDestination
    /// No country in the record and none from GeoIP (or no destination at all).
    case unresolvedCountry
    /// A two-letter code that names no country: user-assigned (`XX`, `ZZ`, `AA`, `QM`–`QZ`,
    /// `XA`–`XZ` but Kosovo's `XK`) or unassigned. GeoIP's continent blocks `EU` and `AP`
    /// are counted as what they are.
    case unassignedCountry

    /// Words for the human report.
    public var phrase: String {
        switch self {
        case .malformed: return "malformed"
        case .notNetwork: return "not network"
        case .excludedProcess: return "excluded process"
        case .privateDestination: return "private destination"
        case .unresolvedCountry: return "unresolved country"
        case .unassignedCountry: return "unassigned country code"
        }
    }
}
