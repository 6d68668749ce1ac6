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
    /// Column of each model country by its packed code, −1 for none: a batch looks up
    /// every cell's country, and this is cheaper than hashing.
    let knownColumnByCode: [Int32]
    /// The coefficients of the design's smooth columns (the rows of `model.coefficients`
    /// before the slot indicators), for the one `gemm` of a batch.
    let smoothCoefficients: Matrix

    public init(model: TrainedModel, modelID: String) throws {
        self.model = model
        self.modelID = modelID
        clock = try LocalClock(identifier: model.metadata.timeZone)
        singleBucketCurve = Calibration.Curve(model.calibration)
        multiBucketCurve = Calibration.Curve(model.multiBucketCalibration)
        knownCountries = model.countries.compactMap(\.countryCode)
        var columns = [Int32](repeating: -1, count: Int(UInt16.max) + 1)
        for (j, country) in knownCountries.enumerated() { columns[Int(country.packed)] = Int32(j) }
        knownColumnByCode = columns
        let smooth = min(model.design.smoothColumnCount, model.coefficients.rows)
        var coefficients = Matrix(rows: smooth, columns: model.coefficients.columns)
        for j in 0..<coefficients.columns {
            for c in 0..<smooth { coefficients[c, j] = model.coefficients[c, j] }
        }
        smoothCoefficients = coefficients
    }

    /// The column of a model country, nil for a country the model does not know.
    @inline(__always)
    func knownColumn(_ country: CountryCode) -> Int? {
        let j = knownColumnByCode[Int(country.packed)]
        return j < 0 ? nil : Int(j)
    }

    /// Scores every (bucket, country) from the first to the last bucket of `table`.
    public func score(_ table: CountTable, options: ScoreOptions = ScoreOptions()) throws -> ScoredBatch {
        guard table.bucketSpan == model.bucketSpan else {
            throw GeoSpikeError(
                .usage,
                "the batch was bucketed by \(table.bucketSpan) but the model by \(model.bucketSpan): pass --bucket-span \(model.bucketSpan)")
        }
        let span = model.metadata.bucketSpanSeconds
        guard let range = table.bucketRange else {
            return ScoredBatch(
                bucketStarts: [], countries: [], firstSeenStart: 0, actual: [], typical: [], logSingle: [],
                logMulti: [], logProbability: [], recordScore: [], alert: [], interim: [])
        }
        let starts = Array(stride(from: range.lowerBound, through: range.upperBound, by: Int(span)))
        let nb = starts.count
        let (countries, actual) = countsByColumn(table, firstBucket: range.lowerBound, buckets: nb)
        let firstSeenStart = knownCountries.count
        let cells = nb * countries.count

        var typical = [Double](repeating: 0, count: cells)
        var variance = [Double](repeating: 0, count: cells)
        var logSingle = [Double](repeating: 0, count: cells)
        var logMulti = [Double](repeating: 0, count: cells)
        let eta = linearPredictors(bucketStarts: starts)
        actual.withUnsafeBufferPointer { actual in
            typical.withUnsafeMutableBufferPointer { typical in
                variance.withUnsafeMutableBufferPointer { variance in
                    logSingle.withUnsafeMutableBufferPointer { logSingle in
                        logMulti.withUnsafeMutableBufferPointer { logMulti in
                            eta.withUnsafeBufferPointer { eta in
                                let buffers = ColumnBuffers(
                                    buckets: nb, actual: actual, typical: typical, variance: variance,
                                    logSingle: logSingle, logMulti: logMulti)
                                for j in 0..<firstSeenStart {
                                    scoreKnownCountry(j, eta: UnsafeBufferPointer(rebasing: eta[buffers.column(j)]), buffers)
                                }
                                for j in firstSeenStart..<countries.count { scoreFirstSeenCountry(j, buffers) }
                            }
                        }
                    }
                }
            }
        }

        let until = options.until ?? table.lastEventTime ?? Double(range.upperBound + span)
        let interim = starts.map { Double($0 + span) > until }
        let logPerDay = log(model.countryBucketsPerDay)
        var logProbability = [Double](repeating: 0, count: cells)
        var recordScore = [Double](repeating: 0, count: cells)
        for i in 0..<cells where actual[i] > 0 {
            let calibrated = min(
                singleBucketCurve.calibratedLogProbability(logSingle[i]),
                multiBucketCurve.calibratedLogProbability(logMulti[i]))
            logProbability[i] = calibrated
            recordScore[i] = AnomalyScale.recordScore(logExpectedPerDay: logPerDay + calibrated)
        }
        var alert = [Bool](repeating: false, count: cells)
        for j in 0..<countries.count {
            for b in 0..<nb where !interim[b] {
                let i = b + j * nb
                alert[i] = actual[i] > 0 && recordScore[i] >= options.threshold
            }
        }
        if let q = options.falseDiscoveryRate {
            FalseDiscoveryRate.restrict(
                &alert, logProbability: logProbability, buckets: nb, countries: countries.count, rate: q)
        }
        return ScoredBatch(
            bucketStarts: starts, countries: countries, firstSeenStart: firstSeenStart, actual: actual,
            typical: typical, logSingle: logSingle, logMulti: logMulti, logProbability: logProbability,
            recordScore: recordScore, alert: alert, interim: interim)
    }

    /// The batch's countries (the model's, then those first seen here, sorted) and its
    /// counts, column-major over them.
    func countsByColumn(_ table: CountTable, firstBucket: Int64, buckets nb: Int)
        -> (countries: [CountryCode], actual: [Double])
    {
        let span = model.metadata.bucketSpanSeconds
        var actual = [Double](repeating: 0, count: nb * knownCountries.count)
        var firstSeenCells: [(bucket: Int, country: CountryCode, count: Int)] = []
        for (key, count) in table.counts {
            let b = Int((key.bucketStart - firstBucket) / span)
            if let j = knownColumn(key.country) {
                actual[b + j * nb] += Double(count)
            } else {
                firstSeenCells.append((b, key.country, count))
            }
        }
        guard !firstSeenCells.isEmpty else { return (knownCountries, actual) }
        let firstSeen = Set(firstSeenCells.map(\.country)).sorted()
        var column: [CountryCode: Int] = [:]
        for (offset, country) in firstSeen.enumerated() { column[country] = knownCountries.count + offset }
        actual += [Double](repeating: 0, count: nb * firstSeen.count)
        for cell in firstSeenCells {
            guard let j = column[cell.country] else { continue }
            actual[cell.bucket + j * nb] += Double(cell.count)
        }
        return (knownCountries + firstSeen, actual)
    }

    /// Column `j` of every per-cell array of a batch being scored.
    struct ColumnBuffers {
        let buckets: Int
        let actual: UnsafeBufferPointer<Double>
        let typical: UnsafeMutableBufferPointer<Double>
        let variance: UnsafeMutableBufferPointer<Double>
        let logSingle: UnsafeMutableBufferPointer<Double>
        let logMulti: UnsafeMutableBufferPointer<Double>

        func column(_ j: Int) -> Range<Int> { (j * buckets)..<((j + 1) * buckets) }
    }

    /// A model country: expected counts, variances, single-bucket tails, then the
    /// multi-bucket window sums.
    func scoreKnownCountry(_ j: Int, eta: UnsafeBufferPointer<Double>, _ buffers: ColumnBuffers) {
        let column = buffers.column(j)
        let actual = UnsafeBufferPointer(rebasing: buffers.actual[column])
        let typical = UnsafeMutableBufferPointer(rebasing: buffers.typical[column])
        let variance = UnsafeMutableBufferPointer(rebasing: buffers.variance[column])
        model.countries[j].scoreBuckets(
            linearPredictors: eta, actual: actual, expected: typical, variance: variance,
            logUpperTail: UnsafeMutableBufferPointer(rebasing: buffers.logSingle[column]))
        MultiBucketTest.logUpperTails(
            actual: actual, expected: UnsafeBufferPointer(typical), variance: UnsafeBufferPointer(variance),
            window: model.metadata.options.multiBucketWindow,
            into: UnsafeMutableBufferPointer(rebasing: buffers.logMulti[column]))
    }

    /// A country not in the model: the new-country prior, and the window's occupancy.
    func scoreFirstSeenCountry(_ j: Int, _ buffers: ColumnBuffers) {
        let prior = model.newCountryPrior
        for i in buffers.column(j) {
            buffers.typical[i] = prior.expectedCount
            buffers.variance[i] = prior.variance
            buffers.logSingle[i] = prior.logUpperTail(actual: buffers.actual[i])
        }
        let column = buffers.column(j)
        MultiBucketTest.logOccupancyTails(
            actual: UnsafeBufferPointer(rebasing: buffers.actual[column]), nonZeroProbability: prior.nonZeroProbability,
            window: model.metadata.options.multiBucketWindow,
            into: UnsafeMutableBufferPointer(rebasing: buffers.logMulti[column]))
    }
}
