import Foundation
import Testing
@testable import GeoSpikeNumerics

@Suite("Poisson and negative binomial tails against mpmath")
struct CountTailsTests {
    struct Case {
        let negativeBinomial: Bool
        let k: Double, mean: Double, dispersion: Double
        let logSurvival: Double, logPMF: Double
        var label: String { "\(negativeBinomial ? "NB" : "Poisson") k=\(k) mean=\(mean) dispersion=\(dispersion)" }
    }

    static func cases() throws -> [Case] {
        try ReferenceTable("count_tails").records().map {
            Case(
                negativeBinomial: $0["negative_binomial"] == 1, k: $0["k"] ?? .nan, mean: $0["mean"] ?? .nan,
                dispersion: $0["dispersion"] ?? .nan, logSurvival: $0["log_survival"] ?? .nan, logPMF: $0["log_pmf"] ?? .nan)
        }
    }

    @Test func scalarTailsAndMassMatchReference() throws {
        var poissonTail = LogProbabilityErrors("Poisson log P(N ≥ k)")
        var poissonMass = LogProbabilityErrors("Poisson log P(N = k)")
        var nbTail = LogProbabilityErrors("NB log P(N ≥ k)")
        var nbMass = LogProbabilityErrors("NB log P(N = k)")
        for c in try Self.cases() {
            if c.negativeBinomial {
                nbTail.record(
                    CountTails.negativeBinomialLogSurvival(atLeast: c.k, mean: c.mean, dispersion: c.dispersion),
                    c.logSurvival, at: c.label)
                nbMass.record(
                    CountTails.negativeBinomialLogPMF(c.k, mean: c.mean, dispersion: c.dispersion), c.logPMF, at: c.label)
            } else {
                poissonTail.record(CountTails.poissonLogSurvival(atLeast: c.k, mean: c.mean), c.logSurvival, at: c.label)
                poissonMass.record(CountTails.poissonLogPMF(c.k, mean: c.mean), c.logPMF, at: c.label)
            }
        }
        for errors in [poissonTail, poissonMass, nbTail, nbMass] {
            print(errors)
            #expect(errors.passes, "\(errors)")
        }
    }

    @Test func vectorisedTailsMatchReference() throws {
        let all = try Self.cases()
        for negativeBinomial in [false, true] {
            let cases = all.filter { $0.negativeBinomial == negativeBinomial }
            let out = negativeBinomial
                ? CountTails.negativeBinomialLogSurvival(
                    atLeast: cases.map(\.k), means: cases.map(\.mean), dispersions: cases.map(\.dispersion))
                : CountTails.poissonLogSurvival(atLeast: cases.map(\.k), means: cases.map(\.mean))
            var errors = LogProbabilityErrors("vectorised \(negativeBinomial ? "NB" : "Poisson") log P(N ≥ k)")
            for (c, computed) in zip(cases, out) { errors.record(computed, c.logSurvival, at: c.label) }
            print(errors)
            #expect(out.count == cases.count)
            #expect(errors.passes, "\(errors)")
        }
    }

    @Test func vectorisedAgreesWithScalarOnARealisticMix() {
        // Counts around and above their means, every fast path and every fallback.
        var generator = SplitMix64(seed: 7)
        var ks = [Double](), means = [Double](), dispersions = [Double]()
        for _ in 0..<4000 {
            let mean = pow(10, generator.uniform(-1, 4))
            let sd = (mean + mean * mean * 0.05).squareRoot()
            ks.append(max(0, (mean + generator.uniform(-3, 12) * sd).rounded()))
            means.append(mean)
            dispersions.append(generator.uniform(0, 1) < 0.1 ? 0 : pow(10, generator.uniform(-6, 2)))
        }
        let poisson = CountTails.poissonLogSurvival(atLeast: ks, means: means)
        let nb = CountTails.negativeBinomialLogSurvival(atLeast: ks, means: means, dispersions: dispersions)
        var poissonErrors = LogProbabilityErrors("vectorised vs scalar Poisson")
        var nbErrors = LogProbabilityErrors("vectorised vs scalar NB")
        for i in ks.indices {
            let label = "k=\(ks[i]) mean=\(means[i]) dispersion=\(dispersions[i])"
            poissonErrors.record(poisson[i], CountTails.poissonLogSurvival(atLeast: ks[i], mean: means[i]), at: label)
            nbErrors.record(
                nb[i], CountTails.negativeBinomialLogSurvival(atLeast: ks[i], mean: means[i], dispersion: dispersions[i]),
                at: label)
        }
        print(poissonErrors)
        print(nbErrors)
        #expect(poissonErrors.passes, "\(poissonErrors)")
        #expect(nbErrors.passes, "\(nbErrors)")
    }

