import Foundation
import Synchronization

/// An IP-to-country range table in Tor's `geoip` / `geoip6` text format (Debian `tor-geoipdb`).
///
/// Each line is `START,END,CC`: decimal integers for IPv4 (`16777216,16777471,AU`), IPv6
/// text for IPv6 (`2001:2::,2001:2:0:ffff:ffff:ffff:ffff:ffff,JP`); `#` starts a comment,
/// `??` marks an unknown range. The ranges are held in sorted parallel arrays and looked up
/// by binary search, so one lookup costs about 20 comparisons over 386k IPv4 ranges.
/// Tables are parsed by hand (the Debian files have 660k lines) and cached for the
/// process, never on disk.
public final class TorGeoIPTable: Sendable {
    public let path: String
    private let v4Starts: [UInt32]
    private let v4Ends: [UInt32]
    private let v4Codes: [UInt16]
    private let v6Starts: [UInt128]
    private let v6Ends: [UInt128]
    private let v6Codes: [UInt16]

    /// Number of IPv4 and IPv6 ranges.
    public var rangeCount: (v4: Int, v6: Int) { (v4Starts.count, v6Starts.count) }

    /// Loads a table, reusing one already loaded by this process from the same path.
    public static func load(path: String) throws -> TorGeoIPTable {
        if let table = cache.withLock({ $0[path] }) { return table }
        let table = try TorGeoIPTable(path: path)
        cache.withLock { $0[path] = table }
        return table
    }

    private static let cache = Mutex<[String: TorGeoIPTable]>([:])

    /// Parses a table file; malformed lines are an error naming the file and line.
    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GeoSpikeError(
                .noInput,
                "cannot read the GeoIP table \(path); install tor-geoipdb (make deps) or pass --geoip FILE.mmdb")
        }
        var v4 = (starts: [UInt32](), ends: [UInt32](), codes: [UInt16]())
        var v6 = (starts: [UInt128](), ends: [UInt128](), codes: [UInt16]())
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return }
            var lineStart = 0
            var lineNumber = 0
            while lineStart < bytes.count {
                let rest = bytes.count - lineStart
                var lineEnd = bytes.count
                if let newline = memchr(base + lineStart, 0x0A, rest) {
                    lineEnd = UnsafePointer<UInt8>(newline.assumingMemoryBound(to: UInt8.self)) - base
                }
                lineNumber += 1
                var end = lineEnd
                if end > lineStart, base[end - 1] == 0x0D { end -= 1 }  // \r
                defer { lineStart = lineEnd + 1 }
                if end == lineStart || base[lineStart] == 0x23 { continue }  // #
                func fail() -> GeoSpikeError {
                    let text = String(
                        decoding: UnsafeBufferPointer(start: base + lineStart, count: min(end - lineStart, 80)),
                        as: UTF8.self)
                    return GeoSpikeError.badData(
                        file: path, line: lineNumber,
                        "'\(text)' is not START,END,CC; is this a Tor geoip file? (or pass --geoip FILE.mmdb)")
                }
                var comma1 = lineStart
                while comma1 < end, base[comma1] != 0x2C { comma1 += 1 }  // ,
                var comma2 = comma1 + 1
                while comma2 < end, base[comma2] != 0x2C { comma2 += 1 }
                guard comma2 + 3 == end else { throw fail() }
                let code = CountryCode(byte0: base[comma2 + 1], byte1: base[comma2 + 2])?.packed ?? 0
                let startText = UnsafeBufferPointer(start: base + lineStart, count: comma1 - lineStart)
                let endText = UnsafeBufferPointer(start: base + comma1 + 1, count: comma2 - comma1 - 1)
                if let s = Self.integer(startText), let e = Self.integer(endText) {
                    guard s <= e, e <= UInt64(UInt32.max) else { throw fail() }
                    v4.starts.append(UInt32(s))
                    v4.ends.append(UInt32(e))
                    v4.codes.append(code)
                } else if case .v6(let sh, let sl)? = IPAddress.parse(startText),
                    case .v6(let eh, let el)? = IPAddress.parse(endText)
                {
                    let s = UInt128(sh) << 64 | UInt128(sl)
                    let e = UInt128(eh) << 64 | UInt128(el)
                    guard s <= e else { throw fail() }
                    v6.starts.append(s)
                    v6.ends.append(e)
                    v6.codes.append(code)
                } else {
                    throw fail()
                }
            }
        }
        (v4Starts, v4Ends, v4Codes) = Self.sorted(v4.starts, v4.ends, v4.codes)
        (v6Starts, v6Ends, v6Codes) = Self.sorted(v6.starts, v6.ends, v6.codes)
    }

    /// The country of an address, or nil when it is in no range or in a `??` range.
    public func country(of address: IPAddress) -> CountryCode? {
        let code: UInt16
        switch address {
        case .v4(let a): code = Self.search(a, v4Starts, v4Ends, v4Codes)
        case .v6(let hi, let lo): code = Self.search(UInt128(hi) << 64 | UInt128(lo), v6Starts, v6Ends, v6Codes)
        }
        return code == 0 ? nil : CountryCode(packed: code)
    }

    private static func search<T: FixedWidthInteger>(_ key: T, _ starts: [T], _ ends: [T], _ codes: [UInt16]) -> UInt16
    {
        starts.withUnsafeBufferPointer { starts in
            // The first range starting after the key; the one before it may hold the key.
            var low = 0
            var high = starts.count
            while low < high {
                let mid = (low + high) >> 1
                if starts[mid] <= key { low = mid + 1 } else { high = mid }
            }
            guard low > 0, key <= ends[low - 1] else { return 0 }
            return codes[low - 1]
        }
    }

    private static func integer(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard let base = text.baseAddress, !text.isEmpty, text.count <= 10 else { return nil }
        var value: UInt64 = 0
        for i in 0..<text.count {
            let d = base[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + UInt64(d)
        }
        return value
    }

    /// Debian's files are sorted; other exports may not be, so sort only when needed.
    private static func sorted<T: Comparable>(_ starts: [T], _ ends: [T], _ codes: [UInt16]) -> ([T], [T], [UInt16]) {
        if zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }) { return (starts, ends, codes) }
        let order = starts.indices.sorted { starts[$0] < starts[$1] }
        return (order.map { starts[$0] }, order.map { ends[$0] }, order.map { codes[$0] })
    }
}
