import Foundation
import Testing
@testable import GeoSpikeNumerics

@Suite("Normal distribution function, tails and quantile against mpmath")
struct NormalTests {
    @Test func tailsMatchReference() throws {
        var survival = LogProbabilityErrors("log(1 − Φ(z))")
        var cdf = LogProbabilityErrors("log Φ(z)")
        var linear = WorstError("1 − Φ(z) where ≥ 1e-300")
        for row in try ReferenceTable("normal").records() {
            let z = row["z"] ?? .nan, logSurvival = row["log_survival"] ?? .nan, logCDF = row["log_cdf"] ?? .nan
            survival.record(SpecialFunctions.logNormalSurvival(z), logSurvival, at: "z=\(z)")
            cdf.record(SpecialFunctions.logNormalCDF(z), logCDF, at: "z=\(z)")
            if logSurvival > -690 { linear.relative(SpecialFunctions.normalSurvival(z), exp(logSurvival), at: "z=\(z)") }
        }
        print(survival)
        print(cdf)
        print(linear)
        #expect(survival.passes, "\(survival)")
        #expect(cdf.passes, "\(cdf)")
        #expect(linear.error <= 1e-10, "\(linear)")
        #expect(SpecialFunctions.logNormalSurvival(1e3).isFinite)
    }

    @Test func quantileMatchesReference() throws {
        var worst = WorstError("normalQuantile")
        for row in try ReferenceTable("normal_quantile").records() {
            let p = row["p"] ?? .nan
            worst.relative(SpecialFunctions.normalQuantile(p), row["z"] ?? .nan, at: "p=\(p)")
        }
        print(worst)
        #expect(worst.error <= 1e-14, "\(worst)")
        #expect(SpecialFunctions.normalQuantile(0) == -.infinity)
        #expect(SpecialFunctions.normalQuantile(1) == .infinity)
        #expect(SpecialFunctions.normalQuantile(0.5) == 0)
        #expect(SpecialFunctions.normalQuantile(-0.1).isNaN)
    }

    @Test func quantileInvertsTheDistributionFunction() {
        // Above z = 0, Φ(z) rounds towards 1 and loses z; invert the smaller tail instead.
        for z in stride(from: -37.0, through: 37, by: 0.37) {
            let back = z <= 0
                ? SpecialFunctions.normalQuantile(SpecialFunctions.normalCDF(z))
                : -SpecialFunctions.normalQuantile(SpecialFunctions.normalSurvival(z))
            #expect(abs(back - z) <= 1e-13 * max(1, abs(z)), "z=\(z) back=\(back)")
        }
    }
}
