/// Reads NDJSON network events: ECS documents, Suricata EVE, Zeek JSON logs.
///
/// The three differ only in field names and in what marks a countable event, so one
/// byte scanner serves them all with a different set of paths.
struct JSONEventParser: EventLineParser {
    enum Dialect {
        case ecs, suricata, zeek
    }

    // Field slots, the same for every dialect.
    private static let time = 0, kind = 1, countryCode = 2, countryName = 3, destinationIP = 4
    private static let sourceIP = 5, destinationPort = 6, process = 7, host = 8, user = 9

    let dialect: Dialect
    private let scanner: JSONFieldScanner
    /// Each field's first path, for messages.
    private let fieldNames: [String]

    init(dialect: Dialect) {
        self.dialect = dialect
        let paths: [[String]]
        switch dialect {
        case .ecs:
            paths = [
                ["@timestamp"], ["event.category"], ["destination.geo.country_iso_code"],
                ["destination.geo.country_name"], ["destination.ip"], ["source.ip"], ["destination.port"],
                ["process.name"], ["host.name"], ["user.name"],
            ]
        case .suricata:
            paths = [["timestamp"], ["event_type"], [], [], ["dest_ip"], ["src_ip"], ["dest_port"], [], ["host"], []]
        case .zeek:
            // Zeek writes `id.resp_h`; some shippers rename dots to underscores.
            paths = [
                ["ts"], ["_path"], ["resp_cc"], [], ["id.resp_h", "id_resp_h"], ["id.orig_h", "id_orig_h"],
                ["id.resp_p", "id_resp_p"], [], ["_node_name"], [],
            ]
        }
        scanner = JSONFieldScanner(fields: paths)
        fieldNames = paths.map { $0.first ?? "" }
    }

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into fields: inout EventFields)
        -> LineOutcome
    {
        guard scanner.scan(line) else {
            return .malformed(
                line.count > 0 && line.last != UInt8(ascii: "}") ? "truncated JSON object" : "not a valid JSON object")
        }
        if scanner.conflictingField >= 0 {
            return .malformed("\(fieldNames[scanner.conflictingField]) is given twice with different values")
        }
        let timeName: String
        switch dialect {
        case .ecs: timeName = "@timestamp"
        case .suricata: timeName = "timestamp"
        case .zeek: timeName = "ts"
        }
        guard let timeText = scanner.scalar(Self.time) else { return .malformed("no \(timeName)") }
        let isNumber = scanner.value(Self.time).kind == .number
        let time: Double?
        if isNumber {
            // Zeek's ts is seconds; an ECS @timestamp written as a number is usually milliseconds.
            time = Timestamp.parseEpoch(timeText, guessUnit: dialect != .zeek)
        } else {
            time = Timestamp.parseDateTime(timeText)?.seconds
        }
        guard let time else { return .malformed("\(timeName) '\(timeText.text.prefix(40))' is not a timestamp") }
        fields.time = time
        fields.destinationIP = scanner.string(Self.destinationIP)
        fields.sourceIP = scanner.string(Self.sourceIP)
        fields.destinationPort = scanner.scalar(Self.destinationPort)
        fields.countryCode = scanner.string(Self.countryCode)
        fields.countryName = scanner.string(Self.countryName)
        fields.processName = scanner.string(Self.process)
        fields.hostName = scanner.string(Self.host)
        fields.userName = scanner.string(Self.user)
        switch dialect {
        case .ecs:
            // The datafeed's query: event.category is network, or the document does not say.
            if scanner.contains(Self.kind, "network") == false { return .skipped(.notNetwork) }
        case .suricata:
            guard let type = scanner.string(Self.kind) else { return .malformed("no event_type") }
            if !(type.elementsEqual("flow".utf8) || type.elementsEqual("netflow".utf8)) { return .skipped(.notNetwork) }
        case .zeek:
            if let path = scanner.string(Self.kind), !path.elementsEqual("conn".utf8) { return .skipped(.notNetwork) }
        }
        return .event
    }
}
