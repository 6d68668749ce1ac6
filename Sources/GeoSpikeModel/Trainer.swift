import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics

/// Fits a `TrainedModel` to a count table.
///
/// Two passes over the same machinery. First every fold of the history is scored by
/// models fitted on the other folds (`Trainer+CrossValidation.swift`): each country's
/// family is chosen by held-out likelihood, and the held-out surprises become the
/// `TailCalibration`. Then every country is refitted on all the data with its chosen
/// family, robustly (`fit(_:_:in:)`), at its current level (`Trainer+Regime.swift`).
public struct Trainer: Sendable {
    public let options: TrainingOptions
    public static let toolVersion = "0.2.0"

    /// Countries with at least this many events decide the pooled dispersion.
    static let dataRichEvents = 200
    /// Days of history below which the weekly terms of the design are left out.
    static let weeklyMinimumDays = 14
    /// Mean events per bucket below which a country informs the new-country prior.
    static let sparseRate = 0.05

    public init(options: TrainingOptions) {
        self.options = options
    }

    public func train(
        _ table: CountTable, progress: (String) -> Void = { _ in }
    ) throws -> TrainedModel {
        try options.validate()
        try Self.checkSpan(table)
        // Slot effects need one column per slot of the day, which the bucket span decides.
        var resolved = options
        resolved.design.slotsPerDay = options.slotEffects ? table.bucketSpan.bucketsPerDay : 0
        // One week shows each weekday once: an outage on its Thursday would become every
        // Thursday's level. The weekly terms wait for two weeks of history.
        let days = table.bucketCount / table.bucketSpan.bucketsPerDay
        if days < Self.weeklyMinimumDays && (resolved.design.dayOfWeekEffects || resolved.design.weekendHarmonics > 0) {
            progress("\(days) days of history: daily seasonality only (weekly needs \(Self.weeklyMinimumDays))")
            resolved.design.dayOfWeekEffects = false
            resolved.design.weekendHarmonics = 0
        }
        // `auto`: the clock that best explains the traffic (ClockSelection.swift), recorded
        // with its evidence; the options keep `auto`, so that a retrain chooses again.
        var clock: ClockChoice?
        if options.choosesClock {
            clock = try ClockSelection(options: resolved).choose(table)
            resolved.timeZone = clock?.zone ?? "UTC"
            if let clock { progress(clock.summary) }
        }
        var model = try Trainer(options: resolved).trainResolved(table, progress: progress)
        if options.choosesClock {
            model.metadata.clock = clock
            model.metadata.options.timeZone = options.timeZone
        }
        model.metadata.trainingID = TrainingDigest.modelID(table: table, options: options, toolVersion: Self.toolVersion)
        return model
    }

    /// The most buckets a training may span: the fit keeps a few numbers per bucket and
    /// country, counted or not. About 5.7 years of 15-minute buckets, 139 days of 1-minute.
    public static let maximumBuckets = 200_000

    /// Refuses a training span of more than `maximumBuckets`, before anything of that size
    /// is allocated: such a span means wrong timestamps, or a span too fine for the history.
    static func checkSpan(_ table: CountTable) throws {
        guard let range = table.bucketRange else { return }
        let buckets = (range.upperBound - range.lowerBound) / table.bucketSpan.seconds + 1
        guard buckets > Int64(maximumBuckets) else { return }
        throw GeoSpikeError(
            .badData,
            "the training data spans \(buckets) buckets of \(table.bucketSpan), \(Timestamp.iso8601(range.lowerBound)) … "
                + "\(Timestamp.iso8601(range.upperBound)), more than the \(maximumBuckets) a model is fitted on: check the "
                + "event times (the summary's first and last), train on a shorter history or pass a wider --bucket-span")
    }

