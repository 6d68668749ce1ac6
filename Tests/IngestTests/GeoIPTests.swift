import Foundation
import Testing

@testable import GeoSpikeIngest

@Suite("GeoIP")
struct GeoIPTests {
    /// MaxMind's documented answers for its test databases (Fixtures/geoip/NOTICE.md).
    static let expected: [(ip: String, geoIP2: String?, geoLite2: String?)] = [
        ("89.160.20.156", "SE", "SE"), ("81.2.69.160", "GB", "GB"), ("216.160.83.56", "US", "US"),
        ("67.43.156.1", "BT", "BT"), ("2.125.160.216", "GB", "GB"), ("175.16.199.74", "CN", nil),
        ("2001:218::1", "JP", "JP"), ("2a02:cf40::1", "NO", "NO"), ("8.8.8.8", nil, nil),
    ]

    @Test func maxMindTestDatabasesAnswerAsDocumented() throws {
        let geoIP2 = try MaxMindDatabase(path: Fixture.geoIP2)
        let geoLite2 = try MaxMindDatabase(path: Fixture.geoLite2)
        #expect(geoIP2.databaseType == "GeoIP2-Country")
        for row in Self.expected {
            let address = try #require(IPAddress(row.ip))
            #expect(geoIP2.country(of: address)?.code == row.geoIP2, "\(row.ip)")
            #expect(geoLite2.country(of: address)?.code == row.geoLite2, "\(row.ip)")
        }
    }

    @Test func resolverSkipsNonPublicAndCachesWithoutChangingAnswers() throws {
        let resolver = try GeoIPResolver(spec: Fixture.geoIP2)
        for _ in 0..<3 {
            for row in Self.expected {
                let expected: GeoIPResolver.Resolution =
                    row.geoIP2.flatMap { CountryCode($0) }.map { .country($0) } ?? .unresolved
                #expect(try resolver.resolve(#require(IPAddress(row.ip))) == expected, "\(row.ip)")
            }
        }
        #expect(try resolver.resolve(#require(IPAddress("10.0.0.1"))) == .nonPublic)
        #expect(try resolver.resolve(#require(IPAddress("fe80::1"))) == .nonPublic)
    }

