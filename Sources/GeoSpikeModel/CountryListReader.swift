import GeoSpikeIngest

/// Reads the model header's `countries` list field by field, straight from its bytes.
///
/// The scorer decodes its model in every run. `JSONDecoder` spends about a microsecond per
/// value in Codable's generic containers: 4 ms for a 250-country model, a tenth of the
/// whole budget for scoring a 30-minute batch and more than the scoring itself. Read here,
/// the list costs about 1 ms (3% of a scorer run under `perf`). The rest of the header is small and stays
/// with `JSONDecoder`, which has already checked the whole header's syntax by the time
/// this runs; so this reader trusts the structure and checks what it reads: each field's
/// type, and that the required ones are there.
struct CountryListReader {
    /// Why the list does not decode, with the path of the value ("countries[3].dispersion").
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The `countries` of a header that `JSONDecoder` has parsed.
    static func countries(inHeader header: UnsafeBufferPointer<UInt8>) throws -> [CountryModel] {
        var reader = CountryListReader(header)
        try reader.openObject("the header")
        while let key = try reader.nextKey("the header") {
            if key == "countries" { return try reader.countryList() }
            try reader.skipValue()
        }
        throw Failure(description: "the header has no countries")
    }

    private mutating func countryList() throws -> [CountryModel] {
        var countries: [CountryModel] = []
        try openArray("countries")
        while try nextElement("countries") {
            countries.append(try country(countries.count))
        }
        return countries
    }

