import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

/// The figures of a report, built from evaluation results.
public enum EvaluationFigures {
    /// Observed counts of one country against its expected band and alert level.
    public static func countryBand(
        model: TrainedModel, batch: ScoredBatch, country: CountryCode, buckets: Range<Int>, threshold: Double,
        title: String
    ) throws -> LineChart {
        let clock = try LocalClock(identifier: model.metadata.timeZone)
        let starts = Array(batch.bucketStarts[buckets])
        let band = try ExpectedBand(model: model, country: country, bucketStarts: starts, threshold: threshold)
        let j = batch.countries.firstIndex(of: country)
        let xs = starts.map(Double.init)
        let actual = buckets.map { b in j.map { batch.actual[batch.index(bucket: b, country: $0)] } ?? 0 }
        let typical = buckets.map { b in j.map { batch.typical[batch.index(bucket: b, country: $0)] } ?? 0 }
        let alerts = buckets.compactMap { b -> (Double, Double)? in
            guard let j, batch.alert[batch.index(bucket: b, country: j)] else { return nil }
            return (Double(batch.bucketStarts[b]), batch.actual[batch.index(bucket: b, country: j)])
        }
        let top = max(actual.max() ?? 1, band.upper.max() ?? 1, band.alertLevel.max() ?? 1, 1) * 1.08
        let span = model.metadata.bucketSpanSeconds
        let p = ChartSeries.palette
        var series = [
            ChartSeries(name: "expected 90% band", color: p[0], xs: xs, ys: band.lower, style: .band(upper: band.upper)),
            ChartSeries(name: "typical", color: p[0], xs: xs, ys: typical, style: .dashed),
            ChartSeries(name: "single-bucket alert level", color: p[1], xs: xs, ys: band.alertLevel, style: .dashed),
            ChartSeries(name: "observed", color: "#222222", xs: xs, ys: actual, style: .step),
        ]
        if !alerts.isEmpty {
            series.append(ChartSeries(name: "alert", color: "#B00020", xs: alerts.map(\.0), ys: alerts.map(\.1), style: .points))
        }
        return LineChart(
            title: title,
            x: .time(
                from: starts.first ?? 0, to: (starts.last ?? 0) + span, clock: clock,
                title: "local time (\(model.metadata.timeZone))"),
            y: ChartAxis(title: "events per \(BucketSpan(seconds: span)) bucket", lower: 0, upper: top),
            series: series)
    }

    /// Clean alerts per day against the threshold, observed and predicted.
    public static func alertsPerDay(_ backtest: BacktestResult) -> LineChart {
        // One alert over the whole history is the smallest non-zero rate; zero is drawn at the
        // bottom, which sits low enough to show the prediction fall past the threshold.
        let floor = min(1e-3, backtest.days > 0 ? 0.2 / backtest.days : 1e-3)
        let curve = backtest.curve
        let observed = curve.map { max($0.alertsPerDay, floor) }
        let top = max(curve.map(\.alertsPerDay).max() ?? 1, curve.map(\.predictedPerDay).max() ?? 1)
        var chart = LineChart(
            title: "Alerts per day on clean history against the threshold",
            x: ChartAxis(title: "record_score threshold", lower: 0, upper: 100),
            y: ChartAxis(title: "alerts per day (log scale)", lower: floor, upper: top * 1.5, scale: .log10),
            series: [
                ChartSeries(
                    name: "observed (none: at the bottom)", color: ChartSeries.palette[0],
                    xs: curve.map(\.threshold), ys: observed, style: .step),
                ChartSeries(
                    name: "predicted by the model", color: ChartSeries.palette[1], xs: curve.map(\.threshold),
                    ys: curve.map(\.predictedPerDay), style: .dashed),
            ])
        chart.markers = [(backtest.threshold, "threshold \(FixedFormat.decimal(backtest.threshold, 0))")]
        return chart
    }

    /// Alerts per local hour at the main threshold.
    public static func alertsByHour(_ backtest: BacktestResult) -> LineChart {
        let values = backtest.hours.map { backtest.days > 0 ? Double($0.alerts) / backtest.days : 0 }
        return LineChart(
            title: "Clean alerts by local hour at record_score ≥ \(FixedFormat.decimal(backtest.threshold, 0))",
            x: ChartAxis(
                title: "local hour (\(backtest.modelTimeZone))", lower: -0.5, upper: 23.5,
                ticks: stride(from: 0, through: 21, by: 3).map { .init(value: Double($0), label: String(format: "%02d", $0)) }),
            y: ChartAxis(title: "alerts per day", lower: 0, upper: max(values.max() ?? 0, 0.1) * 1.15),
            series: [
                ChartSeries(
                    name: "alerts per day in this hour", color: ChartSeries.palette[0], xs: (0..<24).map(Double.init),
                    ys: values, style: .bars(width: 1))
            ])
    }