    @Test func torTablesResolveBothFamiliesAndKeepUnknownRangesUnresolved() throws {
        let resolver = try GeoIPResolver(spec: Fixture.torDirectory)
        func resolve(_ text: String) throws -> GeoIPResolver.Resolution {
            try resolver.resolve(#require(IPAddress(text)))
        }
        #expect(try resolve("89.160.0.0") == .country(CountryCode("SE")!))
        #expect(try resolve("89.160.255.255") == .country(CountryCode("SE")!))
        #expect(try resolve("89.161.0.0") == .unresolved)
        #expect(try resolve("185.220.101.7") == .country(CountryCode("DE")!))
        #expect(try resolve("193.0.3.1") == .unresolved)  // a ?? range
        #expect(try resolve("1.1.1.1") == .unresolved)  // before the first range
        #expect(try resolve("2001:218::1") == .country(CountryCode("JP")!))
        #expect(try resolve("2a02:cf47:ffff::1") == .country(CountryCode("NO")!))
        #expect(try resolve("2a02:cf48::1") == .unresolved)
        #expect(try resolve("2c0f:f000::5") == .unresolved)
    }

    @Test func torFileLoadsItsIPv6SiblingAndHandParsedRangesMatchALinearScan() throws {
        let table = try TorGeoIPTable(path: Fixture.path("tor/geoip"))
        #expect(table.rangeCount.v4 == 9)
        #expect(table.rangeCount.v6 == 0)
        // Every address at and around each range boundary agrees with a plain scan of the file.
        let lines = try String(contentsOfFile: Fixture.path("tor/geoip"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        let ranges = lines.map { $0.split(separator: ",") }.map { (UInt32($0[0])!, UInt32($0[1])!, String($0[2])) }
        for (start, end, _) in ranges {
            for probe in [start &- 1, start, start &+ 1, end &- 1, end, end &+ 1] {
                let scan = ranges.first { $0.0 <= probe && probe <= $0.1 }.flatMap { $0.2 == "??" ? nil : $0.2 }
                #expect(table.country(of: .v4(probe))?.code == scan, "\(probe)")
            }
        }
        let resolver = try GeoIPResolver(spec: Fixture.path("tor/geoip"))
        #expect(try resolver.resolve(#require(IPAddress("2001:218::1"))) == .country(CountryCode("JP")!))
    }

    @Test func unsortedAndMixedTablesAnswerAsASortedOne() throws {
        // Out of order, with an IPv6 line and a blank line in between: read into sorted arrays at load.
        let text = [
            "# shuffled", "1503657984,1503723519,SE", "2001:218::,2001:218:ffff:ffff:ffff:ffff:ffff:ffff,JP",
            "16777216,16777471,AU", "3118228736,3118228991,DE", "", "16777472,16778239,CN",
        ].joined(separator: "\n")
        let table = try TorGeoIPTable(path: try Fixture.write(text, name: "geoip-mixed"))
        #expect(table.rangeCount.v4 == 4 && table.rangeCount.v6 == 1)
        #expect(table.country(of: try #require(IPAddress("89.160.20.156")))?.code == "SE")
        #expect(table.country(of: try #require(IPAddress("185.220.101.7")))?.code == "DE")
        #expect(table.country(of: try #require(IPAddress("1.0.0.7")))?.code == "AU")
        #expect(table.country(of: try #require(IPAddress("1.0.2.1")))?.code == "CN")
        #expect(table.country(of: try #require(IPAddress("1.0.4.1"))) == nil)
        #expect(table.country(of: try #require(IPAddress("2001:218::1")))?.code == "JP")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/tor/geoip")))
    func searchingTheTextAgreesWithTheArraysBuiltLater() throws {
        // The first lookups bisect the mapped file; after `textLookupsBeforeArrays` of them
        // the table answers from arrays. Both must give the same country for every address.
        for (path, make) in [
            ("/usr/share/tor/geoip", { (n: UInt64) -> IPAddress in .v4(UInt32(truncatingIfNeeded: n)) }),
            (
                "/usr/share/tor/geoip6",
                { (n: UInt64) -> IPAddress in .v6(0x2000_0000_0000_0000 | (n & 0x0FFF_FFFF_FFFF_FFFF), n) }
            ),
        ] {
            let table = try TorGeoIPTable(path: path)
            var state: UInt64 = 0x9E37_79B9
            let addresses = (0..<TorGeoIPTable.textLookupsBeforeArrays).map { _ -> IPAddress in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return make(state >> 11)
            }
            let fromText = addresses.map { table.country(of: $0) }
            let fromArrays = addresses.map { table.country(of: $0) }
            #expect(fromText == fromArrays, "\(path)")
            #expect(fromText.contains { $0 != nil }, "\(path): no address resolved, the test proves little")
        }
    }

    @Test func boundsReadEightDigitsAtATimeAsOneAtATime() {
        // Every length from 0 to 12 digits, each followed by each kind of terminator.
        var state: UInt64 = 12345
        for length in 0...12 {
            for terminator in [",", "\n", "\r", "x", ":", "/", "\u{0}", "9"] where !(terminator == "9" && length > 0) {
                for _ in 0..<50 {
                    var text = ""
                    for _ in 0..<length {
                        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                        text += String(state >> 60 % 10)
                    }
                    let bytes = Array((text + terminator + "0000000000000000").utf8)
                    let fast = bytes.withUnsafeBufferPointer { TorGeoIPTable.decimal(at: $0.baseAddress!) }
                    let digits = text.prefix { $0.isNumber }
                    let expected = digits.count >= 1 && digits.count <= 10 && terminator != "9" ? UInt64(digits) : nil
                    let agrees = fast?.value == expected && (fast == nil || fast?.length == length)
                    #expect(agrees, "'\(text)\(terminator)'")
                }
            }
        }
    }

    @Test func ipv6LinesTakeTheFastPathAndAgreeWithTheGeneralPath() throws {
        let last = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        for row in try IPv6ReferenceTable().rows {
            // The text as start and end, as start only and as end only, before each line ending.
            for (line, startText) in [
                ("\(row.text),\(row.text),SE", true), ("\(row.text),\(last),SE", true),
                ("::,\(row.text),SE", false),
            ] {
                for ending in ["\n", "\r\n", ""] {
                    let bytes = Array((line + ending + "::,::,??\n").utf8)
                    let count = line.utf8.count + ending.utf8.count
                    let (fast, general) = try bytes.withUnsafeBufferPointer { buffer in
                        let base = try #require(buffer.baseAddress)
                        return (
                            TorGeoIPTable.ipv6Line(base, from: 0, count: count),
                            try? TorGeoIPTable.generalLine(base, from: 0, count: count, lineNumber: 1, path: "")
                        )
                    }
                    let shown = "'\(line)' + \(ending.debugDescription)"
                    if let fast {
                        guard case .v6(let start, let end, let code)? = general?.line else {
                            Issue.record("\(shown): the fast path took a line the general path does not")
                            continue
                        }
                        #expect(fast.start == start && fast.end == end && fast.code == code, "\(shown)")
                        #expect(fast.next == general?.next, "\(shown)")
                    }
                    // Every valid bound Tor could write takes the fast path, with Python's value.
                    guard let (hi, lo) = row.address, row.ipv4Mapped == nil, !row.text.contains("%") else {
                        #expect(fast == nil, "\(shown)")
                        continue
                    }
                    let expected = UInt128(hi) << 64 | UInt128(lo)
                    let bound = startText ? fast?.start : fast?.end
                    #expect(bound == expected, "\(shown)")
                }
            }
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/tor/geoip6")))
    func everyLineOfDebiansIPv6TableTakesTheFastPath() throws {
        let file = try TorGeoIPTable.FileBytes(path: "/usr/share/tor/geoip6")
        let (ranges, disagreements) = try file.withBytes { bytes in
            let base = try #require(bytes.baseAddress)
            var ranges = 0
            var disagreements: [String] = []
            var lineStart = 0
            while lineStart < bytes.count {
                let general = try TorGeoIPTable.generalLine(
                    base, from: lineStart, count: bytes.count, lineNumber: 0, path: "")
                if case .v6(let start, let end, let code) = general.line {
                    ranges += 1
                    let fast = TorGeoIPTable.ipv6Line(base, from: lineStart, count: bytes.count)
                    if fast?.start != start || fast?.end != end || fast?.code != code || fast?.next != general.next {
                        disagreements.append(String(decoding: bytes[lineStart..<general.next], as: UTF8.self))
                    }
                }
                lineStart = general.next
            }
            return (ranges, disagreements)
        }
        #expect(ranges > 100_000)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test func malformedIPv6LinesAreErrorsNamingFileAndLine() throws {
        let good = "# comment\n2001:218::,2001:218:ffff:ffff:ffff:ffff:ffff:ffff,JP\n\n"
        let bad = [
            "2a02:cf40::,2a02:cf47:ffff:ffff:ffff:ffff:ffff:ffff:,NO",  // trailing colon
            "2a02:cf40::,2a02:cf47:fffff:ffff:ffff:ffff:ffff:ffff,NO",  // 5-digit group
            "2a02::cf40::,2a02:cf47::,NO",  // two ::
            "2a02:cf40::,2a02:cf47:ffff:ffff:ffff:ffff:ffff:ffff:ffff,NO",  // nine groups
            "2a02:cf47::,2a02:cf40::,NO",  // start after end
            "::ffff:1.2.3.0,::ffff:1.2.3.255,NO",  // IPv4-mapped: IPv4 belongs in the other file
            "2a02:cf40::,2a02:cf47::,NOR",
            "2a02:cf40::,,NO",
        ]
        for line in bad {
            let path = try Fixture.write(good + line + "\n2a03:2880::,2a03:2880::ffff,IE\n", name: "geoip6-bad")
            let error = #expect(throws: GeoSpikeError.self, "\(line)") { try TorGeoIPTable(path: path) }
            #expect(error?.kind == .badData, "\(line)")
            #expect(error?.message.contains("geoip6-bad:4: '\(line)'") == true, "\(line): \(error?.message ?? "")")
        }
    }

    @Test func outOfOrderIPv6TableAnswersFromSortedArrays() throws {
        let sortedPath = Fixture.path("tor/geoip6")
        let lines = try String(contentsOfFile: sortedPath, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
        let shuffledPath = try Fixture.write(lines.reversed().joined(separator: "\n"), name: "geoip6-shuffled")
        let shuffledSurvey = try TorGeoIPTable.FileBytes(path: shuffledPath).withBytes {
            try TorGeoIPTable.survey($0, path: shuffledPath)
        }
        #expect(!shuffledSurvey.isSortedText && shuffledSurvey.v6Ranges == lines.count)
        let sorted = try TorGeoIPTable(path: sortedPath)
        let shuffled = try TorGeoIPTable(path: shuffledPath)
        #expect(shuffled.rangeCount.v6 == lines.count)
        for line in lines {
            let bounds = line.split(separator: ",").prefix(2).compactMap { IPAddress($0) }
            guard case .v6(let sh, let sl) = bounds.first, case .v6(let eh, let el) = bounds.last else {
                Issue.record("'\(line)' has no IPv6 bounds")
                continue
            }
            let (start, end) = (UInt128(sh) << 64 | UInt128(sl), UInt128(eh) << 64 | UInt128(el))
            for probe in [start &- 1, start, start &+ 1, end &- 1, end, end &+ 1] {
                let address = IPAddress.v6(UInt64(truncatingIfNeeded: probe >> 64), UInt64(truncatingIfNeeded: probe))
                #expect(shuffled.country(of: address) == sorted.country(of: address), "\(address)")
            }
        }
        #expect(shuffled.country(of: try #require(IPAddress("2a02:cf47::1")))?.code == "NO")
    }

    @Test func aCheckedTableIsRememberedUntilItChanges() throws {
        let cache = TorGeoIPTable.SurveyCache(
            directory: Fixture.temporaryPath("survey-cache-\(UUID())"), minimumBytes: 0)
        let good = "# ranges\n16777216,16777471,AU\n16777472,16778239,CN\n"
        let path = try Fixture.write(good, name: "geoip-remembered")
        #expect(try !TorGeoIPTable(path: path, surveyCache: cache).surveyWasRemembered)
        let remembered = try TorGeoIPTable(path: path, surveyCache: cache)
        #expect(remembered.surveyWasRemembered)
        #expect(remembered.rangeCount.v4 == 2)
        #expect(remembered.country(of: try #require(IPAddress("1.0.0.9")))?.code == "AU")
        #expect(remembered.country(of: try #require(IPAddress("1.0.1.9")))?.code == "CN")

        // Rewritten in place at the same size, at once: checked again, and refused.
        _ = try Fixture.write(good.replacingOccurrences(of: "16777472", with: "1677747x"), name: "geoip-remembered")
        let error = #expect(throws: GeoSpikeError.self) { try TorGeoIPTable(path: path, surveyCache: cache) }
        #expect(
            error?.message.contains("geoip-remembered:3: '1677747x,16778239,CN'") == true, "\(error?.message ?? "")")
        #expect(throws: GeoSpikeError.self) { try TorGeoIPTable(path: path, surveyCache: cache) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).count == 1)
    }

    @Test func aCacheThatCannotBeWrittenCostsOnlyTheCheck() throws {
        let cache = TorGeoIPTable.SurveyCache(directory: "/proc/geospike-cannot-write-here", minimumBytes: 0)
        let path = try Fixture.write("16777216,16777471,AU\n", name: "geoip-uncached")
        for _ in 0..<2 {
            let table = try TorGeoIPTable(path: path, surveyCache: cache)
            #expect(!table.surveyWasRemembered)
            #expect(table.country(of: try #require(IPAddress("1.0.0.9")))?.code == "AU")
        }
    }

    @Test func smallTablesAreNotRemembered() throws {
        let cache = TorGeoIPTable.SurveyCache(directory: Fixture.temporaryPath("survey-cache-\(UUID())"))
        let path = try Fixture.write("16777216,16777471,AU\n", name: "geoip-small")
        for _ in 0..<2 { #expect(try !TorGeoIPTable(path: path, surveyCache: cache).surveyWasRemembered) }
        #expect(!FileManager.default.fileExists(atPath: cache.directory))
    }

    @Test func badDatabasesGetClearErrors() throws {
        let missing = #expect(throws: GeoSpikeError.self) {
            try GeoIPResolver(spec: "/nonexistent/GeoLite2-Country.mmdb")
        }
        #expect(missing?.kind == .noInput)
        let notMMDB = try Fixture.write("\u{1}\u{2}not a database", name: "broken.mmdb")
        let broken = #expect(throws: GeoSpikeError.self) { try GeoIPResolver(spec: notMMDB) }
        #expect(broken?.kind == .badData)
        let badTable = try Fixture.write("# comment\n16777216,16777471,AU\nthis is not a range\n", name: "geoip-bad")
        let error = #expect(throws: GeoSpikeError.self) { try TorGeoIPTable(path: badTable) }
        #expect(error?.kind == .badData)
        #expect(error?.message.contains("geoip-bad:3:") == true)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/tor/geoip")))
    func debianTorTablesLoadAndResolve() throws {
        // The installed table changes with Debian updates; these blocks have long been stable.
        let resolver = try GeoIPResolver(spec: nil)
        #expect(try resolver.resolve(#require(IPAddress("89.160.20.156"))) == .country(CountryCode("SE")!))
        #expect(try resolver.resolve(#require(IPAddress("2001:218::1"))) == .country(CountryCode("JP")!))
        let table = try TorGeoIPTable.load(path: "/usr/share/tor/geoip")
        #expect(table.rangeCount.v4 > 100_000)
    }
}
