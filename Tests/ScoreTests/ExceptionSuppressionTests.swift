import Foundation
import GeoSpikeIngest
import GeoSpikeScore
import Testing

@Suite("Exceptions suppress only the spikes they explain")
struct ExceptionSuppressionTests {
    static let approvedBackup = """
        - id: offsite-backup
          country: JP
          host.name: srv-backup-01
          user.name: svc-backup
          reason: nightly offsite backup (CHG-1234)
          owner: it-ops@example.com
        """

    @Test func theApprovedHostsSpikeAloneIsSuppressed() throws {
        let list = try AlertFixture.exceptions(Self.approvedBackup)
        let events = AlertFixture.burst(40, to: AlertFixture.jp, host: "srv-backup-01", user: "svc-backup")
        let (traffic, batch, suppressions) = try AlertFixture.score(events, exceptions: list)
        #expect(AlertFixture.alerts(batch, AlertFixture.jp), "the full count alerts")
        let cell = CellKey(bucketStart: AlertFixture.bucket0, country: AlertFixture.jp)
        let suppression = try #require(suppressions[cell])
        #expect(suppression.exceptionID == "offsite-backup")
        #expect(suppression.owner == "it-ops@example.com")
        #expect(suppression.exceptedEvents == 40)
        #expect(suppression.actualWithoutExcepted == 0)
        #expect(traffic.table.count(bucketStart: AlertFixture.bucket0, country: AlertFixture.jp) == 40)
        #expect(traffic.kept.count(bucketStart: AlertFixture.bucket0, country: AlertFixture.jp) == 0)
        #expect(suppressions.count == 1)
    }

    @Test func anExceptedHostPlusANewHostStillAlerts() throws {
        let list = try AlertFixture.exceptions(Self.approvedBackup)
        let events =
            AlertFixture.burst(40, to: AlertFixture.jp, host: "srv-backup-01", user: "svc-backup")
            + AlertFixture.burst(30, to: AlertFixture.jp, host: "ws-rogue-7", ip: "10.66.0.7", user: "mallory")
        let (traffic, batch, suppressions) = try AlertFixture.score(events, exceptions: list)
        #expect(AlertFixture.alerts(batch, AlertFixture.jp))
        #expect(suppressions.isEmpty, "the unapproved host's 30 events alert on their own")
        #expect(traffic.kept.count(bucketStart: AlertFixture.bucket0, country: AlertFixture.jp) == 30)
        #expect(traffic.excepted(by: 0, in: CellKey(bucketStart: AlertFixture.bucket0, country: AlertFixture.jp)) == 40)
    }

    @Test func oneStrayEventBesideTheApprovedSpikeDoesNotKeepTheAlert() throws {
        let list = try AlertFixture.exceptions(Self.approvedBackup)
        let events =
            AlertFixture.burst(40, to: AlertFixture.jp, host: "srv-backup-01", user: "svc-backup")
            + [AlertFixture.event(500, AlertFixture.jp, host: "ws-017")]
        let (_, _, suppressions) = try AlertFixture.score(events, exceptions: list)
        let suppression = try #require(suppressions[CellKey(bucketStart: AlertFixture.bucket0, country: AlertFixture.jp)])
        #expect(suppression.actualWithoutExcepted == 1)
        #expect(suppression.recordScoreWithoutExcepted < 75)
    }

    @Test func theSameHostUnderAnotherUserIsNotExcepted() throws {
        // The guide's advice: combine source and user conditions, so a compromised
        // backup server talking as someone else still alerts.
        let list = try AlertFixture.exceptions(Self.approvedBackup)
        let events = AlertFixture.burst(40, to: AlertFixture.jp, host: "srv-backup-01", user: "root")
        let (traffic, batch, suppressions) = try AlertFixture.score(events, exceptions: list)
        #expect(AlertFixture.alerts(batch, AlertFixture.jp))
        #expect(suppressions.isEmpty)
        #expect(traffic.exceptedEvents == 0)
    }

