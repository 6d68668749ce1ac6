import Foundation
import GeoSpikeEvaluation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

/// An organisation in a time zone of its own, for the clock choice: four weeks of training
/// counts, then a clean week and a week with labelled attacks, all from one seed (a
/// scenario's counts do not depend on its window, so the three are one history).
struct ClockStudy: Sendable {
    let zone: String
    let training: CountTable
    let cleanWeek: CountTable
    let attackWeek: CountTable
    let labels: [LabelledCell]

    /// What a model trained with one `--timezone` gives on the two weeks after training.
    struct Outcome: Sendable {
        let model: TrainedModel
        let falseAlertsPerDay: Double
        let recall: Double
    }

    /// Training is the `trainDays` before `trainingEnd` (a local midnight, so that every
    /// window starts and ends at night); `volume` scales the organisation's traffic, and
    /// `partnerClocks` puts some countries' traffic on other clocks.
    init(
        zone: String, trainingEnd: Int64, trainDays: Int = 28, countries: Int = 20, volume: Double = 1,
        seed: UInt64 = 17, partnerClocks: [String: String]? = nil
    ) {
        self.zone = zone
        let start = trainingEnd - Int64(trainDays) * 86400
        var scenario = SyntheticScenario(days: trainDays + 7, seed: seed)
        scenario.start = start
        scenario.countries = countries
        scenario.volume = volume
        scenario.partnerClocks = partnerClocks
        scenario.timeZone = zone
        let clean = SyntheticTraffic(scenario).countTable()
        training = clean.window(start...(trainingEnd - 900))
        cleanWeek = clean.window(trainingEnd...(scenario.end - 900))
        var attacked = scenario
        attacked.start = scenario.end
        attacked.days = 7
        attacked.attacks = true
        let traffic = SyntheticTraffic(attacked)
        attackWeek = traffic.countTable()
        labels = traffic.labels.map { LabelledCell(bucketStart: $0.bucketStart, country: $0.country, kind: $0.kind) }
    }

    func outcome(timeZone: String, threshold: Double = 75) throws -> Outcome {
        var options = TrainingOptions()
        options.timeZone = timeZone
        let model = try Trainer(options: options).train(training)
        let backtest = try Backtest(model: model, modelID: "clock-study")
        let clean = try backtest.run(cleanWeek, threshold: threshold)
        let batch = try backtest.scorer.score(attackWeek)
        var alerts: [LabelledCell] = []
        for c in 0..<batch.countryCount {
            for b in 0..<batch.bucketCount
            where Backtest.alerts(batch, cell: batch.index(bucket: b, country: c), bucket: b, threshold: threshold) {
                alerts.append(LabelledCell(bucketStart: batch.bucketStarts[b], country: batch.countries[c]))
            }
        }
        let evaluation = LabelEvaluation(alerts: alerts, labels: labels, bucketSpan: .fifteenMinutes)
        return Outcome(model: model, falseAlertsPerDay: clean.main.alertsPerDay, recall: evaluation.recall)
    }
}
