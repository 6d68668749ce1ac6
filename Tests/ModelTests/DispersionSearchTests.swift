import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics
import GeoSpikeTestSupport
import Testing

@testable import GeoSpikeModel

/// The pieces that make training fast: the dispersion search's derivatives and safeguards,
/// and the per-country layout of the counts.
@Suite("Dispersion search and country series")
struct DispersionSearchTests {
    /// A simulated country and the cell means of its Poisson fit.
    static func country(dispersion: Double, scale: Double, seed: UInt64) throws
        -> (cells: SeasonalCells, counts: CountryCellCounts, eta: [Double])
    {
        let table = Simulated.table(
            days: 28,
            draw: { t, rng in rng.negativeBinomial(mean: scale * SeasonalFitTests.mean(t), dispersion: dispersion) },
            seed: seed)
        let cells = try SeasonalFitTests.cells(days: 28)
        let counts = SeasonalFitTests.countryCounts(table, cells)
        let fit = try SeasonalFitter.fitCounts(family: .poisson, cells: cells, counts: counts, shape: .none(columns: 5))
        return (cells, counts, SeasonalFitter.cellMeans(fit.coefficients, cells))
    }

    static let countries: [(dispersion: Double, scale: Double)] = [(0.3, 10), (0.02, 1), (1.5, 0.1)]

