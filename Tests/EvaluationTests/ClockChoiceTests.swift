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
        var testDescription: String { zone }
    }

    static let organisations = [
        // The change on Sunday 2026-11-01; training ends Tuesday 11-03.
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

    /// Training ends three days before New York's change: nothing in the data says whether
    /// the organisation follows it, so the model keeps the clock it saw and warns once a
    /// batch reaches the change, on stderr (the command) and in each alert's context.
    @Test func aChangeOnlyInTheScoredWeekIsWarnedAbout() throws {
        let change: Int64 = 1_793_512_800  // 2026-11-01 06:00 UTC
        let study = ClockStudy(zone: "America/New_York", trainingEnd: 1_793_246_400)  // the end of Wednesday 2026-10-28
        var options = TrainingOptions()
        options.timeZone = TrainingOptions.automaticTimeZone
        let model = try Trainer(options: options).train(study.training)
        let choice = try #require(model.metadata.clock)
        #expect(choice.clock == "fixed UTC−04:00", "\(choice.summary)")
        #expect(!choice.ruleKnown)
        #expect(choice.summary.contains("daylight-saving rule unknown"))
        let warned = choice.unknownChanges.first { $0.zone == "America/New_York" }
        #expect(warned?.instant == change && warned?.shift == -3600, "\(choice.unknownChanges)")
        #expect(choice.warning(at: change - 900) == nil)
        let warning = try #require(choice.warning(at: change))
        #expect(warning.contains("2026-11-01") && warning.contains("America/New_York"), "\(warning)")

        let scorer = try Scorer(model: model, modelID: "clock-study")
        let records = scorer.records(try scorer.score(study.cleanWeek), table: study.cleanWeek, emit: .all)
        let clock = try LocalClock(identifier: model.metadata.timeZone)
        let hours = WorkingHours.standard
        let before = try #require(records.first { $0.bucketStart < change })
        let after = try #require(records.first { $0.bucketStart >= change })
        #expect(InvestigationContext(record: before, model: model, clock: clock, hours: hours).clockWarning == nil)
        let context = InvestigationContext(record: after, model: model, clock: clock, hours: hours)
        #expect(context.clockWarning == warning)
        #expect(context.json.contains("\"clock_warning\":"))
    }
}
