import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeNumerics

/// Scores batches of counts against a trained model.
///
/// One pass, column by column: the batch's distinct design rows times the model's
/// coefficient matrix give every country's log mean for every bucket in one `gemm`
/// (`Scorer+LinearPredictors.swift`); then each country's column gets its expected counts,
/// single-bucket tails and multi-bucket window tails without allocating, and every cell
/// with traffic its calibrated probability and record score. Cells without traffic cost
/// an `exp` and a few additions: log P(N ≥ 0) = 0 needs no tail.
public struct Scorer: Sendable {
    public let model: TrainedModel
    public let modelID: String
    let clock: LocalClock
    let singleBucketCurve: Calibration.Curve
    let multiBucketCurve: Calibration.Curve
    /// The model's countries in column order.
    let knownCountries: [CountryCode]
    /// Column of each model country by `letterPairIndex`, −1 for none: a batch looks up
    /// every cell's country, and this is cheaper than hashing.
    let knownColumnByCode: [Int32]
    /// The coefficients of the design's smooth columns (the rows of `model.coefficients`
    /// before the slot indicators), for the one `gemm` of a batch.
    let smoothCoefficients: Matrix
    /// Buckets a level shift must hold before later buckets are judged against it.
    let levelShiftHold: Int
    /// The same for the multi-bucket test.
    let windowShiftHold: Int

    public init(model: TrainedModel, modelID: String) throws {
        self.model = model
        self.modelID = modelID
        clock = try LocalClock(identifier: model.metadata.timeZone)
        singleBucketCurve = Calibration.Curve(model.calibration)
        multiBucketCurve = Calibration.Curve(model.multiBucketCalibration)
        knownCountries = try model.countries.map { country in
            guard let code = country.countryCode else {
                throw GeoSpikeError(
                    .badData, "the model's country '\(country.country)' is not a two-letter code; retrain the model")
            }
            return code
        }
        var columns = [Int32](repeating: -1, count: 26 * 26)
        for (j, country) in knownCountries.enumerated() {
            if let slot = Self.letterPairIndex(country) { columns[slot] = Int32(j) }
        }
        knownColumnByCode = columns
        let smooth = min(model.design.smoothColumnCount, model.coefficients.rows)
        var coefficients = Matrix(rows: smooth, columns: model.coefficients.columns)
        for j in 0..<coefficients.columns {
            for c in 0..<smooth { coefficients[c, j] = model.coefficients[c, j] }
        }
        smoothCoefficients = coefficients
        levelShiftHold = LevelShift.holdBuckets(bucketSpanSeconds: model.metadata.bucketSpanSeconds)
        windowShiftHold = LevelShift.windowHoldBuckets(
            bucketSpanSeconds: model.metadata.bucketSpanSeconds, window: model.metadata.options.multiBucketWindow)
    }

    /// Buckets before a batch that its first bucket's tests look back on: the multi-bucket
    /// window and the level shifts. A scorer that remembers earlier runs keeps this many.
    public var lookbackBuckets: Int {
        max(model.metadata.options.multiBucketWindow - 1, windowShiftHold, levelShiftHold)
    }

    /// The column of a model country, nil for a country the model does not know.
    @inline(__always)
    func knownColumn(_ country: CountryCode) -> Int? {
        guard let slot = Self.letterPairIndex(country) else { return nil }
        let j = knownColumnByCode[slot]
        return j < 0 ? nil : Int(j)
    }

    /// AA…ZZ as 0…675; nil for a code that is not two upper-case letters, which no model
    /// country is (`CountryCode` upper-cases what it parses).
    @inline(__always)
    static func letterPairIndex(_ country: CountryCode) -> Int? {
        let first = Int(country.packed >> 8) - 65
        let second = Int(country.packed & 0xFF) - 65
        guard (0..<26).contains(first), (0..<26).contains(second) else { return nil }
        return first * 26 + second
    }

    /// The most (bucket, country) cells one batch may have: about 50 bytes each, so 1 GB.
    /// A year of 15-minute buckets for 250 countries is 8.8 million; more is a batch whose
    /// timestamps are wrong, and would cost memory for buckets no event fell in.
    public static let maximumCells: Int64 = 20_000_000

