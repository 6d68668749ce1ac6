/// An ISO 3166-1 alpha-2 country code, packed into two bytes.
///
/// Packing matters: ingest keys a hash table by (bucket, country) for every event,
/// and scoring indexes coefficient rows by country, so the code is a value, not a String.
/// Codes are kept as the source gives them, including the non-country blocks that GeoIP
/// databases use (`EU`, `AP`); `??` and `--` mean "unresolved" and never make a code.
public struct CountryCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The two ASCII upper-case letters, first letter in the high byte.
    public let packed: UInt16

    public init(packed: UInt16) { self.packed = packed }

    /// Parses two ASCII letters, either case; anything else is not a country code.
    public init?<S: StringProtocol>(_ text: S) {
        let bytes = Array(text.utf8)
        guard bytes.count == 2, let a = Self.upperLetter(bytes[0]), let b = Self.upperLetter(bytes[1])
        else { return nil }
        packed = UInt16(a) << 8 | UInt16(b)
    }

    /// Parses two bytes from a raw buffer without building a String (the ingest hot path).
    @inlinable
    public init?(byte0: UInt8, byte1: UInt8) {
        guard let a = Self.upperLetter(byte0), let b = Self.upperLetter(byte1) else { return nil }
        packed = UInt16(a) << 8 | UInt16(b)
    }

    @inlinable
    static func upperLetter(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - 32
        default: return nil
        }
    }

    /// Whether the code names a country (or a GeoIP continent block): see `SkipReason.unassignedCountry`.
    /// Asked once per counted event, so a table of the 26 × 26 letter pairs answers, not the names' map.
    public var isAssigned: Bool {
        let first = Int(packed >> 8) &- 65
        let second = Int(packed & 0xFF) &- 65
        guard (0..<26).contains(first), (0..<26).contains(second) else { return false }
        return Self.assignedLetterPairs[first * 26 + second]
    }

    private static let assignedLetterPairs: [Bool] = (0..<(26 * 26)).map { (i: Int) -> Bool in
        let first = UInt16(65 + i / 26)
        let second = UInt16(65 + i % 26)
        return CountryNames.name(for: CountryCode(packed: first << 8 | second)) != nil
    }

    /// The two-letter code, e.g. `"SE"`.
    public var code: String {
        String(decoding: [UInt8(packed >> 8), UInt8(packed & 0xFF)], as: UTF8.self)
    }

    /// The English short name, or the code itself for blocks without a name.
    public var name: String { CountryNames.name(for: self) ?? code }

    public var description: String { code }

    public static func < (lhs: CountryCode, rhs: CountryCode) -> Bool { lhs.packed < rhs.packed }
}
