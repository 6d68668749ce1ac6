import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeNumerics

/// Scores batches of counts against a trained model.
///
/// One pass, vectorised: the batch's design rows times the model's coefficient matrix
/// gives every country's log mean for every bucket in one `gemm`; tail probabilities are
/// then computed per country column with the numerics module's array kernels.
public struct Scorer: Sendable {
    public let model: TrainedModel
    public let modelID: String
    let clock: LocalClock
    let singleBucketCurve: Calibration.Curve
    let multiBucketCurve: Calibration.Curve

    public init(model: TrainedModel, modelID: String) throws {
        self.model = model
        self.modelID = modelID
        clock = try LocalClock(identifier: model.metadata.timeZone)
        singleBucketCurve = Calibration.Curve(model.calibration)
        multiBucketCurve = Calibration.Curve(model.multiBucketCalibration)
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
        let known = model.countries.compactMap(\.countryCode)
        let firstSeen = Set(table.counts.keys.map(\.country)).subtracting(known).sorted()
        let countries = known + firstSeen
        let cells = nb * countries.count

        var actual = [Double](repeating: 0, count: cells)
        var columnOf: [CountryCode: Int] = [:]
        for (j, c) in countries.enumerated() { columnOf[c] = j }
        for (key, count) in table.counts {
            guard let j = columnOf[key.country] else { continue }
            let b = Int((key.bucketStart - range.lowerBound) / span)
            actual[b + j * nb] += Double(count)
        }

        // Log means of every known country at every bucket: one gemm.
        let rows = model.designRows(for: starts, clock: clock)
        let eta = BLAS.multiply(rows, model.coefficients)

        var typical = [Double](repeating: 0, count: cells)
        var variance = [Double](repeating: 0, count: cells)
        var logSingle = [Double](repeating: 0, count: cells)
        for (j, country) in model.countries.enumerated() {
            let base = j * nb
            singleBucketTails(
                country, eta: eta.values, base: base, count: nb, actual: actual, typical: &typical,
                variance: &variance, logTail: &logSingle)
        }
        let prior = model.newCountryPrior
        for j in known.count..<countries.count {
            for b in 0..<nb {
                let i = b + j * nb
                typical[i] = prior.expectedCount
                variance[i] = prior.variance
                logSingle[i] = prior.logUpperTail(actual: actual[i])
            }
        }

        let logMulti = windowTails(
            actual: actual, typical: typical, variance: variance, buckets: nb, firstSeenStart: known.count,
            countries: countries.count)

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
            bucketStarts: starts, countries: countries, firstSeenStart: known.count, actual: actual,
            typical: typical, logSingle: logSingle, logMulti: logMulti, logProbability: logProbability,
            recordScore: recordScore, alert: alert, interim: interim)
    }

    /// Expected count, variance and single-bucket log tail for one country's column.
    func singleBucketTails(
        _ country: CountryModel, eta: [Double], base: Int, count: Int, actual: [Double],
        typical: inout [Double], variance: inout [Double], logTail: inout [Double]
    ) {
        for i in base..<(base + count) {
            typical[i] = country.expectedCount(linearPredictor: eta[i])
            variance[i] = country.variance(linearPredictor: eta[i])
        }
        switch country.family {
        case .poisson, .negativeBinomial:
            let column = base..<(base + count)
            let tails = CountTails.negativeBinomialLogSurvival(
                atLeast: Array(actual[column]), means: eta[column].map { exp($0) },
                dispersions: [Double](repeating: country.predictiveDispersion, count: count))
            logTail.replaceSubrange(column, with: tails)
        case .logNormal:
            for i in base..<(base + count) {
                logTail[i] = country.logUpperTail(actual: actual[i], linearPredictor: eta[i])
            }
        }
    }

    /// Multi-bucket tails, country by country, over as many earlier buckets as the batch
    /// holds: the window sum for known countries, the window's occupancy for new ones.
    func windowTails(actual: [Double], typical: [Double], variance: [Double], buckets nb: Int, firstSeenStart: Int, countries: Int)
        -> [Double]
    {
        let window = model.metadata.options.multiBucketWindow
        var result: [Double] = []
        result.reserveCapacity(actual.count)
        for j in 0..<countries {
            let column = (j * nb)..<((j + 1) * nb)
            result +=
                j < firstSeenStart
                ? MultiBucketTest.logUpperTails(
                    actual: Array(actual[column]), expected: Array(typical[column]), variance: Array(variance[column]),
                    window: window)
                : MultiBucketTest.logOccupancyTails(
                    actual: Array(actual[column]), nonZeroProbability: model.newCountryPrior.nonZeroProbability,
                    window: window)
        }
        return result
    }
}
