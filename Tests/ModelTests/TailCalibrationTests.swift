import Foundation
import Testing

@testable import GeoSpikeModel

/// Surprises s = −log10 p laid out at exact quantiles, so each test knows the true tail.
@Suite("Tail calibration")
struct TailCalibrationTests {
    /// `n` surprises whose tail is P(S ≥ s) = 10^(−s / heaviness).
    static func surprises(_ n: Int, heaviness: Double) -> [Double] {
        (0..<n).map { -heaviness * log10((Double($0) + 0.5) / Double(n)) }
    }

    static func calibratedLog10(_ c: TailCalibration, surprise s: Double) -> Double {
        c.calibratedLogProbability(-s * log(10)) / log(10)
    }

    @Test func aModelWhoseTailIsRightIsLeftAlone() throws {
        let c = try #require(TailCalibration(surprises: Self.surprises(20_000, heaviness: 1), days: 70, folds: 4))
        #expect(abs(c.tailScale - 1 / log(10)) < 0.01, "scale \(c.tailScale)")
        for s in [1.0, 2, 4, 8, 12] {
            #expect(abs(Self.calibratedLog10(c, surprise: s) + s) < 0.05, "s \(s)")
        }
    }

    /// Twice as heavy as the model says: 1e-6 nominal happens as often as 1e-3, also beyond
    /// the deepest held-out bucket (1 in 20,000, s ≈ 8.6).
    @Test func aHeavyTailIsExtrapolatedBeyondTheData() throws {
        let c = try #require(TailCalibration(surprises: Self.surprises(20_000, heaviness: 2), days: 70, folds: 4))
        #expect(abs(Self.calibratedLog10(c, surprise: 6) + 3) < 0.1)
        #expect(abs(Self.calibratedLog10(c, surprise: 20) + 10) < 0.2)
    }

    /// Incidents in the history (3% of the buckets at s = 30) must not teach the model
    /// that such spikes are usual: the clean tail is still extrapolated from clean traffic.
    @Test func incidentsInTheHistoryDoNotMakeSpikesUsual() throws {
        let clean = Self.surprises(20_000, heaviness: 1)
        let c = try #require(
            TailCalibration(surprises: clean + [Double](repeating: 30, count: 600), days: 70, folds: 4))
        #expect(Self.calibratedLog10(c, surprise: 8) < -6.5, "\(Self.calibratedLog10(c, surprise: 8))")
        // A tail fitted to the mean excess would have taken the incidents' pull: its scale
        // would be several times the median's, and s = 8 a daily event.
        let excesses = (clean + [Double](repeating: 30, count: 600)).sorted(by: >).prefix(c.tailExcesses)
            .map { $0 - c.tailThreshold }
        #expect(excesses.reduce(0, +) / Double(excesses.count) > 4 * c.tailScale)
    }

    @Test func aThinTailIsNeverSharpened() throws {
        let c = try #require(TailCalibration(surprises: Self.surprises(20_000, heaviness: 0.5), days: 70, folds: 4))
        for s in [1.0, 3, 6, 10] {
            #expect(abs(Self.calibratedLog10(c, surprise: s) + s) < 1e-9, "s \(s)")
        }
    }

    @Test func calibratedProbabilityFallsWithSurprise() throws {
        let c = try #require(TailCalibration(surprises: Self.surprises(5_000, heaviness: 1.7), days: 20, folds: 3))
        var previous = 0.0
        for s in stride(from: 0.0, through: 40, by: 0.05) {
            let y = Self.calibratedLog10(c, surprise: s)
            #expect(y <= previous + 1e-12 && y <= 0)
            previous = y
        }
    }

    @Test func tooFewSurprisesGiveNoCalibration() {
        #expect(TailCalibration(surprises: [Double](repeating: 0, count: 500) + [3, 4, 5], days: 5, folds: 2) == nil)
    }

    /// A calibration read from a damaged file is refused before the scorer indexes it.
    @Test func aDamagedCalibrationIsNamed() throws {
        let good = try #require(TailCalibration(surprises: Self.surprises(2_000, heaviness: 1), days: 7, folds: 7))
        #expect(good.structuralProblem == nil)
        var empty = good
        empty.knotSurprise = []
        empty.knotLog10Fraction = []
        #expect(empty.structuralProblem?.contains("0 knot surprises") == true)
        var descending = good
        descending.knotSurprise = Array(good.knotSurprise.reversed())
        #expect(descending.knotSurprise.count < 2 || descending.structuralProblem != nil)
        var flat = good
        flat.tailScale = 0
        #expect(flat.structuralProblem?.contains("tailScale") == true)
    }
}
