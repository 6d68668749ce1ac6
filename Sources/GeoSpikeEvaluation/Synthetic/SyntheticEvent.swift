import GeoSpikeIngest

/// One connection of the synthetic organisation, before it is written in some format.
struct SyntheticEvent: Sendable {
    /// How an ECS document spells its fields: exporters differ, sometimes in one file.
    enum ECSStyle: Sendable {
        /// Packetbeat / network_traffic flow: nested objects, geo enrichment.
        case nested
        /// Endpoint events flattened by an exporter: dotted keys throughout.
        case dotted
        /// Nested objects with the geo fields added as dotted keys by a later pipeline.
        case mixed
        /// Nested, without geo enrichment: only `destination.ip` says where it went.
        case addressOnly
    }

    /// How the connection ended, as Zeek's `conn_state` classes it.
    enum Outcome: Sendable {
        case completed, rejected, noReply, reset
    }

    /// Event time, microseconds since the epoch.
    var timeMicros: Int64
    var host: Int
    var sourcePort: Int
    var destination: SyntheticAddress
    /// The destination's country; nil for internal destinations.
    var country: CountryCode?
    var destinationPort: Int
    var transport: NetworkApplication.Transport
    var service: String?
    var processName: String
    var executable: String
    var bytesSent: Int
    var bytesReceived: Int
    var packetsSent: Int
    var packetsReceived: Int
    var durationMicros: Int64
    var outcome: Outcome
    var ecsStyle: ECSStyle
    /// A connection of Elastic's own agents: only ECS logs show it, and readers drop it.
    var isAgentTraffic: Bool = false
    /// Draws that decide whether, and how, a malformed line follows this one.
    var malformedDraw: Double = 1
    var junkSeed: UInt64 = 0
}
