import Testing
@testable import GeoSpikeNumerics

@Suite("log Γ, ψ, ψ′ and log1pmx against mpmath")
struct SpecialFunctionsTests {
    @Test func logGammaMatchesReference() throws {
        var worst = WorstError("logGamma")
        var nearRoots = WorstError("logGamma within 0.01 of 1 and 2 (absolute)")
        for row in try ReferenceTable("log_gamma").records() {
            let x = row["x"] ?? .nan, expected = row["log_gamma"] ?? .nan
            let computed = SpecialFunctions.logGamma(x)
            if abs(x - 1) < 0.01 || abs(x - 2) < 0.01 {
                nearRoots.record(computed, expected, scale: 1, at: "x=\(x)")
            } else {
                worst.relative(computed, expected, at: "x=\(x)")
            }
        }
        print(worst)
        print(nearRoots)
        #expect(worst.error <= 1e-13, "\(worst)")
        #expect(nearRoots.error <= 1e-16, "\(nearRoots)")
    }

    @Test func stirlingCorrectionMatchesReference() throws {
        var worst = WorstError("stirlingCorrection (absolute)")
        for row in try ReferenceTable("log_gamma").records() {
            let x = row["x"] ?? .nan, expected = row["stirling_correction"] ?? .nan
            guard x >= 0.5 else { continue }
            worst.record(SpecialFunctions.stirlingCorrection(x), expected, scale: 1, at: "x=\(x)")
        }
        print(worst)
        #expect(worst.error <= 2e-14, "\(worst)")
    }

    @Test func digammaAndTrigammaMatchReference() throws {
        var digamma = WorstError("digamma")
        var trigamma = WorstError("trigamma")
        for row in try ReferenceTable("polygamma").records() {
            let x = row["x"] ?? .nan
            digamma.relative(SpecialFunctions.digamma(x), row["digamma"] ?? .nan, at: "x=\(x)")
            trigamma.relative(SpecialFunctions.trigamma(x), row["trigamma"] ?? .nan, at: "x=\(x)")
        }
        print(digamma)
        print(trigamma)
        #expect(digamma.error <= 1e-13, "\(digamma)")
        #expect(trigamma.error <= 1e-13, "\(trigamma)")
    }

    @Test func logPochhammerKeepsAccuracyForLargeArguments() {
        // References: mpmath.loggamma(a + n) − mpmath.loggamma(a) at 40 digits.
        let cases: [(a: Double, n: Double, expected: Double)] = [
            (1e6, 3, 41.44653467389032), (1e10, 250, 5756.4627355976145), (0.5, 7, 6.961999293834033),
            (12.5, 0.25, 0.6238837082879124), (3, 1e6, 12815545.322535105), (1e-3, 2, -6.906755778649053),
        ]
        var worst = WorstError("logPochhammer")
        for c in cases { worst.relative(SpecialFunctions.logPochhammer(c.a, c.n), c.expected, at: "a=\(c.a) n=\(c.n)") }
        print(worst)
        #expect(worst.error <= 1e-14, "\(worst)")
        #expect(SpecialFunctions.logPochhammer(-1, 2).isNaN)
    }

    @Test func polygammaPolesAreNaN() {
        #expect(SpecialFunctions.digamma(0).isNaN)
        #expect(SpecialFunctions.digamma(-3).isNaN)
        #expect(SpecialFunctions.trigamma(-1).isNaN)
        #expect(SpecialFunctions.logGamma(-1).isNaN)
        #expect(SpecialFunctions.logGamma(0) == .infinity)
    }

    @Test func log1pmxMatchesReference() throws {
        var worst = WorstError("log1pmx")
        for row in try ReferenceTable("log1pmx").records() {
            let x = row["x"] ?? .nan
            worst.relative(SpecialFunctions.log1pmx(x), row["log1pmx"] ?? .nan, at: "x=\(x)")
        }
        print(worst)
        #expect(worst.error <= 1e-14, "\(worst)")
        #expect(SpecialFunctions.log1pmx(-1) == -.infinity)
        #expect(SpecialFunctions.log1pmx(-2).isNaN)
    }
}
