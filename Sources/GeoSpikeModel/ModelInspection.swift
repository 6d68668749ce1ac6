import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics

/// A human summary of a trained model: what `geospike-train inspect` prints.
///
/// Expected counts are evaluated over one local week (every slot of every weekday), so
/// "peak" means the busiest local time of a typical week, not of the training data.
public struct ModelInspection: Codable, Sendable {
    public struct Country: Codable, Sendable {
        public var country: String
        public var name: String
        public var family: String
        public var meanExpected: Double
        public var peakExpected: Double
        /// Local weekday and time of the peak, e.g. "Tue 10:15".
        public var peakLocalTime: String
        public var dispersion: Double
        public var sigma: Double
        /// `CountryModel.windowVarianceFactor`: how much runs of busy buckets widen the multi-bucket test.
        public var windowVarianceFactor: Double
        public var trainingEvents: Int
        public var selection: String
    }

    public var metadata: ModelMetadata
    public var modelID: String
    public var countries: [Country]
    public var newCountryPrior: NewCountryPrior
    public var calibration: Calibration
    public var tailCalibration: TailCalibration?

    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    public init(model: TrainedModel, modelID: String) {
        let design = model.design
        let span = Int(model.metadata.bucketSpanSeconds)
        let slots = 86400 / span
        var week = Matrix(rows: 7 * slots, columns: design.columnCount)
        var labels: [String] = []
        var row = [Double](repeating: 0, count: design.columnCount)
        for day in 0..<7 {
            for slot in 0..<slots {
                design.fillRow(&row, secondOfDay: Double(slot * span) + Double(span) / 2, weekday: day)
                for j in row.indices { week[day * slots + slot, j] = row[j] }
                labels.append(
                    String(format: "%@ %02d:%02d", Self.weekdayNames[day], slot * span / 3600, slot * span % 3600 / 60))
            }
        }
        let eta = BLAS.multiply(week, model.coefficients)
        countries = model.countries.enumerated().map { j, c in
            var total = 0.0
            var peak = -1.0
            var peakAt = 0
            for r in 0..<week.rows {
                let expected = c.expectedCount(linearPredictor: eta[r, j])
                total += expected
                if expected > peak { (peak, peakAt) = (expected, r) }
            }
            return Country(
                country: c.country, name: c.countryCode?.name ?? c.country, family: c.family.rawValue,
                meanExpected: total / Double(week.rows), peakExpected: peak, peakLocalTime: labels[peakAt],
                dispersion: c.dispersion, sigma: c.sigma, windowVarianceFactor: c.windowVarianceFactor,
                trainingEvents: c.trainingEvents,
                selection: c.selection.reason)
        }
        metadata = model.metadata
        self.modelID = modelID
        newCountryPrior = model.newCountryPrior
        calibration = model.calibration
        tailCalibration = model.tailCalibration
    }

    /// How the model's probabilities are corrected, in a few lines.
    var calibrationSummary: [String] {
        guard let c = tailCalibration else {
            return [
                "calibration: \(calibration.heldOutCountryBuckets) held-out country-buckets over \(String(format: "%.1f", calibration.heldOutDays)) days"
                    + ", single-bucket and multi-bucket tests corrected separately"
            ]
        }
        let curve = c.curve
        func row(_ title: String, _ values: [Double]) -> String {
            title + values.map { String(format: "%9.1f", $0) }.joined()
        }
        return [
            String(
                format:
                    "calibration: every training bucket held out once (%d folds, %d country-buckets over %.1f days); beyond p = 10^%.1f an exponential tail of scale %.2f (nominal %.2f, ±%.0f%%) from %d buckets",
                c.folds, c.heldOutCountryBuckets, c.heldOutDays, -c.tailThreshold, c.tailScale, 1 / log(10.0),
                100 * c.tailScaleRelativeError, c.tailExcesses),
            row("  log10 p nominal         ", curve.map(\.nominal)),
            row("  calibrated              ", curve.map(\.calibrated)),
            row("  band (2 s.e. of tail)   ", curve.map(\.low)),
            row("                          ", curve.map(\.high)),
        ]
    }

    /// The feature layout in a line: smooth columns by name, slot effects by count.
    var featureSummary: String {
        let design = metadata.options.design
        let smooth = metadata.columns.prefix(design.smoothColumnCount).joined(separator: " ")
        let slots = design.slotsPerDay > 0 ? " + \(2 * design.slotsPerDay) slot effects (weekday, weekend)" : ""
        return "features: \(smooth)\(slots)"
    }

    /// Aligned text for people.
    public var report: String {
        var lines = [
            "model \(modelID)  (geospike \(metadata.toolVersion))",
            "trained on \(metadata.trainingStart) … \(metadata.trainingEnd): \(metadata.trainingBuckets) buckets of \(metadata.bucketSpanSeconds / 60) min, \(metadata.trainingEvents) events",
            "time zone \(metadata.timeZone); seed \(metadata.options.seed); \(featureSummary)",
            String(
                format:
                    "new-country prior: P(any traffic in a bucket) %.2g, excess size mean %.2f, dispersion %.2f (from %d sparse countries)",
                newCountryPrior.nonZeroProbability, newCountryPrior.sizeMean, newCountryPrior.sizeDispersion,
                newCountryPrior.sourceCountries),
        ] + calibrationSummary
        // Only for a clock chosen from the data: a named zone says all in the line above.
        if let clock = metadata.clock { lines.append(clock.summary) }
        lines += [
            "",
            "country  name                        family     mean/bucket  peak/bucket  peak local  dispersion  sigma  window×   events",
        ]
        for c in countries {
            lines.append(
                String(
                    format: "%@  %@  %@  %11.3f  %11.3f  %@   %10.4f  %5.3f  %7.2f  %7d",
                    c.country.padding(toLength: 7, withPad: " ", startingAt: 0),
                    String(c.name.prefix(26)).padding(toLength: 26, withPad: " ", startingAt: 0),
                    c.family.padding(toLength: 9, withPad: " ", startingAt: 0), c.meanExpected, c.peakExpected,
                    c.peakLocalTime, c.dispersion, c.sigma, c.windowVarianceFactor, c.trainingEvents))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
