import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeTestSupport
import Testing

@testable import GeoSpikeModel

@Suite("Clock candidates and the clock choice")
struct ClockChoiceUnitTests {
    static let october: Int64 = 1_790_812_800  // 2026-10-01T00:00:00Z
    static let november10: Int64 = 1_794_268_800  // 2026-11-10T00:00:00Z

    @Test func aZonesScheduleHoldsItsChangesInTheSpan() throws {
        let berlin = ClockSchedule(
            zone: try #require(TimeZone(identifier: "Europe/Berlin")), first: Self.october, last: Self.november10)
        #expect(berlin.startOffset == 7200)
        #expect(berlin.changes == [.init(instant: 1_792_890_000, offset: 3600, shift: -3600)])  // 2026-10-25 01:00Z
        #expect(berlin.offset(at: 1_792_889_999) == 7200 && berlin.offset(at: 1_792_890_000) == 3600)
        let tokyo = ClockSchedule(
            zone: try #require(TimeZone(identifier: "Asia/Tokyo")), first: Self.october, last: Self.november10)
        #expect(tokyo.startOffset == 32400 && tokyo.changes.isEmpty)
    }

    @Test func zonesThatKeepTheSameTimeAreOneCandidateNamedAsPeopleWould() throws {
        let candidates = ClockCandidate.all(first: Self.october, last: Self.november10)
        func candidate(of zone: String) throws -> ClockCandidate {
            try #require(candidates.first { $0.members.contains(zone) }, "\(zone)")
        }
        // Fewer fits than zones: the 440 zones keep a few dozen distinct clocks over six weeks.
        #expect(candidates.count < 80, "\(candidates.count)")
        #expect(Set(candidates.flatMap(\.members)).count > 400)
        let newYork = try candidate(of: "America/Toronto")
        #expect(newYork.zone == "America/New_York" && newYork.name == "America/New_York rules")
        let chicago = try candidate(of: "America/Chicago")
        #expect(chicago.zone != newYork.zone)
        // The same rule an hour apart: one family, told apart by the working day.
        #expect(chicago.schedule.ruleKey == newYork.schedule.ruleKey)
        #expect(try candidate(of: "Europe/Paris").zone == "Europe/Berlin")
        let tokyo = try candidate(of: "Asia/Tokyo")
        #expect(tokyo.zone == "Etc/GMT-9" && tokyo.name == "fixed UTC+09:00" && !tokyo.changes)
        #expect(try candidate(of: "Asia/Kolkata").name == "fixed UTC+05:30")
        #expect(try candidate(of: "UTC").name == "UTC")
    }

    /// Four weeks of a Berlin office across the end of summer time: the rule is learnt.
    @Test func anOfficeAcrossItsChangeGetsItsZonesRule() throws {
        let start: Int64 = 1_791_072_000  // 2026-10-04T00:00:00Z, a Sunday
        let table = Simulated.table(
            country: "DE", days: 28, start: start, draw: { t, rng in rng.poisson(TrainerTests.berlinOfficeMean(t)) },
            seed: 3)
        var options = TrainingOptions()
        options.timeZone = TrainingOptions.automaticTimeZone
        var messages: [String] = []
        let model = try Trainer(options: options).train(table) { messages.append($0) }
        let clock = try #require(model.metadata.clock)
        #expect(clock.clock == "Europe/Berlin rules", "\(clock.summary)")
        #expect(clock.ruleKnown && clock.unknownChanges.isEmpty)
        #expect(clock.gainOverUTCPerBucket > 0.05, "\(clock.summary)")
        #expect(
            clock.changesTested.contains {
                $0.instant == 1_792_890_000 && $0.rule == "Europe/Berlin rules" && $0.shift == -3600
            })
        #expect(model.metadata.timeZone == "Europe/Berlin" && model.metadata.options.timeZone == "auto")
        #expect(messages.first == clock.summary)
        #expect(clock.summary.hasPrefix("clock: Europe/Berlin rules, chosen over UTC by "))
        // The choice survives the model file, and a model without one still reads.
        let decoded = try ModelFile.decode(try ModelFile.encode(model), name: "m")
        #expect(decoded.metadata.clock == clock)
    }

    /// Traffic round the clock: nothing places the day, nothing moves; UTC is kept, with
    /// the rule unknown.
    @Test func flatTrafficKeepsUTC() throws {
        let table = Simulated.table(  // from 2026-10-18, across Europe's change and North America's
            country: "SE", days: 14, start: 1_792_281_600, draw: { _, rng in rng.poisson(6) }, seed: 4)
        var options = TrainingOptions()
        options.timeZone = "auto"
        let model = try Trainer(options: options).train(table)
        let clock = try #require(model.metadata.clock)
        #expect(clock.clock == "UTC" && !clock.ruleKnown, "\(clock.summary)")
        #expect(model.metadata.timeZone == "UTC")
        #expect(clock.workingDayCentreUTC == nil)
        var named = options
        named.timeZone = "UTC"
        let fixed = try Trainer(options: named).train(table)
        #expect(fixed.metadata.clock == nil)
        #expect(!String(decoding: try ModelFile.encode(fixed), as: UTF8.self).contains("\"clock\""))
    }

    /// A nine-to-five office three hours east of UTC, a week of 15-minute buckets: its day
    /// centres at 10:00 UTC, so a clock at +03:00 puts it at 13:00 local.
    @Test func theWorkingDayPlacesTheOffset() throws {
        let counts = (0..<(7 * 96)).map { i -> Double in
            let localHour = Double((i % 96) * 15 + 7) / 60 + 3
            return localHour >= 9 && localHour < 17 ? 20 : 2
        }
        let shape = try #require(DailyShapeOffset(counts: counts, first: Self.october, span: 900))
        #expect(shape.isClear)
        #expect(abs(shape.utcCentre - 10) < 0.1, "\(shape.utcCentre)")
        #expect(shape.hoursOff(offset: 3 * 3600) < 0.1)
        #expect(abs(shape.hoursOff(offset: 0) - 3) < 0.1)
        #expect(abs(shape.hoursOff(offset: -9 * 3600) - 12) < 0.1)
        // Round the clock: nothing to place.
        let flat = try #require(DailyShapeOffset(counts: [Double](repeating: 5, count: 96 * 7), first: 0, span: 900))
        #expect(!flat.isClear)
        #expect(DailyShapeOffset(counts: [1, 2, 3], first: 0, span: 900) == nil)
    }

    @Test func aChoiceWithoutARuleWarnsOnceABucketReachesTheChange() {
        let change: Int64 = 1_792_890_000  // 2026-10-25 01:00Z
        let choice = ClockChoice(
            zone: "Etc/GMT-2", clock: "fixed UTC+02:00", ruleKnown: false, gainOverUTCPerBucket: 0.01,
            runnerUp: "Europe/Berlin rules", gainOverRunnerUpPerBucket: -0.002, buckets: 2688, dispersion: 1.2,
            changesTested: [.init(instant: change, shift: -3600, rule: "Europe/Berlin rules", gainPerBucket: 0.002)],
            workingDayCentreUTC: 11,
            unknownChanges: [
                .init(instant: change, shift: -7200, zone: "Antarctica/Troll"),
                .init(instant: change, shift: -3600, zone: "Europe/Berlin"),
            ])
        #expect(choice.warning(at: change - 1) == nil)
        let warning = choice.warning(at: change)
        // The zone people know is named, not the first in the list.
        #expect(warning?.contains("2026-10-25 as Europe/Berlin did (-1 h)") == true, "\(warning ?? "")")
        #expect(choice.summary.hasPrefix("clock: fixed UTC+02:00, chosen over UTC by 0.0100 log-likelihood per bucket"))
        #expect(choice.summary.contains("Europe/Berlin rules fits 0.0020 per bucket better, not decisively"))
        #expect(
            choice.summary.hasSuffix("the scorer warns from 2026-10-25 (Europe/Berlin changes on 2026-10-25, -1 h)"))
    }

    @Test func theCommandLineDefaultsToAutoAndNamesOverrideIt() throws {
        #expect(try TrainingArguments.parse([]).trainingOptions().timeZone == "auto")
        #expect(try TrainingArguments.parse(["--timezone", "AUTO"]).trainingOptions().timeZone == "auto")
        #expect(try TrainingArguments.parse(["--timezone", "utc"]).trainingOptions().timeZone == "UTC")
        #expect(try TrainingArguments.parse(["--timezone", "Asia/Tokyo"]).trainingOptions().timeZone == "Asia/Tokyo")
        let error = #expect(throws: GeoSpikeError.self) {
            try TrainingArguments.parse(["--timezone", "Mars/Olympus"]).trainingOptions()
        }
        #expect(error?.kind == .usage && error?.message.contains("Mars/Olympus") == true)
    }
}
