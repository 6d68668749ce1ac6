import GeoSpikeIngest

/// A JSON-like value that remembers the line it started on, so that files people edit by
/// hand (exception lists, rule files, alert exports) get errors that point at a line.
///
/// `JSONSerialization` and `JSONDecoder` lose line numbers; an analyst who mistypes a CIDR
/// on line 40 of an exception file should not have to bisect the file to find it.
public struct LocatedValue: Sendable {
    public enum Kind: Sendable {
        /// Keys in file order (duplicates are rejected by the parsers).
        case object([(key: String, value: LocatedValue)])
        case array([LocatedValue])
        case string(String)
        /// The number as written, so that a port or an id keeps its exact text.
        case number(String)
        case bool(Bool)
        case null
    }

    /// The longest string a rule or exception file may hold, in bytes (as written). Names,
    /// reasons, owners and host names are short; a rule name is copied into every alert,
    /// and a 20 MB one cost a second per megabyte.
    public static let maximumTextBytes = 8192
    /// The largest rule or exception file read: thousands of exceptions fit in a megabyte.
    public static let maximumFileBytes = 16 << 20

    public var kind: Kind
    /// 1-based line where the value starts.
    public var line: Int

    public init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    /// The members of an object, or nil.
    public var members: [(key: String, value: LocatedValue)]? {
        if case .object(let members) = kind { return members }
        return nil
    }

    /// The elements of an array, or nil.
    public var elements: [LocatedValue]? {
        if case .array(let elements) = kind { return elements }
        return nil
    }

    /// A string or number as text (YAML scalars are untyped; `443` and `"443"` are one port).
    public var scalarText: String? {
        switch kind {
        case .string(let s), .number(let s): return s
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// The member named `key`, if the value is an object that has it.
    public subscript(key: String) -> LocatedValue? {
        members?.first { $0.key == key }?.value
    }

    /// What kind of value this is, for error messages ("expected a string, found an array").
    public var kindName: String {
        switch kind {
        case .object: return "an object"
        case .array: return "a list"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// The value as one string, or a `.badData` error at its line naming `what` it should be.
    public func text(_ what: String, file: String) throws -> String {
        guard let text = scalarText else {
            throw GeoSpikeError.badData(file: file, line: line, "\(what) must be a single value, found \(kindName)")
        }
        return text
    }

    /// A scalar as a one-element list, or a list of scalars; anything else is a `.badData` error.
    public func texts(_ what: String, file: String) throws -> [String] {
        if let elements {
            return try elements.map { try $0.text("each value of \(what)", file: file) }
        }
        return [try text(what, file: file)]
    }
}