    /// ROC of injected spikes against clean country-buckets, false-positive rate on a log scale.
    public static func roc(_ injection: InjectionResult) -> LineChart {
        let points = injection.curve
        let lowest = points.map(\.falsePositiveRate).filter { $0 > 0 }.min() ?? 1e-6
        let floor = pow(10, (log10(lowest) - 0.5).rounded(.down))
        return LineChart(
            title: "ROC: injected spikes caught against clean false positives",
            x: ChartAxis(title: "false-positive rate per country-bucket (log scale; 0 at the left edge)", lower: floor, upper: 1, scale: .log10),
            y: ChartAxis(title: "fraction of spikes caught", lower: 0, upper: 1),
            series: [
                ChartSeries(
                    name: "ROC over thresholds 0-100", color: ChartSeries.palette[0],
                    xs: points.map { max($0.falsePositiveRate, floor) }, ys: points.map(\.truePositiveRate), style: .line),
                ChartSeries(
                    name: "threshold \(FixedFormat.decimal(injection.threshold, 0))", color: ChartSeries.palette[1],
                    xs: points.filter { $0.threshold == injection.threshold.rounded() }.map { max($0.falsePositiveRate, floor) },
                    ys: points.filter { $0.threshold == injection.threshold.rounded() }.map(\.truePositiveRate), style: .points),
            ])
    }

    /// Precision against recall over thresholds.
    public static func precisionRecall(_ injection: InjectionResult) -> LineChart {
        let points = injection.curve
        return LineChart(
            title: "Precision and recall of injected spikes over thresholds",
            x: ChartAxis(title: "recall (fraction of spikes caught)", lower: 0, upper: 1),
            y: ChartAxis(title: "precision (caught / all alerts)", lower: 0, upper: 1),
            series: [
                ChartSeries(
                    name: "thresholds 0-100", color: ChartSeries.palette[2], xs: points.map(\.truePositiveRate),
                    ys: points.map(\.precision), style: .line),
                ChartSeries(
                    name: "threshold \(FixedFormat.decimal(injection.threshold, 0))", color: ChartSeries.palette[1],
                    xs: points.filter { $0.threshold == injection.threshold.rounded() }.map(\.truePositiveRate),
                    ys: points.filter { $0.threshold == injection.threshold.rounded() }.map(\.precision), style: .points),
            ])
    }

    /// Observed against expected exceedances at each probability level, log–log.
    public static func calibration(_ check: CalibrationCheck) -> LineChart {
        let levels = check.levels.filter { $0.expected > 0 }
        let values = levels.flatMap { [$0.expected, Double($0.observed), Double($0.observedUncalibrated)] }.filter { $0 > 0 }
        let low = max(0.1, (values.min() ?? 0.1) / 2)
        let high = (values.max() ?? 10) * 2
        func shown(_ v: Int) -> Double { max(Double(v), low) }
        var chart = LineChart(
            title: "Calibration: exceedances of probability levels on clean history",
            x: ChartAxis(title: "expected country-buckets with p ≤ level (N·p, log scale)", lower: low, upper: high, scale: .log10),
            y: ChartAxis(title: "observed (log scale; 0 at the bottom)", lower: low, upper: high, scale: .log10),
            series: [
                ChartSeries(
                    name: "calibrated (one dot per level 1e-1 .. 1e-6)", color: ChartSeries.palette[0],
                    xs: levels.map(\.expected), ys: levels.map { shown($0.observed) }, style: .points),
                ChartSeries(
                    name: "uncalibrated", color: ChartSeries.palette[1], xs: levels.map(\.expected),
                    ys: levels.map { shown($0.observedUncalibrated) }, style: .dashed),
            ])
        chart.diagonal = true
        return chart
    }

    /// Histogram of calibrated p-values of cells with traffic.
    public static func pValueHistogram(_ check: CalibrationCheck) -> LineChart {
        let counts = check.histogramWithTraffic.map(Double.init)
        return LineChart(
            title: "Calibrated p-values of country-buckets with traffic",
            x: ChartAxis(title: "p-value (upper tail)", lower: 0, upper: 1),
            y: ChartAxis(title: "country-buckets", lower: 0, upper: max(counts.max() ?? 1, 1) * 1.1),
            series: [
                ChartSeries(
                    name: "country-buckets per 0.05 of p", color: ChartSeries.palette[5],
                    xs: (0..<20).map { (Double($0) + 0.5) * 0.05 }, ys: counts, style: .bars(width: 0.05))
            ])
    }

    /// The detectability map as a country × local hour heatmap.
    public static func detectability(_ map: DetectabilityMap) -> Heatmap {
        Heatmap(
            title: "Smallest spike caught at ≤ \(FixedFormat.significant(map.targetAlertsPerDay)) false alerts/day (score ≥ \(FixedFormat.decimal(map.threshold, 1)))",
            rowTitle: "destination country", columnTitle: "local hour (\(map.timeZone)) of the spiking bucket",
            rowLabels: map.rows.map { $0.newCountry ? "new country" : $0.country.code },
            columnLabels: (0..<24).map { String(format: "%02d", $0) },
            values: map.rows.map { $0.smallestCaught.map { $0.map(Double.init) } },
            valueTitle: "added events in one bucket (log scale)")
    }
}