    func trainResolved(_ table: CountTable, progress: (String) -> Void) throws -> TrainedModel {
        let clock = try LocalClock(identifier: options.timeZone)
        guard let range = table.bucketRange, !table.isEmpty else {
            throw GeoSpikeError(.badData, "no events with a country to train on: check --format and the summary above")
        }
        let span = table.bucketSpan
        let buckets = table.bucketCount
        guard buckets >= span.bucketsPerDay else {
            throw GeoSpikeError(
                .badData,
                "training covers \(buckets) buckets, less than one day: give at least a day of logs (weeks are better)")
        }
        let series = CountrySeries(table)
        var chosen: [CountryCode: FamilySelection] = [:]
        var tailCalibration: TailCalibration?
        var countryRatios: [CountryCode: Double] = [:]
        progress("choosing families and calibrating on \(buckets) buckets in folds")
        if let contest = try crossValidatedContest(series: series, range: range, span: span, clock: clock) {
            chosen = contest.selections
            tailCalibration = contest.tailCalibration
            countryRatios = contest.countryRatios
        }

        progress("fitting \(series.countries.count) countries on \(buckets) buckets")
        let cells = SeasonalCells(
            first: range.lowerBound, last: range.upperBound, span: span, clock: clock, design: options.design,
            halfLifeDays: options.halfLifeDays, weightReference: range.upperBound)
        let final = try context(series: series, cells: cells)
        var countries: [CountryModel] = []
        var columns: [[Double]] = []
        for country in final.countries {
            let family = chosen[country].flatMap(Self.winner(of:)) ?? defaultFamily
            guard var fit = try fit(family, country, in: final), let data = final.data[country],
                let c = series.index(of: country)
            else { continue }
            var model = CountryModel(
                country: country.code, family: fit.family, dispersion: fit.dispersion, sigma: fit.sigma,
                levelVariance: fit.levelVariance, trainingEvents: data.events, nonZeroBuckets: data.nonZeroBuckets,
                meanPerBucket: Double(data.events) / Double(buckets),
                selection: chosen[country]
                    ?? FamilySelection(
                        holdoutLogLikelihood: [:],
                        reason: "no events before the held-out days: \(defaultFamily.rawValue) by default"))
            model.windowVarianceFactor = windowVarianceFactor(model, fit, series: series, country: c, cells: cells)
            model.calibrationRatio = countryRatios[country] ?? 1
            (model.recentMaximum, model.recentHourlyMaximum) = Self.recentMaxima(
                series: series, country: c, cells: cells, clock: clock)
            let regime = currentRegimeShift(model: model, fit: fit, series: series, country: c, cells: cells)
            if regime != 0 {
                fit.coefficients[0] += regime
                model.selection.reason += String(
                    format: "; level moved ×%.2f to the last day's regime", exp(regime))
            }
            columns.append(fit.coefficients)
            countries.append(model)
        }
        let coefficients = Matrix(
            rows: options.design.columnCount, columns: columns.count, columnMajor: columns.flatMap { $0 })
        let sources = Self.usualSources(table)
        for j in countries.indices {
            countries[j].usualSources = countries[j].countryCode.flatMap { sources[$0] } ?? []
        }
        let metadata = ModelMetadata(
            toolVersion: Self.toolVersion, bucketSpanSeconds: span.seconds, timeZone: options.timeZone,
            trainingStart: Timestamp.iso8601(range.lowerBound), trainingEnd: Timestamp.iso8601(range.upperBound),
            trainingBuckets: buckets, trainingEvents: series.events(in: 0..<buckets),
            columns: options.design.columnNames, options: options)
        return TrainedModel(
            metadata: metadata, countries: countries, coefficients: coefficients,
            pooledCoefficients: final.pooled,
            newCountryPrior: Self.newCountryPrior(series: series, buckets: 0..<buckets),
            calibration: .none, multiBucketCalibration: .none, tailCalibration: tailCalibration)
    }

    /// Per country, the top `host.name` and `source.ip` values over all training buckets.
    static func usualSources(_ table: CountTable) -> [CountryCode: [String]] {
        var tallies: [CountryCode: [InfluencerTally]] = [:]
        for key in table.influencers.keys.sorted() {
            guard let cell = table.influencers[key] else { continue }
            var merged =
                tallies[key.country]
                ?? [InfluencerTally(capacity: 16), InfluencerTally(capacity: 16)]
            for (slot, field) in [InfluencerField.hostName, .sourceIP].enumerated() where field.rawValue < cell.count {
                merged[slot].merge(cell[field.rawValue])
            }
            tallies[key.country] = merged
        }
        return tallies.mapValues { pair in pair.flatMap { $0.top(16).map(\.value) } }
    }