    @Test func slopeIsTheDerivativeOfTheLikelihood() throws {
        for (k, spec) in Self.countries.enumerated() {
            let (cells, counts, eta) = try Self.country(dispersion: spec.dispersion, scale: spec.scale, seed: UInt64(k))
            // The busiest country has counts on both sides of the summed/log-Pochhammer split.
            if spec.scale > 5 { #expect(counts.histogram.contains { $0.count >= Double(DispersionLikelihood.summedBelow) }) }
            let likelihood = DispersionLikelihood(means: eta.map { exp($0) }, cells: cells, counts: counts)
            let f = { (logAlpha: Double) in likelihood.value(alpha: exp(logAlpha)) }
            let h = 1e-3
            for logAlpha in [-9.0, -3.0, -1.0, 0.5] {
                let first = (f(logAlpha + h) - f(logAlpha - h)) / (2 * h)
                let second = (f(logAlpha + h) - 2 * f(logAlpha) + f(logAlpha - h)) / (h * h)
                let slope = likelihood.slope(logAlpha: logAlpha)
                #expect(abs(slope.first - first) <= 1e-5 * max(1, abs(first)), "\(spec) at \(logAlpha): \(slope.first) vs \(first)")
                #expect(abs(slope.second - second) <= 1e-4 * max(1, abs(second)), "\(spec) at \(logAlpha): \(slope.second) vs \(second)")
            }
        }
    }

    @Test func dispersionIsTheMaximumOfThePenalisedLikelihood() throws {
        for (k, spec) in Self.countries.enumerated() {
            let (cells, counts, eta) = try Self.country(dispersion: spec.dispersion, scale: spec.scale, seed: UInt64(k))
            let likelihood = DispersionLikelihood(means: eta.map { exp($0) }, cells: cells, counts: counts)
            for prior in [DispersionPrior.weak, DispersionPrior(mean: 0.5, sd: 1)] {
                let objective = { (logAlpha: Double) in
                    likelihood.value(alpha: exp(logAlpha))
                        - 0.5 * prior.precision * (logAlpha - prior.logMean) * (logAlpha - prior.logMean)
                }
                for near in [nil, 0.1, 5.0] {
                    let found = log(
                        SeasonalFitter.fitDispersion(means: eta.map { exp($0) }, cells: cells, counts: counts, prior: prior, near: near))
                    let (lowest, highest) = SeasonalFitter.dispersionRange
                    for step in [1e-4, -1e-4, 0.1, -0.1] where found + step > lowest && found + step < highest {
                        #expect(objective(found) >= objective(found + step), "\(spec), near \(String(describing: near))")
                    }
                }
            }
        }
    }

    @Test func safeguardedNewtonFindsInteriorAndEdgeMaxima() {
        for peak in [-2.0, -20.0, 10.0] {
            var evaluations = 0
            let found = SeasonalFitter.maximise(
                slope: { x in
                    evaluations += 1
                    return (-3 * (x - peak), -3)
                }, (-14, 7), from: 0)
            #expect(abs(found - min(max(peak, -14), 7)) < 1e-8, "peak \(peak): found \(found)")
            #expect(evaluations <= 4, "peak \(peak): \(evaluations) evaluations")
        }
        // −log(1 + (x − 1)²) is convex beyond |x − 1| > 1, where Newton would step away.
        for start in [-10.0, 6.0] {
            let found = SeasonalFitter.maximise(
                slope: { x in
                    let d = x - 1
                    return (-2 * d / (1 + d * d), (2 * d * d - 2) / ((1 + d * d) * (1 + d * d)))
                }, (-14, 7), from: start)
            #expect(abs(found - 1) < 1e-7, "from \(start): found \(found)")
        }
    }

    @Test func seriesHoldsEachCountrysCellsInBucketOrder() throws {
        var table = CountTable()
        var rng = Simulation(seed: 9)
        let start = Simulated.start
        let codes = ["US", "DE", "SE", "AQ"].compactMap { CountryCode($0) }
        for b in 0..<2000 {
            for (k, code) in codes.enumerated() {
                let y = rng.poisson([3, 0.5, 0.02, 0][k])
                if y > 0 { table.add(bucketStart: start + Int64(b) * 900, country: code, count: y) }
            }
        }
        table.add(bucketStart: start + 5 * 900, country: codes[1], count: 0)
        let series = CountrySeries(table)
        #expect(series.countries == codes.sorted().filter { table.totalsByCountry[$0] != nil })
        #expect(series.bucketCount == table.bucketCount)
        for (c, country) in series.countries.enumerated() {
            let expected = table.sortedCells.filter { $0.key.country == country && $0.count > 0 }
            let all = series.cells(of: c, in: 0..<series.bucketCount)
            #expect(Array(all.buckets) == expected.map { Int(($0.key.bucketStart - start) / 900) })
            #expect(Array(all.counts) == expected.map(\.count))
            let window = series.cells(of: c, in: 100..<1500)
            #expect(window.buckets.allSatisfy { (100..<1500).contains($0) })
            #expect(window.buckets.count == expected.filter { (100..<1500).contains(($0.key.bucketStart - start) / 900) }.count)
        }
        #expect(series.events(in: 0..<series.bucketCount) == table.counts.values.reduce(0, +))
        #expect(series.index(of: CountryCode("AQ")!) == nil)
    }

    @Test func cellCountsFromTheSeriesEqualThoseFromADictionary() throws {
        let table = Simulated.table(
            days: 28, draw: { t, rng in rng.negativeBinomial(mean: 30 * SeasonalFitTests.mean(t), dispersion: 0.3) },
            seed: 4)
        let cells = try SeasonalFitTests.cells(days: 28)
        let fromDictionary = SeasonalFitTests.countryCounts(table, cells)
        let series = CountrySeries(table)
        let (buckets, counts) = series.cells(of: 0, in: 0..<cells.bucketCount)
        let fromSeries = CountryCellCounts(buckets: buckets, counts: counts, cells: cells)
        #expect(fromSeries.weightedSums == fromDictionary.weightedSums)
        #expect(fromSeries.weightedLogSums == fromDictionary.weightedLogSums)
        #expect(fromSeries.weightedLogSquares == fromDictionary.weightedLogSquares)
        #expect(fromSeries.histogram.map(\.count) == fromDictionary.histogram.map(\.count))
        #expect(fromSeries.histogram.map(\.weight) == fromDictionary.histogram.map(\.weight))
        #expect(fromSeries.events == fromDictionary.events && fromSeries.nonZeroBuckets == fromDictionary.nonZeroBuckets)
    }
}
