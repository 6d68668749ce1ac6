import Foundation
import GeoSpikeIngest
import GeoSpikeScore
import Testing

@Suite("Suggested exceptions are the narrowest that explain the spike")
struct ExceptionSuggestionTests {
    static func alert(actual: Int, typical: Double, _ influencers: [String: [(String, Int)]]) -> BenignAlert {
        BenignAlert(
            recordID: "r1", bucketStart: 0, country: CountryCode("NZ")!, actual: actual, typical: typical,
            influencers: influencers.mapValues { $0.map { AnomalyRecord.InfluencerValue(value: $0.0, count: $0.1) } })
    }

    @Test func oneHostOneUserOneProcessGiveThreeConditions() throws {
        let alert = Self.alert(
            actual: 41, typical: 0.4,
            [
                "host.name": [("srv-backup-01", 40), ("ws-017", 1)], "user.name": [("svc-backup", 40)],
                "process.name": [("restic", 40), ("chrome.exe", 1)], "source.ip": [("10.10.0.5", 40), ("10.9.0.17", 1)],
                "destination.port": [("443", 41)],
            ])
        // Up to 3 of 41 events may remain (typical 0.4), so the exception must cover 38. Each
        // field leaves one event out; only three such fields together are sure to cover 38.
        let entry = try #require(ExceptionSuggestion.suggest(for: alert, reason: "backup", owner: "it"))
        #expect(entry.hostNames == ["srv-backup-01"])
        #expect(entry.userNames == ["svc-backup"])
        #expect(entry.processNames == ["restic"])
        #expect(entry.sourceNetworks.isEmpty, "41 − 4 stray events could be 37 < 38")
        #expect(entry.destinationPorts.isEmpty, "destinations are not source conditions")
        #expect(entry.id == "nz-srv-backup-01" && entry.country == CountryCode("NZ"))
    }

    @Test func aUserSeenOnOnlyPartOfTheSpikeIsLeftOut() throws {
        // 33 events, 8 with a user: requiring the user would let 25 through, and the spike stays.
        let alert = Self.alert(
            actual: 33, typical: 0.03,
            ["host.name": [("WS-BER-0194", 33)], "user.name": [("mia", 8)], "process.name": [("powershell.exe", 33)]])
        let entry = try #require(ExceptionSuggestion.suggest(for: alert, reason: "r", owner: "o"))
        #expect(entry.hostNames == ["WS-BER-0194"] && entry.userNames.isEmpty && entry.processNames == ["powershell.exe"])
    }

    @Test func conditionsStopWhenTogetherTheyCouldMissTheExcess() throws {
        // Typical 10, actual 50: up to ⌊10 + 3√10⌋ = 19 may remain, so the exception must
        // cover 31. The host covers 40, the process 38: together at least 50 − 10 − 12 = 28
        // < 31, so only the host is used.
        let alert = Self.alert(
            actual: 50, typical: 10, ["host.name": [("a", 40), ("b", 10)], "process.name": [("p", 38), ("q", 12)]])
        let entry = try #require(ExceptionSuggestion.suggest(for: alert, reason: "r", owner: "o"))
        #expect(entry.hostNames == ["a"] && entry.processNames.isEmpty)
        // Two hosts are needed when neither covers the excess alone.
        let two = Self.alert(actual: 50, typical: 10, ["host.name": [("a", 25), ("b", 20), ("c", 5)]])
        #expect(ExceptionSuggestion.suggest(for: two, reason: "r", owner: "o")?.hostNames == ["a", "b"])
    }

    @Test func aSpreadOutSpikeGetsNoCountryWideExceptionUnlessAsked() throws {
        let spread = Self.alert(
            actual: 60, typical: 5,
            ["host.name": (1...12).map { ("ws-\($0)", 5) }, "source.ip": (1...12).map { ("10.0.0.\($0)", 5) }])
        #expect(ExceptionSuggestion.suggest(for: spread, reason: "r", owner: "o") == nil)
        let wide = try #require(ExceptionSuggestion.suggest(for: spread, reason: "r", owner: "o", allowCountryWide: true))
        #expect(wide.isCountryWide && wide.id == "nz-country-wide")
        let (list, unexplained) = ExceptionSuggestion.suggest(for: [spread], reason: "r", owner: "o")
        #expect(list.entries.isEmpty && unexplained.map(\.recordID) == ["r1"])
    }

