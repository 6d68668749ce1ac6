import Foundation
import Testing
@testable import GeoSpikeNumerics

@Suite("Regularized incomplete beta against mpmath")
struct IncompleteBetaTests {
    @Test func logTailsMatchReference() throws {
        var lower = LogProbabilityErrors("log I_x(a, b)")
        var upper = LogProbabilityErrors("log(1 − I_x(a, b)) via I_{1−x}(b, a)")
        for row in try ReferenceTable("incomplete_beta").records() {
            let x = row["x"] ?? .nan, a = row["a"] ?? .nan, b = row["b"] ?? .nan
            lower.record(SpecialFunctions.logRegularizedBeta(x, a: a, b: b), row["log_i"] ?? .nan, at: "x=\(x) a=\(a) b=\(b)")
            // 1 − I_x(a, b) = I_{1−x}(b, a) only when 1 − x is exact, i.e. x ≥ 0.5.
            if x >= 0.5 {
                upper.record(SpecialFunctions.logRegularizedBeta(1 - x, a: b, b: a), row["log_1m_i"] ?? .nan, at: "x=\(x) a=\(a) b=\(b)")
            }
        }
        print(lower)
        print(upper)
        #expect(lower.passes, "\(lower)")
        #expect(upper.passes, "\(upper)")
    }

    @Test func linearValueMatchesReferenceAboveUnderflow() throws {
        var worst = WorstError("I_x(a, b) where ≥ 1e-300")
        for row in try ReferenceTable("incomplete_beta").records() {
            let x = row["x"] ?? .nan, a = row["a"] ?? .nan, b = row["b"] ?? .nan, logI = row["log_i"] ?? .nan
            guard logI > -690 else { continue }
            worst.relative(SpecialFunctions.regularizedBeta(x, a: a, b: b), exp(logI), at: "x=\(x) a=\(a) b=\(b)")
        }
        print(worst)
        #expect(worst.error <= 1e-10, "\(worst)")
    }

    @Test func closedFormsAndEdges() {
        // I_x(1, 1) = x and I_x(a, 1) = xᵃ.
        #expect(abs(SpecialFunctions.regularizedBeta(0.3, a: 1, b: 1) - 0.3) < 1e-16)
        #expect(abs(SpecialFunctions.regularizedBeta(0.7, a: 2.5, b: 1) / pow(0.7, 2.5) - 1) < 1e-14)
        #expect(SpecialFunctions.regularizedBeta(0, a: 2, b: 3) == 0)
        #expect(SpecialFunctions.regularizedBeta(1, a: 2, b: 3) == 1)
        #expect(SpecialFunctions.regularizedBeta(1.5, a: 2, b: 3).isNaN)
        #expect(SpecialFunctions.regularizedBeta(0.5, a: 0, b: 3).isNaN)
    }
}
