import CMaxMindDB
import Foundation

/// A MaxMind DB file (GeoLite2/GeoIP2 Country or City) read through Debian's libmaxminddb.
///
/// The file is memory-mapped once; lookups return `country.iso_code`, the field Elastic's
/// geoip processor puts in `destination.geo.country_iso_code`. Lookups are read-only on
/// the mapping, which libmaxminddb documents as safe from several threads.
public final class MaxMindDatabase: @unchecked Sendable {
    public let path: String
    private let handle: UnsafeMutablePointer<MMDB_s>
    /// `country`, `iso_code`, NULL: the lookup path, allocated once.
    private let lookupPath: UnsafeMutablePointer<UnsafePointer<CChar>?>

    /// Opens a database; a missing file is `.noInput`, a file that is not an MMDB `.badData`.
    public init(path: String) throws {
        self.path = path
        handle = .allocate(capacity: 1)
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        guard status == MMDB_SUCCESS else {
            handle.deallocate()
            let reason = String(cString: MMDB_strerror(status))
            if status == MMDB_FILE_OPEN_ERROR {
                throw GeoSpikeError(
                    .noInput, "cannot open the GeoIP database \(path): \(reason); check the --geoip path")
            }
            throw GeoSpikeError(
                .badData,
                "\(path) is not a readable MaxMind DB (\(reason)); pass a GeoLite2/GeoIP2 .mmdb file to --geoip")
        }
        lookupPath = .allocate(capacity: 3)
        lookupPath[0] = UnsafePointer(strdup("country"))
        lookupPath[1] = UnsafePointer(strdup("iso_code"))
        lookupPath[2] = nil
    }

    deinit {
        MMDB_close(handle)
        handle.deallocate()
        free(UnsafeMutablePointer(mutating: lookupPath[0]))
        free(UnsafeMutablePointer(mutating: lookupPath[1]))
        lookupPath.deallocate()
    }

    /// The database type from its metadata, e.g. `GeoLite2-Country`.
    public var databaseType: String {
        guard let type = handle.pointee.metadata.database_type else { return "" }
        return String(cString: type)
    }

    /// The country of an address, or nil when the database has no country for it.
    public func country(of address: IPAddress) -> CountryCode? {
        var error: Int32 = 0
        var result: MMDB_lookup_result_s
        switch address {
        case .v4(let a):
            var socket = sockaddr_in()
            socket.sin_family = sa_family_t(AF_INET)
            socket.sin_addr.s_addr = a.bigEndian
            result = withUnsafePointer(to: &socket) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { MMDB_lookup_sockaddr(handle, $0, &error) }
            }
        case .v6(let hi, let lo):
            var socket = sockaddr_in6()
            socket.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &socket.sin6_addr) { bytes in
                bytes.storeBytes(of: hi.bigEndian, toByteOffset: 0, as: UInt64.self)
                bytes.storeBytes(of: lo.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            result = withUnsafePointer(to: &socket) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { MMDB_lookup_sockaddr(handle, $0, &error) }
            }
        }
        guard error == MMDB_SUCCESS, result.found_entry else { return nil }
        var data = MMDB_entry_data_s()
        let status = MMDB_aget_value(&result.entry, &data, lookupPath)
        guard status == MMDB_SUCCESS, data.has_data, data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING),
            data.data_size == 2, let text = data.utf8_string
        else { return nil }
        return CountryCode(byte0: UInt8(bitPattern: text[0]), byte1: UInt8(bitPattern: text[1]))
    }
}