    @Test func identicalSuggestionsMergeAndIDsStayUnique() throws {
        let first = Self.alert(actual: 20, typical: 0.1, ["host.name": [("WS-1", 20)]])
        var second = first
        second.recordID = "r2"
        var otherUser = Self.alert(actual: 20, typical: 0.1, ["host.name": [("WS-1", 20)], "user.name": [("bob", 20)]])
        otherUser.recordID = "r3"
        let (list, unexplained) = ExceptionSuggestion.suggest(for: [first, second, otherUser], reason: "r", owner: "o")
        #expect(unexplained.isEmpty)
        #expect(list.entries.map(\.id) == ["nz-ws-1", "nz-ws-1-2"])
        #expect(list.entries[1].userNames == ["bob"])
    }

    @Test func writtenListsReadBackUnchanged() throws {
        var entry = ExceptionEntry(
            id: "nz-backup", country: CountryCode("NZ")!, reason: "backup: \"offsite\" # nightly", owner: "it-ops",
            expires: Timestamp.parse("2026-12-31T18:00:00Z"))
        entry.hostNames = ["srv-backup-01", "srv-backup-02"]
        entry.userNames = ["svc-backup"]
        entry.sourceNetworks = [try CIDRBlock(parsing: "10.10.0.0/24"), try CIDRBlock(parsing: "2001:db8::/32")]
        entry.destinationPorts = [443]
        let list = ExceptionList(entries: [entry])
        for (text, file) in [(list.json, "s.json"), (list.yaml(header: ["proposed"]), "s.yaml")] {
            var read = try ExceptionList.parse(text, file: file).entries
            #expect(read.count == 1)
            read[0].location = entry.location
            #expect(read[0] == entry, "\(text)")
        }
    }

    @Test func alertsAreReadBackFromScorerOutput() throws {
        let record = try AlertDocumentTests.spikeRecord()
        let document = AlertDocument(record: record, rule: RuleMetadata(), createdAt: 0)
        var benign = record
        benign.recordID = "marked"
        let suppressed = AnomalyRecord(
            recordID: "done", modelID: "m", bucketStart: 0, bucketSpan: 900, country: "JP", countryName: "Japan",
            actual: 5, typical: 1, probability: 1, log10Probability: 0, recordScore: 80, rawScore: 1, severity: "critical",
            alert: false, family: "poisson", multiBucketImpact: 0, firstSeen: false, interim: false, influencers: [],
            suppression: AlertSuppression(
                exceptionID: "x", reason: "r", owner: "o", location: "f:1", exceptedEvents: 5, actualWithoutExcepted: 0,
                recordScoreWithoutExcepted: 0))
        let markedLine = String(benign.jsonLine.dropLast()) + ",\"benign\":true}"
        let text = [document.jsonLine, "", markedLine, suppressed.jsonLine].joined(separator: "\n")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString).ndjson").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let alerts = try BenignAlert.read(path: path)
        #expect(alerts.map(\.recordID) == [record.recordID, "marked"], "the suppressed record is not an open alert")
        #expect(alerts[0].alertID == document.alertID && !alerts[0].markedBenign && alerts[1].markedBenign)
        #expect(alerts[0].actual == 41 && alerts[0].influencers["host.name"]?.first?.value == "ws-rogue-7")
        #expect(alerts[1].location == "\(path):3")

        try "{\"record_id\": \"x\", \"alert\": true}\nnot json\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try geoSpikeError(from: { try BenignAlert.read(path: path) })
        #expect(error.kind == .badData && error.message.hasPrefix("\(path):1: no ISO 8601 timestamp"), "\(error.message)")
    }
}
