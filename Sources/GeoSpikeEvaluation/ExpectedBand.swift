import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeNumerics
import GeoSpikeScore

/// The counts a model expects for one country, bucket by bucket: the central 90% of its
/// predictive distribution, and the count at which one bucket alone would alert.
///
/// Quantiles are read off the same tail functions the scorer uses (`CountryModel`'s
/// upper tail, or the new-country prior's), and the alert level through the model's
/// calibration and `AnomalyScale`, so the band is the scorer's view, not a refit.
/// A sustained rise can alert below the single-bucket level through the multi-bucket test.
public struct ExpectedBand: Sendable {
    public var bucketStarts: [Int64]
    public var lower: [Double]
    public var upper: [Double]
    public var alertLevel: [Double]

    /// The band of `country` over `bucketStarts`; countries not in the model get the prior's.
    public init(model: TrainedModel, country: CountryCode, bucketStarts: [Int64], threshold: Double) throws {
        self.bucketStarts = bucketStarts
        let clock = try LocalClock(identifier: model.metadata.timeZone)
        let logTail: (Int, Double) -> Double
        var countryRatio = 1.0
        if let j = model.countryIndex[country] {
            countryRatio = model.countries[j].calibrationRatio
            let eta = BLAS.multiply(model.designRows(for: bucketStarts, clock: clock), model.coefficients(of: j))
            let countryModel = model.countries[j]
            logTail = { b, k in countryModel.logUpperTail(actual: k, linearPredictor: eta[b]) }
        } else {
            let prior = model.newCountryPrior
            logTail = { _, k in prior.logUpperTail(actual: k) }
        }
        let logPerDay = log(model.countryBucketsPerDay)
        lower = []
        upper = []
        alertLevel = []
        for b in bucketStarts.indices {
            // P(N ≥ k) falls as k grows: each level is the first k past a cut.
            lower.append(Double(max(0, Self.firstCount { logTail(b, Double($0)) < log(0.95) } - 1)))
            upper.append(Double(Self.firstCount { logTail(b, Double($0 + 1)) <= log(0.05) }))
            alertLevel.append(
                Double(
                    Self.firstCount {
                        $0 > 0
                            && AnomalyScale.recordScore(
                                logExpectedPerDay: logPerDay
                                    + model.calibratedLogProbability(
                                        single: logTail(b, Double($0)), countryRatio: countryRatio)) >= threshold
                    }))
        }
    }

    /// The smallest count ≥ 0 where the monotone `condition` holds (doubling, then bisection).
    static func firstCount(_ condition: (Int) -> Bool) -> Int {
        if condition(0) { return 0 }
        var low = 0
        var high = 1
        while !condition(high) {
            low = high
            high *= 2
            if high > 1 << 30 { return high }
        }
        while high - low > 1 {
            let mid = (low + high) / 2
            if condition(mid) { high = mid } else { low = mid }
        }
        return high
    }
}
