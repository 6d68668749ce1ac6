import Foundation
import Testing

/// The comparison the reproducibility tests rest on: it must tell rounding from change.
@Suite("Comparing generated text by meaning")
struct NumericTextTests {
    @Test func roundingTheOtherWayAgrees() {
        #expect(NumericText.difference("p 0.12 at 10:15", "p 0.13 at 10:15") == nil)
        #expect(NumericText.difference("rate 1.5e-4", "rate 1.6e-4") == nil)
        #expect(NumericText.difference("coef 0.12345678901234567", "coef 0.12345678901234568") == nil)
        #expect(NumericText.difference("x=\"120.5\"", "x=\"120.4\"") == nil)
    }

    @Test func realChangesDiffer() {
        #expect(NumericText.difference("p 0.12", "p 0.14") != nil)
        #expect(NumericText.difference("17 alerts", "24 alerts") != nil)
        #expect(NumericText.difference("coef 0.123456789012", "coef 0.123456789999") != nil)
        #expect(NumericText.difference("family nb", "family poisson") != nil)
        #expect(NumericText.difference("1 2 3", "1 2") != nil)
    }

    @Test func identifiersAndDatesAreText() {
        // Hex digits inside an identifier are not a number that may round.
        #expect(NumericText.difference("model geospike-3f2a0000", "model geospike-3f2a0001") != nil)
        // Dates and times are text too: only a number standing alone may round.
        #expect(NumericText.split("geospike-3f2a 2026-10-05T10:15:00Z -4.5 x=\"12.5\"").numbers == ["2026", "-4.5", "12.5"])
        #expect(NumericText.difference("at 2026-10-05T10:15:00Z", "at 2026-10-05T10:16:00Z") != nil)
    }

    @Test func decodedNumbersWithinTolerance() {
        let a: [String: Any] = ["x": 1.0, "y": ["n": 1e6, "s": "nb"]]
        let close: [String: Any] = ["x": 1.0 + 1e-13, "y": ["n": 1e6 * (1 + 1e-12), "s": "nb"]]
        let far: [String: Any] = ["x": 1.0 + 1e-6, "y": ["n": 1e6, "s": "poisson"]]
        #expect(NumericJSON.differences(a, close).isEmpty)
        #expect(NumericJSON.differences(a, far).count == 2)
    }
}
