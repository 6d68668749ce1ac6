import Foundation
import Testing

@testable import GeoSpikeNumerics

/// The series fast path of the count tails against the incomplete beta and gamma functions
/// it replaces where it applies.
///
/// Tolerance: 1e-11 relative error of log P(N ≥ k), and 1e-11 absolute error of the log
/// where the probability is ≥ 1e-100 (a relative error of 1e-11 in the probability). The
/// sums are built to be within 1e-12 (see `CountTails+Series.swift`); the reference
/// functions add their own ~1e-13.
@Suite("Count tails by summing the mass function")
struct CountTailsSeriesTests {
    static let means: [Double] = stride(from: -3.0, through: 4.0, by: 0.25).map { pow(10, $0) }
    static let dispersions: [Double] = [0, 1e-12, 1e-8, 1e-5, 1e-3, 0.01, 0.05, 0.2, 0.5, 1, 2, 5, 10, 50]

    /// Whole counts from 1 to 80, then spaced out to 1e5, and some around the mean.
    static func counts(mean: Double, dispersion: Double) -> [Double] {
        var ks = (1...80).map(Double.init) + [100, 128, 200, 333, 500, 1000, 4000, 10_000, 100_000]
        let sd = (mean + dispersion * mean * mean).squareRoot()
        for z in [-2.0, -0.5, 0, 0.5, 1, 2, 3, 5, 8, 13, 21, 34] { ks.append(max(1, (mean + z * sd).rounded())) }
        return ks
    }

    static func reference(atLeast k: Double, mean: Double, dispersion: Double) -> Double {
        dispersion > 0
            ? CountTails.negativeBinomialLogSurvivalByBeta(atLeast: k, mean: mean, dispersion: dispersion)
            : SpecialFunctions.logRegularizedGammaP(k, mean)
    }

    struct Errors {
        var logRelative: WorstError
        var probabilityRelative: WorstError
        init(_ label: String) {
            logRelative = WorstError("\(label): relative error of log P(N ≥ k)")
            probabilityRelative = WorstError("\(label): absolute error of the log where P ≥ 1e-100")
        }
        mutating func record(_ computed: Double, _ expected: Double, at label: @autoclosure () -> String) {
            logRelative.relative(computed, expected, at: label())
            if expected >= -230 { probabilityRelative.record(computed, expected, scale: 1, at: label()) }
        }
        var passes: Bool { logRelative.error <= 1e-11 && probabilityRelative.error <= 1e-11 }
    }

    @Test func bothSumsAgreeWithTheIncompleteBetaAndGamma() {
        var lower = Errors("lower sum")
        var upper = Errors("upper sum")
        for mean in Self.means {
            for dispersion in Self.dispersions {
                // Where NB2 is evaluated as Poisson, the NB series is never asked.
                let recurrence = CountTails.MassRecurrence(mean: mean, dispersion: dispersion)
                for k in Self.counts(mean: mean, dispersion: dispersion) {
                    if dispersion > 0 && CountTails.isEffectivelyPoisson(k: k, mean: mean, dispersion: dispersion) {
                        continue
                    }
                    let expected = Self.reference(atLeast: k, mean: mean, dispersion: dispersion)
                    let label = "k=\(k) mean=\(mean) dispersion=\(dispersion)"
                    if let value = recurrence.logSurvivalByLowerSum(atLeast: k) {
                        lower.record(value, expected, at: label)
                    }
                    if let value = recurrence.logSurvivalByUpperSum(atLeast: k) {
                        upper.record(value, expected, at: label)
                    }
                }
            }
        }
        for errors in [lower, upper] {
            print(errors.logRelative)
            print(errors.probabilityRelative)
            #expect(errors.passes, "\(errors.logRelative)\n\(errors.probabilityRelative)")
        }
        // The grid must exercise both sums widely, or the check above proves little.
        #expect(lower.logRelative.count > 10_000 && upper.logRelative.count > 10_000)
    }

    @Test func theTailsUseTheSumsWhereTheyApplyAndAgreeElsewhere() {
        // The public functions, through whichever path: the same tolerance against the reference.
        var errors = Errors("negativeBinomialLogSurvival and poissonLogSurvival")
        var summed = 0
        var total = 0
        for mean in Self.means {
            for dispersion in Self.dispersions {
                for k in Self.counts(mean: mean, dispersion: dispersion) {
                    let computed =
                        dispersion > 0
                        ? CountTails.negativeBinomialLogSurvival(atLeast: k, mean: mean, dispersion: dispersion)
                        : CountTails.poissonLogSurvival(atLeast: k, mean: mean)
                    let poisson =
                        dispersion == 0 || CountTails.isEffectivelyPoisson(k: k, mean: mean, dispersion: dispersion)
                    let expected = Self.reference(atLeast: k, mean: mean, dispersion: poisson ? 0 : dispersion)
                    errors.record(computed, expected, at: "k=\(k) mean=\(mean) dispersion=\(dispersion)")
                    total += 1
                    if CountTails.logSurvivalBySeries(atLeast: k, mean: mean, dispersion: poisson ? 0 : dispersion)
                        != nil
                    {
                        summed += 1
                    }
                }
            }
        }
        print(errors.logRelative)
        print("\(summed) of \(total) tails summed")
        #expect(errors.passes, "\(errors.logRelative)\n\(errors.probabilityRelative)")
    }

    @Test func countsThatAreNotWholeOrTooLargeAreLeftToTheSpecialFunctions() {
        #expect(CountTails.logSurvivalBySeries(atLeast: 2.5, mean: 1, dispersion: 0.1) == nil)
        #expect(CountTails.logSurvivalBySeries(atLeast: 1e16, mean: 1, dispersion: 0.1) == nil)
        // A count near a large mean: every ratio is close to 1, neither sum is fast.
        #expect(CountTails.logSurvivalBySeries(atLeast: 1000, mean: 1000, dispersion: 0.01) == nil)
        // P(N ≥ 1) = 1 − P(N = 0) exactly as the closed form gives it.
        let zero = -log1p(0.4 * 5) / 0.4
        let one = CountTails.logSurvivalBySeries(atLeast: 1, mean: 5, dispersion: 0.4)
        #expect(one.map { abs($0 - log(-expm1(zero))) } ?? 1 < 1e-15)
    }
}
