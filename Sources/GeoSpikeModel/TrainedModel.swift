import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics

/// What a model file says about how and on what the model was trained.
public struct ModelMetadata: Codable, Equatable, Sendable {
    public var toolVersion: String
    public var bucketSpanSeconds: Int64
    public var timeZone: String
    /// First and last training bucket starts, ISO 8601 UTC.
    public var trainingStart: String
    public var trainingEnd: String
    public var trainingBuckets: Int
    public var trainingEvents: Int
    /// Feature layout: the names of the coefficient rows.
    public var columns: [String]
    public var options: TrainingOptions
    /// `TrainingDigest.modelID` of the training that made the model: the `model_id` the
    /// scorer stamps on records. Absent in models from before it was recorded, whose
    /// identifier is then the file's CRC (`ModelFile.readIdentified`).
    public var trainingID: String? = nil
    /// How the clock was chosen from the data, when `options.timeZone` is `auto`; nil for
    /// a zone given by name and for models from before the choice existed.
    public var clock: ClockChoice? = nil
}

/// A fitted model: immutable, complete, and what the scorer needs and nothing more.
///
/// Coefficients are one column-major `columns x countries` matrix, so expected counts for
/// every country of a batch are one `gemm` of the batch's design rows with it.
public struct TrainedModel: Equatable, Sendable {
    public var metadata: ModelMetadata
    /// Sorted by country code; column j of `coefficients` belongs to `countries[j]`.
    public var countries: [CountryModel]
    public var coefficients: Matrix
    /// The pooled seasonal shape of all countries (log scale, intercept = pooled level).
    public var pooledCoefficients: [Double]
    public var newCountryPrior: NewCountryPrior
    /// Held-out exceedances of the single-bucket test.
    public var calibration: Calibration
    /// Held-out exceedances of the multi-bucket test, calibrated on its own: the two tests
    /// err differently (single buckets by heavy tails, windows by correlated buckets), and
    /// one shared correction would tax the better-calibrated test for the other's errors.
    public var multiBucketCalibration: Calibration
    /// The cross-validated calibration of the combined test; when present it replaces the
    /// two held-out calibrations above, which models trained before it carry.
    public var tailCalibration: TailCalibration?

    public init(
        metadata: ModelMetadata, countries: [CountryModel], coefficients: Matrix, pooledCoefficients: [Double],
        newCountryPrior: NewCountryPrior, calibration: Calibration, multiBucketCalibration: Calibration,
        tailCalibration: TailCalibration? = nil
    ) {
        self.tailCalibration = tailCalibration
        self.metadata = metadata
        self.countries = countries
        self.coefficients = coefficients
        self.pooledCoefficients = pooledCoefficients
        self.newCountryPrior = newCountryPrior
        self.calibration = calibration
        self.multiBucketCalibration = multiBucketCalibration
    }

    public var design: SeasonalDesign { metadata.options.design }
    public var bucketSpan: BucketSpan { BucketSpan(seconds: metadata.bucketSpanSeconds) }

    /// The calibrated natural-log probability of a single-bucket test on its own, as the
    /// scorer calibrates it (for views of one bucket, such as an expected band).
    public func calibratedLogProbability(single logProbability: Double, countryRatio: Double = 1) -> Double {
        tailCalibration?.calibratedLogProbability(logProbability, countryRatio: countryRatio)
            ?? calibration.calibratedLogProbability(logProbability)
    }

    /// Column index of each country.
    public var countryIndex: [CountryCode: Int] {
        var index: [CountryCode: Int] = [:]
        for (j, c) in countries.enumerated() { if let code = c.countryCode { index[code] = j } }
        return index
    }

    /// Coefficients of one country.
    public func coefficients(of j: Int) -> [Double] { coefficients.column(j) }

    /// Country-buckets the model judges per day, new countries counting as one more: the
    /// number of tests a day's scoring runs, which turns a probability into expected
    /// false alerts per day.
    public var countryBucketsPerDay: Double {
        Double(countries.count + 1) * 86400 / Double(metadata.bucketSpanSeconds)
    }
}
