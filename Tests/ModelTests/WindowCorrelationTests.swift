import Foundation
import GeoSpikeNumerics
import GeoSpikeTestSupport
import Testing

@testable import GeoSpikeModel

@Suite("Window correlation")
struct WindowCorrelationTests {
    /// 1 + 2 Σ (1 − k/w) φᵏ: the factor of an AR(1) with coefficient φ.
    static func ar1Factor(_ phi: Double, window: Int) -> Double {
        var factor = 1.0
        for k in 1..<window {
            let weight = 1 - Double(k) / Double(window)
            factor += 2 * weight * pow(phi, Double(k))
        }
        return factor
    }

    /// Standardised residuals that are an AR(1) with coefficient `phi`.
    static func residuals(phi: Double, count: Int, seed: UInt64) -> [Double] {
        var rng = Simulation(seed: seed)
        var x = 0.0
        return (0..<count).map { _ in
            x = phi * x + (1 - phi * phi).squareRoot() * rng.normal()
            return x
        }
    }

    @Test(arguments: [0.0, 0.3, 0.6])
    func anAR1GivesItsKnownFactor(phi: Double) {
        let measured = WindowCorrelation.varianceFactor(
            residuals: Self.residuals(phi: phi, count: 40_000, seed: 5), window: 12)
        let known = Self.ar1Factor(phi, window: 12)
        // The estimate's standard error is about 0.05 at φ = 0 and grows with φ.
        #expect(abs(measured - known) < 0.1 + 0.1 * known, "φ = \(phi): measured \(measured), known \(known)")
        #expect(measured >= 1)
    }

    @Test func aWindowOfOneBucketOrAShortSeriesIsIndependent() {
        let residuals = Self.residuals(phi: 0.9, count: 1000, seed: 7)
        #expect(WindowCorrelation.varianceFactor(residuals: residuals, window: 1) == 1)
        #expect(WindowCorrelation.varianceFactor(residuals: Array(residuals.prefix(20)), window: 12) == 1)
        #expect(WindowCorrelation.varianceFactor(residuals: residuals, window: 12) > 5)
    }

    /// A trained country's factor reads its own training buckets: Poisson counts around a
    /// seasonal mean are independent, so the factor stays near 1.
    @Test func independentTrainingCountsGiveAboutOne() throws {
        let model = try ModelFileTests.model()
        for country in model.countries {
            #expect(country.windowVarianceFactor >= 1 && country.windowVarianceFactor < 1.3, "\(country.country)")
        }
    }

    @Test func theWindowTestUsesTheFactorAsAVarianceMultiplier() {
        let expected = [Double](repeating: 4, count: 12)
        let variance = [Double](repeating: 6, count: 12)  // NB with α = 0.125 per bucket
        let actual = [Double](repeating: 7, count: 12)
        let plain = MultiBucketTest.logUpperTails(actual: actual, expected: expected, variance: variance, window: 12)
        let correlated = MultiBucketTest.logUpperTails(
            actual: actual, expected: expected, variance: variance, window: 12, varianceFactor: 1.8)
        // Window of 12: mean 48, variance 1.8 · 72 = 129.6, so α = (129.6 − 48) / 48².
        let reference = CountTails.negativeBinomialLogSurvival(atLeast: 84, mean: 48, dispersion: (129.6 - 48) / 2304)
        #expect(abs(correlated[11] - reference) < 1e-12 * abs(reference))
        #expect(correlated[11] > plain[11] + 2, "a correlated window is far less surprising")
    }
}
