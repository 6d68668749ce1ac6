import Foundation
import Synchronization

/// An IP-to-country range table in Tor's `geoip` / `geoip6` text format (Debian `tor-geoipdb`).
///
/// Each line is `START,END,CC`: decimal integers for IPv4 (`16777216,16777471,AU`), IPv6
/// text for IPv6 (`2001:2::,2001:2:0:ffff:ffff:ffff:ffff:ffff,JP`); `#` starts a comment,
/// `??` marks an unknown range. Tables are parsed by hand (the Debian files have 660k
/// lines) and cached for the process; only what the check of a file found is kept on disk
/// (`SurveyCache`), so that a run does not check the same 25 MB again.
///
/// Loading is what a scorer run pays for, for a batch of a few hundred events, so the
/// file is mapped and checked line by line, but not copied into arrays when it needs no
/// sorting: a file of one family in order (Debian's are) is binary-searched in place, one
/// lookup reading about 20 lines (about 1 µs for IPv4, 4 µs for IPv6). Once a process has
/// made `textLookupsBeforeArrays` such lookups (a large ingest with many distinct
/// destinations), the ranges are read into sorted parallel arrays, where a lookup costs
/// about 0.1 µs; a file that mixes families or is out of order gets them at load. Either
/// way a malformed line is an error at load, in every run: only a file that passed is remembered.
public final class TorGeoIPTable: Sendable {
    public let path: String
    /// The checked file when it is of one family and in order; nil when it was read into arrays.
    private let text: SortedText?
    /// The ranges in arrays: from the load for a file that needed sorting, else built
    /// after `textLookupsBeforeArrays` lookups in the text.
    private let index = AtomicLazyReference<RangeIndex>()
    private let textLookups = Atomic<Int>(0)
    /// Whether the load took the survey from the `SurveyCache` instead of checking the file.
    let surveyWasRemembered: Bool

    /// Text lookups after which the arrays are built: about what building them costs.
    static let textLookupsBeforeArrays = 16_384

    /// A checked table file of one family, in order, and where its first range line starts.
    private struct SortedText: Sendable {
        let file: FileBytes
        let firstRange: Int
        let survey: Survey
    }

    /// A table file's bytes: mapped, or read when the file cannot be mapped.
    enum FileBytes: Sendable {
        case mapped(MappedFile)
        case read(Data)

        init(path: String) throws {
            // Not populated: with a remembered survey, a run reads only the pages it bisects.
            if let file = MappedFile(path: path, populate: false) {
                self = .mapped(file)
            } else if let data = FileManager.default.contents(atPath: path) {
                self = .read(data)
            } else {
                throw GeoSpikeError(
                    .noInput,
                    "cannot read the GeoIP table \(path); install tor-geoipdb (make deps) or pass --geoip FILE.mmdb")
            }
        }

        /// The mapped file's identity, for the `SurveyCache`; nil for a file that was read.
        var identity: String? {
            if case .mapped(let file) = self { return file.identity }
            return nil
        }

        var count: Int { withBytes(\.count) }