    @Test func edgesAndInvalidParameters() {
        #expect(CountTails.poissonLogSurvival(atLeast: 0, mean: 3) == 0)
        #expect(CountTails.poissonLogSurvival(atLeast: -2, mean: 3) == 0)
        #expect(CountTails.poissonLogSurvival(atLeast: 1, mean: 0) == -.infinity)
        #expect(CountTails.poissonLogSurvival(atLeast: 1, mean: -1).isNaN)
        #expect(CountTails.poissonLogSurvival(atLeast: .nan, mean: 1).isNaN)
        #expect(CountTails.poissonLogPMF(0, mean: 0) == 0)
        #expect(CountTails.poissonLogPMF(-1, mean: 2) == -.infinity)
        #expect(CountTails.negativeBinomialLogSurvival(atLeast: 3, mean: 2, dispersion: -0.1).isNaN)
        #expect(CountTails.negativeBinomialLogSurvival(atLeast: 0, mean: 2, dispersion: 0.5) == 0)
        #expect(CountTails.negativeBinomialLogPMF(0, mean: 2, dispersion: 0.5) == -log1p(1) / 0.5)
        // P(N ≥ 1) = 1 − P(N = 0) in closed form for both families.
        #expect(abs(CountTails.poissonLogSurvival(atLeast: 1, mean: 0.3) - log(-expm1(-0.3))) < 1e-15)
        let nbZero = -log1p(0.4 * 5) / 0.4
        #expect(abs(CountTails.negativeBinomialLogSurvival(atLeast: 1, mean: 5, dispersion: 0.4) - log(-expm1(nbZero))) < 1e-14)
    }

    @Test func negativeBinomialApproachesPoissonSmoothly() {
        // NB2 differs from Poisson at first order in α, so each decade of α must shrink the
        // relative difference about tenfold, down to a floor of 1e-10, through the switch to
        // Poisson and without a jump there.
        for (k, mean) in [(5.0, 1.0), (130.0, 100.0), (10_400.0, 10_000.0), (9_000.0, 10_000.0), (2e6, 1e6), (1e7, 1e3)] {
            let poisson = CountTails.poissonLogSurvival(atLeast: k, mean: mean)
            var previous = Double.infinity
            for exponent in 6...24 {
                let dispersion = pow(10, -Double(exponent))
                let nb = CountTails.negativeBinomialLogSurvival(atLeast: k, mean: mean, dispersion: dispersion)
                let difference = abs(nb - poisson) / abs(poisson)
                // Below 1e-2 the first-order term dominates and the decades are clean.
                if previous < 1e-2 {
                    #expect(difference <= previous / 10 * 1.5 + 1e-10, "k=\(k) mean=\(mean) α=\(dispersion): \(nb) vs \(poisson)")
                }
                if exponent == 6 && k > mean { #expect(nb > poisson, "NB must have the heavier tail: k=\(k) mean=\(mean)") }
                previous = difference
            }
            #expect(previous <= 1e-10, "k=\(k) mean=\(mean): still \(previous) from Poisson at α = 1e-24")
        }
    }
}

/// A small deterministic generator so that test inputs are the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) / Double(1 << 53)
    }
}
