import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import Testing

/// Issue 5's bar for the model, measured the way a user would: train on four weeks of
/// realistic traffic, backtest the following clean week, inject realistic attacks.
@Suite("Model quality on realistic synthetic traffic")
struct ModelQualityTests {
    @Test func defaultThresholdRaisesAtMostOneFalseAlertPerDayOnACleanWeek() throws {
        let history = try SyntheticHistory.realistic.get()
        let result = try Backtest(model: history.model, modelID: history.modelID).run(history.test)
        let offenders = result.countriesByAlerts.filter { $0.alertsByThreshold[2] > 0 }
            .map { "\($0.country.code)=\($0.alertsByThreshold[2])" }
        let hours = result.hours.filter { $0.alerts > 0 }.map { "\($0.localHour)h=\($0.alerts)" }
        #expect(result.days > 6.9)
        #expect(
            result.main.alertsPerDay <= 1,
            "\(result.main.alerts) false alerts in \(result.days) days; countries \(offenders); local hours \(hours)")
    }

    @Test func catchesAtLeast95PercentOfRealisticAttacks() throws {
        let history = try SyntheticHistory.realistic.get()
        var options = InjectionStudy.Options()
        options.spikes = 240
        options.seed = 3
        options.shapes = SpikeShape.realisticAttacks(count: 240, seed: 3)
        let result = try InjectionStudy(model: history.model, modelID: history.modelID).run(history.test, options: options)
        let missed = result.spikes.filter { !$0.caught }.map {
            "\($0.shape.groupLabel) \($0.shape.label) \($0.country.code) \(Timestamp.iso8601($0.bucketStart)) typical \(FixedFormat.decimal($0.typical, 2)) score \(FixedFormat.decimal($0.maxScore, 1))"
        }
        let byKind = result.bySize.map { "\($0.group) \($0.caught)/\($0.spikes)" }
        #expect(result.spikes.count == 240)
        // Issue 5 asks for 95% overall. Measured: every exfiltration, scan and C2 beacon,
        // and 50 of 60 botnets: 95.8%. The botnets missed multiply a quiet country's
        // traffic by 2-3 for two hours, which the generator's own correlated noise imitates.
        let caught = Dictionary(uniqueKeysWithValues: result.bySize.map { ($0.group, Double($0.caught) / Double($0.spikes)) })
        let message = "recall \(result.recall) (\(byKind.joined(separator: ", "))); missed: \(missed.joined(separator: "; "))"
        #expect(result.recall >= 0.95, "\(message)")
        for kind in ["exfiltration", "scan", "c2-new-country"] { #expect(caught[kind] == 1, "\(kind): \(message)") }
        #expect((caught["botnet"] ?? 0) >= 0.8, "\(message)")
    }
}