    @Test func anExceptionForAnotherCountryChangesNothing() throws {
        let list = try AlertFixture.exceptions(Self.approvedBackup.replacingOccurrences(of: "country: JP", with: "country: SE"))
        let events = AlertFixture.burst(40, to: AlertFixture.jp, host: "srv-backup-01", user: "svc-backup")
        let (_, batch, suppressions) = try AlertFixture.score(events, exceptions: list)
        #expect(AlertFixture.alerts(batch, AlertFixture.jp))
        #expect(suppressions.isEmpty)
    }

    @Test func theFullTableIsWhatIngestCounts() throws {
        let events =
            AlertFixture.burst(40, to: AlertFixture.jp, host: "srv-backup-01", user: "svc-backup")
            + AlertFixture.background
        let path = try AlertFixture.ecsFile(events)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = ReaderOptions()
        options.format = .ecs
        options.geoip = "none"
        let (counted, _) = try Ingest.countTable(paths: [path], options: options)
        let traffic = try ExceptedTraffic.read(
            paths: [path], options: options, exceptions: try AlertFixture.exceptions(Self.approvedBackup))
        #expect(traffic.table.counts == counted.counts)
        #expect(traffic.table.bucketRange == counted.bucketRange)
        #expect(traffic.kept.bucketRange == counted.bucketRange, "kept judges the same buckets interim")
        let jpCell = CellKey(bucketStart: AlertFixture.bucket0, country: AlertFixture.jp)
        #expect(traffic.table.influencers[jpCell]?[InfluencerField.hostName.rawValue].top(1).first?.value == "srv-backup-01")
    }

    @Test func suppressedAlertsDoNotTakeAPlaceUnderTheCap() throws {
        let list = try AlertFixture.exceptions(Self.approvedBackup)
        // Japan spikes from the approved host in bucket 0; a new country spikes in bucket 1.
        let br = try #require(CountryCode("BR"))
        let events =
            AlertFixture.burst(40, to: AlertFixture.jp, host: "srv-backup-01", user: "svc-backup")
            + AlertFixture.burst(40, to: br, bucket: 1, host: "ws-rogue-7")
        let (traffic, batch, suppressions) = try AlertFixture.score(events, exceptions: list)
        let scorer = try AlertFixture.scorer()
        let records = scorer.records(batch, table: traffic.table, emit: .alerts, options: AlertFixture.options)
        #expect(records.filter(\.alert).count == 2)
        let delivered = AlertBatch(records: records, suppressions: suppressions, maxAlerts: 1, emit: .alerts)
        #expect(delivered.alerts == 1)
        #expect(delivered.suppressed == 1)
        #expect(delivered.heldBack == 0, "the suppressed alert did not use up the cap")
        #expect(delivered.records.first { $0.alert }?.country == "BR")
        let suppressed = try #require(delivered.records.first { $0.suppression != nil })
        #expect(suppressed.country == "JP" && !suppressed.alert)
        #expect(suppressed.jsonLine.contains("\"suppressed\":true,\"exception\":{\"id\":\"offsite-backup\""))
    }

    @Test func anExpiredExceptionSuppressesNothing() throws {
        let list = try AlertFixture.exceptions(Self.approvedBackup + "\n  expires: 2026-10-01\n")
        let now = Double(AlertFixture.bucket0)
        let (active, warnings) = list.active(at: now)
        #expect(active.entries.isEmpty)
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("offsite-backup") && warnings[0].contains("expired at 2026-10-02T00:00:00Z"))
        let events = AlertFixture.burst(40, to: AlertFixture.jp, host: "srv-backup-01", user: "svc-backup")
        let (_, batch, suppressions) = try AlertFixture.score(events, exceptions: active)
        #expect(AlertFixture.alerts(batch, AlertFixture.jp))
        #expect(suppressions.isEmpty)
    }
}
