/// The log formats the generator writes; each is what a real sensor or exporter emits.
public enum LogFormat: String, CaseIterable, Sendable, Codable {
    /// ECS NDJSON: Elastic Agent network_traffic / Packetbeat flows and endpoint network
    /// events, nested and dotted keys mixed, a few carrying only the destination IP.
    case ecs
    /// Zeek conn.log, tab-separated with the `#separator`/`#fields`/`#types` header.
    case zeek
    /// Zeek conn.log written by Zeek's JSON writer (`LogAscii::use_json=T`).
    case zeekJSON = "zeek-json"
    /// Suricata EVE JSON, `event_type: flow`.
    case suricata
    /// nfdump's `-o csv` flow export.
    case csv
    /// Counts CSV `bucket_start,country,count`: the hand-off format of distributed engines.
    case counts

    /// The file name the `synth` command writes when none is given.
    public var defaultFileName: String {
        switch self {
        case .ecs: return "ecs.ndjson.gz"
        case .zeek: return "conn.log.gz"
        case .zeekJSON: return "conn.json.gz"
        case .suricata: return "eve.json.gz"
        case .csv: return "nfdump.csv.gz"
        case .counts: return "counts.csv"
        }
    }
}
