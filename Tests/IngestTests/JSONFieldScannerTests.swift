import Foundation
import Testing

@testable import GeoSpikeIngest

@Suite("JSON field scanner")
struct JSONFieldScannerTests {
    let scanner = JSONFieldScanner(fields: [
        ["destination.geo.country_iso_code"], ["destination.ip"], ["event.category"], ["host.name"], ["n"],
    ])

    func scan(_ line: String) -> [String?]? {
        var copy = line
        return copy.withUTF8 { bytes -> [String?]? in
            guard scanner.scan(bytes) else { return nil }
            return (0..<5).map { i in
                let value = scanner.value(i)
                return value.kind == .absent ? nil : String(decoding: value.bytes, as: UTF8.self)
            }
        }
    }

    @Test func nestedDottedAndMixedKeysAreTheSameField() {
        let spellings = [
            #"{"destination":{"geo":{"country_iso_code":"SE"}}}"#,
            #"{"destination.geo.country_iso_code":"SE"}"#,
            #"{"destination.geo":{"country_iso_code":"SE"}}"#,
            #"{"destination":{"geo.country_iso_code":"SE"}}"#,
            #" { "destination" : { "geo" : { "country_iso_code" : "SE" } } } "#,
        ]
        for line in spellings {
            #expect(scan(line)?[0] == "SE", "\(line)")
        }
    }

    @Test func skipsUnwantedValuesWhateverTheyHold() {
        let line =
            #"{"message":"a \"quoted\" {brace} [bracket] \\","nested":{"a":[1,{"b":"}"}],"destination":{"ip":"decoy"}},"destination":{"ip":"89.160.20.156"},"n":-12.5e3,"host":{"name":"x"}}"#
        let values = scan(line)
        #expect(values?[1] == "89.160.20.156")
        #expect(values?[3] == "x")
        #expect(values?[4] == "-12.5e3")
    }

    @Test func decodesEscapesInValuesAndKeys() {
        let values = scan(
            #"{"host.name":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/","destination.geo.country\u005fiso_code":"CN"}"#)
        #expect(values?[3] == "café 😀 \"q\" \\ /")
        #expect(values?[0] == "CN")
    }

    @Test func arraysAreKeptForMembershipTests() {
        var line = #"{"event":{"category":["process","network"]}}"#
        line.withUTF8 { _ = scanner.scan($0) }
        #expect(scanner.contains(2, "network") == true)
        var other = #"{"event":{"category":["process"]}}"#
        other.withUTF8 { _ = scanner.scan($0) }
        #expect(scanner.contains(2, "network") == false)
        var absent = #"{"event":{"kind":"event"}}"#
        absent.withUTF8 { _ = scanner.scan($0) }
        #expect(scanner.contains(2, "network") == nil)
    }

    @Test func rejectsTruncatedAndUnbalancedLines() {
        for line in [
            #"{"destination":{"ip":"89.160.20"#, #"{"destination":{"ip":"89.160.20.156"}"#, #"{"a":1}{"b":2}"#,
            #"{"a":}"#, #"{"a" 1}"#, #"["a"]"#, "", #"{"a":tru}"#, #"{"a":[1,2}"#,
        ] {
            #expect(scan(line) == nil, "\(line)")
        }
    }

    @Test func agreesWithJSONSerializationOnGeneratedDocuments() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let ip =
                "\(Int.random(in: 1...223, using: &rng)).\(Int.random(in: 0...255, using: &rng)).1.\(Int.random(in: 0...255, using: &rng))"
            let host = ["ws-1", "caf\u{e9}", "q\"uote", "back\\slash", "tab\there", "😀"].randomElement(using: &rng)!
            var document: [String: Any] = ["@timestamp": "2026-10-05T00:00:00Z", "noise": ["x": [1, ["y": "}"]]]]
            if Bool.random(using: &rng) {
                document["destination"] = ["ip": ip, "geo": ["country_iso_code": "SE"]]
            } else {
                document["destination.ip"] = ip
                document["destination.geo"] = ["country_iso_code": "SE"]
            }
            if Bool.random(using: &rng) { document["host"] = ["name": host] } else { document["host.name"] = host }
            let data = try JSONSerialization.data(withJSONObject: document)
            let line = String(decoding: data, as: UTF8.self)
            let values = try #require(scan(line))
            #expect(values[1] == ip)
            #expect(values[0] == "SE")
            #expect(values[3] == host)
        }
    }
}
