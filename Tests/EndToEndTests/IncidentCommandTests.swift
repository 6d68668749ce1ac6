import Foundation
import Testing

/// geospike-score groups the alerting buckets of the bundled attacked day into incidents:
/// one per labelled attack (datasets/batch-attack-labels.csv), in NDJSON, ECS and table form.
@Suite("Incidents on the attacked day")
struct IncidentCommandTests {
    static let root = BinaryRunner.packageRoot
    static let model = root.appendingPathComponent("models/demo.gsm").path
    static let batch = root.appendingPathComponent("datasets/batch-attack-ecs.ndjson.gz").path
    static let example = root.appendingPathComponent("datasets/exceptions-example.json").path
    static let now = "2026-10-06T00:00:00Z"

    static func score(_ extra: [String]) throws -> (exitCode: Int32, stdout: String, stderr: String) {
        try run("geospike-score", ["--model", model, "--input", batch, "--now", now] + extra)
    }

    static func lines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func eachLabelledAttackIsOneIncident() throws {
        let result = try Self.score(["--alerts-format", "ecs"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let documents = try Self.lines(result.stdout)
        #expect(
            documents.map { $0["country"] as? String } == ["HK", "KG", "NZ", "FI"], "in order of their last bucket")
        var byCountry: [String: [String: Any]] = [:]
        for document in documents {
            byCountry[document["country"] as? String ?? ""] = try #require(document["incident"] as? [String: Any])
        }

        // The C2 episode: 17 buckets from 00:45 to 04:45 carrying the 321 labelled events.
        let kg = try #require(byCountry["KG"])
        #expect(kg["start"] as? String == "2026-10-05T00:45:00Z" && kg["end"] as? String == "2026-10-05T05:00:00Z")
        #expect(kg["buckets"] as? Int == 17 && kg["events"] as? Int == 321)
        #expect(kg["status"] as? String == "closed" && kg["first_seen"] as? Bool == true)
        let kgAbove = try #require(kg["events_above_typical"] as? Double)
        #expect(kgAbove > 315 && kgAbove <= 321, "a first-seen country expects almost nothing: \(kgAbove)")
        let kgHosts = try #require((kg["influencers"] as? [String: Any])?["host.name"] as? [[String: Any]])
        #expect(kgHosts.first?["value"] as? String == "WS-BER-0202" && kgHosts.first?["count"] as? Int == 321)
        let kgProcess = try #require((kg["influencers"] as? [String: Any])?["process.name"] as? [[String: Any]])
        #expect(kgProcess.first?["value"] as? String == "powershell.exe")

        let hk = try #require(byCountry["HK"])
        #expect(hk["buckets"] as? Int == 1 && hk["events"] as? Int == 600)
        let nz = try #require(byCountry["NZ"])
        #expect(nz["start"] as? String == "2026-10-05T16:30:00Z" && nz["end"] as? String == "2026-10-05T17:00:00Z")
        #expect(nz["buckets"] as? Int == 2 && nz["events"] as? Int == 75)
        // The botnet trickles 1-4 events a bucket from 17:30 to 19:30: whatever alerts is one incident.
        let fi = try #require(byCountry["FI"])
        let fiStart = try #require(fi["start"] as? String)
        let fiEnd = try #require(fi["end"] as? String)
        #expect(fiStart >= "2026-10-05T17:30:00Z" && fiEnd <= "2026-10-05T19:45:00Z")

        let kgDocument = try #require(documents.first { $0["country"] as? String == "KG" })
        #expect(kgDocument["kibana.alert.suppression.docs_count"] as? Int == 16)
        #expect(kgDocument["kibana.alert.status"] as? String == "recovered")
        #expect(kgDocument["kibana.alert.start"] as? String == "2026-10-05T00:45:00Z")
        let terms = try #require(kgDocument["kibana.alert.suppression.terms"] as? [[String: Any]])
        #expect(
            terms.count == 1 && terms[0]["field"] as? String == "country" && terms[0]["value"] as? [String] == ["KG"])
        #expect((kgDocument["kibana.alert.ancestors"] as? [Any])?.count == 17)
        #expect(kgDocument["host.name"] as? [String] == ["WS-BER-0202"])
        #expect(result.stderr.contains("in 4 incident(s)"))
    }

    @Test func recordsCarryTheirIncidentAndTheExampleExceptionSuppressesTheScanIncident() throws {
        let result = try Self.score(["--exceptions", Self.example])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let records = try Self.lines(result.stdout)
        var buckets: [String: Set<String>] = [:]
        for record in records {
            let id = try #require(record["incident_id"] as? String, "every alert belongs to an incident")
            buckets[id, default: []].insert(record["country"] as? String ?? "")
        }
        #expect(buckets.count == 4 && buckets.values.allSatisfy { $0.count == 1 }, "one country per incident")
        let kg = records.filter { $0["country"] as? String == "KG" }
        #expect(kg.count == 17 && Set(kg.compactMap { $0["incident_id"] as? String }).count == 1)
        let hk = try #require(records.first { $0["country"] as? String == "HK" })
        #expect(hk["suppressed"] as? Bool == true)
        #expect(result.stderr.contains("in 3 incident(s), 1 suppressed by exceptions"))

        let table = try Self.score(["--exceptions", Self.example, "--output", "table"])
        let hkHeader = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("INCIDENT HK") })
        #expect(hkHeader.contains("SUPPRESSED"))
    }

    @Test func theGapAndTheGroupDecideWhatIsOneIncident() throws {
        // Without merging, every alerting bucket is its own incident.
        let apart = try Self.score(["--incident-gap", "0"])
        let records = try Self.lines(apart.stdout)
        #expect(Set(records.compactMap { $0["incident_id"] as? String }).count == records.count)
        #expect(
            apart.stderr.contains("\(records.count) alert(s) at record_score >= 75 in \(records.count) incident(s)"))

        let byHost = try Self.score(["--group-by", "country,host.name", "--alerts-format", "ecs"])
        #expect(byHost.exitCode == 0, "\(byHost.stderr)")
        let kg = try #require(try Self.lines(byHost.stdout).first { $0["country"] as? String == "KG" })
        let terms = try #require(kg["kibana.alert.suppression.terms"] as? [[String: Any]])
        #expect(terms.compactMap { $0["field"] as? String } == ["country", "host.name"])
        #expect(terms.last?["value"] as? [String] == ["WS-BER-0202"])
        #expect(kg["kibana.alert.suppression.docs_count"] as? Int == 16)

        let unknown = try Self.score(["--group-by", "country,hostname"])
        #expect(unknown.exitCode == 64 && unknown.stderr.contains("unknown field 'hostname'"))
        let badGap = try Self.score(["--incident-gap", "an hour"])
        #expect(badGap.exitCode == 64 && badGap.stderr.contains("--incident-gap"))
    }
}
