import Foundation
import GeoSpikeIngest

/// An alert read back from geospike-score's NDJSON output (records or ECS alert
/// documents), with what `ExceptionSuggestion` needs: the cell and its top sources.
public struct BenignAlert: Equatable, Sendable {
    public var recordID: String
    /// `kibana.alert.uuid` when the line is an ECS alert document.
    public var alertID: String?
    public var bucketStart: Int64
    public var country: CountryCode
    public var actual: Int
    public var typical: Double
    /// Top values per influencer field, largest first.
    public var influencers: [String: [AnomalyRecord.InfluencerValue]]
    /// The analyst marked it benign in the file (`"benign": true`, or Kibana's
    /// `kibana.alert.workflow_reason: "false_positive"`).
    public var markedBenign: Bool
    /// `file:line` it was read from.
    public var location: String

    public init(
        recordID: String, alertID: String? = nil, bucketStart: Int64, country: CountryCode, actual: Int, typical: Double,
        influencers: [String: [AnomalyRecord.InfluencerValue]], markedBenign: Bool = false, location: String = ""
    ) {
        self.recordID = recordID
        self.alertID = alertID
        self.bucketStart = bucketStart
        self.country = country
        self.actual = actual
        self.typical = typical
        self.influencers = influencers
        self.markedBenign = markedBenign
        self.location = location
    }

    /// Every alert in an NDJSON file of geospike-score output; records that did not alert
    /// or were already suppressed are skipped. Errors are `.badData` at `file:line`.
    public static func read(path: String) throws -> [BenignAlert] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeoSpikeError(.noInput, "alerts file \(path) does not exist; pass geospike-score's NDJSON output")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GeoSpikeError(.ioError, "cannot read the alerts file \(path); check its permissions")
        }
        var alerts: [BenignAlert] = []
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated() where !line.allSatisfy(\.isWhitespace)
        {
            let value = try LocatedValue.parseJSON(String(line), file: path, firstLine: n + 1)
            if let alert = try BenignAlert(value, file: path) { alerts.append(alert) }
        }
        return alerts
    }

    /// The alert on one line, or nil when the line is a record that is not an open alert.
    init?(_ value: LocatedValue, file: String) throws {
        func fail(_ message: String) -> GeoSpikeError {
            GeoSpikeError.badData(file: file, line: value.line, message + "; give geospike-score's NDJSON output")
        }
        guard value.members != nil else { throw fail("not a JSON object") }
        func flag(_ key: String) -> Bool {
            if case .bool(let b)? = value[key]?.kind { return b }
            return false
        }
        guard flag("alert") || flag("held_back"), !flag("suppressed") else { return nil }
        guard let recordID = value["record_id"]?.scalarText else { throw fail("no record_id") }
        guard let time = value["timestamp"]?.scalarText, let start = Timestamp.parse(Substring(time)) else {
            throw fail("no ISO 8601 timestamp")
        }
        guard let code = value["country"]?.scalarText, let country = CountryCode(code) else { throw fail("no country code") }
        guard let actual = value["actual"]?.scalarText.flatMap({ Int($0) }),
            let typical = value["typical"]?.scalarText.flatMap({ Double($0) })
        else { throw fail("no actual and typical counts") }
        var influencers: [String: [AnomalyRecord.InfluencerValue]] = [:]
        for (field, list) in value["influencers"]?.members ?? [] {
            influencers[field] = (list.elements ?? []).compactMap { item in
                guard let v = item["value"]?.scalarText, let c = item["count"]?.scalarText.flatMap({ Int($0) }) else {
                    return nil
                }
                return AnomalyRecord.InfluencerValue(value: v, count: c)
            }
        }
        self.init(
            recordID: recordID, alertID: value["kibana.alert.uuid"]?.scalarText, bucketStart: Int64(start),
            country: country, actual: actual, typical: typical, influencers: influencers,
            markedBenign: flag("benign") || value["kibana.alert.workflow_reason"]?.scalarText == "false_positive",
            location: "\(file):\(value.line)")
    }
}
