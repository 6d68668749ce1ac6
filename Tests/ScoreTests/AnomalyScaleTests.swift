import Foundation
import GeoSpikeScore
import Testing

@Suite("Anomaly scale")
struct AnomalyScaleTests {
    /// DESIGN.md's raw-score anchors.
    @Test(arguments: [(0.2, 0.0), (0.05, 0.0), (1e-4, 1.0), (1e-50, 50.0), (1e-300, 100.0)])
    func rawScoreAnchors(p: Double, expected: Double) {
        #expect(abs(AnomalyScale.rawScore(logProbability: log(p)) - expected) < 1e-9)
    }

    @Test func rawScoreIsLinearInLogPBetweenAnchors() {
        // Halfway between 1e-4 and 1e-50 in -log p is 1e-27: halfway between 1 and 50.
        #expect(abs(AnomalyScale.rawScore(logProbability: log(1e-27)) - 25.5) < 1e-9)
    }

    /// The record score is in units of expected clean occurrences per day.
    @Test(arguments: [(10.0, 25.0), (1.0, 50.0), (0.1, 75.0)])
    func recordScoreAnchors(perDay: Double, score: Double) {
        #expect(abs(AnomalyScale.recordScore(logExpectedPerDay: log(perDay)) - score) < 1e-9)
    }

    @Test func expectedPerDayInvertsTheScore() {
        for score in stride(from: 1.0, through: 99.5, by: 0.5) {
            let e = AnomalyScale.expectedPerDay(atScore: score)
            #expect(abs(AnomalyScale.recordScore(logExpectedPerDay: log(e)) - score) < 1e-9, "score \(score)")
        }
        #expect(AnomalyScale.recordScore(logExpectedPerDay: log(1e-12)) < 100)
        #expect(AnomalyScale.recordScore(logExpectedPerDay: log(1e6)) == 0)
    }

    @Test func severityBands() {
        #expect(AnomalyScale.severity(recordScore: 75) == "critical")
        #expect(AnomalyScale.severity(recordScore: 74.9) == "major")
        #expect(AnomalyScale.severity(recordScore: 50) == "major")
        #expect(AnomalyScale.severity(recordScore: 25) == "minor")
        #expect(AnomalyScale.severity(recordScore: 24.9) == "warning")
    }

    @Test func recordIDsAreStableAndDistinct() {
        let a = RecordID.make(modelID: "geospike-1", bucketStart: 1_790_000_100, country: "SE")
        #expect(a == RecordID.make(modelID: "geospike-1", bucketStart: 1_790_000_100, country: "SE"))
        #expect(a.count == 16)
        #expect(a != RecordID.make(modelID: "geospike-2", bucketStart: 1_790_000_100, country: "SE"))
        #expect(a != RecordID.make(modelID: "geospike-1", bucketStart: 1_790_001_000, country: "SE"))
        #expect(a != RecordID.make(modelID: "geospike-1", bucketStart: 1_790_000_100, country: "NO"))
    }

    @Test func jsonLineEscapesAndNeverWritesNaN() {
        var line = JSONLine()
        line.add("s", "a\"b\\c\nd\u{01}")
        line.add("x", Double.nan)
        line.add("y", 0.25)
        line.add("n", 3.0)
        #expect(line.string == #"{"s":"a\"b\\c\nd\u0001","x":null,"y":0.25,"n":3}"#)
    }
}
