import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import Testing

@Suite("Alert documents, rule metadata, the alert cap and investigation context")
struct AlertDocumentTests {
    /// The record of a 40-event spike to Japan from one unusual host, as the scorer makes it.
    static func spikeRecord() throws -> AnomalyRecord {
        let events =
            AlertFixture.burst(40, to: AlertFixture.jp, host: "ws-rogue-7", ip: "10.66.0.7", user: "mallory")
            + [AlertFixture.event(30, AlertFixture.jp, host: "ws-017", ip: "10.9.0.17")]
        let (traffic, batch, _) = try AlertFixture.score(events, exceptions: ExceptionList(entries: []))
        let records = try AlertFixture.scorer().records(batch, table: traffic.table, emit: .alerts, options: AlertFixture.options)
        return try #require(records.first { $0.country == "JP" })
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func anAlertDocumentCarriesTheRuleTheCountryTheSourcesAndTheRecord() throws {
        let record = try Self.spikeRecord()
        #expect(record.alert && record.actual == 41)
        let createdAt = try #require(Timestamp.parse("2026-10-05T10:31:07Z"))
        let document = AlertDocument(record: record, rule: RuleMetadata(), createdAt: createdAt)
        let json = try Self.object(document.jsonLine)

        // The anomaly record's own fields are all there, unchanged.
        #expect(json["record_id"] as? String == record.recordID)
        #expect(json["record_score"] as? Double == (record.recordScore * 1e3).rounded() / 1e3)
        #expect(json["actual"] as? Int == 41)
        #expect(json["alert"] as? Bool == true)
        #expect(json["influencers"] is [String: Any])

        #expect(json["@timestamp"] as? String == "2026-10-05T10:31:07Z")
        #expect(json["event.kind"] as? String == "signal")
        #expect(json["kibana.alert.rule.name"] as? String == "Spike in Network Traffic To a Country")
        #expect(json["kibana.alert.rule.rule_id"] as? String == "c7db5533-ca2a-41f6-a8b0-ee98abe0f573")
        #expect(json["kibana.alert.severity"] as? String == "low")
        #expect(json["kibana.alert.risk_score"] as? Int == 21)
        #expect(json["kibana.alert.rule.interval"] as? String == "15m")
        #expect(json["kibana.alert.rule.from"] as? String == "now-30m")
        #expect(json["kibana.alert.rule.max_signals"] as? Int == 100)
        #expect(json["kibana.alert.workflow_status"] as? String == "open")
        #expect(json["kibana.alert.suppressed"] as? Bool == false)
        #expect(json["kibana.alert.original_time"] as? String == Timestamp.iso8601(AlertFixture.bucket0))
        let tags = try #require(json["kibana.alert.rule.tags"] as? [String])
        #expect(tags.contains("Tactic: Exfiltration") && tags.contains("Rule Type: ML"))

        let threat = try #require(json["kibana.alert.rule.threat"] as? [[String: Any]])
        var techniques: [String: String] = [:]
        var tactics: [String] = []
        for entry in threat {
            #expect(entry["framework"] as? String == "MITRE ATT&CK")
            let tactic = try #require(entry["tactic"] as? [String: String])
            tactics.append("\(tactic["id"] ?? "") \(tactic["name"] ?? "")")
            for technique in try #require(entry["technique"] as? [[String: String]]) {
                techniques[technique["id"] ?? ""] = tactic["name"]
                #expect(technique["reference"] == "https://attack.mitre.org/techniques/\(technique["id"] ?? "")/")
            }
        }
        #expect(tactics == ["TA0010 Exfiltration", "TA0011 Command and Control", "TA0007 Discovery", "TA0043 Reconnaissance"])
        #expect(techniques == [
            "T1041": "Exfiltration", "T1048": "Exfiltration", "T1071": "Command and Control", "T1046": "Discovery",
            "T1595": "Reconnaissance",
        ])

        #expect(json["destination.geo.country_iso_code"] as? String == "JP")
        #expect(json["destination.geo.country_name"] as? String == "Japan")
        #expect((json["host.name"] as? [String])?.first == "ws-rogue-7")
        #expect(json["source.ip"] as? [String] == ["10.66.0.7", "10.9.0.17"])
        #expect(json["user.name"] as? [String] == ["mallory"])
        #expect(json["process.name"] as? [String] == ["svc.exe"])
        let ancestors = try #require(json["kibana.alert.ancestors"] as? [[String: Any]])
        #expect(ancestors.first?["id"] as? String == record.recordID)
        #expect(ancestors.first?["model_id"] as? String == "alert-test-model")
        let reason = try #require(json["kibana.alert.reason"] as? String)
        #expect(reason.hasPrefix("Network traffic to Japan: 41 events in 15 minutes where 0."), "\(reason)")

        // Overlapping runs make the same alert id for the same record.
        let again = AlertDocument(record: record, rule: RuleMetadata(), createdAt: createdAt + 900)
        #expect(again.alertID == document.alertID)
    }

    @Test func aRuleFileOverridesTheMetadataItNames() throws {
        let rule = try RuleMetadata.parse(
            """
            {"name": "Egress spike (EU office)", "severity": "Medium", "risk_score": 47, "max_signals": 10,
             "tags": ["Team: EU SOC"],
             "threat": [{"tactic": {"id": "TA0010", "name": "Exfiltration"},
                         "technique": [{"id": "T1567", "name": "Exfiltration Over Web Service"}]}],
             "business_hours": {"start": "07:30", "end": "16:00", "days": ["Mon", "Tue", "Wed", "Thu"]}}
            """, file: "rule.json")
        #expect(rule.name == "Egress spike (EU office)")
        #expect(rule.ruleID == RuleMetadata().ruleID, "keys the file leaves out keep their defaults")
        #expect(rule.severity == "medium" && rule.riskScore == 47 && rule.maxAlertsPerRun == 10)
        #expect(rule.tags == ["Team: EU SOC"])
        #expect(rule.threat.map(\.techniques.first?.id) == ["T1567"])
        #expect(rule.businessHours == WorkingHours(start: 7 * 3600 + 1800, end: 16 * 3600, weekdays: [0, 1, 2, 3]))
        let document = AlertDocument(record: try Self.spikeRecord(), rule: rule, createdAt: 0)
        let json = try Self.object(document.jsonLine)
        #expect(json["kibana.alert.severity"] as? String == "medium")
        #expect(json["kibana.alert.risk_score"] as? Int == 47)
        #expect(json["kibana.alert.rule.name"] as? String == "Egress spike (EU office)")
    }

    @Test(arguments: [
        ("{\"severity\": \"urgent\"}", 1, "must be one of low, medium, high, critical"),
        ("{\n\"risk_score\": 101}", 2, "between 0 and 100"),
        ("{\n\n\"max_signal\": 5}", 3, "unknown key 'max_signal'"),
        ("{\"business_hours\": {\"start\": \"8am\"}}", 1, "HH:MM"),
        ("[1]", 1, "one JSON object"),
    ])
    func badRuleFilesNameTheLine(text: String, line: Int, phrase: String) throws {
        let error = try geoSpikeError(from: { try RuleMetadata.parse(text, file: "rule.json") })
        #expect(error.message.hasPrefix("rule.json:\(line):"), "\(error.message)")
        #expect(error.message.contains(phrase), "\(error.message)")
    }

    static func record(score: Double, bucket: Int64, country: String, alert: Bool = true) -> AnomalyRecord {
        AnomalyRecord(
            recordID: "\(country)\(bucket)", modelID: "m", bucketStart: AlertFixture.bucket0 + bucket * 900,
            bucketSpan: 900, country: country, countryName: country, actual: 10, typical: 1, probability: 1e-6,
            log10Probability: -6, recordScore: score, rawScore: 10, severity: AnomalyScale.severity(recordScore: score),
            alert: alert, family: "poisson", multiBucketImpact: 0, firstSeen: false, interim: false, influencers: [])
    }

    /// The records after the cap, with held-back ones kept (flagged).
    static func capped(_ records: [AnomalyRecord], limit: Int) -> (records: [AnomalyRecord], heldBack: Int) {
        let batch = AlertBatch(records: records, suppressions: [:], maxAlerts: limit, emit: .all)
        return (batch.records, batch.heldBack)
    }

    @Test func theCapKeepsTheHighestScoresAndCountsTheRest() throws {
        // Each country alerts once: one incident each, so the cap ranks these records.
        let (records, heldBack) = Self.capped(
            [
                Self.record(score: 80, bucket: 0, country: "AA"), Self.record(score: 99, bucket: 0, country: "BB"),
                Self.record(score: 40, bucket: 0, country: "CC", alert: false),
                Self.record(score: 90, bucket: 0, country: "DD"), Self.record(score: 90, bucket: 1, country: "EE"),
                Self.record(score: 76, bucket: 1, country: "FF"),
            ], limit: 3)
        #expect(heldBack == 2)
        #expect(records.filter(\.alert).map(\.country) == ["BB", "DD", "EE"], "ties go to the later bucket, then the country")
        #expect(records.filter(\.heldBack).map(\.country) == ["AA", "FF"])
        #expect(!records[2].heldBack, "a record that never alerted is not held back")
        let few = Self.capped([Self.record(score: 80, bucket: 0, country: "AA")], limit: 100)
        #expect(few.heldBack == 0 && few.records[0].alert)

        let tied = Self.capped(
            [
                Self.record(score: 90, bucket: 0, country: "DD"), Self.record(score: 90, bucket: 1, country: "EE"),
                Self.record(score: 90, bucket: 1, country: "AB"),
            ], limit: 1)
        #expect(tied.records.filter(\.alert).map(\.country) == ["AB"])

        let batch = AlertBatch(
            records: [Self.record(score: 80, bucket: 0, country: "AA"), Self.record(score: 99, bucket: 0, country: "BB")],
            suppressions: [:], maxAlerts: 1, emit: .alerts)
        #expect(batch.alerts == 1 && batch.heldBack == 1)
        #expect(batch.records.map(\.country) == ["BB"], "held-back records are not written with --emit alerts")
        let all = AlertBatch(
            records: [Self.record(score: 80, bucket: 0, country: "AA"), Self.record(score: 99, bucket: 0, country: "BB")],
            suppressions: [:], maxAlerts: 1, emit: .all)
        #expect(all.records.count == 2 && all.records[0].jsonLine.hasSuffix("\"held_back\":true}"))
    }

    @Test func contextSaysWhenWhoAndHowMuchIsTypical() throws {
        var model = try AlertFixture.model()
        let jp = try #require(model.countryIndex[AlertFixture.jp])
        model.countries[jp].usualSources = ["ws-017", "srv-web-01", "10.9.0.17"]
        let clock = try LocalClock(identifier: "UTC")
        let record = try Self.spikeRecord()
        let context = InvestigationContext(record: record, model: model, clock: clock, hours: .standard)
        #expect(context.localTime == "10:00" && context.weekday == "Mon" && context.timeZone == "UTC")
        #expect(context.inBusinessHours)
        #expect(context.topSource == "ws-rogue-7" && context.topSourceField == "host.name")
        #expect(context.topSourceUsual == false)
        #expect(context.typicalAtThisTime == record.typical)
        #expect(abs((context.trainingMeanPerBucket ?? 0) - 0.5) < 0.1)
        #expect(context.nextSteps.count == 2)
        #expect(context.nextSteps[0].contains("ws-rogue-7 is not a usual source for Japan"))
        #expect(context.nextSteps[0].contains("user mallory"))
        #expect(context.nextSteps[1].contains("exception"))

        // The same record on a Sunday night, with the usual host on top.
        var night = record
        night.bucketStart = AlertFixture.bucket0 - 86400 - 7 * 3600  // Sunday 03:00
        night.influencers = [("host.name", [.init(value: "WS-017", count: 40)])]
        let late = InvestigationContext(record: night, model: model, clock: clock, hours: .standard)
        #expect(late.weekday == "Sun" && late.localTime == "03:00" && !late.inBusinessHours)
        #expect(late.topSourceUsual == true, "usual sources compare without case")
        #expect(late.nextSteps[0].contains("usually talks to Japan"))
        #expect(late.nextSteps[1].hasPrefix("Outside business hours"))

        // A model trained from counts has no usual sources: say nothing rather than guess.
        model.countries[jp].usualSources = []
        #expect(InvestigationContext(record: record, model: model, clock: clock, hours: .standard).topSourceUsual == nil)

        var withContext = record
        withContext.context = context
        let table = RecordTable(records: [withContext], timeZone: "UTC", colour: false).text
        #expect(table.contains("    context: Mon 10:00 UTC (business hours); top source ws-rogue-7 is NOT a usual source"))
        #expect(table.contains("    next: ws-rogue-7 is not a usual source"))
        let json = try Self.object(withContext.jsonLine)
        let contextJSON = try #require(json["context"] as? [String: Any])
        #expect(contextJSON["business_hours"] as? Bool == true)
        #expect(contextJSON["top_source_usual"] as? Bool == false)
        #expect((contextJSON["next_steps"] as? [String])?.count == 2)
    }
}
