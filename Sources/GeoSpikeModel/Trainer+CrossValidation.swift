import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics

/// Families and calibration from every training bucket, each judged by a model that did
/// not see it.
///
/// The history is cut into folds (a day each for short histories, at most eight). For each
/// fold, every country and family is fitted on the other folds, whose weights are
/// unchanged, and the fold's buckets are scored as the scorer would score them. The
/// held-out log-likelihoods, summed over folds, choose each country's family; the winners'
/// surprises become the `TailCalibration`. A single held-out week would see a burst or
/// two; all weeks together see how often the country really bursts.
extension Trainer {
    /// Folds of whole buckets over `0..<buckets`, a day each for a week's history and at
    /// most eight (each model then sees seven eighths of it); none under two days.
    static func folds(buckets: Int, perDay: Int) -> [Range<Int>] {
        let days = buckets / perDay
        guard days >= 2 else { return [] }
        let k = min(8, days)
        return (0..<k).map { i in (i * buckets / k)..<((i + 1) * buckets / k) }
    }

    /// A fold's fit as a model to score held-out buckets with.
    static func heldOutModel(_ country: CountryCode, _ fit: SeasonalFit) -> CountryModel {
        CountryModel(
            country: country.code, family: fit.family, dispersion: fit.dispersion, sigma: fit.sigma,
            levelVariance: fit.levelVariance, trainingEvents: 0, nonZeroBuckets: 0, meanPerBucket: 0,
            selection: FamilySelection(holdoutLogLikelihood: [:], reason: ""))
    }

