/// One network event as the readers see it, for code that decides per event
/// (the scorer's exceptions); the counting path does not build these.
public struct NetworkEvent: Sendable, Equatable {
    /// Epoch seconds, UTC.
    public var time: Double
    /// The destination country; nil when the event has none (see `skipReason`).
    public var country: CountryCode?
    /// Why the event was not counted: `.privateDestination` or `.unresolvedCountry`; nil when counted.
    public var skipReason: SkipReason?
    public var sourceIP: String?
    public var destinationIP: String?
    public var destinationPort: Int?
    public var processName: String?
    public var hostName: String?
    public var userName: String?

    public init(
        time: Double, country: CountryCode?, skipReason: SkipReason? = nil, sourceIP: String? = nil,
        destinationIP: String? = nil, destinationPort: Int? = nil, processName: String? = nil,
        hostName: String? = nil, userName: String? = nil
    ) {
        self.time = time
        self.country = country
        self.skipReason = skipReason
        self.sourceIP = sourceIP
        self.destinationIP = destinationIP
        self.destinationPort = destinationPort
        self.processName = processName
        self.hostName = hostName
        self.userName = userName
    }
}
