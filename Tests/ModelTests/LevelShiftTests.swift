import Foundation
import GeoSpikeModel
import Testing

@Suite("Level shift")
struct LevelShiftTests {
    /// Factors for a country expecting 10 a bucket.
    static func shift(_ actual: [Double], hold: Int = 4) -> [Double] {
        LevelShift.factors(actual: actual, expected: [Double](repeating: 10, count: actual.count), hold: hold)
    }

    @Test func aSustainedShiftBecomesTheLevelAfterTheHold() {
        // Usual traffic, then 30 and more from bucket 10 on.
        let actual = [Double](repeating: 10, count: 10) + [30, 35, 31, 40, 33, 30, 32]
        let factors = Self.shift(actual)
        // The first `hold` buckets of the shift are judged against the usual level.
        #expect(factors[..<14].allSatisfy { $0 == 1 })
        // Then against the smallest ratio the preceding four held: 31/11 for bucket 14.
        #expect(abs(factors[14] - 31.0 / 11) < 1e-12)
        #expect(abs(factors[16] - 31.0 / 11) < 1e-12)
    }

    @Test func oneSpikeOrAGapInTheRunShiftsNothing() {
        let spike = Self.shift([10, 10, 10, 10, 200, 10, 10, 10, 10, 10])
        #expect(spike.allSatisfy { $0 == 1 })
        // A bucket at its usual level inside the run restarts the hold.
        let broken = Self.shift([30, 30, 30, 9, 30, 30, 30, 30])
        #expect(broken.allSatisfy { $0 == 1 })
    }

    @Test func theHoldIsTwoHoursAndAtLeastTwoBuckets() {
        #expect(LevelShift.holdBuckets(bucketSpanSeconds: 900) == 8)
        #expect(LevelShift.holdBuckets(bucketSpanSeconds: 3600) == 2)
        #expect(LevelShift.holdBuckets(bucketSpanSeconds: 60) == 120)
        #expect(LevelShift.holdBuckets(bucketSpanSeconds: 86400) == 2)
    }
}
