import Foundation
import Testing
@testable import GeoSpikeNumerics

@Suite("Regularized incomplete gamma P and Q against mpmath")
struct IncompleteGammaTests {
    @Test func logTailsMatchReference() throws {
        var lower = LogProbabilityErrors("log P(a, x)")
        var upper = LogProbabilityErrors("log Q(a, x)")
        for row in try ReferenceTable("incomplete_gamma").records() {
            let a = row["a"] ?? .nan, x = row["x"] ?? .nan
            lower.record(SpecialFunctions.logRegularizedGammaP(a, x), row["log_p"] ?? .nan, at: "a=\(a) x=\(x)")
            upper.record(SpecialFunctions.logRegularizedGammaQ(a, x), row["log_q"] ?? .nan, at: "a=\(a) x=\(x)")
        }
        print(lower)
        print(upper)
        #expect(lower.passes, "\(lower)")
        #expect(upper.passes, "\(upper)")
    }

    @Test func linearTailsMatchReferenceAboveUnderflow() throws {
        var worst = WorstError("P and Q where ≥ 1e-300")
        for row in try ReferenceTable("incomplete_gamma").records() {
            let a = row["a"] ?? .nan, x = row["x"] ?? .nan
            let logP = row["log_p"] ?? .nan, logQ = row["log_q"] ?? .nan
            if logP > -690 { worst.relative(SpecialFunctions.regularizedGammaP(a, x), exp(logP), at: "P a=\(a) x=\(x)") }
            if logQ > -690 { worst.relative(SpecialFunctions.regularizedGammaQ(a, x), exp(logQ), at: "Q a=\(a) x=\(x)") }
        }
        print(worst)
        // exp of a log of size 690 amplifies its rounding by 690 ulps: still far inside 1e-10.
        #expect(worst.error <= 1e-10, "\(worst)")
    }

    @Test func edgesAndInvalidArguments() {
        #expect(SpecialFunctions.regularizedGammaP(3, 0) == 0)
        #expect(SpecialFunctions.regularizedGammaQ(3, 0) == 1)
        #expect(SpecialFunctions.regularizedGammaQ(3, .infinity) == 0)
        #expect(SpecialFunctions.logRegularizedGammaP(0, 1).isNaN)
        #expect(SpecialFunctions.logRegularizedGammaQ(2, -1).isNaN)
        #expect(SpecialFunctions.logRegularizedGammaQ(.nan, 1).isNaN)
        // P(1, x) = 1 − e⁻ˣ exactly.
        #expect(abs(SpecialFunctions.regularizedGammaP(1, 0.25) / (-expm1(-0.25)) - 1) < 1e-15)
    }

    @Test func temmeRegionJoinsTheSeriesContinuously() {
        // Either side of the switch at σ² = 20/a the two methods must agree to 1e-12.
        let a = 1e5
        let boundary = a * (1 + (20 / a).squareRoot())
        let inside = SpecialFunctions.logRegularizedGammaQ(a, boundary.nextDown)
        let outside = SpecialFunctions.logRegularizedGammaQ(a, boundary.nextUp)
        #expect(abs(inside - outside) < 1e-12 * abs(inside), "Q: \(inside) vs \(outside)")
    }
}
