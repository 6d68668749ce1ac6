import Foundation
import GeoSpikeModel
import Testing

@Suite("Calibration")
struct CalibrationTests {
    /// Uniform p-values: exceedances match nominal levels, so nothing is corrected.
    @Test func uniformProbabilitiesAreLeftAlone() {
        let n = 200_000
        let values = (0..<n).map { log10((Double($0) + 0.5) / Double(n)) }
        let c = Calibration(heldOut: values, days: 7)
        for p in [1e-2, 1e-3, 1e-5, 1e-9] {
            let corrected = c.calibratedLogProbability(log(p))
            #expect(abs(corrected - log(p)) < 0.05, "p \(p) became \(exp(corrected))")
        }
    }

    /// Ten times more small probabilities than nominal: they are inflated tenfold, and the
    /// correction is held beyond the smallest trusted level.
    @Test func heavyTailsAreCorrected() {
        let n = 100_000
        let values = (0..<n).map { i -> Double in
            let u = (Double(i) + 0.5) / Double(n)
            return u < 0.01 ? log10(u / 10) : log10(u)
        }
        let c = Calibration(heldOut: values, days: 7)
        let corrected = c.calibratedLogProbability(log(1e-4)) / log(10)
        #expect(abs(corrected - -3) < 0.1, "1e-4 corrected to 1e\(corrected)")
        let far = c.calibratedLogProbability(log(1e-20)) / log(10)
        #expect(abs(far - -19) < 0.1)
    }

    @Test func correctionIsMonotone() {
        let values = (0..<50_000).map { i in log10((Double(i % 997) + 0.5) / 997) - Double(i % 13) / 4 }
        let c = Calibration(heldOut: values, days: 3)
        var previous = -Double.infinity
        for x in stride(from: -30.0, through: 0, by: 0.1) {
            let y = c.calibratedLogProbability(x * log(10))
            #expect(y >= previous - 1e-12)
            #expect(y >= x * log(10) - 1e-9)
            previous = y
        }
    }

    @Test func noHeldOutDataMeansNoCorrection() {
        #expect(Calibration.none.calibratedLogProbability(-20) == -20)
    }
}