    /// The country's `windowVarianceFactor` over the training buckets of `cells`.
    func windowVarianceFactor(
        _ model: CountryModel, _ fit: SeasonalFit, series: CountrySeries, country c: Int, cells: SeasonalCells
    ) -> Double {
        let (buckets, counts) = series.cells(of: c, in: 0..<cells.bucketCount)
        return WindowCorrelation.varianceFactor(
            model: model, coefficients: fit.coefficients, cells: cells, buckets: buckets, counts: counts,
            window: options.multiBucketWindow)
    }

    /// NB when allowed (it nests Poisson and handles bursts), else the first family given.
    var defaultFamily: CountFamily {
        options.families.contains(.negativeBinomial) ? .negativeBinomial : options.families[0]
    }

    /// What every country's fit on one range shares: the cells, each country's data, the
    /// pooled shape and the pooled dispersion that sparse countries are pulled towards.
    struct FitContext {
        var cells: SeasonalCells
        var data: [CountryCode: CountryCellCounts]
        var pooled: [Double]
        var shape: ShapePrior
        var dispersionPrior: DispersionPrior
        /// The Poisson fits made to learn the pooled dispersion, kept so that the family
        /// contest and the final fit do not make them again.
        var poissonFits: [CountryCode: SeasonalFit]
        /// Each country's non-zero buckets and counts, for the robust refit.
        var raw: [CountryCode: (buckets: ArraySlice<Int>, counts: ArraySlice<Int>)] = [:]

        var countries: [CountryCode] { data.keys.sorted() }
    }

    /// The context of a fit on the buckets of `cells` (the first `cells.bucketCount` of `series`).
    func context(series: CountrySeries, cells: SeasonalCells) throws -> FitContext {
        let range = 0..<cells.bucketCount
        var data: [CountryCode: CountryCellCounts] = [:]
        // Slices of the series, not copies: a year of a busy country is 35,040 buckets.
        var raw: [CountryCode: (buckets: ArraySlice<Int>, counts: ArraySlice<Int>)] = [:]
        var pooledCounts = [Int](repeating: 0, count: cells.bucketCount)
        for (c, country) in series.countries.enumerated() {
            let (buckets, counts) = series.cells(of: c, in: range)
            // A country whose every event falls in excluded buckets is new to this fit.
            guard buckets.contains(where: { cells.bucketWeight[$0] > 0 }) else { continue }
            data[country] = CountryCellCounts(buckets: buckets, counts: counts, cells: cells)
            raw[country] = (buckets, counts)
            for (i, y) in zip(buckets, counts) { pooledCounts[i] += y }
        }
        // The pooled shape: all traffic together, under a ridge that pooled data overrides
        // wherever it has any, but that keeps a column without support (weekend shape
        // when training, or its held-out part, saw no weekend) at the weekday shape
        // instead of letting IRLS drive it to −∞.
        let pooledBuckets = pooledCounts.indices.filter { pooledCounts[$0] > 0 }
        let pooledFit = try SeasonalFitter.fitCounts(
            family: .poisson, cells: cells,
            counts: CountryCellCounts(
                buckets: pooledBuckets, counts: pooledBuckets.map { pooledCounts[$0] }, cells: cells),
            shape: ShapePrior(mean: .init(repeating: 0, count: options.design.smoothColumnCount), precision: 1))
        let shape = ShapePrior(
            mean: Array(pooledFit.coefficients.prefix(options.design.smoothColumnCount)),
            precision: 1 / (options.shapePriorSD * options.shapePriorSD))
        // The pooled dispersion: the median over countries with enough data to know theirs.
        var richDispersions: [Double] = []
        var poissonFits: [CountryCode: SeasonalFit] = [:]
        for country in data.keys.sorted() {
            guard let d = data[country], d.events >= Self.dataRichEvents else { continue }
            let poisson = try SeasonalFitter.fitCounts(family: .poisson, cells: cells, counts: d, shape: shape)
            poissonFits[country] = poisson
            richDispersions.append(SeasonalFitter.quickDispersion(poisson: poisson, cells: cells, counts: d))
        }
        let pooledDispersion = richDispersions.isEmpty ? 0.5 : richDispersions.sorted()[richDispersions.count / 2]
        return FitContext(
            cells: cells, data: data, pooled: pooledFit.coefficients, shape: shape,
            dispersionPrior: DispersionPrior(mean: max(pooledDispersion, 1e-4), sd: options.dispersionPriorSD),
            poissonFits: poissonFits, raw: raw)
    }

