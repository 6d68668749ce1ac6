import GeoSpikeIngest

/// Decides, event by event, which exception (if any) excepts it.
///
/// Entries are indexed by country, so an event to a country nobody wrote an exception
/// for costs one dictionary lookup; names are normalised once, here, not per event.
public struct ExceptionMatcher: Sendable {
    /// One entry's conditions, normalised for comparison.
    struct Conditions: Sendable {
        let sourceNetworks: [CIDRBlock]
        let destinationNetworks: [CIDRBlock]
        let destinationPorts: Set<Int>
        let hostNames: Set<String>
        let userNames: Set<String>
        let processNames: Set<String>
        let country: CountryCode

        init(_ entry: ExceptionEntry) {
            country = entry.country
            sourceNetworks = entry.sourceNetworks
            destinationNetworks = entry.destinationNetworks
            destinationPorts = Set(entry.destinationPorts)
            hostNames = Set(entry.hostNames.map { $0.lowercased() })
            userNames = Set(entry.userNames.map { $0.lowercased() })
            processNames = Set(entry.processNames.map(Self.processKey))
        }

        func matches(_ event: NetworkEvent) -> Bool {
            guard event.country == country else { return false }
            if !destinationPorts.isEmpty {
                guard let port = event.destinationPort, destinationPorts.contains(port) else { return false }
            }
            if !hostNames.isEmpty {
                guard let host = event.hostName, hostNames.contains(host.lowercased()) else { return false }
            }
            if !userNames.isEmpty {
                guard let user = event.userName, userNames.contains(user.lowercased()) else { return false }
            }
            if !processNames.isEmpty {
                guard let process = event.processName, processNames.contains(Self.processKey(process)) else {
                    return false
                }
            }
            // Addresses last: parsing them is the dearest check.
            if !sourceNetworks.isEmpty, !Self.address(event.sourceIP, isIn: sourceNetworks) { return false }
            if !destinationNetworks.isEmpty, !Self.address(event.destinationIP, isIn: destinationNetworks) {
                return false
            }
            return true
        }

        static func address(_ text: String?, isIn networks: [CIDRBlock]) -> Bool {
            guard let text, let address = IPAddress(text) else { return false }
            return networks.contains { $0.contains(address) }
        }

        /// Lower case without a trailing `.exe`, as ingest's process exclusion list compares.
        static func processKey(_ name: String) -> String {
            let lower = name.lowercased()
            return lower.count > 4 && lower.hasSuffix(".exe") ? String(lower.dropLast(4)) : lower
        }
    }

    private let byCountry: [CountryCode: [(index: Int, conditions: Conditions)]]

    /// A matcher for `entries`; indices in its answers are positions in that array.
    public init(_ entries: [ExceptionEntry]) {
        var byCountry: [CountryCode: [(index: Int, conditions: Conditions)]] = [:]
        for (i, entry) in entries.enumerated() {
            byCountry[entry.country, default: []].append((i, Conditions(entry)))
        }
        self.byCountry = byCountry
    }

    /// Countries that at least one entry names.
    public var countries: Set<CountryCode> { Set(byCountry.keys) }

    /// The index of the first entry (in file order) that excepts `event`, or nil.
    ///
    /// First match wins so that an event is removed once however many entries cover it,
    /// and the per-exception counts add up to the events removed.
    public func firstMatch(_ event: NetworkEvent) -> Int? {
        guard let country = event.country, let candidates = byCountry[country] else { return nil }
        return candidates.first { $0.conditions.matches(event) }?.index
    }
}
