import Foundation
import GeoSpikeNumerics

/// A country whose traffic moved to another level before the end of training is
/// modelled at the level it moved to.
///
/// The fit weighs weeks of history (recency weighting halves a bucket's weight only
/// after `halfLifeDays`), so a service that doubled its traffic two days ago, or came back
/// from an outage, is expected at the old level for weeks, and every bucket of the new
/// regime alerts. So the last day of training is compared with the fit: when half or
/// more of its buckets ran above (or below) their expected counts by the same factor, and
/// that factor is both large (over `regimeMinimumFactor`) and clear of the day's noise
/// (three standard errors), the country's level moves by it, its seasonal shape kept.
/// Only countries busy enough (two events a bucket) for a day's median to measure a level.
extension Trainer {
    /// The smallest change of level, as a factor, that moves a country's intercept.
    static let regimeMinimumFactor = 1.25
    /// Mean expected count per bucket below which a country's level is left as fitted.
    static let regimeMinimumExpected = 2.0

    /// The log factor by which the last day's level differs from the fit, 0 when the
    /// difference is small or unclear, or when training is shorter than two days.
    func currentRegimeShift(
        model: CountryModel, fit: SeasonalFit, series: CountrySeries, country c: Int, cells: SeasonalCells
    ) -> Double {
        let n = cells.bucketCount
        let day = cells.bucketSpan.bucketsPerDay
        guard n >= 2 * day else { return 0 }
        let eta = SeasonalFitter.cellLinearPredictors(fit.coefficients, cells)
        var actual = [Double](repeating: 0, count: day)
        let cellsOfDay = series.cells(of: c, in: (n - day)..<n)
        for (b, y) in zip(cellsOfDay.buckets, cellsOfDay.counts) { actual[b - (n - day)] = Double(y) }
        let expected = (0..<day).map { k in model.expectedCount(linearPredictor: eta[Int(cells.bucketCell[n - day + k])]) }
        // In a sparse country most buckets are zeros, whose ratio to any level is the same:
        // their median says nothing about the level.
        guard expected.reduce(0, +) / Double(day) >= Self.regimeMinimumExpected else { return 0 }
        let logRatios = (0..<day).map { k in log1p(actual[k]) - log1p(expected[k]) }
        let shift = RobustStatistics.median(logRatios)
        let standardError = RobustStatistics.standardDeviation(logRatios) / Double(day).squareRoot()
        guard abs(shift) > log(Self.regimeMinimumFactor), abs(shift) > 3 * standardError else { return 0 }
        return shift
    }
}
