import Foundation
import GeoSpikeModel

/// Whether two models are the same model, whatever CPU trained them.
///
/// Every decoded field is compared: strings, integers and choices (families, sources)
/// exactly; numbers to a relative 1e-9, or an absolute 1e-9 for numbers that are zero in
/// exact arithmetic (a log-scale coefficient of a shape the data does not support). CPU
/// kernels move the last bits, about 1e-13 relative; a change to the fit moves far more.
enum ModelComparison {
    static let relative = 1e-9
    static let absolute = 1e-9

    static func differences(_ a: TrainedModel, _ b: TrainedModel) throws -> [String] {
        func json<T: Encodable>(_ value: T) throws -> Any {
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(value), options: [.fragmentsAllowed])
        }
        let parts: [(String, Any, Any)] = [
            ("metadata", try json(a.metadata), try json(b.metadata)),
            ("countries", try json(a.countries), try json(b.countries)),
            ("coefficients", a.coefficients.values, b.coefficients.values),
            ("coefficientShape", [a.coefficients.rows, a.coefficients.columns], [b.coefficients.rows, b.coefficients.columns]),
            ("pooledCoefficients", a.pooledCoefficients, b.pooledCoefficients),
            ("newCountryPrior", try json(a.newCountryPrior), try json(b.newCountryPrior)),
            ("calibration", try json(a.calibration), try json(b.calibration)),
            ("multiBucketCalibration", try json(a.multiBucketCalibration), try json(b.multiBucketCalibration)),
        ]
        return parts.flatMap { name, x, y in
            NumericJSON.differences(
                bridge(x), bridge(y), path: name, relative: relative, absolute: absolute)
        }
    }

    /// Swift arrays of numbers as the Foundation values `NumericJSON` walks.
    static func bridge(_ value: Any) -> Any {
        switch value {
        case let doubles as [Double]: return doubles.map { NSNumber(value: $0) }
        case let ints as [Int]: return ints.map { NSNumber(value: $0) }
        default: return value
        }
    }
}
