import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import Testing

/// `--timezone auto` (the default) on organisations in four kinds of clock: it must do as
/// well as the right `--timezone`, say which clock it chose, and warn when a change comes
/// after training that the data could not tell it about.
@Suite("Choosing the organisation's clock from its traffic")
struct ClockChoiceTests {
    struct Organisation: Sendable, CustomTestStringConvertible {
        var zone: String
        /// Local midnight ending training, a few days after the zone's clock change
        /// (for a zone without one, after Europe's and North America's).
        var trainingEnd: Int64
        /// The clock `auto` should name in `inspect`.
        var expectedClock: String
        var testDescription: String { "\(zone), training to \(Timestamp.iso8601(trainingEnd))" }
    }

    static let organisations = [
        // The change on Sunday 2026-11-01, the last day of training: one quiet day to see it.
        Organisation(zone: "America/New_York", trainingEnd: 1_793_595_600, expectedClock: "America/New_York rules"),
        // The same change; training ends Tuesday 11-03.
        Organisation(zone: "America/New_York", trainingEnd: 1_793_768_400, expectedClock: "America/New_York rules"),
        // The change on Sunday 2026-10-25, a week before training ends.
        Organisation(zone: "Europe/Berlin", trainingEnd: 1_793_574_000, expectedClock: "Europe/Berlin rules"),
        // Summer time starts on Sunday 2026-10-04; training ends Thursday 10-08.
        Organisation(zone: "Australia/Sydney", trainingEnd: 1_791_464_400, expectedClock: "Australia/Sydney rules"),
        // No daylight saving, while Europe and North America change during training.
        Organisation(zone: "Asia/Tokyo", trainingEnd: 1_793_718_000, expectedClock: "fixed UTC+09:00"),
    ]

    @Test(arguments: organisations)
    func defaultTrainingDoesAsWellAsTheRightZone(_ organisation: Organisation) throws {
        let study = ClockStudy(zone: organisation.zone, trainingEnd: organisation.trainingEnd)
        let auto = try study.outcome(timeZone: TrainingOptions.automaticTimeZone)
        let right = try study.outcome(timeZone: organisation.zone)
        let choice = try #require(auto.model.metadata.clock)
        let report = ModelInspection(model: auto.model, modelID: "clock-study").report
        let numbers =
            "auto \(auto.falseAlertsPerDay)/day recall \(auto.recall); \(organisation.zone) \(right.falseAlertsPerDay)/day recall \(right.recall); \(choice.summary)"
        #expect(auto.falseAlertsPerDay <= right.falseAlertsPerDay * 1.2 + 0.15, "\(numbers)")
        #expect(abs(auto.recall - right.recall) <= 0.02, "\(numbers)")
        #expect(choice.clock == organisation.expectedClock, "\(numbers)")
        #expect(report.contains("clock: \(organisation.expectedClock)"), "\(report)")
        #expect(auto.model.metadata.options.timeZone == "auto")
        #expect(auto.model.metadata.timeZone == choice.zone)
    }

    struct ScoredWeekChange: Sendable, CustomTestStringConvertible {
        var zone: String
        var trainingEnd: Int64
        /// The first instant on the new offset, and the clock the model should keep.
        var change: Int64
        var shift: Int
        var expectedClock: String
        var testDescription: String { zone }
    }

    static let scoredWeekChanges = [
        // Training ends with Wednesday 2026-10-28; New York falls back on Sunday 11-01.
        ScoredWeekChange(
            zone: "America/New_York", trainingEnd: 1_793_246_400, change: 1_793_512_800, shift: -3600,
            expectedClock: "fixed UTC−04:00"),
        // Training ends with Wednesday 2026-09-30; Sydney springs forward on Sunday 10-04.
        ScoredWeekChange(
            zone: "Australia/Sydney", trainingEnd: 1_790_776_800, change: 1_791_043_200, shift: 3600,
            expectedClock: "fixed UTC+10:00"),
    ]

    /// Training ends a few days before the change: nothing in the data says whether the
    /// organisation follows it, so the model keeps the clock it saw and warns once a batch
    /// reaches the change, on stderr (the command) and in each alert's context.
    @Test(arguments: scoredWeekChanges)
    func aChangeOnlyInTheScoredWeekIsWarnedAbout(_ organisation: ScoredWeekChange) throws {
        let change = organisation.change
        let study = ClockStudy(zone: organisation.zone, trainingEnd: organisation.trainingEnd)
        var options = TrainingOptions()
        options.timeZone = TrainingOptions.automaticTimeZone
        let model = try Trainer(options: options).train(study.training)
        let choice = try #require(model.metadata.clock)
        #expect(choice.clock == organisation.expectedClock, "\(choice.summary)")
        #expect(!choice.ruleKnown)
        #expect(choice.summary.contains("daylight-saving rule unknown"))
        let warned = choice.unknownChanges.first
        #expect(warned?.zone == organisation.zone, "\(choice.unknownChanges)")
        #expect(warned?.instant == change && warned?.shift == organisation.shift, "\(choice.unknownChanges)")
        #expect(choice.warning(at: change - 900) == nil)
        let warning = try #require(choice.warning(at: change))
        #expect(
            warning.contains(Timestamp.iso8601(change).prefix(10)) && warning.contains(organisation.zone), "\(warning)")

        let scorer = try Scorer(model: model, modelID: "clock-study")
        let records = scorer.records(try scorer.score(study.cleanWeek), table: study.cleanWeek, emit: .all)
        let clock = try LocalClock(identifier: model.metadata.timeZone)
        let before = try #require(records.first { $0.bucketStart < change })
        let after = try #require(records.first { $0.bucketStart >= change })
        let quiet = InvestigationContext(record: before, model: model, clock: clock, hours: .standard)
        #expect(quiet.clockWarning == nil && !quiet.json.contains("clock_warning"))
        let context = InvestigationContext(record: after, model: model, clock: clock, hours: .standard)
        #expect(context.clockWarning == warning)
        #expect(context.json.contains("\"clock_warning\":"))
    }
}
