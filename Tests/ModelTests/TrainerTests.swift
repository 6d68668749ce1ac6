import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeNumerics
import GeoSpikeTestSupport
import Testing

@Suite("Trainer")
struct TrainerTests {
    /// Business hours 09:00–17:00 in Berlin on weekdays, eight times the night rate.
    static func berlinOfficeMean(_ t: Int64) -> Double {
        let clock = try! LocalClock(identifier: "Europe/Berlin")
        let p = clock.position(of: t + 450)
        let busy = p.weekday < 5 && p.secondOfDay >= 9 * 3600 && p.secondOfDay < 17 * 3600
        return busy ? 16 : 2
    }

    /// Five weeks across the end of summer time (2026-10-25): the trainer must follow
    /// the office's wall clock, not UTC.
    @Test func seasonalityFollowsLocalTimeAcrossDST() throws {
        let start: Int64 = 1_790_380_800  // 2026-09-26T00:00:00Z, a Saturday
        let table = Simulated.table(
            country: "DE", days: 35, start: start, draw: { t, rng in rng.poisson(Self.berlinOfficeMean(t)) },
            seed: 11)
        var options = TrainingOptions()
        options.timeZone = "Europe/Berlin"
        let model = try Trainer(options: options).train(table)
        let clock = try LocalClock(identifier: "Europe/Berlin")
        // 07:30Z on a Wednesday: 09:30 local in summer (busy), 08:30 local in winter (quiet).
        let summer: Int64 = 1_790_926_200  // 2026-10-07T07:30:00Z
        let winter: Int64 = 1_793_345_400  // 2026-11-04T07:30:00Z
        let rows = model.designRows(for: [summer, winter], clock: clock)
        let eta = BLAS.multiply(rows, model.coefficients)
        let busy = model.countries[0].expectedCount(linearPredictor: eta[0, 0])
        let quiet = model.countries[0].expectedCount(linearPredictor: eta[1, 0])
        #expect(busy > 10, "summer 09:30 local expected \(busy)")
        #expect(quiet < 7, "winter 08:30 local expected \(quiet)")
    }

    /// One week from a Monday: the held-out days are the weekend, which the first pass never
    /// sees. Its weekend columns once ran to −∞ there, every held-out likelihood with them,
    /// and the model could not be written.
    @Test func oneWeekOfHistoryTrainsAndWrites() throws {
        var table = CountTable()
        for (i, code) in ["DE", "FR", "GB", "US"].enumerated() {
            table.merge(
                Simulated.table(
                    country: code, days: 7,
                    draw: { t, rng in
                        // Weekends are quieter than weekday nights, so the weekend columns have something to fit.
                        let weekend = try! LocalClock(identifier: "Europe/Berlin").position(of: t).weekday >= 5
                        return rng.poisson(Self.berlinOfficeMean(t) * (weekend ? 0.4 : 1) / Double(i + 1))
                    },
                    seed: UInt64(12 + i)))
        }
        var options = TrainingOptions()
        options.timeZone = "Europe/Berlin"
        let model = try Trainer(options: options).train(table)
        for country in model.countries {
            let scores = country.selection.holdoutLogLikelihood
            #expect(scores.count == 3 && scores.values.allSatisfy(\.isFinite), "\(country.country): \(scores)")
        }
        #expect(try ModelFile.decode(ModelFile.encode(model), name: "week") == model)
    }

    /// Trained Monday to Friday, a model knows nothing of weekends: Saturday must look like
    /// a weekday (an honest guess), not like a day without traffic.
    @Test func aWeekendNeverSeenFollowsTheWeekdayShape() throws {
        let table = Simulated.table(
            country: "DE", days: 5, draw: { t, rng in rng.poisson(Self.berlinOfficeMean(t)) }, seed: 13)
        var options = TrainingOptions()
        options.timeZone = "Europe/Berlin"
        let model = try Trainer(options: options).train(table)
        let clock = try LocalClock(identifier: "Europe/Berlin")
        let friday: Int64 = Simulated.start + 4 * 86400 + 10 * 3600  // 12:00 local (UTC+2)
        let rows = model.designRows(for: [friday, friday + 86400], clock: clock)
        let eta = BLAS.multiply(rows, model.coefficients)
        let weekday = model.countries[0].expectedCount(linearPredictor: eta[0, 0])
        let saturday = model.countries[0].expectedCount(linearPredictor: eta[1, 0])
        #expect(weekday > 10, "Friday noon expected \(weekday)")
        #expect(saturday > weekday / 4 && saturday < weekday * 4, "Saturday noon expected \(saturday)")
    }

    @Test func familyChoiceFollowsTheData() throws {
        var table = Simulated.table(
            country: "US", days: 28, draw: { _, rng in rng.negativeBinomial(mean: 8, dispersion: 0.8) }, seed: 21)
        table.merge(Simulated.table(country: "FI", days: 28, draw: { _, rng in rng.poisson(6) }, seed: 22))
        let model = try Trainer(options: TrainingOptions()).train(table)
        let us = try #require(model.countries.first { $0.country == "US" })
        let fi = try #require(model.countries.first { $0.country == "FI" })
        #expect(us.family != .poisson, "overdispersed US got \(us.family): \(us.selection.reason)")
        #expect(us.selection.holdoutLogLikelihood.count == 3)
        // Poisson data: either Poisson wins or NB's dispersion is negligible.
        #expect(fi.family == .poisson || fi.dispersion < 0.05, "\(fi.family) α=\(fi.dispersion)")
    }

    @Test func calibrationOfAWellSpecifiedModelIsNearNominal() throws {
        var table = CountTable()
        for (i, code) in ["SE", "NO", "FI", "DK", "IS"].enumerated() {
            table.merge(
                Simulated.table(
                    country: code, days: 35,
                    draw: { _, rng in rng.negativeBinomial(mean: Double(i + 1) * 2, dispersion: 0.3) },
                    seed: UInt64(100 + i)))
        }
        let model = try Trainer(options: TrainingOptions()).train(table)
        let c = try #require(model.tailCalibration)
        // Every training bucket of every country is held out once, in 8 folds.
        #expect(c.heldOutCountryBuckets == 5 * 35 * 96 && c.folds == 8)
        // The model's own tail is right: the fitted tail is near exponential with scale
        // 1/ln 10, and deep probabilities stay within half a decade of nominal (the
        // combined test, the smaller of two p-values, is slightly conservative).
        #expect(c.tailScale < 0.7, "scale \(c.tailScale)")
        for nominal in [-3.0, -6] {
            let corrected = c.calibratedLogProbability(nominal * log(10)) / log(10)
            #expect(corrected >= nominal && corrected < nominal + 0.5, "1e\(nominal) became 1e\(corrected)")
        }
    }

    @Test func emptyTableIsBadData() {
        let error = #expect(throws: GeoSpikeError.self) { try Trainer(options: TrainingOptions()).train(CountTable()) }
        #expect(error?.kind == .badData)
    }

    @Test func unknownTimeZoneIsAUsageError() {
        var options = TrainingOptions()
        options.timeZone = "Mars/Olympus"
        let table = Simulated.table(days: 2, draw: { _, _ in 1 }, seed: 1)
        let error = #expect(throws: GeoSpikeError.self) { try Trainer(options: options).train(table) }
        #expect(error?.kind == .usage)
    }
}
