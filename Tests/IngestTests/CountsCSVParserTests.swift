import Foundation
import Testing

@testable import GeoSpikeIngest

/// The counts CSV reader works on bytes; these pin it to what the String-based reader it
/// replaced accepted and refused.
@Suite("Counts CSV rows from bytes")
struct CountsCSVParserTests {
    /// Parses a header and one row; the outcome of the row.
    func parse(_ row: String, header: String = CountsCSV.header) throws -> CountsCSVParser.Outcome {
        var parser = CountsCSVParser(fileName: "t.csv")
        let lines = [header, row].map { Array($0.utf8) }
        _ = try lines[0].withUnsafeBufferPointer { try parser.parse($0, lineNumber: 1) }
        return try lines[1].withUnsafeBufferPointer { try parser.parse($0, lineNumber: 2) }
    }

    func row(_ text: String, header: String = CountsCSV.header) throws -> CountsRow? {
        if case .row(let row) = try parse(text, header: header) { return row }
        return nil
    }

    func malformed(_ text: String, header: String = CountsCSV.header) throws -> String? {
        if case .malformed(let reason) = try parse(text, header: header) { return reason }
        return nil
    }

    @Test func blanksAndQuotesAreTrimmedAsInTheHeader() throws {
        let se = CountryCode("SE")
        for text in [
            "2026-10-05T00:15:00Z,SE,12", " 2026-10-05T00:15:00Z ,\tSE\t, 12 ", "\"2026-10-05T00:15:00Z\",\"SE\",\"12\"",
            " \"2026-10-05T00:15:00Z\" , \"SE\" ,\"12\" ", "2026-10-05T00:15:00Z,\u{00A0}SE\u{3000},\u{2007}12\u{00A0}",
        ] {
            let parsed = try #require(try row(text), "\(text)")
            #expect(parsed.bucketStart == Double(Fixture.day + 900), "\(text)")
            #expect(parsed.country == se, "\(text)")
            #expect(parsed.count == 12, "\(text)")
        }
        // Blanks inside quotes stay, as they did: the field is then no code.
        #expect(try row("2026-10-05T00:15:00Z,\" SE \",1")?.country == nil)
    }

    @Test func countriesByCodeOrName() throws {
        #expect(try row("2026-10-05T00:15:00Z,se,1")?.country == CountryCode("SE"))
        #expect(try row("2026-10-05T00:15:00Z,Sweden,1")?.country == CountryCode("SE"))
        #expect(try row("2026-10-05T00:15:00Z,Côte d'Ivoire,1")?.country == CountryCode("CI"))
        for unresolved in ["??", "", "Atlantis", "S1"] {
            #expect(try row("2026-10-05T00:15:00Z,\(unresolved),1")?.country == nil, "\(unresolved)")
        }
    }

    @Test func countsReadAsIntDoes() throws {
        #expect(try row("2026-10-05T00:15:00Z,SE,+7")?.count == 7)
        #expect(try row("2026-10-05T00:15:00Z,SE,-0")?.count == 0)
        #expect(try row("2026-10-05T00:15:00Z,SE,1000000000")?.count == 1_000_000_000)
        #expect(
            try malformed("2026-10-05T00:15:00Z,SE,\(Int.max)")
                == "count \(Int.max) is more than 1000000000 events in one bucket; is this the count column?")
        for bad in ["-3", "1.5", "1e3", "", "+", "12x", "99999999999999999999"] {
            #expect(
                try malformed("2026-10-05T00:15:00Z,SE,\(bad)")
                    == "count '\(bad)' is not a non-negative whole number", "\(bad)")
        }
    }

    @Test func extraColumnsReadAsDoubleDoes() throws {
        let header = "bucket_start,country,count,bytes"
        #expect(try row("2026-10-05T00:15:00Z,SE,1,2048", header: header)?.extras.first?.1 == 2048)
        #expect(try row("2026-10-05T00:15:00Z,SE,1,0.1", header: header)?.extras.first?.1 == 0.1)
        #expect(try row("2026-10-05T00:15:00Z,SE,1,1e3", header: header)?.extras.first?.1 == 1000)
        #expect(try row("2026-10-05T00:15:00Z,SE,1,12345678901234567890", header: header)?.extras.first?.1 == Double("12345678901234567890"))
        #expect(try row("2026-10-05T00:15:00Z,SE,1,", header: header)?.extras.isEmpty == true)
        #expect(try malformed("2026-10-05T00:15:00Z,SE,1,inf", header: header) == "bytes 'inf' is not a number")
        #expect(try malformed("2026-10-05T00:15:00Z,SE,1,12kB", header: header) == "bytes '12kB' is not a number")
    }

    @Test func timestampsAndColumnCounts() throws {
        #expect(try row("1791159300,SE,1")?.bucketStart == Double(Fixture.day + 900))
        #expect(try row("2026-10-05 02:15:00+02:00,SE,1")?.bucketStart == Double(Fixture.day + 900))
        #expect(try malformed("yesterday,SE,1") == "bucket_start 'yesterday' is not a timestamp")
        #expect(try malformed("2026-10-05T00:15:00Z,SE") == "2 columns where the header has 3 (truncated line?)")
        #expect(try malformed("2026-10-05T00:15:00Z,SE,1,") == "4 columns where the header has 3 (truncated line?)")
    }

    @Test func columnsMayComeInAnyOrder() throws {
        let parsed = try #require(try row(" 5 ,Sweden, 2026-10-05T00:15:00Z", header: "Count, COUNTRY ,\"bucket_start\""))
        #expect(parsed.count == 5 && parsed.country == CountryCode("SE"))
        #expect(parsed.bucketStart == Double(Fixture.day + 900))
    }

    @Test func malformedRowsNameFileAndLine() throws {
        let path = try Fixture.write(
            "bucket_start,country,count\n2026-10-05T00:00:00Z,SE,1\r\n\n2026-10-05T00:15:00Z,SE,lots\n", name: "bad.csv")
        var options = Fixture.options()
        options.strict = true
        let error = #expect(throws: GeoSpikeError.self) { try Ingest.countTable(paths: [path], options: options) }
        #expect(error?.message.contains("\(path):4: count 'lots' is not a non-negative whole number") == true)
        #expect(throws: GeoSpikeError.self) {
            try CountsCSV.parse("bucket_start,country,count\n\n2026-10-05T00:00:00Z,SE,-1\n", file: "x.csv")
        }
        // Two counts near Int.max once overflowed their sum and crashed the reader.
        let huge = try Fixture.write(
            "bucket_start,country,count\n2026-10-05T00:00:00Z,SE,9000000000000000000\n"
                + "2026-10-05T00:00:00Z,SE,9000000000000000000\n", name: "huge.csv")
        let hugeError = #expect(throws: GeoSpikeError.self) { try Ingest.countTable(paths: [huge], options: options) }
        #expect(hugeError?.message.contains("\(huge):2: count 9000000000000000000 is more than 1000000000 events") == true)
        let largest = try CountsCSV.parse("bucket_start,country,count\n2026-10-05T00:00:00Z,SE,1000000000\n")
        #expect(largest.count(bucketStart: Fixture.day, country: CountryCode("SE")!) == 1_000_000_000)
        let reread = try CountsCSV.parse("bucket_start,country,count\r\n \n2026-10-05T00:00:00Z,SE,1\r\n2026-10-05T00:05:00Z,SE,2")
        #expect(reread.count(bucketStart: Fixture.day, country: CountryCode("SE")!) == 3)
    }
}
