import Foundation
import Testing

@testable import GeoSpikeIngest

@Suite("Influencer tallies")
struct InfluencerTests {
    @Test func heavyHittersSurviveManyDistinctSourcesAndMemoryStaysBounded() throws {
        // 3000 events in one cell: one source sends 900, the rest come from 2100 distinct addresses.
        var lines: [String] = []
        for i in 0..<3000 {
            let source = i % 10 < 3 ? "10.0.0.1" : "10.\(i / 250).\(i % 250).2"
            lines.append(
                #"{"@timestamp":"2026-10-05T00:01:00Z","source.ip":"\#(source)","destination.ip":"89.160.20.156","destination.port":\#(i % 2 == 0 ? 443 : 80)}"#
            )
        }
        let path = try Fixture.write(lines.joined(separator: "\n"), name: "heavy.ndjson")
        var options = Fixture.options()
        options.influencerCapacity = 8
        let (table, _) = try Ingest.countTable(paths: [path], options: options)
        let tallies = try #require(table.influencers[CellKey(bucketStart: Fixture.day, country: CountryCode("SE")!)])
        let sources = tallies[InfluencerField.sourceIP.rawValue]
        #expect(sources.entries.count == 8)
        let top = try #require(sources.top(1).first)
        #expect(top.value == "10.0.0.1")
        // Space-Saving's guarantee: the reported count is within `error` above the truth.
        #expect(top.count >= 900 && top.count - top.error <= 900)
        let ports = tallies[InfluencerField.destinationPort.rawValue].top(2)
        #expect(ports.map(\.value) == ["443", "80"])
        #expect(ports.map(\.count) == [1500, 1500])
        #expect(ports.allSatisfy { $0.error == 0 })
    }

    @Test func capacityZeroKeepsNoInfluencers() throws {
        var options = Fixture.options()
        options.influencerCapacity = 0
        let (table, _) = try Ingest.countTable(paths: [Fixture.path("ecs_quirks.ndjson")], options: options)
        #expect(table.influencers.isEmpty)
        #expect(table.counts.values.reduce(0, +) == 13)
    }
}
