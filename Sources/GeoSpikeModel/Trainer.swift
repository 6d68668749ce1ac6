import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics

/// Fits a `TrainedModel` to a count table.
///
/// Two passes over the same machinery. First the model is fitted without the latest
/// `holdoutDays`, and those days are scored: each country's family is chosen by held-out
/// likelihood, and the exceedance counts become the calibration. Then every country is
/// refitted on all the data with its chosen family.
public struct Trainer: Sendable {
    public let options: TrainingOptions
    public static let toolVersion = "0.1.0"

    /// Countries with at least this many events decide the pooled dispersion.
    static let dataRichEvents = 200
    /// Mean events per bucket below which a country informs the new-country prior.
    static let sparseRate = 0.05

    public init(options: TrainingOptions) {
        self.options = options
    }

    public func train(
        _ table: CountTable, progress: (String) -> Void = { _ in }
    ) throws -> TrainedModel {
        try options.validate()
        // Slot effects need one column per slot of the day, which the bucket span decides.
        var resolved = options
        resolved.design.slotsPerDay = options.slotEffects ? table.bucketSpan.bucketsPerDay : 0
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
        return model
    }

    func trainResolved(_ table: CountTable, progress: (String) -> Void) throws -> TrainedModel {
        let clock = try LocalClock(identifier: options.timeZone)
        guard let range = table.bucketRange, !table.isEmpty else {
            throw GeoSpikeError(.badData, "no events with a country to train on: check --format and the summary above")
        }
        let span = table.bucketSpan
        let perDay = Int64(span.bucketsPerDay)
        let buckets = table.bucketCount
        guard buckets >= span.bucketsPerDay else {
            throw GeoSpikeError(
                .badData,
                "training covers \(buckets) buckets, less than one day: give at least a day of logs (weeks are better)")
        }
        let series = CountrySeries(table)
        // Hold out the latest days, but never more than a quarter of the history.
        let holdoutBuckets = min(Int64(options.holdoutDays * Double(perDay)), Int64(buckets / 4))
        let fitEnd = range.upperBound - holdoutBuckets * span.seconds

        var calibration = Calibration.none
        var multiBucketCalibration = Calibration.none
        var chosen: [CountryCode: FamilySelection] = [:]
        if holdoutBuckets >= perDay / 4 {
            progress("choosing families on \(holdoutBuckets) held-out buckets")
            let contest = try holdoutContest(series: series, fitEnd: fitEnd, span: span, clock: clock)
            calibration = contest.calibration
            multiBucketCalibration = contest.multiBucketCalibration
            chosen = contest.selections
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
            guard let fit = try fit(family, country, in: final), let data = final.data[country],
                let c = series.index(of: country)
            else { continue }
            columns.append(fit.coefficients)
            var model = CountryModel(
                country: country.code, family: fit.family, dispersion: fit.dispersion, sigma: fit.sigma,
                levelVariance: fit.levelVariance, trainingEvents: data.events, nonZeroBuckets: data.nonZeroBuckets,
                meanPerBucket: Double(data.events) / Double(buckets),
                selection: chosen[country]
                    ?? FamilySelection(
                        holdoutLogLikelihood: [:],
                        reason: "no events before the held-out days: \(defaultFamily.rawValue) by default"))
            model.windowVarianceFactor = windowVarianceFactor(model, fit, series: series, country: c, cells: cells)
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
            calibration: calibration, multiBucketCalibration: multiBucketCalibration)
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

        var countries: [CountryCode] { data.keys.sorted() }
    }

    /// The context of a fit on the buckets of `cells` (the first `cells.bucketCount` of `series`).
    func context(series: CountrySeries, cells: SeasonalCells) throws -> FitContext {
        let range = 0..<cells.bucketCount
        var data: [CountryCode: CountryCellCounts] = [:]
        var pooledCounts = [Int](repeating: 0, count: cells.bucketCount)
        for (c, country) in series.countries.enumerated() {
            let (buckets, counts) = series.cells(of: c, in: range)
            guard !buckets.isEmpty else { continue }
            data[country] = CountryCellCounts(buckets: buckets, counts: counts, cells: cells)
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
            poissonFits: poissonFits)
    }

