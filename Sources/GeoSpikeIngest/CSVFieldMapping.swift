/// Which CSV columns hold the fields ingest needs; nil means "guess from the header".
///
/// Guessing covers the usual names (ECS dotted names, nfdump `ts`/`da`/`dp`, Argus
/// `StartTime`/`DstAddr`/`Dport`, `dst_ip`, `dstaddr`…), matched without regard to case.
public struct CSVFieldMapping: Sendable, Codable, Equatable {
    public var timeField: String?
    public var destinationIPField: String?
    public var countryField: String?
    public var sourceIPField: String?
    public var destinationPortField: String?
    public var processField: String?
    public var hostField: String?
    public var userField: String?

    public init(
        timeField: String? = nil, destinationIPField: String? = nil, countryField: String? = nil,
        sourceIPField: String? = nil, destinationPortField: String? = nil, processField: String? = nil,
        hostField: String? = nil, userField: String? = nil
    ) {
        self.timeField = timeField
        self.destinationIPField = destinationIPField
        self.countryField = countryField
        self.sourceIPField = sourceIPField
        self.destinationPortField = destinationPortField
        self.processField = processField
        self.hostField = hostField
        self.userField = userField
    }

    /// Column names tried, in order, when a field is not named explicitly.
    static let guesses: [CSVColumn: [String]] = [
        .time: [
            "@timestamp", "timestamp", "time", "ts", "starttime", "stime", "start", "first", "date first seen",
            "first seen", "datetime", "date", "event_time", "flow_start", "start_time", "receive_time",
        ],
        .destinationIP: [
            "destination.ip", "dst_ip", "dstip", "dst_addr", "dstaddr", "daddr", "da", "dst", "dest_ip", "destip",
            "destination_ip", "destination", "dst ip addr", "id.resp_h", "ipv4_dst_addr", "ipv6_dst_addr",
        ],
        .country: [
            "destination.geo.country_iso_code", "dst_country", "dst_cc", "dest_country", "destination_country",
            "country", "country_code", "cc", "destination.geo.country_name",
        ],
        .sourceIP: [
            "source.ip", "src_ip", "srcip", "src_addr", "srcaddr", "saddr", "sa", "src", "source_ip", "source",
            "src ip addr", "id.orig_h", "ipv4_src_addr", "ipv6_src_addr",
        ],
        .destinationPort: [
            "destination.port", "dst_port", "dstport", "dport", "dp", "dest_port", "destination_port", "dst pt",
            "id.resp_p", "l4_dst_port",
        ],
        .process: ["process.name", "process_name", "process", "app", "application"],
        .host: ["host.name", "host", "hostname", "host_name", "device", "observer.name"],
        .user: ["user.name", "user", "username", "user_name"],
    ]

    /// The explicitly named column for a field, if any.
    func explicitName(for column: CSVColumn) -> String? {
        switch column {
        case .time: return timeField
        case .destinationIP: return destinationIPField
        case .country: return countryField
        case .sourceIP: return sourceIPField
        case .destinationPort: return destinationPortField
        case .process: return processField
        case .host: return hostField
        case .user: return userField
        }
    }
}

/// The fields a CSV row can supply, with the option that names each one.
enum CSVColumn: Int, CaseIterable {
    case time, destinationIP, country, sourceIP, destinationPort, process, host, user

    var optionName: String {
        switch self {
        case .time: return "--time-field"
        case .destinationIP: return "--dst-ip-field"
        case .country: return "--country-field"
        case .sourceIP: return "--src-ip-field"
        case .destinationPort: return "--dst-port-field"
        case .process: return "--process-field"
        case .host: return "--host-field"
        case .user: return "--user-field"
        }
    }
}
