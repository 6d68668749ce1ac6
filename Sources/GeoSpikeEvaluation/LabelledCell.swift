import Foundation
import GeoSpikeIngest

/// A (bucket, country) named by an alerts file or a labels file.
public struct LabelledCell: Hashable, Sendable {
    public var bucketStart: Int64
    public var country: CountryCode
    /// The attack kind of a label (empty when the file has none).
    public var kind: String

    public init(bucketStart: Int64, country: CountryCode, kind: String = "") {
        self.bucketStart = bucketStart
        self.country = country
        self.kind = kind
    }

    /// Alerts in scorer NDJSON: records with `"alert": false` are skipped, repeats of the
    /// same bucket and country (overlapping runs) count once.
    public static func readAlerts(path: String) throws -> [LabelledCell] {
        let lines = try Self.lines(of: path)
        var seen = Set<CellKey>()
        var alerts: [LabelledCell] = []
        for (n, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw GeoSpikeError.badData(file: path, line: n + 1, "not a JSON object: give geospike-score's NDJSON output")
            }
            if let alert = object["alert"] as? Bool, !alert { continue }
            let cell = try Self.cell(object, file: path, line: n + 1)
            if seen.insert(CellKey(bucketStart: cell.bucketStart, country: cell.country)).inserted { alerts.append(cell) }
        }
        return alerts
    }

    /// Labels as CSV with a header (`timestamp` or `bucket_start`, `country`, optional
    /// `kind`), or, for `.json`, an array of objects with the same keys.
    public static func readLabels(path: String, bucketSpan: BucketSpan) throws -> [LabelledCell] {
        var cells: [LabelledCell]
        if path.lowercased().hasSuffix(".json") {
            let data = try Self.contents(of: path)
            guard let array = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
                throw GeoSpikeError.badData(
                    file: path, line: 1, "not a JSON array of objects with timestamp and country")
            }
            cells = try array.enumerated().map { try Self.cell($0.element, file: path, line: $0.offset + 1) }
        } else {
            let lines = try Self.lines(of: path).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map({
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }) else {
                throw GeoSpikeError.badData(file: path, line: 1, "empty labels file: give a header timestamp,country[,kind]")
            }
            guard let time = header.firstIndex(of: "timestamp") ?? header.firstIndex(of: "bucket_start"),
                let country = header.firstIndex(of: "country")
            else {
                throw GeoSpikeError.badData(
                    file: path, line: 1, "the header needs timestamp (or bucket_start) and country columns, found \(header)")
            }
            let kind = header.firstIndex(of: "kind")
            cells = try lines.dropFirst().enumerated().map { offset, line in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                var object: [String: Any] = [:]
                if time < fields.count { object["timestamp"] = fields[time] }
                if country < fields.count { object["country"] = fields[country] }
                if let kind, kind < fields.count { object["kind"] = fields[kind] }
                return try Self.cell(object, file: path, line: offset + 2)
            }
        }
        // Labels may be finer than the scorer's buckets; align them.
        return cells.map {
            var cell = $0
            cell.bucketStart = bucketSpan.bucketStart(containing: Double($0.bucketStart))
            return cell
        }
    }

    static func cell(_ object: [String: Any], file: String, line: Int) throws -> LabelledCell {
        let time: Double?
        if let text = object["timestamp"] as? String {
            time = Double(text) ?? Timestamp.parse(Substring(text))
        } else if let number = (object["bucket_start"] ?? object["timestamp"]) as? NSNumber {
            time = number.doubleValue
        } else if let text = object["bucket_start"] as? String {
            time = Double(text) ?? Timestamp.parse(Substring(text))
        } else {
            time = nil
        }
        guard let time else {
            throw GeoSpikeError.badData(
                file: file, line: line, "no timestamp: give an ISO 8601 time such as 2026-10-05T10:15:00Z or epoch seconds")
        }
        guard let text = object["country"] as? String, let country = CountryCode(text) else {
            throw GeoSpikeError.badData(file: file, line: line, "no two-letter country code in 'country'")
        }
        return LabelledCell(
            bucketStart: Int64(time.rounded(.down)), country: country, kind: object["kind"] as? String ?? "")
    }

    static func contents(of path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeoSpikeError(.noInput, "\(path): no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GeoSpikeError(.ioError, "\(path): cannot read the file")
        }
        return data
    }

    static func lines(of path: String) throws -> [String] {
        let data = try contents(of: path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw GeoSpikeError(.badData, "\(path): not UTF-8 text")
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
    }
}