    /// Robust standard deviations of log(count + 1) above a bucket's expected count beyond
    /// which the bucket is a burst, clipped there before the refit.
    static let burstDeviations = 3.0

    /// A country's fit that bursts in its history do not widen.
    ///
    /// Fit; measure the spread of log(count + 1) around the fit by its median absolute
    /// deviation, which bursts barely move (its breakdown point is half the buckets); clip every bucket to `burstDeviations` of that spread above its expected
    /// count (never below a Poisson allowance of 3√μ + 3, so that a sparse country's twos
    /// and threes are not bursts); refit; twice. A winsorised M-estimate: the fit then
    /// describes normal traffic, and how often the country bursts beyond it is what the
    /// cross-validated `TailCalibration` learns.
    func fit(_ family: CountFamily, _ country: CountryCode, in context: FitContext) throws -> SeasonalFit? {
        guard let data = context.data[country], var fit = try fit(family, data, country, in: context) else { return nil }
        guard let raw = context.raw[country] else { return fit }
        let cells = context.cells
        var logCount = [Double](repeating: 0, count: cells.bucketCount)
        for (b, y) in zip(raw.buckets, raw.counts) { logCount[b] = log1p(Double(y)) }
        var residuals = [Double](repeating: 0, count: cells.bucketCount)
        for _ in 0..<2 {
            let model = CountryModel(
                country: country.code, family: fit.family, dispersion: fit.dispersion, sigma: fit.sigma,
                levelVariance: 0, trainingEvents: 0, nonZeroBuckets: 0, meanPerBucket: 0,
                selection: FamilySelection(holdoutLogLikelihood: [:], reason: ""))
            let expected = SeasonalFitter.cellLinearPredictors(fit.coefficients, cells).map {
                model.expectedCount(linearPredictor: $0)
            }
            let logExpected = expected.map { log1p($0) }
            var n = 0
            for b in 0..<cells.bucketCount where cells.bucketWeight[b] > 0 {
                residuals[n] = logCount[b] - logExpected[Int(cells.bucketCell[b])]
                n += 1
            }
            let spread = RobustStatistics.standardDeviation(Array(residuals.prefix(n)))
            var clipped = Array(raw.counts)
            var changed = false
            for (k, b) in raw.buckets.enumerated() where cells.bucketWeight[b] > 0 {
                let e = expected[Int(cells.bucketCell[b])]
                let cap = max((e + 1) * exp(Self.burstDeviations * spread) - 1, e + 3 * e.squareRoot() + 3)
                if Double(clipped[k]) > cap {
                    clipped[k] = Int(cap.rounded(.up))
                    changed = true
                }
            }
            guard changed else { break }
            let robust = CountryCellCounts(buckets: raw.buckets, counts: clipped, cells: cells)
            guard let refit = try self.fit(family, robust, country, in: context, fresh: true) else { break }
            fit = refit
        }
        return fit
    }


    func fit(
        _ family: CountFamily, _ data: CountryCellCounts, _ country: CountryCode, in context: FitContext,
        fresh: Bool = false
    ) throws -> SeasonalFit? {
        switch family {
        case .logNormal:
            return try SeasonalFitter.fitLogNormal(cells: context.cells, counts: data, shape: context.shape)
        case .poisson:
            // A Poisson fit ignores the dispersion prior: the one made for it is the same fit.
            if !fresh, let fit = context.poissonFits[country] { return fit }
            return try SeasonalFitter.fitCounts(
                family: .poisson, cells: context.cells, counts: data, shape: context.shape)
        case .negativeBinomial:
            return try SeasonalFitter.fitCounts(
                family: family, cells: context.cells, counts: data, shape: context.shape,
                dispersionPrior: context.dispersionPrior)
        }
    }

