import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics
import GeoSpikeTestSupport
import Testing

@testable import GeoSpikeModel
@testable import GeoSpikeScore

/// The scorer's fast paths against the straightforward computations they replace.
@Suite("Scorer kernel")
struct ScorerKernelTests {
    /// Four weeks of bursty traffic to Sweden, sparse traffic to Japan and a daily job to
    /// Brazil, trained with slot effects in Europe/Berlin (once for the suite).
    static let trained = Result {
        var table = Simulated.table(
            country: "SE", days: 28, draw: { _, rng in rng.negativeBinomial(mean: 6, dispersion: 0.2) }, seed: 41)
        table.merge(Simulated.table(country: "JP", days: 28, draw: { _, rng in rng.poisson(0.3) }, seed: 42))
        table.merge(
            Simulated.table(
                country: "BR", days: 28,
                draw: { t, rng in (t / 900) % 96 == 8 ? 30 + rng.poisson(5) : rng.poisson(0.8) },
                seed: 43))
        var options = TrainingOptions()
        options.timeZone = "Europe/Berlin"
        return try Trainer(options: options).train(table)
    }

    /// A year of buckets: every DST transition of a year, and every position of the week many times.
    static let yearOfStarts: [Int64] = (0..<(366 * 96)).map { Simulated.start + Int64($0) * 900 }

    @Test(arguments: [
        "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Africa/Casablanca", "Asia/Kolkata",
        "America/St_Johns", "Pacific/Chatham", "UTC",
    ])
    func linearPredictorsMatchOneDesignRowPerBucket(timeZone: String) throws {
        var model = try Self.trained.get()
        model.metadata.timeZone = timeZone
        let scorer = try Scorer(model: model, modelID: "kernel-test")
        let starts = Self.yearOfStarts
        let predictors = scorer.linearPredictors(bucketStarts: starts)
        var fast = [Double](repeating: .nan, count: starts.count * model.countries.count)
        fast.withUnsafeMutableBufferPointer { fast in
            for j in model.countries.indices {
                predictors.fill(country: j, into: .init(rebasing: fast[(j * starts.count)..<((j + 1) * starts.count)]))
            }
        }
        #expect(predictors.rows == 7 * 96, "a year has every position of the week, and no more")
        let reference = BLAS.multiply(
            model.designRows(for: starts, clock: try LocalClock(identifier: timeZone)), model.coefficients)
        #expect(fast.count == reference.values.count)
        // A bucket given another slot's or weekday's row would be off by a whole coefficient.
        var worst = 0.0
        for i in fast.indices {
            worst = max(worst, abs(fast[i] - reference.values[i]) / max(1, abs(reference.values[i])))
        }
        #expect(worst <= 1e-13, "\(timeZone): worst relative difference \(worst)")
    }

    @Test func scoringMatchesThePerBucketFunctions() throws {
        let model = try Self.trained.get()
        let scorer = try Scorer(model: model, modelID: "kernel-test")
        // A week after training with ordinary traffic, bursts, and a country first seen here.
        var table = CountTable()
        var rng = Simulation(seed: 44)
        let first = Simulated.start + 28 * 86400
        let se = CountryCode("SE")!, jp = CountryCode("JP")!, br = CountryCode("BR")!, nz = CountryCode("NZ")!
        for b in 0..<(7 * 96) {
            let start = first + Int64(b) * 900
            let cells = [
                (se, rng.negativeBinomial(mean: 6, dispersion: 0.2) + (b % 200 == 7 ? 80 : 0)),
                (jp, rng.poisson(0.3) + (b / 96 == 3 ? 4 : 0)), (br, rng.poisson(0.8)),
                (nz, b % 50 == 0 ? 1 + b % 7 : 0),
            ]
            for (country, count) in cells where count > 0 {
                table.add(bucketStart: start, country: country, count: count)
            }
        }
        table.observe(time: Double(first))
        table.observe(time: Double(first + 7 * 86400 - 1))
        let batch = try scorer.score(table)
        let nb = batch.bucketCount
        let eta = BLAS.multiply(
            model.designRows(for: batch.bucketStarts, clock: try LocalClock(identifier: "Europe/Berlin")),
            model.coefficients)
        var worst = 0.0
        func compare(_ a: Double, _ b: Double) { worst = max(worst, abs(a - b) / max(1e-300, abs(b))) }
        var shifted: [String: Int] = [:]
        for (j, country) in model.countries.enumerated() {
            let column = (j * nb)..<((j + 1) * nb)
            let actual = Array(batch.actual[column])
            let expected = column.map { country.expectedCount(linearPredictor: eta.values[$0]) }
            let variance = column.map { country.variance(linearPredictor: eta.values[$0]) }
            // Each bucket is judged on its own after the level shift of the two hours before it.
            let factors = LevelShift.factors(
                actual: actual, expected: expected, hold: LevelShift.holdBuckets(bucketSpanSeconds: 900))
            shifted[country.country] = factors.filter { $0 > 1 }.count
            // The window sums against the level once a shift has held for a window.
            let window = model.metadata.options.multiBucketWindow
            let windowFactors = LevelShift.factors(
                actual: actual, expected: expected,
                hold: LevelShift.windowHoldBuckets(bucketSpanSeconds: 900, window: window))
            let columnEta = column.map { eta.values[$0] }
            let moved = LevelShift.shifted(
                model: country, eta: columnEta, factors: windowFactors, expected: expected, variance: variance)
            let multi = MultiBucketTest.logUpperTails(
                actual: actual, expected: moved.expected, variance: moved.variance, window: window,
                varianceFactor: country.windowVarianceFactor)
            for (b, i) in column.enumerated() {
                compare(batch.typical[i], expected[b])
                compare(
                    batch.logSingle[i],
                    country.logUpperTail(actual: actual[b], linearPredictor: eta.values[i] + log(factors[b])))
                compare(batch.logMulti[i], multi[b])
                compare(batch.levelShift[i], factors[b])
            }
        }
        #expect(worst <= 1e-12, "worst relative difference \(worst)")
        // JP's fourth day runs at several times its usual level: most of it is judged
        // against the shifted level.
        #expect((shifted["JP"] ?? 0) > 40, "\(shifted)")
        let nzColumn = try #require(batch.countries.firstIndex(of: nz))
        #expect(nzColumn == batch.firstSeenStart)
        let prior = model.newCountryPrior
        for b in 0..<nb {
            let i = batch.index(bucket: b, country: nzColumn)
            #expect(batch.actual[i] == Double(b % 50 == 0 ? 1 + b % 7 : 0))
            #expect(batch.logSingle[i] == prior.logUpperTail(actual: batch.actual[i]))
        }
    }
}