    func fit(_ family: CountFamily, _ country: CountryCode, in context: FitContext) throws -> SeasonalFit? {
        guard let data = context.data[country] else { return nil }
        switch family {
        case .logNormal:
            return try SeasonalFitter.fitLogNormal(cells: context.cells, counts: data, shape: context.shape)
        case .poisson:
            // A Poisson fit ignores the dispersion prior: the one made for it is the same fit.
            if let fit = context.poissonFits[country] { return fit }
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

    struct Contest {
        var selections: [CountryCode: FamilySelection]
        var calibration: Calibration
        var multiBucketCalibration: Calibration
    }

    /// Fits every allowed family on the data before `fitEnd`, scores the held-out buckets
    /// after it, picks each country's family by held-out likelihood, and records how often
    /// the winning models' probabilities were exceeded.
    func holdoutContest(series: CountrySeries, fitEnd: Int64, span: BucketSpan, clock: LocalClock) throws -> Contest {
        let first = series.firstBucket
        let cells = SeasonalCells(
            first: first, last: fitEnd, span: span, clock: clock, design: options.design,
            halfLifeDays: options.halfLifeDays, weightReference: fitEnd)
        let fitBuckets = cells.bucketCount
        let heldOut = fitBuckets..<series.bucketCount
        let heldOutStarts = heldOut.map { first + Int64($0) * span.seconds }
        let rows = TrainedModel.designRows(for: heldOutStarts, design: options.design, span: span.seconds, clock: clock)
        let families = options.families
        let fitted = try context(series: series, cells: cells)
        let countries = fitted.countries
        var selections: [CountryCode: FamilySelection] = [:]
        var single: [Double] = []
        var multi: [Double] = []
        // Each country's held-out counts, by held-out bucket (zeros included).
        let heldOutCounts = series.countries.indices.map { c in
            var actual = [Double](repeating: 0, count: heldOut.count)
            let cells = series.cells(of: c, in: heldOut)
            for (i, y) in zip(cells.buckets, cells.counts) { actual[i - fitBuckets] = Double(y) }
            return actual
        }
        for country in countries {
            guard let c = series.index(of: country) else { continue }
            let actual = heldOutCounts[c]
            var scores: [String: Double] = [:]
            var models: [CountFamily: (CountryModel, [Double], SeasonalFit)] = [:]
            for family in families {
                guard let fit = try fit(family, country, in: fitted) else { continue }
                let model = CountryModel(
                    country: country.code, family: fit.family, dispersion: fit.dispersion, sigma: fit.sigma,
                    levelVariance: fit.levelVariance, trainingEvents: 0, nonZeroBuckets: 0, meanPerBucket: 0,
                    selection: FamilySelection(holdoutLogLikelihood: [:], reason: ""))
                let eta = BLAS.multiply(rows, fit.coefficients)
                var total = 0.0
                for i in heldOutStarts.indices {
                    total += model.logProbability(count: actual[i], linearPredictor: eta[i])
                }
                // A family that gives a held-out count zero probability loses outright, and
                // its −∞ must not reach the model file.
                guard total.isFinite else { continue }
                scores[family.rawValue] = total / Double(max(1, heldOutStarts.count))
                models[family] = (model, eta, fit)
            }
            let ranked = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            guard let best = ranked.first, let family = CountFamily(rawValue: best.key),
                case let (winner, eta, fit)? = models[family]
            else {
                selections[country] = FamilySelection(
                    holdoutLogLikelihood: [:],
                    reason:
                        "every family gave some held-out count zero probability: \(defaultFamily.rawValue) by default")
                continue
            }
            let margin = ranked.count > 1 ? best.value - ranked[1].value : 0
            let reason =
                ranked.count > 1
                ? String(
                    format: "%@ won on %d held-out buckets: mean log-likelihood %.4f, %.4f above %@",
                    best.key, heldOutStarts.count, best.value, margin, ranked[1].key)
                : "only \(best.key) allowed"
            selections[country] = FamilySelection(holdoutLogLikelihood: scores, reason: reason)
            var model = winner
            model.windowVarianceFactor = windowVarianceFactor(
                model, fit, series: series, country: c, cells: fitted.cells)
            let tests = heldOutLog10Probabilities(model: model, eta: eta, actual: actual)
            single += tests.single
            multi += tests.multi
        }
        // Countries first seen in the held-out days are judged by the new-country prior,
        // and calibrate it; every other country's silent held-out buckets were scored above.
        let prior = Self.newCountryPrior(series: series, buckets: 0..<fitBuckets)
        let known = Set(countries)
        for (c, country) in series.countries.enumerated() where !known.contains(country) {
            let actual = heldOutCounts[c]
            guard actual.contains(where: { $0 > 0 }) else { continue }
            let occupancy = MultiBucketTest.logOccupancyTails(
                actual: actual, nonZeroProbability: prior.nonZeroProbability, window: options.multiBucketWindow)
            for i in heldOutStarts.indices where actual[i] > 0 {
                single.append(prior.logUpperTail(actual: actual[i]) / log(10))
                multi.append(occupancy[i] / log(10))
            }
        }
        let days = Double(heldOutStarts.count) / Double(span.bucketsPerDay)
        return Contest(
            selections: selections, calibration: Calibration(heldOut: single, days: days),
            multiBucketCalibration: Calibration(heldOut: multi, days: days))
    }

    /// Held-out log10 probabilities of one country's single- and multi-bucket tests.
    func heldOutLog10Probabilities(model: CountryModel, eta: [Double], actual: [Double])
        -> (single: [Double], multi: [Double])
    {
        let n = actual.count
        let expected = eta.map { model.expectedCount(linearPredictor: $0) }
        let variance = eta.map { model.variance(linearPredictor: $0) }
        let multi = MultiBucketTest.logUpperTails(
            actual: actual, expected: expected, variance: variance, window: options.multiBucketWindow,
            varianceFactor: model.windowVarianceFactor)
        return (
            (0..<n).map { model.logUpperTail(actual: actual[$0], linearPredictor: eta[$0]) / log(10) },
            multi.map { $0 / log(10) }
        )
    }

    /// The hurdle prior for never-seen countries, from the sparse countries of training.
    static func newCountryPrior(series: CountrySeries, buckets range: Range<Int>) -> NewCountryPrior {
        let buckets = range.count
        var nonZeroFractions: [Double] = []
        var sizes: [Double] = []
        for c in series.countries.indices {
            let counts = series.cells(of: c, in: range).counts
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
