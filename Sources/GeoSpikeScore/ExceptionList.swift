import Foundation
import GeoSpikeIngest

/// The approved exceptions of a deployment, read from a JSON or YAML file.
///
/// JSON: a list of entry objects, or `{"exceptions": [...]}`. YAML: the subset that
/// `LocatedValue.parseYAMLSubset` documents (`.yaml`/`.yml` files, or any file whose first
/// character is not `[` or `{`). Each entry:
/// ```json
/// {"id": "offsite-backup", "country": "NZ", "host.name": "srv-backup-01",
///  "user.name": ["svc-backup"], "source.ip": ["10.10.0.0/24"], "process.name": "restic",
///  "destination.ip": "203.0.113.0/24", "destination.port": 443,
///  "reason": "nightly offsite backup (CHG-1234)", "owner": "it-ops@example.com",
///  "expires": "2026-12-31"}
/// ```
/// `country`, `reason` and `owner` are required; the rest are optional conditions.
public struct ExceptionList: Equatable, Sendable {
    public var entries: [ExceptionEntry]

    public init(entries: [ExceptionEntry]) {
        self.entries = entries
    }

    /// Reads and checks an exception file; errors are `.noInput` (66) for a missing file,
    /// `.ioError` (74) for an unreadable one, and `.badData` (65) at `file:line` otherwise.
    public static func load(path: String) throws -> ExceptionList {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeoSpikeError(.noInput, "exception file \(path) does not exist; check the --exceptions path")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
            size > LocatedValue.maximumFileBytes
        {
            throw GeoSpikeError(.badData, "\(path): \(size) bytes is too large for an exception file (at most \(LocatedValue.maximumFileBytes))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GeoSpikeError(.ioError, "cannot read the exception file \(path); check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GeoSpikeError(.badData, "\(path) is not UTF-8 text; save the exception file as UTF-8 JSON or YAML")
        }
        return try parse(text, file: path)
    }

    /// Parses exception-file text; `file` names it in errors and in entries' locations.
    public static func parse(_ text: String, file: String) throws -> ExceptionList {
        let lower = file.lowercased()
        let firstCharacter = text.first { !$0.isWhitespace }
        let isYAML =
            lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
            || !(lower.hasSuffix(".json") || firstCharacter == "[" || firstCharacter == "{")
        let root = try isYAML ? LocatedValue.parseYAMLSubset(text, file: file) : LocatedValue.parseJSON(text, file: file)
        var list = root
        if let members = root.members {
            guard members.count == 1, members[0].key == "exceptions" else {
                throw GeoSpikeError.badData(
                    file: file, line: root.line,
                    "expected a list of exceptions, or one key 'exceptions' holding the list")
            }
            list = members[0].value
        }
        guard let elements = list.elements else {
            throw GeoSpikeError.badData(file: file, line: list.line, "expected a list of exceptions, found \(list.kindName)")
        }
        let entries = try elements.enumerated().map { try ExceptionEntry($0.element, index: $0.offset, file: file) }
        var seen: [String: String] = [:]
        for entry in entries {
            if let earlier = seen[entry.id] {
                throw GeoSpikeError(
                    .badData, "\(entry.location): the id '\(entry.id)' is already used at \(earlier); give each exception its own id")
            }
            seen[entry.id] = entry.location
        }
        return ExceptionList(entries: entries)
    }

    /// The entries still in force at `now`, and a warning for each expired one.
    public func active(at now: Double) -> (list: ExceptionList, warnings: [String]) {
        var warnings: [String] = []
        var kept: [ExceptionEntry] = []
        for entry in entries {
            if let expires = entry.expires, entry.isExpired(at: now) {
                warnings.append(
                    "exception '\(entry.id)' (\(entry.location), owner \(entry.owner)) expired at \(Timestamp.iso8601(Int64(expires))) and is ignored; renew or remove it"
                )
            } else {
                kept.append(entry)
            }
        }
        return (ExceptionList(entries: kept), warnings)
    }

    /// Loads `path` and keeps the entries in force at `now`, passing one warning per
    /// expired entry to `warn`: what `--exceptions FILE` means in every command.
    public static func loadActive(path: String, now: Double, warn: (String) -> Void) throws -> ExceptionList {
        let (list, warnings) = try load(path: path).active(at: now)
        warnings.forEach(warn)
        return list
    }

    public var matcher: ExceptionMatcher { ExceptionMatcher(entries) }
}
