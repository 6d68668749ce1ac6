import GeoSpikeIngest

extension TrainedModel {
    /// The first number of the model that is NaN or infinite, by the field's name, or nil.
    ///
    /// The trainer never writes one (`ModelFile.encode` refuses), so a file holding one was
    /// altered or damaged in a way its checksum does not catch (it was recomputed). Scoring
    /// with it would turn probabilities into NaN, which compare false with every threshold
    /// and so silently drop alerts.
    func firstNonFiniteField() -> (field: String, value: Double)? {
        let rows = coefficients.rows
        if let i = coefficients.values.firstIndex(where: { !Self.isPlausibleCoefficient($0) }) {
            let j = i / max(rows, 1)
            let column = i % max(rows, 1) < metadata.columns.count ? metadata.columns[i % max(rows, 1)] : "\(i % max(rows, 1))"
            let country = j < countries.count ? countries[j].country : "\(j)"
            return ("coefficients[\(country), \(column)]", coefficients.values[i])
        }
        if let i = pooledCoefficients.firstIndex(where: { !Self.isPlausibleCoefficient($0) }) {
            return ("pooledCoefficients[\(i)]", pooledCoefficients[i])
        }
        for c in countries {
            let fields: [(String, Double)] = [
                ("dispersion", c.dispersion), ("sigma", c.sigma), ("levelVariance", c.levelVariance),
                ("meanPerBucket", c.meanPerBucket), ("windowVarianceFactor", c.windowVarianceFactor),
                ("calibrationRatio", c.calibrationRatio), ("recentMaximum", c.recentMaximum),
            ] + c.recentHourlyMaximum.enumerated().map { ("recentHourlyMaximum[\($0.offset)]", $0.element) }
            for (name, value) in fields where !value.isFinite { return ("countries[\(c.country)].\(name)", value) }
            for (family, value) in c.selection.holdoutLogLikelihood.sorted(by: { $0.key < $1.key }) where !value.isFinite {
                return ("countries[\(c.country)].selection.holdoutLogLikelihood.\(family)", value)
            }
        }
        let prior: [(String, Double)] = [
            ("nonZeroProbability", newCountryPrior.nonZeroProbability), ("sizeMean", newCountryPrior.sizeMean),
            ("sizeDispersion", newCountryPrior.sizeDispersion),
        ]
        for (name, value) in prior where !value.isFinite { return ("newCountryPrior.\(name)", value) }
        for (name, calibration) in [("calibration", calibration), ("multiBucketCalibration", multiBucketCalibration)] {
            if !calibration.heldOutDays.isFinite { return ("\(name).heldOutDays", calibration.heldOutDays) }
            for (i, level) in calibration.levels.enumerated() where !level.log10Probability.isFinite {
                return ("\(name).levels[\(i)].log10Probability", level.log10Probability)
            }
        }
        if let tail = tailCalibration {
            let fields: [(String, Double)] =
                [("heldOutDays", tail.heldOutDays), ("tailThreshold", tail.tailThreshold), ("tailScale", tail.tailScale)]
                + tail.knotSurprise.enumerated().map { ("knotSurprise[\($0.offset)]", $0.element) }
                + tail.knotLog10Fraction.enumerated().map { ("knotLog10Fraction[\($0.offset)]", $0.element) }
            for (name, value) in fields where !value.isFinite { return ("tailCalibration.\(name)", value) }
        }
        return nil
    }

    /// Coefficients are on the log scale of expected counts: beyond ±1000 the expected
    /// count overflows or vanishes (e^710 is infinite), so such a value is as unusable as
    /// NaN and no fit, held by its priors, produces one.
    static let largestCoefficient = 1000.0

    static func isPlausibleCoefficient(_ value: Double) -> Bool {
        value.isFinite && abs(value) <= largestCoefficient
    }
}