    func crossValidatedContest(
        series: CountrySeries, range: ClosedRange<Int64>, span: BucketSpan, clock: LocalClock
    ) throws -> Contest? {
        let buckets = series.bucketCount
        let folds = Self.folds(buckets: buckets, perDay: span.bucketsPerDay)
        guard !folds.isEmpty else { return nil }
        let window = options.multiBucketWindow
        let hold = LevelShift.holdBuckets(bucketSpanSeconds: span.seconds)
        let windowHold = LevelShift.windowHoldBuckets(bucketSpanSeconds: span.seconds, window: window)
        var logLikelihood: [CountryCode: [CountFamily: Double]] = [:]
        var newCountrySurprises: [Double] = []
        // Every family's fit per fold, kept so that only the winner's held-out buckets are
        // scored for the calibration: a year of a busy country is 35,040 surprises a family.
        var fits: [[CountryCode: [CountFamily: SeasonalFit]]] = []
        func counts(_ c: Int, _ range: Range<Int>) -> [Double] {
            var a = [Double](repeating: 0, count: range.count)
            let cells = series.cells(of: c, in: range)
            for (b, y) in zip(cells.buckets, cells.counts) { a[b - range.lowerBound] = Double(y) }
            return a
        }
        func foldCells(_ fold: Range<Int>) -> SeasonalCells {
            SeasonalCells(
                first: range.lowerBound, last: range.upperBound, span: span, clock: clock, design: options.design,
                halfLifeDays: options.halfLifeDays, weightReference: range.upperBound, excluding: fold)
        }
        // The window test and the level shift of a fold's first buckets look back into the
        // fold before it.
        func scored(_ fold: Range<Int>) -> Range<Int> { max(0, fold.lowerBound - max(window - 1, windowHold))..<fold.upperBound }
        for fold in folds {
            let cells = foldCells(fold)
            let fitted = try context(series: series, cells: cells)
            let scoredRange = scored(fold)
            let offset = fold.lowerBound - scoredRange.lowerBound
            var foldFits: [CountryCode: [CountFamily: SeasonalFit]] = [:]
            for country in fitted.countries {
                guard let c = series.index(of: country) else { continue }
                let actual = counts(c, scoredRange)
                for family in options.families {
                    guard let fit = try fit(family, country, in: fitted) else { continue }
                    foldFits[country, default: [:]][family] = fit
                    let model = Self.heldOutModel(country, fit)
                    let cellEta = SeasonalFitter.cellLinearPredictors(fit.coefficients, cells)
                    var total = 0.0
                    for i in offset..<actual.count {
                        let eta = cellEta[Int(cells.bucketCell[scoredRange.lowerBound + i])]
                        total += model.logProbability(count: actual[i], linearPredictor: eta)
                    }
                    logLikelihood[country, default: [:]][family, default: 0] += total
                }
            }
            fits.append(foldFits)
            // Countries silent outside the fold are new to its model: the new-country prior
            // judges them, and they calibrate it too.
            let known = Set(fitted.countries)
            let prior = Self.newCountryPrior(series: series, buckets: 0..<buckets, excluding: fold)
            for (c, country) in series.countries.enumerated() where !known.contains(country) {
                let actual = counts(c, scoredRange)
                guard actual[offset...].contains(where: { $0 > 0 }) else { continue }
                let occupancy = MultiBucketTest.logOccupancyTails(
                    actual: actual, nonZeroProbability: prior.nonZeroProbability, window: window)
                for i in offset..<actual.count where actual[i] > 0 {
                    newCountrySurprises.append(-min(prior.logUpperTail(actual: actual[i]), occupancy[i]) / log(10))
                }
            }
        }
        var selections: [CountryCode: FamilySelection] = [:]
        var winner: [CountryCode: CountFamily] = [:]
        for country in logLikelihood.keys.sorted() {
            let perBucket = (logLikelihood[country] ?? [:]).filter { $0.value.isFinite }.mapValues {
                $0 / Double(buckets)
            }
            let ranked = perBucket.sorted {
                $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue
            }
            guard let best = ranked.first else {
                selections[country] = FamilySelection(
                    holdoutLogLikelihood: [:],
                    reason: "every family gave some held-out count zero probability: \(defaultFamily.rawValue) by default")
                winner[country] = defaultFamily
                continue
            }
            let reason =
                ranked.count > 1
                ? String(
                    format: "%@ won over %d folds of %d buckets: mean log-likelihood %.4f, %.4f above %@",
                    best.key.rawValue, folds.count, buckets, best.value, best.value - ranked[1].value,
                    ranked[1].key.rawValue)
                : "only \(best.key.rawValue) allowed"
            selections[country] = FamilySelection(
                holdoutLogLikelihood: Dictionary(uniqueKeysWithValues: perBucket.map { ($0.key.rawValue, $0.value) }),
                reason: reason)
            winner[country] = best.key
        }
        // The winners' held-out buckets, scored as the scorer scores them.
        var winners: [CountryCode: TailCalibration.Sample] = [:]
        for (k, fold) in folds.enumerated() {
            let cells = foldCells(fold)
            let scoredRange = scored(fold)
            let offset = fold.lowerBound - scoredRange.lowerBound
            for country in fits[k].keys.sorted() {
                guard let family = winner[country], let fit = fits[k][country]?[family], let c = series.index(of: country)
                else { continue }
                var model = Self.heldOutModel(country, fit)
                model.windowVarianceFactor = windowVarianceFactor(model, fit, series: series, country: c, cells: cells)
                let cellEta = SeasonalFitter.cellLinearPredictors(fit.coefficients, cells)
                let eta = scoredRange.map { cellEta[Int(cells.bucketCell[$0])] }
                let actual = counts(c, scoredRange)
                let tests = heldOutLog10Probabilities(
                    model: model, eta: eta, actual: actual, hold: hold, windowHold: windowHold)
                winners[country, default: .init()].append(
                    contentsOf: (offset..<actual.count).map { -min(tests.single[$0], tests.multi[$0]) })
            }
        }
        var all = TailCalibration.Sample(newCountrySurprises)
        for country in winners.keys.sorted() { all.append(winners[country] ?? .init()) }
        let days = Double(buckets) / Double(span.bucketsPerDay)
        let tail = TailCalibration(sample: all, days: days, folds: folds.count)
        return Contest(
            selections: selections, tailCalibration: tail,
            countryRatios: tail.map { tail in
                let reference = tail.countryReferenceSurprise
                return winners.mapValues { tail.countryRatio(surprises: $0, reference: reference) }
            } ?? [:])
    }

    /// Held-out log10 probabilities of one country's single- and multi-bucket tests, each
    /// judged after the level shifts before it (`LevelShift`), as the scorer judges them.
    func heldOutLog10Probabilities(model: CountryModel, eta: [Double], actual: [Double], hold: Int, windowHold: Int)
        -> (single: [Double], multi: [Double])
    {
        let n = actual.count
        let window = options.multiBucketWindow
        var expected = eta.map { model.expectedCount(linearPredictor: $0) }
        var variance = eta.map { model.variance(linearPredictor: $0) }
        let windowShift = LevelShift.factors(actual: actual, expected: expected, hold: windowHold)
        let shift = LevelShift.factors(actual: actual, expected: expected, hold: hold)
        if windowShift.contains(where: { $0 > 1 }) {
            (expected, variance) = LevelShift.shifted(
                model: model, eta: eta, factors: windowShift, expected: expected, variance: variance)
        }
        let multi = MultiBucketTest.logUpperTails(
            actual: actual, expected: expected, variance: variance, window: window,
            varianceFactor: model.windowVarianceFactor)
        return (
            (0..<n).map { model.logUpperTail(actual: actual[$0], linearPredictor: eta[$0] + log(shift[$0])) / log(10) },
            multi.map { $0 / log(10) }
        )
    }
}
