import Foundation
import GeoSpikeIngest
import GeoSpikeScore
import Testing

@Suite("Exception files and matching")
struct ExceptionListTests {
    static let nz = CountryCode("NZ")!

    static let yaml = """
        ---
        # Approved by the change board.
        exceptions:
          - id: offsite-backup          # a comment after a value
            country: NZ
            host.name: [srv-backup-01, 'srv-backup-02']
            source.ip:
              - 10.10.0.0/24
              - "2001:db8:10::/48"
            user.name: svc-backup
            process.name: restic
            destination.port: 443
            reason: "nightly backup: offsite copy # not a comment"
            owner: it-ops@example.com
            expires: 2026-12-31
          -
            country: Kyrgyzstan
            destination.ip: 37.218.139.0/24
            reason: Bob's supplier portal
            owner: ~
        """

    static let json = """
        {"exceptions": [
          {"id": "offsite-backup", "country": "NZ", "host.name": ["srv-backup-01", "srv-backup-02"],
           "source.ip": ["10.10.0.0/24", "2001:db8:10::/48"], "user.name": "svc-backup", "process.name": "restic",
           "destination.port": 443, "reason": "nightly backup: offsite copy # not a comment",
           "owner": "it-ops@example.com", "expires": "2026-12-31"}
        ]}
        """

    @Test func theYAMLSubsetReadsListsQuotesCommentsAndDates() throws {
        // The second entry lacks an owner (~ is null): the file is rejected at that line.
        #expect(throws: GeoSpikeError.self) { try ExceptionList.parse(Self.yaml, file: "ex.yaml") }
        let error = try geoSpikeError(from: { try ExceptionList.parse(Self.yaml, file: "ex.yaml") })
        #expect(error.message.hasPrefix("ex.yaml:20:"), "\(error.message)")
        #expect(error.message.contains("needs a 'owner'"))

        let fixed = Self.yaml.replacingOccurrences(of: "owner: ~", with: "owner: purchasing")
        let list = try ExceptionList.parse(fixed, file: "ex.yaml")
        #expect(list.entries.count == 2)
        let backup = list.entries[0]
        #expect(backup.id == "offsite-backup")
        #expect(backup.country == Self.nz)
        #expect(backup.hostNames == ["srv-backup-01", "srv-backup-02"])
        #expect(backup.sourceNetworks.map(\.description) == ["10.10.0.0/24", "2001:db8:10:0:0:0:0:0/48"])
        #expect(backup.userNames == ["svc-backup"] && backup.processNames == ["restic"])
        #expect(backup.destinationPorts == [443])
        #expect(backup.reason == "nightly backup: offsite copy # not a comment")
        // Valid through 31 December, UTC.
        #expect(backup.expires == Timestamp.parse("2027-01-01T00:00:00Z"))
        #expect(backup.location == "ex.yaml:4")
        let supplier = list.entries[1]
        #expect(supplier.country == CountryCode("KG"), "country names map to codes")
        #expect(supplier.reason == "Bob's supplier portal")
        #expect(supplier.id == "ex.yaml:16", "an entry without id is named by its place")
        #expect(supplier.destinationNetworks.map(\.description) == ["37.218.139.0/24"])
    }

    @Test func jsonAndYAMLDescribeTheSameEntry() throws {
        let fromJSON = try ExceptionList.parse(Self.json, file: "ex.json").entries[0]
        var fromYAML = try ExceptionList.parse(
            Self.yaml.replacingOccurrences(of: "owner: ~", with: "owner: x"), file: "ex.json.yaml"
        ).entries[0]
        fromYAML.location = fromJSON.location
        #expect(fromJSON == fromYAML)
    }

