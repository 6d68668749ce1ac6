import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

/// Trains and tests on rolling windows of raw history, to show whether alert rates and
/// calibration hold up as traffic drifts.
///
/// Window k trains on `trainDays` days and tests on the `testDays` that follow; the next
/// window starts `testDays` later, so test periods tile the history without overlap and
/// every model is judged only on days it has not seen. Test days are complete history:
/// none of their buckets is interim.
public struct WalkForward: Sendable {
    public struct Options: Sendable {
        public var trainDays: Int
        public var testDays: Int
        public var training: TrainingOptions
        public var threshold: Double = 75

        public init(trainDays: Int, testDays: Int, training: TrainingOptions) {
            self.trainDays = trainDays
            self.testDays = testDays
            self.training = training
        }
    }

    /// One train/test window and how its model did.
    public struct Window: Sendable {
        public var trainStart: Int64
        public var testStart: Int64
        /// Start of the last test bucket.
        public var testEnd: Int64
        public var backtest: BacktestResult
        public var calibration: CalibrationCheck
        public var modelCountries: Int
    }

    public var options: Options
    public var windows: [Window]

    public static func run(
        _ table: CountTable, options: Options, progress: (String) -> Void = { _ in }
    ) throws -> WalkForward {
        guard options.trainDays >= 1, options.testDays >= 1 else {
            throw GeoSpikeError(.usage, "--train-days and --test-days must be at least 1")
        }
        guard let range = table.bucketRange else {
            throw GeoSpikeError(.badData, "no events with a country in the input: check --format and the summary above")
        }
        let span = table.bucketSpan.seconds
        let day: Int64 = 86400
        var windows: [Window] = []
        var start = range.lowerBound
        while start + Int64(options.trainDays + options.testDays) * day - span <= range.upperBound {
            let testStart = start + Int64(options.trainDays) * day
            let testEnd = testStart + Int64(options.testDays) * day - span
            progress("window \(windows.count + 1): training \(Timestamp.iso8601(start)) .. \(Timestamp.iso8601(testStart - span))")
            let model = try Trainer(options: options.training).train(table.window(start...(testStart - span)))
            let modelID = try ModelFile.identifier(of: model)
            let test = table.window(testStart...testEnd)
            let until = Double(testEnd + span)
            let backtest = try Backtest(model: model, modelID: modelID)
            var scoreOptions = ScoreOptions()
            scoreOptions.threshold = options.threshold
            scoreOptions.until = until
            let batch = try backtest.scorer.score(test, options: scoreOptions)
            windows.append(
                Window(
                    trainStart: start, testStart: testStart, testEnd: testEnd,
                    backtest: backtest.summarise(batch, threshold: options.threshold),
                    calibration: CalibrationCheck.check(batch, bucketSpan: span), modelCountries: model.countries.count))
            start += Int64(options.testDays) * day
        }
        guard !windows.isEmpty else {
            let have = Double(table.bucketCount) * Double(span) / Double(day)
            throw GeoSpikeError(
                .badData,
                "the input covers \(FixedFormat.decimal(have, 2)) days, fewer than --train-days \(options.trainDays) + --test-days \(options.testDays): give more history or shorter windows")
        }
        return WalkForward(options: options, windows: windows)
    }

    // MARK: - Output

    public var table: TextTable {
        var table = TextTable(header: [
            "test from", "test to", "countries", "alerts", "alerts/day", "incidents/day", "predicted/day", "≥50/day", "predicted ≥50",
            "obs/exp p≤1e-3", "obs/exp p≤1e-4",
        ])
        for w in windows {
            let main = w.backtest.main
            let fifty = w.backtest.thresholds.first { $0.threshold == 50 } ?? main
            let ratio = { (p: Double) -> String in
                w.calibration.levels.first { $0.probability == p }.map { FixedFormat.decimal($0.ratio, 2) } ?? "-"
            }
            table.append([
                String(Timestamp.iso8601(w.testStart).prefix(10)),
                String(Timestamp.iso8601(w.testEnd).prefix(10)), String(w.modelCountries), String(main.alerts),
                FixedFormat.decimal(main.alertsPerDay, 3), FixedFormat.decimal(main.incidentsPerDay, 3),
                FixedFormat.decimal(main.predictedPerDay, 3),
                FixedFormat.decimal(fifty.alertsPerDay, 3), FixedFormat.decimal(fifty.predictedPerDay, 3),
                ratio(1e-3), ratio(1e-4),
            ])
        }
        return table
    }

    public var text: String {
        "\(windows.count) window(s): train \(options.trainDays) days, test the next \(options.testDays), "
            + "threshold \(FixedFormat.decimal(options.threshold, 1))\n\n" + table.text
    }

    public var json: String {
        var out = JSONLine()
        out.add("train_days", options.trainDays)
        out.add("test_days", options.testDays)
        out.add("threshold", options.threshold)
        out.addRaw("windows", JSONArray.of(windows) { w in
            var item = JSONLine()
            item.add("train_start", Timestamp.iso8601(w.trainStart))
            item.add("test_start", Timestamp.iso8601(w.testStart))
            item.add("test_end", Timestamp.iso8601(w.testEnd))
            item.add("model_countries", w.modelCountries)
            item.addRaw("backtest", w.backtest.json)
            item.addRaw("calibration", w.calibration.json)
            return item.string
        })
        return out.string
    }
}
