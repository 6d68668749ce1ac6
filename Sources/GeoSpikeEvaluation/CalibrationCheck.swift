import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeNumerics
import GeoSpikeScore

/// Whether a model's probabilities mean what they say on clean data.
///
/// On history without attacks, a calibrated probability p should be reached or undercut
/// by about N·p of the N country-buckets judged. Counts are discrete, so upper-tail
/// probabilities of small counts are conservative (observed ≤ expected is fine); the
/// failure that matters is observing many more exceedances than expected, which becomes
/// more false alerts than the model predicts. Each level is therefore judged by the
/// Poisson tail of the observed count given the expected one.
public struct CalibrationCheck: Sendable {
    /// One nominal level p.
    public struct Level: Sendable, Equatable {
        public var probability: Double
        /// N·p.
        public var expected: Double
        /// Cells whose calibrated probability is at most p.
        public var observed: Int
        /// The same with the model's uncalibrated probability.
        public var observedUncalibrated: Int
        /// P(X ≥ observed) for X ~ Poisson(expected): small means too many exceedances.
        public var excessProbability: Double

        public var ratio: Double { expected > 0 ? Double(observed) / expected : 0 }
        /// "ok", "conservative" or "too many".
        public var verdict: String {
            if excessProbability < 0.01 { return "too many" }
            if Double(observed) < expected / 2 && expected >= 5 { return "conservative" }
            return "ok"
        }
    }

    /// Country-buckets judged (complete buckets × countries).
    public var countryBuckets: Int
    public var days: Double
    public var levels: [Level]
    /// Counts of calibrated p-values in 20 bins of width 0.05 on [0, 1]; silent cells have p = 1.
    public var histogram: [Int]
    /// The same for cells with at least one event.
    public var histogramWithTraffic: [Int]

    /// The levels checked: 10⁻¹ … 10⁻⁶.
    public static let probabilities: [Double] = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]

    /// Scores `table` with the real scorer and checks its probabilities.
    public static func run(
        model: TrainedModel, modelID: String, table: CountTable, until: Double? = nil
    ) throws -> CalibrationCheck {
        var options = ScoreOptions()
        options.until = until
        let batch = try Scorer(model: model, modelID: modelID).score(table, options: options)
        return check(batch, bucketSpan: model.metadata.bucketSpanSeconds)
    }

    /// Checks an already scored batch.
    public static func check(_ batch: ScoredBatch, bucketSpan: Int64) -> CalibrationCheck {
        var calibrated: [Double] = []
        var uncalibrated: [Double] = []
        var histogram = [Int](repeating: 0, count: 20)
        var withTraffic = [Int](repeating: 0, count: 20)
        for j in 0..<batch.countryCount {
            for b in 0..<batch.bucketCount where !batch.interim[b] {
                let i = batch.index(bucket: b, country: j)
                // The scorer leaves silent cells at log p = 0: P(N ≥ 0) = 1.
                let lp = batch.actual[i] > 0 ? batch.logProbability[i] : 0
                let raw = batch.actual[i] > 0 ? min(batch.logSingle[i], batch.logMulti[i]) : 0
                calibrated.append(lp)
                uncalibrated.append(raw)
                let bin = min(19, Int(exp(lp) * 20))
                histogram[bin] += 1
                if batch.actual[i] > 0 { withTraffic[bin] += 1 }
            }
        }
        let n = calibrated.count
        let levels = probabilities.map { p -> Level in
            let lp = log(p) + 1e-12
            let observed = calibrated.filter { $0 <= lp }.count
            let expected = Double(n) * p
            let excess =
                observed == 0 ? 1 : exp(CountTails.poissonLogSurvival(atLeast: Double(observed), mean: max(expected, 1e-300)))
            return Level(
                probability: p, expected: expected, observed: observed,
                observedUncalibrated: uncalibrated.filter { $0 <= lp }.count, excessProbability: excess)
        }
        return CalibrationCheck(
            countryBuckets: n, days: Double(batch.completeBuckets) * Double(bucketSpan) / 86400, levels: levels,
            histogram: histogram, histogramWithTraffic: withTraffic)
    }

    // MARK: - Output

    public var table: TextTable {
        var table = TextTable(header: [
            "p", "expected", "observed", "observed/expected", "uncalibrated", "P(≥ observed)", "verdict",
        ])
        for l in levels {
            table.append([
                FixedFormat.significant(l.probability), FixedFormat.decimal(l.expected, 2), String(l.observed),
                FixedFormat.decimal(l.ratio, 2), String(l.observedUncalibrated),
                FixedFormat.significant(l.excessProbability), l.verdict,
            ])
        }
        return table
    }

    public var histogramTable: TextTable {
        var table = TextTable(header: ["p from", "p to", "all cells", "cells with traffic"])
        for k in 0..<20 {
            table.append([
                FixedFormat.decimal(Double(k) * 0.05, 2), FixedFormat.decimal(Double(k + 1) * 0.05, 2),
                String(histogram[k]), String(histogramWithTraffic[k]),
            ])
        }
        return table
    }

    public var text: String {
        "\(countryBuckets) country-buckets over \(FixedFormat.decimal(days, 2)) days; exceedances of calibrated probabilities:\n\n"
            + table.text + "\nHistogram of calibrated p-values (silent cells have p = 1):\n\n" + histogramTable.text
    }

    public var json: String {
        var out = JSONLine()
        out.add("country_buckets", countryBuckets)
        out.add("days", days)
        out.addRaw("levels", JSONArray.of(levels) { l in
            var item = JSONLine()
            item.add("probability", l.probability)
            item.add("expected", l.expected)
            item.add("observed", l.observed)
            item.add("observed_uncalibrated", l.observedUncalibrated)
            item.add("excess_probability", l.excessProbability)
            item.add("verdict", l.verdict)
            return item.string
        })
        out.addRaw("histogram", JSONArray.of(histogram) { String($0) })
        out.addRaw("histogram_with_traffic", JSONArray.of(histogramWithTraffic) { String($0) })
        return out.string
    }
}
