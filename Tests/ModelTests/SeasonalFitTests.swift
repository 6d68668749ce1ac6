import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeNumerics
import GeoSpikeTestSupport
import Testing

/// Fits on simulated data recover the parameters that generated it.
@Suite("Seasonal fits recover known parameters")
struct SeasonalFitTests {
    static let design = SeasonalDesign(dailyHarmonics: 2, weekendHarmonics: 0, dayOfWeekEffects: false)
    /// intercept, sin1, cos1, sin2, cos2
    static let truth = [log(4.0), 0.6, -0.9, 0.0, 0.25]

    static func mean(_ t: Int64) -> Double {
        let row = design.row(secondOfDay: Double((t + 450) % 86400 / 900 * 900 + 450), weekday: 0)
        return exp(zip(row, truth).map(*).reduce(0, +))
    }

    static func cells(days: Int) throws -> SeasonalCells {
        let last = Simulated.start + Int64(days * 96 - 1) * 900
        return SeasonalCells(
            first: Simulated.start, last: last, span: .fifteenMinutes, clock: try LocalClock(identifier: "UTC"),
            design: design, halfLifeDays: 0, weightReference: last)
    }

    static func countryCounts(_ table: CountTable, _ cells: SeasonalCells) -> CountryCellCounts {
        var indexed: [Int: Int] = [:]
        for (key, y) in table.counts { indexed[cells.bucketIndex(of: key.bucketStart)!] = y }
        return CountryCellCounts(counts: indexed, cells: cells)
    }

    @Test func poissonCoefficients() throws {
        let table = Simulated.table(days: 28, draw: { t, rng in rng.poisson(Self.mean(t)) }, seed: 1)
        let cells = try Self.cells(days: 28)
        let fit = try SeasonalFitter.fitCounts(
            family: .poisson, cells: cells, counts: Self.countryCounts(table, cells), shape: .none(columns: 5))
        // 2688 buckets at a mean near 4: standard errors are about 0.01.
        for (estimate, truth) in zip(fit.coefficients, Self.truth) {
            #expect(abs(estimate - truth) < 0.04, "estimate \(estimate) vs \(truth)")
        }
        #expect(fit.dispersion == 0)
        // The level is known to about 1/sqrt(events): variance near 1/10750.
        #expect(fit.levelVariance > 0.5 / 10_750 && fit.levelVariance < 2.0 / 10_750)
    }

    @Test func negativeBinomialDispersion() throws {
        let table = Simulated.table(
            days: 56, draw: { t, rng in rng.negativeBinomial(mean: Self.mean(t), dispersion: 0.4) }, seed: 2)
        let cells = try Self.cells(days: 56)
        let fit = try SeasonalFitter.fitCounts(
            family: .negativeBinomial, cells: cells, counts: Self.countryCounts(table, cells),
            shape: .none(columns: 5), dispersionPrior: .weak)
        #expect(abs(fit.dispersion - 0.4) < 0.04, "dispersion \(fit.dispersion)")
        for (estimate, truth) in zip(fit.coefficients, Self.truth) {
            #expect(abs(estimate - truth) < 0.06, "estimate \(estimate) vs \(truth)")
        }
    }

    @Test func poissonDataGivesTinyDispersion() throws {
        let table = Simulated.table(days: 28, draw: { t, rng in rng.poisson(Self.mean(t)) }, seed: 3)
        let cells = try Self.cells(days: 28)
        let fit = try SeasonalFitter.fitCounts(
            family: .negativeBinomial, cells: cells, counts: Self.countryCounts(table, cells),
            shape: .none(columns: 5), dispersionPrior: .weak)
        #expect(fit.dispersion < 0.02, "dispersion \(fit.dispersion)")
    }

    @Test func logNormalScale() throws {
        let table = Simulated.table(
            days: 28,
            draw: { t, rng in
                let location = 5 + 0.5 * sin(2 * .pi * Double(t % 86400) / 86400)
                return Int((exp(location + 0.4 * rng.normal()) - 1).rounded())
            }, seed: 4)
        let cells = try Self.cells(days: 28)
        let fit = try SeasonalFitter.fitLogNormal(
            cells: cells, counts: Self.countryCounts(table, cells), shape: .none(columns: 5))
        #expect(abs(fit.sigma - 0.4) < 0.015, "sigma \(fit.sigma)")
        #expect(abs(fit.coefficients[0] - 5) < 0.02)
        #expect(abs(fit.coefficients[1] - 0.5) < 0.03)
    }

    @Test func sparseCountryShapeIsPulledToThePrior() throws {
        // Five events in four weeks cannot establish a daily shape; the prior's must win.
        var table = CountTable()
        let se = CountryCode("SE")!
        for b in [10, 500, 900, 1500, 2200] { table.add(bucketStart: Simulated.start + Int64(b) * 900, country: se, count: 1) }
        table.observe(time: Double(Simulated.start + 28 * 86400 - 1))
        let cells = try Self.cells(days: 28)
        let prior = ShapePrior(mean: Self.truth, precision: 4)
        let fit = try SeasonalFitter.fitCounts(
            family: .poisson, cells: cells, counts: Self.countryCounts(table, cells), shape: prior)
        for j in 1..<5 { #expect(abs(fit.coefficients[j] - Self.truth[j]) < 0.5) }
        // The level follows the data: 5 events in 2688 buckets.
        let rate = exp(fit.coefficients[0]) * 1.4
        #expect(rate > 5.0 / 2688 / 3 && rate < 5.0 / 2688 * 3)
    }
}
