import Foundation

/// The organisation's machines: Windows workstations in two offices, MacBooks, and Linux
/// servers (backup, build, git, mail, proxy, Kubernetes nodes), with their activity.
struct HostInventory: Sendable {
    let hosts: [SyntheticHost]
    /// Cumulative activity, to draw the host of a connection.
    let cumulativeActivity: [Double]
    /// The server that runs the nightly backups.
    let backupHost: Int

    init(seed: UInt64, volume: Double) {
        var rng = SeededGenerator(seed: seed, stream: SyntheticStreams.hosts)
        let people = max(6, Int((56 * volume.squareRoot()).rounded()))
        var hosts: [SyntheticHost] = []
        var taken = Set<String>()
        for i in 0..<people {
            let user = Self.userName(&rng)
            let site = i % 3 == 2 ? "MUC" : "BER"
            // Workstations sit in 10.20.0.0/16 (Berlin) and 10.21.0.0/16 (Munich).
            let net: UInt32 = site == "BER" ? 0x0A14_0000 : 0x0A15_0000
            let address = net | UInt32(1 + i / 200) << 8 | UInt32(10 + i % 200)
            let activity = rng.logNormal(mu: 0, sigma: 0.8)
            if i % 7 == 6 {
                var name = "MBP-" + user.replacingOccurrences(of: ".", with: "-")
                if taken.contains(name) { name += "-\(i)" }
                taken.insert(name)
                hosts.append(
                    SyntheticHost(name: name, kind: .macLaptop, address: address, userName: user, activity: activity))
            } else {
                // Asset numbers grow with the hire order, so they never collide.
                let number = String(format: "%04d", 101 + 3 * i + rng.index(below: 3))
                hosts.append(
                    SyntheticHost(
                        name: "WS-\(site)-\(number)", kind: .windowsWorkstation, address: address,
                        userName: user, activity: activity))
            }
        }
        let servers = [
            "srv-backup-01", "srv-build-01", "srv-build-02", "srv-git-01", "srv-mail-01", "srv-proxy-01",
            "k8s-node-01", "k8s-node-02", "k8s-node-03", "srv-monitor-01",
        ]
        var backup = 0
        for (i, name) in servers.enumerated() {
            if name == "srv-backup-01" { backup = hosts.count }
            hosts.append(
                SyntheticHost(
                    name: name, kind: .linuxServer, address: 0x0A0A_0000 | UInt32(10 + i),
                    userName: nil, activity: rng.logNormal(mu: 0.3, sigma: 0.5)))
        }
        self.hosts = hosts
        cumulativeActivity = hosts.map(\.activity).runningTotals
        backupHost = backup
    }

    /// A host drawn in proportion to its activity.
    func drawHost(_ rng: inout SeededGenerator) -> Int {
        rng.pick(cumulative: cumulativeActivity)
    }

    /// A host of the given kinds, uniformly (attacks start on any machine of the kind).
    func drawHost(_ rng: inout SeededGenerator, kinds: Set<SyntheticHost.Kind>) -> Int {
        let candidates = hosts.indices.filter { kinds.contains(hosts[$0].kind) }
        guard !candidates.isEmpty else { return drawHost(&rng) }
        return candidates[rng.index(below: candidates.count)]
    }

    private static func userName(_ rng: inout SeededGenerator) -> String {
        let first = [
            "anna", "ben", "clara", "david", "emma", "felix", "greta", "hannes", "ida", "jonas",
            "karla", "lukas", "mia", "noah", "olga", "paul", "rosa", "sven", "tina", "yusuf",
        ]
        let last = [
            "schmidt", "mueller", "weber", "wagner", "becker", "hoffmann", "koch", "richter",
            "klein", "wolf", "neumann", "schwarz", "braun", "zimmermann", "krueger", "hartmann",
            "lange", "werner", "krause", "meier", "yilmaz", "nowak", "rossi", "silva",
        ]
        return first[rng.index(below: first.count)] + "." + last[rng.index(below: last.count)]
    }
}
