import Foundation
import GeoSpikeIngest
import Testing

@testable import GeoSpikeScore

/// Alerting buckets into incidents: the gap, the group, the cap, the ECS document.
@Suite("Incident grouping")
struct IncidentGroupingTests {
    static let t0: Int64 = 1_791_158_400  // 2026-10-05T00:00:00Z

    static func record(
        _ country: String, bucket: Int64, score: Double = 90, actual: Int = 10, typical: Double = 1,
        host: String? = nil, alert: Bool = true
    ) -> AnomalyRecord {
        let start = t0 + bucket * 900
        return AnomalyRecord(
            recordID: RecordID.make(modelID: "m", bucketStart: start, country: country), modelID: "m",
            bucketStart: start, bucketSpan: 900, country: country, countryName: country, actual: actual,
            typical: typical, probability: 1e-6, log10Probability: -6, recordScore: score, rawScore: 50,
            severity: AnomalyScale.severity(recordScore: score), alert: alert, family: "poisson",
            multiBucketImpact: 0, firstSeen: false, interim: false,
            influencers: host.map { [("host.name", [AnomalyRecord.InfluencerValue(value: $0, count: actual)])] } ?? [])
    }

    @Test func bucketsLessThanTheGapApartAreOneIncident() throws {
        // Buckets 0, 1, 5 (45 quiet minutes), then 10 (60 quiet minutes: a new incident).
        var records = [0, 1, 5, 10].map { Self.record("KG", bucket: $0, score: 80 + Double($0), actual: 10 + Int($0)) }
        records.append(Self.record("KG", bucket: 2, score: 40, alert: false))
        let incidents = IncidentGrouping().group(&records, modelID: "m", horizon: Self.t0 + 11 * 900)
        #expect(incidents.count == 2)
        let first = incidents[0]
        #expect(first.firstBucket == Self.t0 && first.lastBucket == Self.t0 + 5 * 900 && first.end == Self.t0 + 6 * 900)
        #expect(first.buckets == 3 && first.events == 10 + 11 + 15)
        #expect(abs(first.eventsAboveTypical - 33) < 1e-9)
        #expect(first.peakScore == 85 && first.peakBucket == Self.t0 + 5 * 900 && !first.open)
        #expect(incidents[1].buckets == 1 && incidents[1].open, "no quiet time up to the horizon: still open")
        #expect(records.filter { $0.incidentID == first.id }.count == 3)
        #expect(records.first { !$0.alert }?.incidentID == nil, "a bucket that did not alert belongs to no incident")
        #expect(first.id == Incident.makeID(modelID: "m", groupKey: "country=KG", firstBucket: Self.t0))

        var countries = [Self.record("KG", bucket: 0), Self.record("NZ", bucket: 1)]
        #expect(IncidentGrouping().group(&countries, modelID: "m", horizon: Self.t0).count == 2)
        var apart = [Self.record("KG", bucket: 0), Self.record("KG", bucket: 1)]
        #expect(
            IncidentGrouping(gap: 0).group(&apart, modelID: "m", horizon: Self.t0).count == 2,
            "a gap of 0 merges nothing")
    }

    /// An earlier run's incident that this run does not continue is closed, even when its
    /// country starts a new incident here: the old one would otherwise stay active for good.
    @Test func anIncidentOfAnEarlierRunClosesWhenItsCountryStartsANewOne() throws {
        var earlier = [Self.record("KG", bucket: 0), Self.record("KG", bucket: 1)]
        let carried = IncidentGrouping().group(&earlier, modelID: "m", horizon: Self.t0 + 2 * 900)
        #expect(carried.count == 1 && carried[0].open)
        // Two hours later: past the one-hour gap.
        let later = [Self.record("KG", bucket: 10)]
        let batch = AlertBatch(
            records: later, suppressions: [:], maxAlerts: 10, emit: .alerts, horizon: Self.t0 + 11 * 900,
            carried: carried)
        #expect(batch.incidents.count == 1 && batch.incidents[0].id != carried[0].id)
        #expect(batch.closedIncidents.map(\.id) == [carried[0].id])
        // One bucket later the carried incident continues instead, and nothing closes.
        let next = AlertBatch(
            records: [Self.record("KG", bucket: 3)], suppressions: [:], maxAlerts: 10, emit: .alerts,
            horizon: Self.t0 + 4 * 900, carried: carried)
        #expect(next.incidents.map(\.id) == [carried[0].id] && next.closedIncidents.isEmpty)
    }

    @Test func groupByAFieldSplitsAnIncidentByItsTopValue() throws {
        var records = [
            Self.record("FI", bucket: 0, host: "ws-1"), Self.record("FI", bucket: 1, host: "ws-2"),
            Self.record("FI", bucket: 2, host: "ws-1"), Self.record("FI", bucket: 3),
        ]
        let grouping = IncidentGrouping(fields: ["host.name"])
        #expect(grouping.fields == ["country", "host.name"])
        let incidents = grouping.group(&records, modelID: "m", horizon: Self.t0)
        #expect(incidents.map(\.buckets) == [2, 1, 1])
        #expect(incidents.map { $0.terms.last?.value } == ["ws-1", "ws-2", ""])
        #expect(incidents[0].influencerTotals["host.name"] == ["ws-1": 20])
        #expect(IncidentGrouping.parseFields("country, source.ip") == .success(["country", "source.ip"]))
        #expect(IncidentGrouping.parseFields("country,hostname") == .failure(.init(field: "hostname")))
        #expect(IncidentGrouping.parseGap("1h") == 3600 && IncidentGrouping.parseGap("90m") == 5400)
        #expect(IncidentGrouping.parseGap("0") == 0 && IncidentGrouping.parseGap("an hour") == nil)
    }

    @Test func theCapCountsIncidentsNotBuckets() throws {
        // KG: four buckets peaking at 95; NZ: one at 99; FI: one at 80.
        let records =
            (0..<4).map { Self.record("KG", bucket: $0, score: 92 + Double($0)) }
            + [Self.record("NZ", bucket: 0, score: 99), Self.record("FI", bucket: 2, score: 80)]
        let batch = AlertBatch(records: records, suppressions: [:], maxAlerts: 2, emit: .alerts)
        #expect(batch.incidents.map(\.country) == ["KG", "NZ"])
        #expect(batch.alerts == 5 && batch.heldBack == 1)
        let all = AlertBatch(records: records, suppressions: [:], maxAlerts: 2, emit: .all)
        #expect(all.records.filter(\.heldBack).map(\.country) == ["FI"])
        #expect(all.incidents.filter(\.heldBack).map(\.country) == ["FI"])
    }

    @Test func theAlertDocumentIsOnePerIncidentWithElasticsSuppressionFields() throws {
        let records = (0..<3).map { Self.record("KG", bucket: $0, score: 90 + Double($0), host: "ws-9") }
        let batch = AlertBatch(
            records: records, suppressions: [:], maxAlerts: 100, emit: .alerts, horizon: Self.t0 + 3 * 900)
        let text = batch.ndjson(ecs: true, rule: RuleMetadata(), createdAt: Double(Self.t0 + 3600), top: 5)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(document["kibana.alert.suppression.docs_count"] as? Int == 2)
        #expect(document["kibana.alert.status"] as? String == "active", "quiet only up to the horizon: open")
        #expect(document["kibana.alert.end"] == nil)
        #expect(document["record_id"] as? String == records[2].recordID, "the peak bucket's fields")
        #expect(document["host.name"] as? [String] == ["ws-9"])
        let incident = try #require(document["incident"] as? [String: Any])
        #expect(incident["buckets"] as? Int == 3 && incident["events"] as? Int == 30)
        #expect(incident["status"] as? String == "open")
        #expect(
            (document["kibana.alert.ancestors"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                == records.map(\.recordID))
        // Plain records keep one line per bucket, each naming its incident.
        let plain = batch.ndjson(ecs: false, rule: RuleMetadata(), createdAt: 0, top: 5).split(separator: "\n")
        #expect(plain.count == 3 && plain.allSatisfy { $0.contains("\"incident_id\":\"\(batch.incidents[0].id)\"") })
    }

    @Test func backtestsCountIncidentsFromTheScoredCells() throws {
        // One country, alerting in buckets 0, 1, 5 and 10 of 12: gaps of 45 and 60 quiet minutes.
        let alerting: Set<Int> = [0, 1, 5, 10]
        var batch = ScoredBatch.empty
        batch.bucketStarts = (0..<12).map { Self.t0 + Int64($0) * 900 }
        batch.countries = [try #require(CountryCode("KG"))]
        batch.alert = (0..<12).map { alerting.contains($0) }
        let count = { (gap: Int64) in
            IncidentGrouping(gap: gap).count(batch, bucketSpan: 900) { cell, _ in batch.alert[cell] }
        }
        #expect(count(3600) == 2 && count(3601) == 1 && count(900) == 3 && count(0) == 4)
    }
}