    private mutating func country(_ index: Int) throws -> CountryModel {
        // Paths are built only for an error: a string per field would cost more than the reading.
        func path(_ field: String = "") -> String { "countries[\(index)]" + (field.isEmpty ? "" : "." + field) }
        var code: String?
        var family: CountFamily?
        var dispersion: Double?
        var sigma: Double?
        var levelVariance: Double?
        var trainingEvents: Int?
        var nonZeroBuckets: Int?
        var meanPerBucket: Double?
        var selection: FamilySelection?
        var usualSources: [String] = []
        var windowVarianceFactor = 1.0
        var recentMaximum = 0.0
        var calibrationRatio = 1.0
        var recentHourlyMaximum: [Double] = []
        try openObject(path())
        while let key = try nextKey(path()) {
            switch key {
            case "country": code = try string(path(key))
            case "family":
                let name = try string(path(key))
                guard let known = CountFamily(rawValue: name) else {
                    throw Failure(description: "\(path(key)): unknown family \"\(name)\"")
                }
                family = known
            case "dispersion": dispersion = try double(path(key))
            case "sigma": sigma = try double(path(key))
            case "levelVariance": levelVariance = try double(path(key))
            case "trainingEvents": trainingEvents = try integer(path(key))
            case "nonZeroBuckets": nonZeroBuckets = try integer(path(key))
            case "meanPerBucket": meanPerBucket = try double(path(key))
            case "selection": selection = try familySelection(path(key))
            case "usualSources":
                usualSources = []
                try openArray(path(key))
                while try nextElement(path(key)) { usualSources.append(try string(path(key))) }
            case "windowVarianceFactor": windowVarianceFactor = try double(path(key))
            case "recentMaximum": recentMaximum = try double(path(key))
            case "calibrationRatio": calibrationRatio = try double(path(key))
            case "recentHourlyMaximum":
                recentHourlyMaximum = []
                try openArray(path(key))
                while try nextElement(path(key)) { recentHourlyMaximum.append(try double(path(key))) }
            default: try skipValue()  // a field from a newer version, as JSONDecoder ignores it
            }
        }
        func required<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else { throw Failure(description: "\(path()) has no \"\(key)\"") }
            return value
        }
        var model = CountryModel(
            country: try required(code, "country"), family: try required(family, "family"),
            dispersion: try required(dispersion, "dispersion"), sigma: try required(sigma, "sigma"),
            levelVariance: try required(levelVariance, "levelVariance"),
            trainingEvents: try required(trainingEvents, "trainingEvents"),
            nonZeroBuckets: try required(nonZeroBuckets, "nonZeroBuckets"),
            meanPerBucket: try required(meanPerBucket, "meanPerBucket"),
            selection: try required(selection, "selection"), usualSources: usualSources)
        model.windowVarianceFactor = windowVarianceFactor
        model.recentMaximum = recentMaximum
        model.calibrationRatio = calibrationRatio
        model.recentHourlyMaximum = recentHourlyMaximum
        return model
    }

    private mutating func familySelection(_ path: @autoclosure () -> String) throws -> FamilySelection {
        var likelihoods: [String: Double]?
        var reason: String?
        try openObject(path())
        while let key = try nextKey(path()) {
            switch key {
            case "holdoutLogLikelihood":
                var byFamily: [String: Double] = [:]
                try openObject(path() + "." + key)
                while let family = try nextKey(path() + "." + key) {
                    byFamily[family] = try double(path() + "." + key + "." + family)
                }
                likelihoods = byFamily
            case "reason": reason = try string(path() + "." + key)
            default: try skipValue()
            }
        }
        guard let likelihoods, let reason else {
            throw Failure(description: "\(path()) needs holdoutLogLikelihood and reason")
        }
        return FamilySelection(holdoutLogLikelihood: likelihoods, reason: reason)
    }

    // MARK: - Values

    private mutating func skipSpace() {
        while position < bytes.count,
            bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D
                || bytes[position] == 0x09
        {
            position += 1
        }
    }

    /// The next non-space byte, not consumed; 0 at the end.
    private mutating func peek() -> UInt8 {
        skipSpace()
        return position < bytes.count ? bytes[position] : 0
    }

    private mutating func open(_ bracket: UInt8, _ what: String, _ path: @autoclosure () -> String) throws {
        guard peek() == bracket else { throw Failure(description: "\(path()) is not \(what)") }
        position += 1
    }

    private mutating func openObject(_ path: @autoclosure () -> String) throws {
        try open(UInt8(ascii: "{"), "an object", path())
    }
    private mutating func openArray(_ path: @autoclosure () -> String) throws {
        try open(UInt8(ascii: "["), "a list", path())
    }

    /// The next key of the object being read (cursor on its value), nil past its `}`.
    private mutating func nextKey(_ path: @autoclosure () -> String) throws -> String? {
        if peek() == UInt8(ascii: ",") { position += 1 }
        if peek() == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        let key = try string(path() + " key")
        guard peek() == UInt8(ascii: ":") else { throw Failure(description: "\(path()): no ':' after \"\(key)\"") }
        position += 1
        return key
    }

    /// Whether the list being read has another element (cursor on it); false past its `]`.
    private mutating func nextElement(_ path: @autoclosure () -> String) throws -> Bool {
        if peek() == UInt8(ascii: ",") { position += 1 }
        if peek() == UInt8(ascii: "]") {
            position += 1
            return false
        }
        guard position < bytes.count else { throw Failure(description: "\(path()): the list does not end") }
        return true
    }

    private mutating func string(_ path: @autoclosure () -> String) throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw Failure(description: "\(path()) is not a string") }
        let start = position + 1
        var end = start
        var escaped = false
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") {
                escaped = true
                end += 1
            }
            end += 1
        }
        guard end < bytes.count else { throw Failure(description: "\(path()): the string does not end") }
        position = end + 1
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        // An escape never decodes to more bytes than its own text.
        return String(unsafeUninitializedCapacity: raw.count) { out in
            JSONFieldScanner.unescape(raw, into: out.baseAddress!)
        }
    }

    /// The text of the number at the cursor.
    private mutating func numberText(_ path: @autoclosure () -> String) throws -> String {
        let first = peek()
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw Failure(description: "\(path()) is not a number")
        }
        let start = position
        while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
            || c == UInt8(ascii: ".") || c | 0x20 == UInt8(ascii: "e")
    }

    /// Swift's `Double(String)` rounds correctly, so the shortest round-trip text that
    /// `JSONEncoder` wrote gives back the very same double.
    private mutating func double(_ path: @autoclosure () -> String) throws -> Double {
        let text = try numberText(path())
        guard let value = Double(text) else { throw Failure(description: "\(path()): '\(text)' is not a number") }
        return value
    }

    private mutating func integer(_ path: @autoclosure () -> String) throws -> Int {
        let text = try numberText(path())
        guard let value = Int(text) else { throw Failure(description: "\(path()): '\(text)' is not a whole number") }
        return value
    }

    /// Moves past the value at the cursor, whatever it is.
    private mutating func skipValue() throws {
        var depth = 0
        repeat {
            switch peek() {
            case UInt8(ascii: "\""): _ = try string("a skipped value")
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                position += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                position += 1
            case 0: throw Failure(description: "the header ends inside a value")
            default:  // a comma, colon, number or literal
                position += 1
                while position < bytes.count,
                    Self.isNumberByte(bytes[position]) || (0x61...0x7A).contains(bytes[position])
                {
                    position += 1
                }
            }
        } while depth > 0
    }
}