        func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            switch self {
            case .mapped(let file): return try body(file.bytes)
            case .read(let data): return try data.withUnsafeBytes { try body($0.bindMemory(to: UInt8.self)) }
            }
        }
    }

    /// Number of IPv4 and IPv6 ranges.
    public var rangeCount: (v4: Int, v6: Int) {
        if let text { return (text.survey.v4Ranges, text.survey.v6Ranges) }
        let arrays = index.load()?.arrays
        return (arrays?.v4Starts.count ?? 0, arrays?.v6Starts.count ?? 0)
    }

    /// Loads a table, reusing one already loaded by this process from the same path.
    public static func load(path: String) throws -> TorGeoIPTable {
        if let table = cache.withLock({ $0[path] }) { return table }
        let table = try TorGeoIPTable(path: path)
        cache.withLock { $0[path] = table }
        return table
    }

    private static let cache = Mutex<[String: TorGeoIPTable]>([:])

    /// Maps and checks a table file; malformed lines are an error naming the file and line.
    /// A file that `surveyCache` remembers as checked is not checked again.
    public init(path: String, surveyCache: SurveyCache? = .standard) throws {
        self.path = path
        let file = try FileBytes(path: path)
        let identity = file.identity
        let remembered = identity.flatMap { surveyCache?.survey(of: $0) }
        if remembered == nil, case .mapped(let mapped) = file { mapped.populate() }
        let (survey, arrays) = try file.withBytes { bytes in
            let survey = try remembered ?? Self.survey(bytes, path: path)
            let arrays = survey.isSortedText ? nil : try Self.rangeArrays(bytes, survey: survey, path: path)
            return (survey, arrays)
        }
        if remembered == nil, let identity, let surveyCache, file.count >= surveyCache.minimumBytes {
            surveyCache.remember(survey, of: identity)
        }
        surveyWasRemembered = remembered != nil
        if let arrays {
            text = nil
            index.storeIfNil(RangeIndex(arrays))
        } else {
            text = SortedText(file: file, firstRange: survey.firstRange ?? 0, survey: survey)
        }
    }

    /// The country of an address, or nil when it is in no range or in a `??` range.
    public func country(of address: IPAddress) -> CountryCode? {
        let code: UInt16
        if let index = index.load() {
            code = index.code(of: address)
        } else if let text {
            code = text.file.withBytes { Self.search(address, inLines: $0, from: text.firstRange) }
            if textLookups.add(1, ordering: .relaxed).newValue == Self.textLookupsBeforeArrays,
                // Checked at load, so this cannot fail; if it did, the text would go on answering.
                let arrays = try? text.file.withBytes({ try Self.rangeArrays($0, survey: text.survey, path: path) })
            {
                index.storeIfNil(RangeIndex(arrays))
            }
        } else {
            code = 0
        }
        return code == 0 ? nil : CountryCode(packed: code)
    }

    /// Binary search over the lines of a checked, sorted file of one family: the last range
    /// starting at or before the address, if it holds it.
    ///
    /// Positions are bytes: a probe backs up from the middle of [low, high) to the start of
    /// its line and reads the first range line from there; `low` always starts a line.
    private static func search(_ address: IPAddress, inLines bytes: UnsafeBufferPointer<UInt8>, from first: Int)
        -> UInt16
    {
        guard let base = bytes.baseAddress else { return 0 }
        var low = first
        var high = bytes.count
        var best: (end: UInt128, code: UInt16)?
        let key: UInt128
        switch address {
        case .v4(let a): key = UInt128(a)
        case .v6(let hi, let lo): key = UInt128(hi) << 64 | UInt128(lo)
        }
        while low < high {
            var probe = low + (high - low) / 2
            while probe > low, base[probe - 1] != 0x0A { probe -= 1 }  // \n
            // The first range line at or after the probe, before `high`; lines were checked at load.
            var lineStart = probe
            var found: (start: UInt128, end: UInt128, code: UInt16, next: Int)?
            while lineStart < high {
                guard
                    let (line, next) = try? Self.line(
                        base, from: lineStart, count: bytes.count, lineNumber: 0, path: "")
                else { return 0 }
                switch (line, address) {
                case (.v4(let s, let e, let c), .v4): found = (UInt128(s), UInt128(e), c, next)
                case (.v6(let s, let e, let c), .v6): found = (s, e, c, next)
                case (.none, _): break
                default: return 0  // the other family's table
                }
                if found != nil { break }
                lineStart = next
            }
            guard let range = found else {
                high = probe
                continue
            }
            if range.start <= key {
                best = (range.end, range.code)
                low = range.next
            } else {
                high = probe
            }
        }
        guard let best, key <= best.end else { return 0 }
        return best.code
    }
}

/// A table's ranges in sorted arrays, binary-searched: about 20 comparisons over 386k
/// IPv4 ranges. A class, so that a lookup holds one reference rather than six arrays.
final class RangeIndex: Sendable {
    let arrays: RangeArrays

    init(_ arrays: RangeArrays) { self.arrays = arrays }

    /// The packed country code of the range holding the address, 0 for none.
    func code(of address: IPAddress) -> UInt16 {
        switch address {
        case .v4(let a): return Self.search(a, arrays.v4Starts, arrays.v4Ends, arrays.v4Codes)
        case .v6(let hi, let lo):
            return Self.search(UInt128(hi) << 64 | UInt128(lo), arrays.v6Starts, arrays.v6Ends, arrays.v6Codes)
        }
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
}

/// A table's ranges as sorted parallel arrays, by family.
struct RangeArrays: Sendable {
    var v4Starts: [UInt32] = []
    var v4Ends: [UInt32] = []
    var v4Codes: [UInt16] = []
    var v6Starts: [UInt128] = []
    var v6Ends: [UInt128] = []
    var v6Codes: [UInt16] = []
}
