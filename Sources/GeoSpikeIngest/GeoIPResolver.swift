import Foundation

/// Turns destination addresses into countries: a MaxMind DB, Tor range tables, or nothing.
///
/// Non-public destinations never reach a database (they belong to no country). Results
/// are remembered in a fixed-size, direct-mapped cache, because logs repeat the same
/// destinations and a MaxMind lookup walks a tree; the cache does not grow with the
/// number of distinct addresses. Tor tables are parsed on first use, IPv4 and IPv6
/// separately, so a run that never sees IPv6 never pays for the IPv6 table.
public final class GeoIPResolver {
    /// Where Debian's `tor-geoipdb` installs its tables.
    public static let torDirectory = "/usr/share/tor"

    /// The outcome of resolving one address.
    public enum Resolution: Equatable, Sendable {
        case country(CountryCode)
        /// Private, loopback, link-local, multicast, documentation, CGNAT and the like.
        case nonPublic
        /// No database, or the database has no country for the address.
        case unresolved
    }

    private enum Source {
        case none
        case maxMind(MaxMindDatabase)
        case tor(v4Path: String?, v6Path: String?)
    }

    private let source: Source
    private var torV4: TorGeoIPTable?
    private var torV6: TorGeoIPTable?
    /// Human-readable description of the database in use, for the run summary.
    public let sourceDescription: String

    private static let cacheSize = 1 << 16
    // Pointer storage: the cache is touched for every event, and array properties of a
    // class pay a runtime exclusivity check on each access.
    private let cacheHigh: UnsafeMutablePointer<UInt64>
    private let cacheLow: UnsafeMutablePointer<UInt64>
    private let cacheValue: UnsafeMutablePointer<UInt16>

    /// Opens the database that `spec` names.
    ///
    /// `spec` is nil for the default (Tor tables when installed, else none), `"none"`, a
    /// `.mmdb` file, a Tor table file (`geoip` also loads a `geoip6` beside it), or a
    /// directory holding `geoip` and `geoip6`.
    public init(spec: String?) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        switch spec {
        case nil:
            let v4 = Self.torDirectory + "/geoip"
            let v6 = Self.torDirectory + "/geoip6"
            let hasV4 = fileManager.fileExists(atPath: v4)
            let hasV6 = fileManager.fileExists(atPath: v6)
            if hasV4 || hasV6 {
                source = .tor(v4Path: hasV4 ? v4 : nil, v6Path: hasV6 ? v6 : nil)
                sourceDescription = "tor-geoipdb (\(Self.torDirectory))"
            } else {
                source = .none
                sourceDescription = "none (install tor-geoipdb or pass --geoip FILE.mmdb)"
            }
        case "none"?:
            source = .none
            sourceDescription = "none (--geoip none)"
        case let path?:
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw GeoSpikeError(
                    .noInput, "GeoIP database \(path) does not exist; pass --geoip FILE.mmdb, a Tor geoip file, or none"
                )
            }
            if isDirectory.boolValue {
                let v4 = path + "/geoip"
                let v6 = path + "/geoip6"
                let hasV4 = fileManager.fileExists(atPath: v4)
                let hasV6 = fileManager.fileExists(atPath: v6)
                guard hasV4 || hasV6 else {
                    throw GeoSpikeError(.noInput, "GeoIP directory \(path) has neither geoip nor geoip6 in it")
                }
                source = .tor(v4Path: hasV4 ? v4 : nil, v6Path: hasV6 ? v6 : nil)
            } else if Self.looksBinary(path) {
                source = .maxMind(try MaxMindDatabase(path: path))
            } else {
                let sibling = (path as NSString).deletingLastPathComponent + "/geoip6"
                let v6 = (path as NSString).lastPathComponent == "geoip" && fileManager.fileExists(atPath: sibling)
                source = .tor(v4Path: path, v6Path: v6 ? sibling : nil)
            }
            sourceDescription = path
        }
        cacheHigh = .allocate(capacity: Self.cacheSize)
        cacheHigh.initialize(repeating: 0, count: Self.cacheSize)
        cacheLow = .allocate(capacity: Self.cacheSize)
        cacheLow.initialize(repeating: 0, count: Self.cacheSize)
        cacheValue = .allocate(capacity: Self.cacheSize)
        cacheValue.initialize(repeating: 0, count: Self.cacheSize)
    }

    deinit {
        cacheHigh.deallocate()
        cacheLow.deallocate()
        cacheValue.deallocate()
    }

    /// True when any database is configured.
    public var hasDatabase: Bool {
        if case .none = source { return false }
        return true
    }

    /// Resolves an address, loading a Tor table on first need (which can fail).
    public func resolve(_ address: IPAddress) throws -> Resolution {
        if address.isNonPublic { return .nonPublic }
        // Non-public space includes :: and ff00::/8, so (0, 0) and (all ones, _) are free as keys.
        let high: UInt64
        let low: UInt64
        switch address {
        case .v4(let a): (high, low) = (UInt64.max, UInt64(a))
        case .v6(let h, let l): (high, low) = (h, l)
        }
        var hash = (high &* 0x9E37_79B9_7F4A_7C15) ^ (low &* 0xC2B2_AE3D_27D4_EB4F)
        hash ^= hash >> 29
        let slot = Int(truncatingIfNeeded: hash) & (Self.cacheSize - 1)
        if cacheHigh[slot] == high, cacheLow[slot] == low {
            let packed = cacheValue[slot]
            return packed == 0 ? .unresolved : .country(CountryCode(packed: packed))
        }
        let country = try lookup(address)
        cacheHigh[slot] = high
        cacheLow[slot] = low
        cacheValue[slot] = country?.packed ?? 0
        return country.map { .country($0) } ?? .unresolved
    }

    private func lookup(_ address: IPAddress) throws -> CountryCode? {
        switch source {
        case .none:
            return nil
        case .maxMind(let database):
            return database.country(of: address)
        case .tor(let v4Path, let v6Path):
            switch address {
            case .v4:
                guard let v4Path else { return nil }
                if torV4 == nil { torV4 = try TorGeoIPTable.load(path: v4Path) }
                return torV4?.country(of: address)
            case .v6:
                guard let v6Path else { return nil }
                if torV6 == nil { torV6 = try TorGeoIPTable.load(path: v6Path) }
                return torV6?.country(of: address)
            }
        }
    }

    /// MaxMind DBs are binary; Tor tables are text. A NUL or control byte early decides.
    private static func looksBinary(_ path: String) -> Bool {
        if path.hasSuffix(".mmdb") { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 4096)
        return head.contains { $0 == 0 || ($0 < 9) || ($0 > 13 && $0 < 32) }
    }
}
