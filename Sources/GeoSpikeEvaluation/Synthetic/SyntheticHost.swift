/// One machine of the synthetic organisation: its name, address and what runs on it.
struct SyntheticHost: Sendable {
    enum Kind: Sendable { case windowsWorkstation, macLaptop, linuxServer }

    let name: String
    let kind: Kind
    /// The host's IPv4 address in 10.0.0.0/8.
    let address: UInt32
    /// The person logged on, for workstations.
    let userName: String?
    /// Relative share of the organisation's connections this host makes.
    let activity: Double

    var osFamily: String {
        switch kind {
        case .windowsWorkstation: return "windows"
        case .macLaptop: return "macos"
        case .linuxServer: return "linux"
        }
    }
}
