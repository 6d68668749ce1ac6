import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import Testing

@Suite("Alerts against labels")
struct LabelEvaluationTests {
    static let t0: Int64 = 1_790_000_100 - 1_790_000_100 % 900
    static func cell(_ offset: Int64, _ country: String, _ kind: String = "") -> LabelledCell {
        LabelledCell(bucketStart: t0 + offset * 900, country: CountryCode(country)!, kind: kind)
    }

    static let labels = [
        cell(0, "DE", "botnet"), cell(1, "DE", "botnet"), cell(2, "DE", "botnet"),
        // A gap of two unlabelled buckets stays one episode; six apart is another.
        cell(10, "FI", "botnet"), cell(11, "FI", "botnet"), cell(14, "FI", "botnet"), cell(21, "FI", "botnet"),
        cell(30, "NZ", "exfiltration"),
    ]
    static let alerts = [cell(1, "DE"), cell(2, "DE"), cell(31, "NZ"), cell(40, "US")]

    @Test func precisionRecallAndDelay() {
        let e = LabelEvaluation(alerts: Self.alerts, labels: Self.labels, bucketSpan: .fifteenMinutes)
        #expect(e.episodes.count == 4)
        #expect(e.episodes.map(\.cells) == [3, 3, 1, 1])
        #expect(e.detected == 1)
        #expect(e.alerts == 4)
        #expect(e.truePositiveAlerts == 2)
        #expect(e.precision == 0.5)
        #expect(e.recall == 0.25)
        #expect(abs(e.f1 - 2 * 0.5 * 0.25 / 0.75) < 1e-12)
        #expect(e.delaysInMinutes == [15])
        #expect(abs(e.cellRecall - 2.0 / 8) < 1e-12)
    }

    @Test func toleranceCreditsAlertsJustAfterASpike() {
        let e = LabelEvaluation(alerts: Self.alerts, labels: Self.labels, bucketSpan: .fifteenMinutes, toleranceBuckets: 1)
        #expect(e.detected == 2)
        #expect(e.truePositiveAlerts == 3)
        #expect(e.delaysInMinutes == [15, 15])
    }

    @Test func readsLabelFilesAsTheGeneratorWritesThem() throws {
        var scenario = SyntheticScenario(days: 2, seed: 4)
        scenario.countries = 10
        scenario.attacks = true
        let traffic = SyntheticTraffic(scenario)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["labels.csv", "labels.json"] {
            let path = directory.appendingPathComponent(name).path
            try traffic.writeLabels(to: path)
            let cells = try LabelledCell.readLabels(path: path, bucketSpan: .fifteenMinutes)
            #expect(cells.count == traffic.labels.count, "\(name)")
            #expect(cells.map(\.bucketStart) == traffic.labels.map(\.bucketStart))
            #expect(cells.map(\.country) == traffic.labels.map(\.country))
            #expect(cells.map(\.kind) == traffic.labels.map(\.kind))
            // Every labelled cell as an alert: everything detected, nothing false.
            let perfect = LabelEvaluation(alerts: cells, labels: cells, bucketSpan: .fifteenMinutes)
            #expect(perfect.precision == 1 && perfect.recall == 1 && perfect.delaysInMinutes.allSatisfy { $0 == 0 })
            // The generator plants one attack of each kind a day.
            #expect(Set(perfect.episodes.map(\.kind)) == ["exfiltration", "c2-new-country", "scan", "botnet"])
        }
    }

    @Test func readsScorerAlertsSkippingNonAlertsAndRepeats() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = [
            #"{"record_id":"a","timestamp":"2026-10-05T00:45:00Z","country":"KG","alert":true,"record_score":98.5}"#,
            #"{"record_id":"b","timestamp":"2026-10-05T01:00:00Z","country":"KG","alert":false}"#,
            #"{"record_id":"a","timestamp":"2026-10-05T00:45:00Z","country":"KG","alert":true}"#,
            "",
            #"{"timestamp":"2026-10-05T04:00:00Z","country":"hk"}"#,
        ]
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let alerts = try LabelledCell.readAlerts(path: path)
        #expect(alerts.map(\.country.code) == ["KG", "HK"])
        #expect(alerts.map(\.bucketStart) == [1_791_161_100, 1_791_172_800])
    }

    @Test func badFilesFailWithFileLineAndKind() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("labels.csv").path
        try "timestamp,country\n2026-10-05T00:45:00Z,DE\nyesterday,FR\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let error = try #require(throws: GeoSpikeError.self) {
            try LabelledCell.readLabels(path: csv, bucketSpan: .fifteenMinutes)
        }
        #expect(error.kind == .badData)
        #expect(error.message.hasPrefix("\(csv):3: no timestamp"))
        let header = directory.appendingPathComponent("header.csv").path
        try "when,where\n".write(toFile: header, atomically: true, encoding: .utf8)
        let noColumns = try #require(throws: GeoSpikeError.self) {
            try LabelledCell.readLabels(path: header, bucketSpan: .fifteenMinutes)
        }
        #expect(noColumns.message.contains("timestamp (or bucket_start) and country"))
        let ndjson = directory.appendingPathComponent("alerts.ndjson").path
        try "{\"timestamp\":\"2026-10-05T00:45:00Z\",\"country\":\"DE\"}\nnot json\n".write(
            toFile: ndjson, atomically: true, encoding: .utf8)
        let notJSON = try #require(throws: GeoSpikeError.self) { try LabelledCell.readAlerts(path: ndjson) }
        #expect(notJSON.message.hasPrefix("\(ndjson):2:"))
        let missing = try #require(throws: GeoSpikeError.self) {
            try LabelledCell.readAlerts(path: directory.appendingPathComponent("none.ndjson").path)
        }
        #expect(missing.kind == .noInput)
    }
}