    static func winner(of selection: FamilySelection) -> CountFamily? {
        selection.holdoutLogLikelihood.max { $0.value < $1.value }.flatMap { CountFamily(rawValue: $0.key) }
    }

    /// What the cross-validation decides: each country's family and the calibration.
    struct Contest {
        var selections: [CountryCode: FamilySelection]
        var tailCalibration: TailCalibration?
        /// `CountryModel.calibrationRatio` by country.
        var countryRatios: [CountryCode: Double] = [:]
    }

    /// The hurdle prior for never-seen countries, from the sparse countries of training.
    static func newCountryPrior(
        series: CountrySeries, buckets range: Range<Int>, excluding: Range<Int> = 0..<0
    ) -> NewCountryPrior {
        let buckets = range.count - range.clamped(to: excluding).count
        var nonZeroFractions: [Double] = []
        var sizes: [Double] = []
        for c in series.countries.indices {
            let cells = series.cells(of: c, in: range)
            let counts = zip(cells.buckets, cells.counts).filter { !excluding.contains($0.0) }.map(\.1)
            let events = counts.reduce(0, +)
            guard Double(events) / Double(buckets) < sparseRate, !counts.isEmpty else { continue }
            nonZeroFractions.append(Double(counts.count) / Double(buckets))
            sizes += counts.map { Double($0 - 1) }
        }
        guard !nonZeroFractions.isEmpty else { return .fallback }
        nonZeroFractions.sort()
        // The sparsest quarter: a country nobody talked to is rarer than a usual sparse one.
        let pi = max(nonZeroFractions[nonZeroFractions.count / 4], 1 / Double(buckets))
        let mean = sizes.reduce(0, +) / Double(sizes.count)
        let variance = sizes.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, sizes.count - 1))
        // Never thinner than a geometric: sizes of rare bursts are poorly known.
        let dispersion = mean > 0 ? max(1, (variance - mean) / (mean * mean)) : 1
        return NewCountryPrior(
            nonZeroProbability: pi, sizeMean: max(mean, 0.5), sizeDispersion: dispersion,
            sourceCountries: nonZeroFractions.count)
    }
}

extension NewCountryPrior {
    /// log P(N ≥ k) under the hurdle: π · P(1 + S ≥ k).
    public func logUpperTail(actual k: Double) -> Double {
        if k <= 0 { return 0 }
        let excess = k - 1
        let tail =
            excess <= 0
            ? 0 : CountTails.negativeBinomialLogSurvival(atLeast: excess, mean: sizeMean, dispersion: sizeDispersion)
        return log(nonZeroProbability) + tail
    }

    /// Variance of a bucket's count under the hurdle (for multi-bucket sums).
    public var variance: Double {
        let sizeVariance = sizeMean + sizeDispersion * sizeMean * sizeMean
        let m = 1 + sizeMean
        return nonZeroProbability * (sizeVariance + m * m) - expectedCount * expectedCount
    }
}

extension TrainedModel {
    /// Design rows for bucket starts (one row per bucket), each placed at its bucket's
    /// middle in local time, exactly as `SeasonalCells` places training buckets.
    static func designRows(for starts: [Int64], design: SeasonalDesign, span: Int64, clock: LocalClock) -> Matrix {
        var rows = Matrix(rows: starts.count, columns: design.columnCount)
        var row = [Double](repeating: 0, count: design.columnCount)
        for (i, start) in starts.enumerated() {
            let position = clock.position(of: start + span / 2)
            let slot = position.secondOfDay / Int(span)
            design.fillRow(&row, secondOfDay: Double(slot) * Double(span) + Double(span) / 2, weekday: position.weekday)
            for j in row.indices { rows[i, j] = row[j] }
        }
        return rows
    }

    /// Design rows for bucket starts in this model's design and local time.
    public func designRows(for bucketStarts: [Int64], clock: LocalClock) -> Matrix {
        Self.designRows(for: bucketStarts, design: design, span: metadata.bucketSpanSeconds, clock: clock)
    }
}
