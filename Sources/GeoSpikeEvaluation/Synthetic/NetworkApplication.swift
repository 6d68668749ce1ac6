/// A program that makes outbound connections, with the ports it uses and how many bytes
/// its connections carry.
struct NetworkApplication: Sendable {
    /// One way the program connects: destination port, transport and the service Zeek
    /// and Suricata would recognise on it.
    struct Endpoint: Sendable {
        let port: Int
        let transport: Transport
        /// Zeek's `service` / Suricata's `app_proto`, nil when unrecognised.
        let service: String?
        let weight: Double
    }

    enum Transport: Sendable {
        case tcp, udp
        var name: String { self == .tcp ? "tcp" : "udp" }
    }

    let processName: String
    /// Where the executable lives, as `process.executable` shows it.
    let executable: String
    let endpoints: [Endpoint]
    /// Log-normal parameters (of ln bytes) for bytes sent and received per connection.
    let sentLogMean: Double
    let receivedLogMean: Double
    let logSD: Double

    static let https = Endpoint(port: 443, transport: .tcp, service: "ssl", weight: 1)

    static func web(httpShare: Double) -> [Endpoint] {
        [
            Endpoint(port: 443, transport: .tcp, service: "ssl", weight: 1 - httpShare - 0.02),
            Endpoint(port: 80, transport: .tcp, service: "http", weight: httpShare),
            Endpoint(port: 8080, transport: .tcp, service: "http", weight: 0.01),
            Endpoint(port: 8443, transport: .tcp, service: "ssl", weight: 0.01),
        ]
    }
}