    @Test(arguments: [
        ("- country: NZ\n\treason: x\n", 2, "tabs"),
        ("- country: NZ\n  source:\n    ip: 10.0.0.0/8\n", 3, "nested mappings"),
        ("- country: NZ\n  reason: &r text\n", 2, "anchors"),
        ("- country: NZ\n  reason: |\n    text\n", 2, "block scalars"),
        ("- country: NZ\n  reason: a: b\n", 2, "nested mappings"),
        ("- country: NZ\n  reason: x\n  reason: y\n", 3, "appears twice"),
        ("- country: NZ\n  reason: 'open\n", 2, "must close"),
        ("- country: NZ\n  reason: x\n  owner: y\n  hostname: a\n", 4, "unknown key 'hostname'"),
        ("- country: NZ\n  reason: x\n  owner: y\n  source.ip: 10.1.2.3/8\n", 4, "10.0.0.0/8"),
        ("- country: NZ\n  reason: x\n  owner: y\n  source.ip: [10.0.0.0/8, 300.1.1.1]\n", 4, "not an IP address"),
        ("- country: NZ\n  reason: x\n  owner: y\n  destination.port: 70000\n", 4, "not a port"),
        ("- country: NZ\n  reason: x\n  owner: y\n  expires: next week\n", 4, "not a date"),
        ("- country: XX1\n  reason: x\n  owner: y\n", 1, "not a country"),
        ("- country: NZ\n  reason: x\n  owner: y\n---\n- country: SE\n", 4, "one YAML document"),
        ("- country: NZ\n  reason: x\n  owner: y\n   host.name: a\n", 4, "deeper indentation"),
        ("- country: NZ\n  reason: x\n  owner: y\n  host.name: []\n", 4, "no values"),
        ("[{\"country\": \"NZ\",\n \"reason\": \"x\",\n \"owner\": \"y\",\n \"host.name\": [\"a\",]}]", 4, "not valid JSON"),
        ("[{\"country\": \"NZ\", \"country\": \"SE\"}]", 1, "appears twice"),
    ])
    func badFilesAreRejectedAtTheirLine(text: String, line: Int, phrase: String) throws {
        let file = text.hasPrefix("[") ? "bad.json" : "bad.yaml"
        let error = try geoSpikeError(from: { try ExceptionList.parse(text, file: file) })
        #expect(error.kind == .badData)
        #expect(error.message.hasPrefix("\(file):\(line):"), "\(error.message)")
        #expect(error.message.contains(phrase), "\(error.message)")
    }

    @Test func aMissingFileIsNoInputAndDuplicateIdsAreRejected() throws {
        let missing = try geoSpikeError(from: { try ExceptionList.load(path: "/nonexistent/exceptions.yaml") })
        #expect(missing.kind == .noInput)
        let twice = "- {id: a}\n"
        #expect(throws: GeoSpikeError.self) { try ExceptionList.parse(twice, file: "t.yaml") }
        let duplicate = "- id: a\n  country: NZ\n  reason: x\n  owner: y\n- id: a\n  country: SE\n  reason: x\n  owner: y\n"
        let error = try geoSpikeError(from: { try ExceptionList.parse(duplicate, file: "t.yaml") })
        #expect(error.message.contains("t.yaml:5") && error.message.contains("already used at t.yaml:1"))
    }

    @Test func cidrBlocksMatchTheirAddressesOnly() throws {
        func address(_ text: String) -> IPAddress {
            guard let a = IPAddress(text) else { preconditionFailure("test address \(text) does not parse") }
            return a
        }
        let v4 = try CIDRBlock(parsing: "10.10.0.0/24")
        #expect(v4.contains(address("10.10.0.255")))
        #expect(!v4.contains(address("10.10.1.0")))
        #expect(v4.contains(address("::ffff:10.10.0.7")), "IPv4-mapped IPv6 is IPv4")
        #expect(!v4.contains(address("2001:db8::1")))
        let host = try CIDRBlock(parsing: "192.0.2.7")
        #expect(host.prefixLength == 32 && host.contains(address("192.0.2.7")))
        #expect(!host.contains(address("192.0.2.8")))
        let v6 = try CIDRBlock(parsing: "2001:db8:10::/48")
        #expect(v6.contains(address("2001:db8:10:ffff::1")))
        #expect(!v6.contains(address("2001:db8:11::1")))
        #expect(try CIDRBlock(parsing: "0.0.0.0/0").contains(address("8.8.8.8")))
        #expect(throws: CIDRError.self) { try CIDRBlock(parsing: "10.0.0.0/33") }
        #expect(throws: CIDRError.self) { try CIDRBlock(parsing: "2001:db8::1/64") }
    }

