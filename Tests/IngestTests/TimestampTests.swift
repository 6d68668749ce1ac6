import Foundation
import Testing

@testable import GeoSpikeIngest

@Suite("Timestamps")
struct TimestampTests {
    @Test func formatsBucketStartsAsISO8601UTC() {
        #expect(Timestamp.iso8601(1_791_159_300) == "2026-10-05T00:15:00Z")
        #expect(Timestamp.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.iso8601(-1) == "1969-12-31T23:59:59Z")
    }

    @Test func agreesWithFoundationOverManyDates() throws {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seconds: Int64 = -86400 * 400
        while seconds < 4_102_444_800 {
            let text = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
            #expect(Timestamp.iso8601(seconds) == text)
            #expect(Timestamp.parse(Substring(text)) == Double(seconds))
            seconds += 86400 * 37 + 3671
        }
    }

    @Test func parsesZonesFractionsAndLogVariants() {
        let base = 1_791_158_400.0
        #expect(Timestamp.parse("2026-10-05T00:00:00Z") == base)
        #expect(Timestamp.parse("2026-10-05T00:00:00.250Z") == base + 0.25)
        #expect(Timestamp.parse("2026-10-05T02:00:00+02:00") == base)
        #expect(Timestamp.parse("2026-10-05T02:00:00+0200") == base)
        #expect(Timestamp.parse("2026-10-05T02:00:00+02") == base)
        #expect(Timestamp.parse("2026-10-04T19:00:00.000000-0500") == base)
        #expect(Timestamp.parse("2026-10-05 00:00:00") == base)
        #expect(Timestamp.parse("2026/10/05 00:00:00.500000") == base + 0.5)
        #expect(Timestamp.parse("2026-10-05T00:00Z") == base)
    }

    @Test func rejectsWhatIsNotADateTime() {
        for text in [
            "", "2026-10-05", "2026-13-05T00:00:00Z", "2026-02-30T00:00:00Z", "2026-10-05T24:00:00Z",
            "2026-10-05T00:00:00+25:00", "2026-10-05T00:00:00Zjunk", "yesterday at noon", "1791158400",
        ] {
            #expect(Timestamp.parse(Substring(text)) == nil, "\(text)")
        }
    }

    @Test func epochUnitsAreChosenByMagnitude() {
        func epoch(_ text: String) -> Double? {
            var copy = text
            return copy.withUTF8 { Timestamp.parseEpoch($0, guessUnit: true) }
        }
        #expect(epoch("1791158400") == 1_791_158_400)
        #expect(epoch("1791158400.5") == 1_791_158_400.5)
        #expect(epoch("1791158400123") == 1_791_158_400.123)
        #expect(epoch("1791158400123456") == 1_791_158_400.123456)
        #expect(epoch("1791158400123456789") == 1_791_158_400.123456789)
        #expect(epoch("17911584x") == nil)
        #expect(epoch("") == nil)
    }
}
