import Foundation
import GeoSpikeIngest
import GeoSpikeScore
import Testing

/// Rule and exception files hold short strings: a 20 MB rule name was parsed at a second
/// per megabyte and copied into every alert. Longer values are refused at their line.
@Suite("Bounded strings in rule and exception files")
struct TextLimitTests {
    static let limit = LocatedValue.maximumTextBytes

    @Test func aRuleNameAtTheLimitIsKept() throws {
        let name = String(repeating: "n", count: Self.limit)
        let rule = try RuleMetadata.parse("{\"name\": \"\(name)\"}", file: "rule.json")
        #expect(rule.name.utf8.count == Self.limit)
    }

    @Test func aLongerRuleNameIsRefusedAtItsLine() throws {
        let name = String(repeating: "n", count: 20 << 20)
        let error = try geoSpikeError(from: { try RuleMetadata.parse("{\n\"name\": \"\(name)\"}", file: "rule.json") })
        #expect(error.kind == .badData)
        #expect(error.message.hasPrefix("rule.json:2:"), "\(error.message.prefix(200))")
        #expect(error.message.contains("longer than \(Self.limit) bytes"))
        #expect(error.message.count < 400, "the message must not quote the value")
    }

    @Test func aLongerExceptionValueIsRefusedAtItsLine() throws {
        let reason = String(repeating: "r", count: Self.limit + 300)
        let yaml = """
            - country: SE
              host.name: backup01
              reason: \(reason)
              owner: it
              expires: 2030-01-01
            """
        let error = try geoSpikeError(from: { try ExceptionList.parse(yaml, file: "ex.yaml") })
        #expect(error.message.hasPrefix("ex.yaml:3:"), "\(error.message.prefix(200))")
        #expect(error.message.contains("at most \(Self.limit) bytes"))
        let json = #"[{"country": "SE", "host.name": "backup01", "reason": "\#(reason)", "owner": "it", "expires": "2030-01-01"}]"#
        let jsonError = try geoSpikeError(from: { try ExceptionList.parse(json, file: "ex.json") })
        #expect(jsonError.message.hasPrefix("ex.json:1:"), "\(jsonError.message.prefix(200))")
        #expect(jsonError.message.contains("longer than \(Self.limit) bytes"))
    }
}