    @Test func everyConditionMustHoldAndAnyValueOfOneFieldWill() throws {
        let entry = try ExceptionList.parse(Self.json, file: "ex.json").entries[0]
        func event(
            host: String? = "SRV-BACKUP-02", ip: String? = "10.10.0.42", user: String? = "svc-backup",
            process: String? = "restic.exe", port: Int? = 443, country: String = "NZ"
        ) -> NetworkEvent {
            NetworkEvent(
                time: 0, country: CountryCode(country), sourceIP: ip, destinationIP: "203.0.113.5", destinationPort: port,
                processName: process, hostName: host, userName: user)
        }
        #expect(entry.matches(event()), "host case and .exe do not matter")
        #expect(entry.matches(event(ip: "2001:db8:10::9")))
        #expect(!entry.matches(event(host: "ws-017")))
        #expect(!entry.matches(event(ip: "10.10.1.42")))
        #expect(!entry.matches(event(user: "root")), "the approved host as another user is not approved")
        #expect(!entry.matches(event(process: "powershell.exe")))
        #expect(!entry.matches(event(port: 22)))
        #expect(!entry.matches(event(country: "AU")))
        #expect(!entry.matches(event(user: nil)), "an event without the field does not match a condition on it")
        #expect(!entry.matches(event(ip: "not-an-ip")))
    }

    @Test func theFirstMatchingEntryTakesTheEvent() throws {
        let list = try ExceptionList.parse(
            """
            - id: narrow
              country: NZ
              host.name: srv-backup-01
              reason: backup
              owner: it
            - id: wide
              country: NZ
              source.ip: 10.0.0.0/8
              reason: all of it
              owner: it
            """, file: "order.yaml")
        #expect(!list.entries[0].isCountryWide && !list.entries[1].isCountryWide)
        let matcher = list.matcher
        let backup = NetworkEvent(time: 0, country: Self.nz, sourceIP: "10.1.1.1", hostName: "srv-backup-01")
        let other = NetworkEvent(time: 0, country: Self.nz, sourceIP: "10.1.1.2", hostName: "ws-1")
        let outside = NetworkEvent(time: 0, country: Self.nz, sourceIP: "192.0.2.1", hostName: "ws-1")
        let elsewhere = NetworkEvent(time: 0, country: CountryCode("SE"), sourceIP: "10.1.1.1", hostName: "srv-backup-01")
        #expect(matcher.firstMatch(backup) == 0)
        #expect(matcher.firstMatch(other) == 1)
        #expect(matcher.firstMatch(outside) == nil)
        #expect(matcher.firstMatch(elsewhere) == nil)
        #expect(matcher.countries == [Self.nz])
    }

    @Test func expiryIsComparedWithNow() throws {
        let list = try ExceptionList.parse(
            "- country: NZ\n  reason: x\n  owner: y\n  expires: 2026-10-05T12:00:00Z\n- country: SE\n  reason: x\n  owner: y\n",
            file: "e.yaml")
        let noon = try #require(Timestamp.parse("2026-10-05T12:00:00Z"))
        #expect(list.active(at: noon - 1).list.entries.count == 2)
        let after = list.active(at: noon)
        #expect(after.list.entries.map(\.country) == [CountryCode("SE")])
        #expect(after.warnings.count == 1 && after.warnings[0].contains("e.yaml:1"))
        var warned: [String] = []
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("exp-\(UUID().uuidString).yaml").path
        try "- country: NZ\n  reason: x\n  owner: y\n  expires: 2020-01-01\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = try ExceptionList.loadActive(path: path, now: noon) { warned.append($0) }
        #expect(loaded.entries.isEmpty && warned.count == 1)
    }
}

/// The `GeoSpikeError` a body throws, or a test failure when it throws none or another error.
func geoSpikeError<T>(from body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> GeoSpikeError
{
    do {
        _ = try body()
    } catch let error as GeoSpikeError {
        return error
    }
    Issue.record("expected a GeoSpikeError", sourceLocation: sourceLocation)
    throw GeoSpikeError(.usage, "no error thrown")
}
