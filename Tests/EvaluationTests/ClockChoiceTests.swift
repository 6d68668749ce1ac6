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
        var volume = 1.0
        /// The clock `auto` should name in `inspect`.
        var expectedClock: String
        var testDescription: String { "\(zone) x\(volume), training to \(Timestamp.iso8601(trainingEnd))" }
    }

    static let organisations = [
        // A very small office (three events a bucket), the same change two days before the end.
        Organisation(
            zone: "America/New_York", trainingEnd: 1_793_768_400, volume: 0.1, expectedClock: "America/New_York rules"),
        // The change on Sunday 2026-11-01, one day before the end of training (Monday).
        Organisation(zone: "America/New_York", trainingEnd: 1_793_682_000, expectedClock: "America/New_York rules"),
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
        let study = ClockStudy(
            zone: organisation.zone, trainingEnd: organisation.trainingEnd, volume: organisation.volume)
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

    /// The busiest destination (the United States) follows a partner's day in New York:
    /// it must not place the Berlin organisation's working day (on all traffic pooled, it
    /// put it three hours west, at Atlantic/Azores, the same rule at another offset).
    @Test func aBusyPartnerAbroadDoesNotMoveTheOrganisationsClock() throws {
        let study = ClockStudy(
            zone: "Europe/Berlin", trainingEnd: 1_793_919_600,  // the end of Thursday 2026-11-05
            partnerClocks: ["US": "America/New_York"])
        var options = TrainingOptions()
        options.timeZone = TrainingOptions.automaticTimeZone
        let choice = try #require(try Trainer(options: options).train(study.training).metadata.clock)
        #expect(choice.clock == "Europe/Berlin rules", "\(choice.summary)")
    }

    struct UnseenChange: Sendable, CustomTestStringConvertible {
        var zone: String
        var trainingEnd: Int64
        var volume = 1.0
        /// The first instant on the new offset, and the clock the model should keep.
        var change: Int64
        var shift: Int
        var expectedClock: String
        var testDescription: String { "\(zone), training to \(Timestamp.iso8601(trainingEnd))" }
    }

    static let unseenChanges = [
        // Training ends with Wednesday 2026-10-28; New York falls back on Sunday 11-01.
        UnseenChange(
            zone: "America/New_York", trainingEnd: 1_793_246_400, change: 1_793_512_800, shift: -3600,
            expectedClock: "fixed UTC−04:00"),
        // Training ends with Wednesday 2026-09-30; Sydney springs forward on Sunday 10-04.
        UnseenChange(
            zone: "Australia/Sydney", trainingEnd: 1_790_776_800, change: 1_791_043_200, shift: 3600,
            expectedClock: "fixed UTC+10:00"),
        // The change on the last day of training, a quiet Sunday: the data cannot show it
        // (its hour of skipped or repeated jobs does not count), so the model warns about it
        // from the start.
        UnseenChange(
            zone: "America/New_York", trainingEnd: 1_793_595_600, change: 1_793_512_800, shift: -3600,
            expectedClock: "fixed UTC−04:00"),
        // The same for a small Berlin office.
        UnseenChange(
            zone: "Europe/Berlin", trainingEnd: 1_792_969_200, volume: 0.2, change: 1_792_890_000, shift: -3600,
            expectedClock: "fixed UTC+02:00"),
    ]

    /// When the data cannot show the change (training ends before it, or it falls on the
    /// last quiet day), the model keeps the clock it saw, says the rule is unknown, and
    /// warns once a batch reaches the change, on stderr (the command) and in each alert's
    /// context.
    @Test(arguments: unseenChanges)
    func aChangeTheDataCannotShowIsWarnedAbout(_ organisation: UnseenChange) throws {
        let change = organisation.change
        let study = ClockStudy(
            zone: organisation.zone, trainingEnd: organisation.trainingEnd, volume: organisation.volume)
        var options = TrainingOptions()
        options.timeZone = TrainingOptions.automaticTimeZone
        let model = try Trainer(options: options).train(study.training)
        let choice = try #require(model.metadata.clock)
        #expect(choice.clock == organisation.expectedClock, "\(choice.summary)")
        #expect(!choice.ruleKnown)
        #expect(choice.summary.contains("daylight-saving rule unknown: the scorer warns from "), "\(choice.summary)")
        let warned = choice.unknownChanges.first { $0.zone == organisation.zone }
        #expect(warned?.instant == change && warned?.shift == organisation.shift, "\(choice.unknownChanges)")
        let warning = try #require(choice.warning(at: change))
        let day = Timestamp.iso8601(change).prefix(10)
        #expect(warning.contains(day) && warning.contains(organisation.zone), "\(warning)")

        let scorer = try Scorer(model: model, modelID: "clock-study")
        let records = scorer.records(try scorer.score(study.cleanWeek), table: study.cleanWeek, emit: .all)
        let clock = try LocalClock(identifier: model.metadata.timeZone)
        if change >= organisation.trainingEnd {
            #expect(choice.warning(at: change - 900) == nil)
            let before = try #require(records.first { $0.bucketStart < change })
            let quiet = InvestigationContext(record: before, model: model, clock: clock, hours: .standard)
            #expect(quiet.clockWarning == nil && !quiet.json.contains("clock_warning"))
        }
        let after = try #require(records.last { $0.bucketStart >= change })
        let context = InvestigationContext(record: after, model: model, clock: clock, hours: .standard)
        #expect(context.clockWarning == warning)
        #expect(context.json.contains("\"clock_warning\":"))
    }
}