    /// Refuses a batch whose grid of buckets x countries would exceed `maximumCells`
    /// before anything of that size is allocated.
    static func checkSize(buckets: Int64, countries: Int, _ range: ClosedRange<Int64>) throws {
        let (cells, overflow) = buckets.multipliedReportingOverflow(by: Int64(max(countries, 1)))
        guard overflow || cells > maximumCells else { return }
        throw GeoSpikeError(
            .badData,
            "the batch spans \(buckets) buckets, \(Timestamp.iso8601(range.lowerBound)) … \(Timestamp.iso8601(range.upperBound)): "
                + "for \(countries) countries more than the \(maximumCells) cells one run scores; "
                + "check the event times (the summary's first and last) or score shorter batches")
    }

    /// Scores every (bucket, country) from the first to the last bucket of `table`.
    public func score(_ table: CountTable, options: ScoreOptions = ScoreOptions()) throws -> ScoredBatch {
        var batch = ScoredBatch.empty
        try score(table, options: options, into: &batch)
        return batch
    }

    /// Scores `table` into `batch`, replacing its contents and reusing its arrays' storage.
    ///
    /// For callers that score batch after batch (backtests, injected spikes, a scorer that
    /// stays up): a batch's per-cell arrays are megabytes, and fresh memory costs a page
    /// fault per 4 KB on first touch, which on a virtual machine can cost more than the
    /// scoring itself. The result is the same as `score(_:options:)`'s.
    public func score(
        _ table: CountTable, options: ScoreOptions = ScoreOptions(), into batch: inout ScoredBatch
    ) throws {
        guard table.bucketSpan == model.bucketSpan else {
            throw GeoSpikeError(
                .usage,
                "the batch was bucketed by \(table.bucketSpan) but the model by \(model.bucketSpan): pass --bucket-span \(model.bucketSpan)")
        }
        let span = model.metadata.bucketSpanSeconds
        guard let range = table.bucketRange else {
            batch = .empty
            return
        }
        try Self.checkSize(buckets: (range.upperBound - range.lowerBound) / span + 1, countries: knownCountries.count, range)
        let starts = Array(stride(from: range.lowerBound, through: range.upperBound, by: Int(span)))
        let nb = starts.count
        var cells = CellArrays(reusing: &batch)
        let countries = try countsByColumn(table, firstBucket: range.lowerBound, buckets: nb, into: &cells.actual)
        let firstSeenStart = knownCountries.count
        let until = options.until ?? table.lastEventTime ?? Double(range.upperBound + span)
        let interim = starts.map { Double($0 + span) > until }
        let predictors = linearPredictors(bucketStarts: starts)

        // Country by country, every step on one column while it is in cache.
        cells.reset(cells: nb * countries.count, buckets: nb)
        cells.withColumns(buckets: nb) { columns in
            interim.withUnsafeBufferPointer { interim in
                for j in 0..<countries.count {
                    if j < firstSeenStart {
                        // The linear predictors go where the expected counts will be.
                        predictors.fill(country: j, into: columns.typical(j))
                        scoreKnownCountry(j, columns)
                    } else {
                        scoreFirstSeenCountry(j, columns)
                    }
                    judge(j, columns, interim: interim, threshold: options.threshold)
                }
            }
        }
        if let q = options.falseDiscoveryRate {
            FalseDiscoveryRate.restrict(
                &cells.alert, logProbability: cells.logProbability, buckets: nb, countries: countries.count, rate: q)
        }
        batch = ScoredBatch(
            bucketStarts: starts, countries: countries, firstSeenStart: firstSeenStart, actual: cells.actual,
            typical: cells.typical, logSingle: cells.logSingle, logMulti: cells.logMulti,
            logProbability: cells.logProbability, recordScore: cells.recordScore, alert: cells.alert, interim: interim,
            levelShift: cells.levelShift)
    }

    /// The batch's countries (the model's, then those first seen here, sorted); their
    /// counts, column-major, into `actual` (replacing what it held).
    func countsByColumn(_ table: CountTable, firstBucket: Int64, buckets nb: Int, into actual: inout [Double]) throws
        -> [CountryCode]
    {
        let span = model.metadata.bucketSpanSeconds
        CellArrays.fill(&actual, count: nb * knownCountries.count, with: 0)
        var firstSeenCells: [(bucket: Int, country: CountryCode, count: Int)] = []
        for (key, count) in table.counts {
            let b = Int((key.bucketStart - firstBucket) / span)
            if let j = knownColumn(key.country) {
                actual[b + j * nb] += Double(count)
            } else {
                firstSeenCells.append((b, key.country, count))
            }
        }
        guard !firstSeenCells.isEmpty else { return knownCountries }
        let firstSeen = Set(firstSeenCells.map(\.country)).sorted()
        try Self.checkSize(
            buckets: Int64(nb), countries: knownCountries.count + firstSeen.count,
            firstBucket...(firstBucket + Int64(nb - 1) * span))
        var column: [CountryCode: Int] = [:]
        for (offset, country) in firstSeen.enumerated() { column[country] = knownCountries.count + offset }
        actual += repeatElement(0, count: nb * firstSeen.count)
        for cell in firstSeenCells {
            guard let j = column[cell.country] else { continue }
            actual[cell.bucket + j * nb] += Double(cell.count)
        }
        return knownCountries + firstSeen
    }

