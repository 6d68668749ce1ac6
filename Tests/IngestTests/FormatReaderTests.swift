import Foundation
import Testing

@testable import GeoSpikeIngest

/// Every fixture, read end to end, against counts worked out by hand from its lines.
@Suite("Format readers")
struct FormatReaderTests {
    @Test func ecsFileWithEveryQuirk() throws {
        let (table, summary) = try Ingest.countTable(
            paths: [Fixture.path("ecs_quirks.ndjson")], options: Fixture.options())
        // Line by line in the fixture: nested, dotted and mixed keys; a name instead of a
        // code; GeoIP for IPv4 and IPv6; an offset timestamp; escapes in keys and values.
        #expect(
            Fixture.cells(table) == [
                "0/GB": 1, "0/SE": 1, "0/US": 1, "15/JP": 1, "15/SE": 2, "30/CN": 2, "30/GB": 1, "30/SE": 1, "45/GB": 2,
                "45/NO": 1,
            ])
        let file = try #require(summary.files.first)
        #expect(file.format == .ecs)
        #expect(file.linesRead == 22)
        #expect(file.blankLines == 1)
        #expect(file.eventsCounted == 13)
        #expect(
            file.skipped == [
                .malformed: 2, .excludedProcess: 2, .notNetwork: 1, .privateDestination: 2, .unresolvedCountry: 1,
            ])
        #expect(file.linesRead == file.blankLines + file.metadataLines + file.eventsCounted + file.skippedTotal)
        #expect(file.malformedExamples.map { $0.split(separator: ":")[1] } == ["13", "19"])
        #expect(table.firstEventTime == Double(Fixture.day) + 70)
        #expect(table.lastEventTime == Double(Fixture.day) + 3599)
    }

    @Test func escapedCategoriesMatchInArraysAsInStrings() throws {
        let lines = [
            #"{"@timestamp":"2026-10-05T00:01:00Z","event":{"category":"netw\u006frk"},"destination":{"ip":"89.160.20.156"}}"#,
            #"{"@timestamp":"2026-10-05T00:02:00Z","event":{"category":["host","netw\u006frk"]},"destination":{"ip":"89.160.20.156"}}"#,
            #"{"@timestamp":"2026-10-05T00:03:00Z","event":{"category":["netw\u006frks"]},"destination":{"ip":"89.160.20.156"}}"#,
        ]
        let path = try Fixture.write(lines.joined(separator: "\n") + "\n", name: "escaped-category.ndjson")
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/SE": 2])
        #expect(summary.files.first?.skipped == [.notNetwork: 1])
    }

    @Test func ecsInfluencersAreTalliedPerCell() throws {
        let (table, _) = try Ingest.countTable(paths: [Fixture.path("ecs_quirks.ndjson")], options: Fixture.options())
        let key = CellKey(bucketStart: Fixture.day + 1800, country: CountryCode("CN")!)
        let tallies = try #require(table.influencers[key])
        #expect(tallies[InfluencerField.hostName.rawValue].top(5).map(\.value) == ["café-😀"])
        #expect(tallies[InfluencerField.processName.rawValue].top(5).map(\.value) == ["svchost.exe"])
        #expect(tallies[InfluencerField.destinationIP.rawValue].top(5).map(\.value) == ["175.16.199.74"])
        #expect(tallies[InfluencerField.destinationPort.rawValue].top(5).map(\.value) == ["443"])
        let gb = try #require(table.influencers[CellKey(bucketStart: Fixture.day + 2700, country: CountryCode("GB")!)])
        #expect(gb[InfluencerField.destinationIP.rawValue].top(5).map(\.value) == ["81.2.69.160"])
    }

    @Test func withoutTheGeoIP2DatabaseTheChineseAddressIsUnresolved() throws {
        let (table, summary) = try Ingest.countTable(
            paths: [Fixture.path("ecs_quirks.ndjson")], options: Fixture.options(geoip: Fixture.geoLite2))
        #expect(Fixture.cells(table)["30/CN"] == 1)
        #expect(summary.skipped(.unresolvedCountry) == 2)
    }

    @Test func zeekConnLogTSV() throws {
        let (table, summary) = try Ingest.countTable(paths: [Fixture.path("conn.log")], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/GB": 1, "0/SE": 1, "15/JP": 1, "15/US": 1, "30/NO": 1, "45/CN": 1])
        let file = try #require(summary.files.first)
        #expect(file.format == .zeek)
        #expect(file.metadataLines == 9)
        #expect(file.skipped == [.malformed: 1, .privateDestination: 2, .unresolvedCountry: 1])
        #expect(file.malformedExamples.first?.contains("conn.log:15: 9 fields where the #fields header has 21") == true)
    }

    @Test func zeekConnLogWithItsOwnSeparator() throws {
        // Zeek writes every header after `#separator` with that separator: `#fields|ts|uid|…`.
        let original = try String(contentsOfFile: Fixture.path("conn.log"), encoding: .utf8)
        let piped = original.replacingOccurrences(of: "\t", with: "|")
            .replacingOccurrences(of: "#separator \\x09", with: "#separator \\x7c")
        #expect(piped.hasPrefix("#separator \\x7c\n#set_separator|,"))
        let path = try Fixture.write(piped, name: "piped-conn.log")
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/GB": 1, "0/SE": 1, "15/JP": 1, "15/US": 1, "30/NO": 1, "45/CN": 1])
        #expect(summary.files.first?.skipped == [.malformed: 1, .privateDestination: 2, .unresolvedCountry: 1])
    }

    @Test func zeekJSONWithDottedNestedAndUnderscoredKeys() throws {
        let (table, summary) = try Ingest.countTable(paths: [Fixture.path("conn.json")], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/SE": 1, "15/GB": 1, "15/JP": 1, "45/CN": 1])
        #expect(summary.files.first?.format == .zeek)
        #expect(summary.total.skipped == [.malformed: 1, .notNetwork: 1, .privateDestination: 1])
    }

    @Test func suricataEVEFlowsWithUTCOffsets() throws {
        let (table, summary) = try Ingest.countTable(paths: [Fixture.path("eve.json")], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/GB": 1, "0/SE": 1, "15/JP": 1, "15/US": 1, "45/CN": 1])
        #expect(summary.files.first?.format == .suricata)
        #expect(summary.total.skipped == [.malformed: 1, .notNetwork: 3, .privateDestination: 1])
    }

    @Test func nfdumpCSVWithItsSummaryTrailer() throws {
        let (table, summary) = try Ingest.countTable(paths: [Fixture.path("nfdump.csv")], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/GB": 1, "0/SE": 1, "15/JP": 1, "30/CN": 1])
        let file = try #require(summary.files.first)
        #expect(file.format == .csv)
        #expect(file.metadataLines == 4)
        #expect(file.skipped == [.malformed: 1, .privateDestination: 1])
    }

    @Test func argusCSVInLocalTimeIsShiftedToUTC() throws {
        var options = Fixture.options()
        options.inputTimeZone = "Europe/Stockholm"
        let (local, summary) = try Ingest.countTable(paths: [Fixture.path("argus.csv")], options: options)
        // Stockholm is UTC+2 in early October: 02:15 local is the 00:15 UTC bucket.
        #expect(Fixture.cells(local) == ["0/SE": 1, "15/GB": 1, "30/US": 1])
        #expect(summary.total.skipped == [.unresolvedCountry: 1])
        let (utc, _) = try Ingest.countTable(paths: [Fixture.path("argus.csv")], options: Fixture.options())
        #expect(Fixture.cells(utc) == ["120/SE": 1, "135/GB": 1, "150/US": 1])
    }

    @Test func localTimesAcrossDaylightSavingChanges() throws {
        var converter = try LocalTimeConverter(identifier: "Europe/Stockholm")
        func utc(_ text: String) throws -> String {
            let local = try #require(Timestamp.parse(Substring(text)))
            return Timestamp.iso8601(Int64(converter.utc(fromLocal: local)))
        }
        #expect(try utc("2026-07-01 12:00:00") == "2026-07-01T10:00:00Z")
        #expect(try utc("2026-01-15 12:00:00") == "2026-01-15T11:00:00Z")
        // 02:30 happens twice on 25 October; the first (summer time) reading is taken.
        #expect(try utc("2026-10-25 02:30:00") == "2026-10-25T00:30:00Z")
        #expect(try utc("2026-10-25 03:30:00") == "2026-10-25T02:30:00Z")
        // 02:30 never happens on 29 March; it is read with winter time.
        #expect(try utc("2026-03-29 02:30:00") == "2026-03-29T01:30:00Z")
        #expect(try utc("2026-03-29 03:30:00") == "2026-03-29T01:30:00Z")
        #expect(throws: GeoSpikeError.self) { try LocalTimeConverter(identifier: "Europe/Atlantis") }
    }

    @Test func geoIPBlockCodesAreKeptAndQuestionMarksAreNot() throws {
        let lines = [
            #"{"@timestamp":"2026-10-05T00:01:00Z","destination.geo.country_iso_code":"EU"}"#,
            #"{"@timestamp":"2026-10-05T00:02:00Z","destination.geo.country_iso_code":"AP"}"#,
            #"{"@timestamp":"2026-10-05T00:03:00Z","destination.geo.country_iso_code":"??"}"#,
            #"{"@timestamp":"2026-10-05T00:04:00Z","destination.geo.country_iso_code":"--","destination.ip":"67.43.156.1"}"#,
            #"{"@timestamp":"2026-10-05T00:05:00Z","destination.geo.country_name":"Atlantis"}"#,
        ]
        let path = try Fixture.write(lines.joined(separator: "\n"), name: "blocks.ndjson")
        let (table, summary) = try Ingest.countTable(paths: [path], options: Fixture.options())
        #expect(Fixture.cells(table) == ["0/AP": 1, "0/BT": 1, "0/EU": 1])
        #expect(summary.total.skipped == [.unresolvedCountry: 2])
    }

    @Test func firewallCSVWithGuessedOrNamedColumns() throws {
        let expected = ["0/GB": 1, "0/SE": 1, "15/CN": 1, "15/US": 1]
        let (guessed, summary) = try Ingest.countTable(
            paths: [Fixture.path("firewall.csv")], options: Fixture.options())
        #expect(Fixture.cells(guessed) == expected)
        #expect(summary.total.skipped == [.privateDestination: 1])
        var options = Fixture.options()
        options.csvFields = CSVFieldMapping(
            timeField: "event_time", destinationIPField: "dst", countryField: "dst_country",
            processField: "application",
            hostField: "device")
        let (named, _) = try Ingest.countTable(paths: [Fixture.path("firewall.csv")], options: options)
        #expect(Fixture.cells(named) == expected)
        let tallies = try #require(named.influencers[CellKey(bucketStart: Fixture.day, country: CountryCode("SE")!)])
        #expect(tallies[InfluencerField.hostName.rawValue].top(1).first?.value == "fw-edge-1")
        #expect(tallies[InfluencerField.processName.rawValue].top(1).first?.value == "ssl")
    }

    @Test func csvColumnNamedButMissingIsAnErrorListingTheColumns() throws {
        var options = Fixture.options()
        options.csvFields.timeField = "start_time"
        let error = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [Fixture.path("firewall.csv")], options: options)
        }
        #expect(error?.kind == .badData)
        #expect(
            error?.message.contains("firewall.csv:1: the header has no column 'start_time' (named by --time-field)")
                == true)
        #expect(error?.message.contains("event_time, src, dst") == true)
    }

    @Test func countsCSVHandOff() throws {
        let (table, summary) = try Ingest.countTable(paths: [Fixture.path("counts.csv")], options: Fixture.options())
        // Sweden's name joins SE's 00:15 row; the 00:20 row is re-bucketed to 00:15.
        #expect(Fixture.cells(table) == ["0/GB": 7, "0/SE": 120, "15/SE": 100, "15/US": 2])
        #expect(
            table.extras["bytes"]?[CellKey(bucketStart: Fixture.day + 900, country: CountryCode("SE")!)] == 1_000_000)
        #expect(summary.total.eventsCounted == 229)
        #expect(summary.total.skipped == [.unresolvedCountry: 3, .malformed: 1])
        #expect(table.bucketRange == Fixture.day...(Fixture.day + 1800))
    }

    @Test func hourlyCountsReadWithQuarterHourBucketsGetAWarning() throws {
        let rows = (0..<10).map { "\(Timestamp.iso8601(Fixture.day + Int64($0) * 3600)),SE,\(10 + $0)" }
        let path = try Fixture.write("bucket_start,country,count\n" + rows.joined(separator: "\n"), name: "hourly.csv")
        let (_, summary) = try Ingest.countTable(paths: [path], options: Fixture.options())
        #expect(summary.report.contains("a multiple of 1h apart; if the file holds 1h counts, pass --bucket-span 1h"))
        var hourly = Fixture.options()
        hourly.bucketSpan = BucketSpan(seconds: 3600)
        let (table, quiet) = try Ingest.countTable(paths: [path], options: hourly)
        #expect(quiet.total.warnings.isEmpty)
        #expect(table.count(bucketStart: Fixture.day + 3600, country: CountryCode("SE")!) == 11)
    }

    @Test func countsCSVRoundTripsThroughTheWriter() throws {
        let (table, _) = try Ingest.countTable(paths: [Fixture.path("counts.csv")], options: Fixture.options())
        let text = CountsCSV.write(table)
        #expect(
            text == """
                bucket_start,country,count,bytes
                2026-10-05T00:00:00Z,GB,7,2048
                2026-10-05T00:00:00Z,SE,120,1048576
                2026-10-05T00:15:00Z,SE,100,1000000
                2026-10-05T00:15:00Z,US,2,512

                """)
        let reread = try CountsCSV.parse(text)
        #expect(reread.counts == table.counts.filter { $0.value != 0 })
        #expect(throws: GeoSpikeError.self) {
            try CountsCSV.parse("bucket_start,country,count\n2026-10-05T00:00:00Z,SE\n")
        }
    }

    @Test func formatsAreDetectedFromContentNotNames() throws {
        let renamed = try Fixture.write(
            try String(contentsOfFile: Fixture.path("eve.json"), encoding: .utf8), name: "events.log")
        let (_, summary) = try Ingest.countTable(paths: [renamed], options: Fixture.options())
        #expect(summary.files.first?.format == .suricata)
        var forced = Fixture.options()
        forced.format = .ecs
        // Read as ECS, EVE lines have no @timestamp, so the whole file is malformed.
        let error = #expect(throws: GeoSpikeError.self) {
            try Ingest.countTable(paths: [Fixture.path("eve.json")], options: forced)
        }
        #expect(error?.kind == .badData)
        #expect(error?.message.contains("10 of 10 records (100.0%) are malformed") == true)
    }
}
