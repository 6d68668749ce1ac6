import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import Testing

/// The aggregated-cell IRLS agrees with statsmodels fitting bucket by bucket.
///
/// Fixture and reference come from `Fixtures/make_glm_fixture.py` (statsmodels 0.15):
/// 21 days of NB counts with a two-harmonic daily shape. Unpenalised and unweighted, the
/// two fits solve the same likelihood equations, so they must agree closely.
@Suite("IRLS against statsmodels")
struct StatsmodelsCrossCheckTests {
    struct Reference: Decodable {
        var poisson_coefficients: [Double]
        var negbin_coefficients: [Double]
        var negbin_alpha: Double
    }

    static func fixture() throws -> (SeasonalCells, CountryCellCounts, Reference) {
        let csv = try String(
            contentsOf: Bundle.module.url(forResource: "glm_counts", withExtension: "csv", subdirectory: "Fixtures")!,
            encoding: .utf8)
        var counts: [Int64: Int] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            counts[Int64(parts[0])!] = Int(parts[1])!
        }
        let first = counts.keys.min()!
        let last = counts.keys.max()!
        let cells = SeasonalCells(
            first: first, last: last, span: .fifteenMinutes, clock: try LocalClock(identifier: "UTC"),
            design: SeasonalDesign(dailyHarmonics: 2, weekendHarmonics: 0, dayOfWeekEffects: false),
            halfLifeDays: 0, weightReference: last)
        var indexed: [Int: Int] = [:]
        for (t, y) in counts { indexed[cells.bucketIndex(of: t)!] = y }
        let reference = try JSONDecoder().decode(
            Reference.self,
            from: Data(
                contentsOf: Bundle.module.url(
                    forResource: "glm_reference", withExtension: "json", subdirectory: "Fixtures")!))
        return (cells, CountryCellCounts(counts: indexed, cells: cells), reference)
    }

    @Test func poissonMatches() throws {
        let (cells, counts, reference) = try Self.fixture()
        let fit = try SeasonalFitter.fitCounts(family: .poisson, cells: cells, counts: counts, shape: .none(columns: 5))
        for (ours, theirs) in zip(fit.coefficients, reference.poisson_coefficients) {
            #expect(abs(ours - theirs) < 1e-6, "\(ours) vs statsmodels \(theirs)")
        }
    }

    @Test func negativeBinomialMatches() throws {
        let (cells, counts, reference) = try Self.fixture()
        let fit = try SeasonalFitter.fitCounts(
            family: .negativeBinomial, cells: cells, counts: counts, shape: .none(columns: 5), dispersionPrior: .weak)
        #expect(abs(fit.dispersion - reference.negbin_alpha) / reference.negbin_alpha < 1e-3,
            "alpha \(fit.dispersion) vs statsmodels \(reference.negbin_alpha)")
        for (ours, theirs) in zip(fit.coefficients, reference.negbin_coefficients) {
            #expect(abs(ours - theirs) < 1e-4, "\(ours) vs statsmodels \(theirs)")
        }
    }
}