    /// A model country, whose column of `typical` holds its linear predictors: expected
    /// counts, variances and single-bucket tails, the multi-bucket window sums, then the
    /// single-bucket tails again where a level shift holds (`LevelShift`).
    func scoreKnownCountry(_ j: Int, _ columns: CellColumns) {
        let actual = columns.actual(j)
        let typical = columns.typical(j)
        let eta = columns.scratch
        _ = eta.update(fromContentsOf: typical)
        let country = model.countries[j]
        let logSingle = columns.logSingle(j)
        country.scoreBuckets(actual: actual, expected: typical, variance: columns.variance, logUpperTail: logSingle)
        let shift = columns.levelShift(j)
        let window = model.metadata.options.multiBucketWindow
        LevelShift.factors(
            actual: actual, expected: UnsafeBufferPointer(typical), hold: windowShiftHold, into: shift)
        if shift.contains(where: { $0 > 1 }) {
            let moved = LevelShift.shifted(
                model: country, eta: UnsafeBufferPointer(eta), factors: UnsafeBufferPointer(shift),
                expected: UnsafeBufferPointer(typical), variance: UnsafeBufferPointer(columns.variance))
            moved.expected.withUnsafeBufferPointer { expected in
                moved.variance.withUnsafeBufferPointer { variance in
                    MultiBucketTest.logUpperTails(
                        actual: actual, expected: expected, variance: variance, window: window,
                        varianceFactor: country.windowVarianceFactor, into: columns.logMulti(j))
                }
            }
        } else {
            MultiBucketTest.logUpperTails(
                actual: actual, expected: UnsafeBufferPointer(typical), variance: UnsafeBufferPointer(columns.variance),
                window: window, varianceFactor: country.windowVarianceFactor, into: columns.logMulti(j))
        }
        LevelShift.factors(actual: actual, expected: UnsafeBufferPointer(typical), hold: levelShiftHold, into: shift)
        for b in 0..<columns.buckets where shift[b] > 1 && actual[b] > 0 {
            logSingle[b] = country.logUpperTail(actual: actual[b], linearPredictor: eta[b] + log(shift[b]))
        }
    }

    /// A country not in the model: the new-country prior, and the window's occupancy.
    func scoreFirstSeenCountry(_ j: Int, _ columns: CellColumns) {
        let prior = model.newCountryPrior
        let actual = columns.actual(j)
        let typical = columns.typical(j)
        let logSingle = columns.logSingle(j)
        for b in 0..<columns.buckets {
            typical[b] = prior.expectedCount
            logSingle[b] = prior.logUpperTail(actual: actual[b])
        }
        MultiBucketTest.logOccupancyTails(
            actual: actual, nonZeroProbability: prior.nonZeroProbability,
            window: model.metadata.options.multiBucketWindow, into: columns.logMulti(j))
    }

    /// Calibrated probability, record score and alert of every cell of column `j` with
    /// traffic (a zero count cannot be a spike: its cells stay 0 and false).
    func judge(_ j: Int, _ columns: CellColumns, interim: UnsafeBufferPointer<Bool>, threshold: Double) {
        let countryRatio = j < knownCountries.count ? model.countries[j].calibrationRatio : 1
        let logPerDay = log(model.countryBucketsPerDay)
        let actual = columns.actual(j)
        let logSingle = columns.logSingle(j)
        let logMulti = columns.logMulti(j)
        let logProbability = columns.logProbability(j)
        let recordScore = columns.recordScore(j)
        let alert = columns.alert(j)
        for b in 0..<columns.buckets where actual[b] > 0 {
            let calibrated =
                model.tailCalibration?.calibratedLogProbability(
                    min(logSingle[b], logMulti[b]), countryRatio: countryRatio)
                ?? min(
                    singleBucketCurve.calibratedLogProbability(logSingle[b]),
                    multiBucketCurve.calibratedLogProbability(logMulti[b]))
            logProbability[b] = calibrated
            recordScore[b] = AnomalyScale.recordScore(logExpectedPerDay: logPerDay + calibrated)
            alert[b] = !interim[b] && recordScore[b] >= threshold
        }
    }
}
