import ArgumentParser
import Foundation
import Testing

@testable import GeoSpikeIngest

@Suite("Reader arguments and options")
struct ReaderArgumentsTests {
    @Test func defaultsMatchTheDatafeed() throws {
        let options = try ReaderArguments.parse([]).readerOptions()
        #expect(options == ReaderOptions())
        #expect(options.excludedProcesses == ["elastic-agent", "metricbeat", "filebeat", "packetbeat", "winlogbeat"])
        #expect(options.bucketSpan.seconds == 900)
    }

    @Test func everyOptionReachesReaderOptions() throws {
        let arguments = try ReaderArguments.parse([
            "--format", "csv", "--geoip", "x.mmdb", "--bucket-span", "1h", "--input-timezone", "Europe/Stockholm",
            "--time-field", "t", "--dst-ip-field", "d", "--country-field", "c", "--src-ip-field", "s",
            "--dst-port-field", "p", "--process-field", "proc", "--host-field", "h", "--user-field", "u",
            "--exclude-process", "svchost", "--exclude-process", "backup.exe", "--max-bad-fraction", "0.05", "--strict",
            "--influencer-capacity", "0", "--summary-json", "s.json",
        ])
        let options = try arguments.readerOptions()
        #expect(options.format == .csv)
        #expect(options.geoip == "x.mmdb")
        #expect(options.bucketSpan.seconds == 3600)
        #expect(options.inputTimeZone == "Europe/Stockholm")
        #expect(
            options.csvFields
                == CSVFieldMapping(
                    timeField: "t", destinationIPField: "d", countryField: "c", sourceIPField: "s",
                    destinationPortField: "p", processField: "proc", hostField: "h", userField: "u"))
        #expect(options.excludedProcesses == ["svchost", "backup.exe"])
        #expect(options.maxBadFraction == 0.05)
        #expect(options.strict)
        #expect(options.influencerCapacity == 0)
        #expect(arguments.summaryJSON == "s.json")
        #expect(try ReaderArguments.parse(["--exclude-process", "none"]).readerOptions().excludedProcesses == [])
    }

    @Test func invalidValuesAreUsageErrors() {
        for arguments in [
            ["--format", "pcap"], ["--bucket-span", "7m"], ["--bucket-span", "fortnight"],
            ["--input-timezone", "Mars/Olympus"],
            ["--max-bad-fraction", "1.5"], ["--influencer-capacity", "1000"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try ReaderArguments.parse(arguments) }
            #expect(ReaderArguments.exitCode(for: ValidationError("x")) == .validationFailure)
        }
    }

    @Test func optionsRoundTripThroughJSONAndFillDefaults() throws {
        var options = ReaderOptions()
        options.format = .zeek
        options.bucketSpan = BucketSpan(seconds: 300)
        options.csvFields.timeField = "StartTime"
        options.excludedProcesses = []
        let data = try JSONEncoder().encode(options)
        #expect(try JSONDecoder().decode(ReaderOptions.self, from: data) == options)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"bucket_span_seconds\":300"))
        // A model file written before a key existed still loads, with that key's default.
        let old = try JSONDecoder().decode(ReaderOptions.self, from: Data(#"{"format":"ecs"}"#.utf8))
        #expect(old.excludedProcesses == ReaderOptions.defaultExcludedProcesses)
        #expect(old.maxBadFraction == 0.01)
    }

    @Test func excludedProcessesMatchWithoutCaseOrExe() throws {
        let lines = ["filebeat", "FileBeat.exe", "filebeat.exe.bak", "filebeat2", "packetbeat.EXE", "chrome.exe"].map {
            #"{"@timestamp":"2026-10-05T00:01:00Z","process.name":"\#($0)","destination.geo.country_iso_code":"SE"}"#
        }
        let path = try Fixture.write(lines.joined(separator: "\n"), name: "processes.ndjson")
        let (_, summary) = try Ingest.countTable(paths: [path], options: Fixture.options())
        #expect(summary.total.skipped == [.excludedProcess: 3])
        var none = Fixture.options()
        none.excludedProcesses = []
        let (_, kept) = try Ingest.countTable(paths: [path], options: none)
        #expect(kept.total.eventsCounted == 6)
    }
}
