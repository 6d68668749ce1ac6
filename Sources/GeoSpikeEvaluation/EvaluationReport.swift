import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

/// A markdown report on a model and a history: false alerts per day, calibration, spike
/// power, detectability, and every country and alert against its expected band, with
/// figures written beside it.
///
/// Deterministic: the same model, history and options give the same bytes (no dates of
/// writing, fixed number formats, figures named by their content).
public struct EvaluationReport: Sendable {
    public struct Options: Sendable {
        public var threshold: Double = 75
        public var until: Double?
        public var spikes: Int = 300
        public var seed: UInt64 = 1
        public var targetAlertsPerDay: Double = 1
        /// Buckets sampled per country and hour for the detectability map; 0 leaves it out.
        public var detectabilitySamples: Int = 4
        public var topCountries: Int = 4
        /// Alerting episodes beyond this many get table rows but no figure.
        public var alertFigures: Int = 12
        /// Also render PNGs when `rsvg-convert` is installed.
        public var png = true

        public init() {}
    }

    /// Paths written, the markdown first.
    public var files: [String]

    /// Evaluates `model` on `table` and writes `path` (…/NAME.md) and its figures
    /// (…/NAME-*.svg, and .png) beside it.
    public static func write(
        model: TrainedModel, modelID: String, table: CountTable, to path: String, options: Options = Options(),
        progress: (String) -> Void = { _ in }
    ) throws -> EvaluationReport {
        guard path.hasSuffix(".md") else {
            throw GeoSpikeError(.usage, "--out must name a markdown file, e.g. reports/model.md (got \(path))")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw GeoSpikeError(.ioError, "cannot create \(directory): \(error.localizedDescription)")
        }
        var files = [path]
        func figure(_ name: String, _ svg: String, alt: String) throws -> String {
            let file = "\(stem)-\(name).svg"
            let full = directory.isEmpty ? file : (directory as NSString).appendingPathComponent(file)
            let png = try FigureFile.write(svg, to: full, png: options.png)
            files.append(full)
            if png { files.append(String(full.dropLast(4)) + ".png") }
            return "![\(alt)](\(file))\n"
        }

        progress("backtest")
        let backtest = try Backtest(model: model, modelID: modelID)
        var scoreOptions = ScoreOptions()
        scoreOptions.threshold = options.threshold
        scoreOptions.until = options.until
        let batch = try backtest.scorer.score(table, options: scoreOptions)
        let clean = backtest.summarise(batch, threshold: options.threshold)
        let calibration = CalibrationCheck.check(batch, bucketSpan: model.metadata.bucketSpanSeconds)
        progress("injecting \(options.spikes) spikes")
        var injectionOptions = InjectionStudy.Options()
        injectionOptions.spikes = options.spikes
        injectionOptions.seed = options.seed
        injectionOptions.threshold = options.threshold
        injectionOptions.until = options.until
        let injection = try InjectionStudy(model: model, modelID: modelID).run(table, options: injectionOptions)
        var map: DetectabilityMap?
        if options.detectabilitySamples > 0 {
            progress("detectability map")
            var mapOptions = DetectabilityMap.Options()
            mapOptions.targetAlertsPerDay = options.targetAlertsPerDay
            mapOptions.samples = options.detectabilitySamples
            mapOptions.until = options.until
            map = try DetectabilityMap.compute(model: model, modelID: modelID, table: table, options: mapOptions)
        }

        let t = FixedFormat.decimal(options.threshold, 0)
        var md = "# geospike evaluation report\n\n"
        md += "Model `\(modelID)`: \(model.countries.count) countries, \(model.metadata.timeZone) local time, "
        md += "trained on \(model.metadata.trainingStart) .. \(model.metadata.trainingEnd).  \n"
        md += "History evaluated: \(Timestamp.iso8601(clean.firstBucket)) .. \(Timestamp.iso8601(clean.lastBucket)), "
        md += "\(clean.completeBuckets) complete buckets (\(FixedFormat.decimal(clean.days, 2)) days), "
        md += "\(clean.countryBuckets) country-buckets, assumed free of attacks.\n\n"

        md += "## False alerts per day\n\n"
        md += "At the alert threshold record_score ≥ \(t) the model raised **\(clean.main.alerts) alert(s)**, "
        md += "\(FixedFormat.decimal(clean.main.alertsPerDay, 3)) a day; its calibration predicted "
        md += "\(FixedFormat.decimal(clean.main.predictedPerDay, 3)) a day. These counts are what `geospike-score "
        md += "--threshold T` raises on the same input.\n\n"
        md += clean.thresholdTable.markdown + "\n"
        md += try figure("alerts-per-day", EvaluationFigures.alertsPerDay(clean).svg, alt: "alerts per day against threshold")
        md += "\n" + (try figure("alerts-by-hour", EvaluationFigures.alertsByHour(clean).svg, alt: "alerts by local hour"))
        let k = clean.thresholds.firstIndex { $0.threshold == options.threshold } ?? 0
        let alerting = clean.countriesByAlerts.filter { $0.alertsByThreshold[k] > 0 }
        md += "\nCountries that alert at ≥ \(t): "
        md += alerting.isEmpty ? "none.\n\n" : "\n\n" + clean.countryTable(alerting).markdown + "\n"
        let budget = clean.threshold(forAlertsPerDay: options.targetAlertsPerDay)
        md += "For at most \(FixedFormat.significant(options.targetAlertsPerDay)) false alert(s) a day on this history, "
        md += "deploy with `--threshold \(FixedFormat.decimal(budget, 1))`.\n\n"

        md += "## Calibration\n\n"
        md += "On clean data a calibrated probability p should be reached by about N·p of the N country-buckets. "
        md += "Counts are discrete, so small counts give conservative p-values (fewer exceedances than N·p is expected); "
        md += "\"too many\" marks levels where the excess is unlikely by chance (Poisson P < 0.01).\n\n"
        md += calibration.table.markdown + "\n"
        md += try figure("calibration", EvaluationFigures.calibration(calibration).svg, alt: "calibration")
        md += "\n" + (try figure("p-values", EvaluationFigures.pValueHistogram(calibration).svg, alt: "p-value histogram"))

        md += "\n## Injected spikes\n\n"
        md += "\(injection.spikes.count) spikes (seed \(options.seed)) of the sizes below were added to random countries and "
        md += "complete buckets where the clean history does not alert, and scored with the real scorer; a spike is caught "
        md += "when any of its buckets alerts. Recall at ≥ \(t): **\(FixedFormat.percent(injection.recall))**; "
        md += "ROC AUC \(FixedFormat.decimal(injection.areaUnderROC, 4)).\n\n"
        md += injection.recallTable(injection.bySize, title: "size").markdown + "\n"
        md += injection.operatingTable.markdown + "\n"
        md += try figure("roc", EvaluationFigures.roc(injection).svg, alt: "ROC curve")
        md += "\n" + (try figure("precision-recall", EvaluationFigures.precisionRecall(injection).svg, alt: "precision-recall"))

        if let map {
            md += "\n## Detectability map\n\n"
            md += "The smallest number of events added to one bucket that is caught in the median sampled bucket of each "
            md += "country and local hour, at the threshold \(FixedFormat.decimal(map.threshold, 1)) that keeps clean alerts "
            md += "within \(FixedFormat.significant(map.targetAlertsPerDay)) a day (observed: \(FixedFormat.decimal(map.cleanAlertsPerDay, 3))).\n\n"
            md += try figure("detectability", EvaluationFigures.detectability(map).svg, alt: "detectability heatmap")
        }

        md += "\n## Busiest countries against their expected band\n\n"
        let shown = Self.lastWeek(of: batch)
        let busiest = clean.countries.filter { !$0.firstSeen }.sorted {
            $0.events != $1.events ? $0.events > $1.events : $0.country < $1.country
        }.prefix(options.topCountries)
        for row in busiest {
            let chart = try EvaluationFigures.countryBand(
                model: model, batch: batch, country: row.country, buckets: shown, threshold: options.threshold,
                title: "\(row.country.code) \(row.country.name): observed against expected")
            md += try figure("country-\(row.country.code)", chart.svg, alt: "\(row.country.code) against its band") + "\n"
        }

        md += "## Alerts\n\n"
        let records = backtest.scorer.records(batch, table: table, emit: .alerts, options: scoreOptions)
        if records.isEmpty {
            md += "No alerts at ≥ \(t).\n"
        } else {
            var list = TextTable(header: ["bucket (UTC)", "country", "actual", "typical", "record_score", "probability"])
            for r in records {
                list.append([
                    Timestamp.iso8601(r.bucketStart), r.country, String(r.actual), FixedFormat.decimal(r.typical, 2),
                    FixedFormat.decimal(r.recordScore, 1), FixedFormat.significant(r.probability),
                ])
            }
            md += list.markdown + "\n"
            let perDay = Int(86400 / model.metadata.bucketSpanSeconds)
            // One figure per episode: an alert already inside the previous figure of its
            // country (which runs six hours past that alert) is not drawn again.
            var drawnUntil: [String: Int64] = [:]
            var drawn = 0
            var skipped = 0
            for r in records.sorted(by: { $0.bucketStart < $1.bucketStart }) {
                guard let b = batch.bucketStarts.firstIndex(of: r.bucketStart), let code = CountryCode(r.country) else { continue }
                if let until = drawnUntil[r.country], r.bucketStart <= until { continue }
                guard drawn < options.alertFigures else {
                    skipped += 1
                    continue
                }
                let window = max(0, b - perDay)..<min(batch.bucketCount, b + perDay / 4)
                drawnUntil[r.country] = batch.bucketStarts[window.upperBound - 1]
                drawn += 1
                let chart = try EvaluationFigures.countryBand(
                    model: model, batch: batch, country: code, buckets: window, threshold: options.threshold,
                    title: "Alert: \(r.country) at \(Timestamp.iso8601(r.bucketStart)), \(r.actual) events (typical \(FixedFormat.significant(r.typical)))")
                md += try figure("alert-\(r.country)-\(r.bucketStart)", chart.svg, alt: "alert \(r.country) \(Timestamp.iso8601(r.bucketStart))") + "\n"
            }
            if skipped > 0 {
                md += "(\(skipped) further alerting episode(s) are listed above without a figure.)\n"
            }
        }
        try OutputFile.replace(path, with: md)
        return EvaluationReport(files: files)
    }

    /// The last seven days of a batch (or all of it when shorter), as bucket indices.
    static func lastWeek(of batch: ScoredBatch) -> Range<Int> {
        let span = batch.bucketStarts.count > 1 ? batch.bucketStarts[1] - batch.bucketStarts[0] : 900
        let week = Int(7 * 86400 / span)
        return max(0, batch.bucketCount - week)..<batch.bucketCount
    }
}
