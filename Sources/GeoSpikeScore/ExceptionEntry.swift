import Foundation
import GeoSpikeIngest

/// One approved exception: traffic to `country` that matches every condition given.
///
/// Conditions on different fields must all hold; several values of one field are
/// alternatives (`host.name: [a, b]` is a or b). A field the exception does not name is
/// not looked at, so an entry with only `country` excepts the whole country: the
/// investigation guide warns against that, and `suggest-exceptions` never proposes one
/// unless asked. An event that lacks a field the entry conditions on does not match.
public struct ExceptionEntry: Equatable, Sendable {
    /// A short name for messages and alerts; `<file>:<line>` when the file gives none.
    public var id: String
    public var country: CountryCode
    /// `source.ip` networks.
    public var sourceNetworks: [CIDRBlock] = []
    /// `host.name` values, compared without case.
    public var hostNames: [String] = []
    /// `process.name` values, compared without case and with or without `.exe`.
    public var processNames: [String] = []
    /// `user.name` values, compared without case.
    public var userNames: [String] = []
    /// `destination.ip` networks.
    public var destinationNetworks: [CIDRBlock] = []
    public var destinationPorts: [Int] = []
    /// Why the traffic is approved (the business process), for the analyst who sees it suppress an alert.
    public var reason: String
    /// Who approved it and answers for it.
    public var owner: String
    /// Epoch seconds after which the exception no longer applies; nil = never expires.
    public var expires: Double?
    /// Where the entry was written, `file:line`.
    public var location: String

    public init(
        id: String, country: CountryCode, reason: String, owner: String, expires: Double? = nil, location: String = ""
    ) {
        self.id = id
        self.country = country
        self.reason = reason
        self.owner = owner
        self.expires = expires
        self.location = location
    }

    /// The keys an entry may have, as the files spell them.
    public static let keys = [
        "id", "country", "source.ip", "host.name", "process.name", "user.name", "destination.ip", "destination.port",
        "reason", "owner", "expires",
    ]

    /// True when the entry names no condition besides the country.
    public var isCountryWide: Bool {
        sourceNetworks.isEmpty && hostNames.isEmpty && processNames.isEmpty && userNames.isEmpty
            && destinationNetworks.isEmpty && destinationPorts.isEmpty
    }

    /// True when the entry no longer applies at `now` (epoch seconds).
    public func isExpired(at now: Double) -> Bool {
        expires.map { now >= $0 } ?? false
    }

    /// Whether `event` is excepted by this entry (the rule `ExceptionMatcher` applies per event).
    public func matches(_ event: NetworkEvent) -> Bool {
        ExceptionMatcher.Conditions(self).matches(event)
    }
}

extension ExceptionEntry {
    /// Builds an entry from one parsed object of an exception file, checking every key and value.
    init(_ object: LocatedValue, index: Int, file: String) throws {
        guard let members = object.members else {
            throw GeoSpikeError.badData(
                file: file, line: object.line, "exception \(index + 1) must be a mapping of keys to values, found \(object.kindName)")
        }
        func fail(_ line: Int, _ message: String) -> GeoSpikeError {
            GeoSpikeError.badData(file: file, line: line, message)
        }
        for (key, value) in members where !Self.keys.contains(key) {
            throw fail(value.line, "unknown key '\(key)'; an exception may have \(Self.keys.joined(separator: ", "))")
        }
        func required(_ key: String) throws -> String {
            guard let value = object[key], case .string = value.kind, let text = value.scalarText,
                !text.trimmingCharacters(in: .whitespaces).isEmpty
            else {
                throw fail(
                    object[key]?.line ?? object.line,
                    "exception \(index + 1) needs a '\(key)' (text): \(key == "reason" ? "which approved business process this traffic is" : key == "owner" ? "who approved it" : "the destination country, e.g. NZ")")
            }
            return text
        }
        let countryText = try required("country")
        guard let country = CountryCode(countryText) ?? CountryNames.code(forName: countryText) else {
            throw fail(object["country"]?.line ?? object.line, "'\(countryText)' is not a country: give an ISO 3166 code such as NZ")
        }
        let location = "\(file):\(object.line)"
        var id = location
        if let value = object["id"] { id = try value.text("id", file: file) }
        var expires: Double?
        if let value = object["expires"], !value.isNull {
            let text = try value.text("expires", file: file)
            guard let instant = Self.expiry(text) else {
                throw fail(value.line, "expires '\(text)' is not a date: write 2026-12-31 (valid through that day, UTC) or 2026-12-31T18:00:00Z")
            }
            expires = instant
        }
        self.init(
            id: id, country: country, reason: try required("reason"), owner: try required("owner"), expires: expires,
            location: location)

        func values(_ key: String) throws -> [(text: String, line: Int)]? {
            guard let value = object[key], !value.isNull else { return nil }
            let texts = try value.texts(key, file: file)
            guard !texts.isEmpty else {
                throw fail(value.line, "'\(key)' has no values; give at least one, or remove the key")
            }
            return texts.map { ($0, value.line) }
        }
        func networks(_ key: String) throws -> [CIDRBlock] {
            try (values(key) ?? []).map { text, line in
                do { return try CIDRBlock(parsing: text) } catch let error as CIDRError {
                    throw fail(line, "\(key): \(error.message)")
                }
            }
        }
        func names(_ key: String) throws -> [String] {
            try (values(key) ?? []).map { text, line in
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { throw fail(line, "\(key) has an empty value") }
                return trimmed
            }
        }
        sourceNetworks = try networks("source.ip")
        destinationNetworks = try networks("destination.ip")
        hostNames = try names("host.name")
        processNames = try names("process.name")
        userNames = try names("user.name")
        destinationPorts = try (values("destination.port") ?? []).map { text, line in
            guard let port = Int(text), (0...65535).contains(port) else {
                throw fail(line, "destination.port '\(text)' is not a port number (0-65535)")
            }
            return port
        }
    }

    /// `YYYY-MM-DD` (valid through that UTC day) or an ISO 8601 date-time.
    public static func expiry(_ text: String) -> Double? {
        let parts = text.split(separator: "-")
        if text.count == 10, parts.count == 3, let day = Timestamp.parse(Substring(text + "T00:00:00Z")) {
            return day + 86400
        }
        return Timestamp.parse(Substring(text))
    }
}

extension LocatedValue {
    var isNull: Bool {
        if case .null = kind { return true }
        return false
    }
}
