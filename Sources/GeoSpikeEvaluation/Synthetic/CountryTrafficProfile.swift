import Foundation
import GeoSpikeIngest

/// How much, and how irregularly, the organisation talks to one country.
///
/// The count in a bucket is Poisson with mean
/// ```
/// rate(t) = baseRate · seasonal(t) · drift(t) · exp(x(t) − σ²/2) · G(t)
/// seasonal(t) = officeShare · BusinessHours(local t) + (1 − officeShare)
/// x(t) = persistence · x(t−1) + σ·√(1 − persistence²) · Z(t),  G(t) ~ Gamma(k, 1/k)
/// ```
/// so `baseRate · seasonal · drift` is the mean, the AR(1) term `x` makes busy buckets
/// follow busy buckets, and the gamma factor adds overdispersion: variance
/// ≈ mean + mean²·(1/k + σ²). Large countries get a large `k` (mildly overdispersed),
/// some small ones a `k` below 1 (strongly bursty).
public struct CountryTrafficProfile: Sendable {
    public let country: CountryCode
    /// 0 for the country with the most traffic.
    public let rank: Int
    /// Mean events per 15-minute bucket over a normal week, before drift.
    public let baseRate: Double
    /// Share of the traffic that follows office hours; the rest is machine background.
    public let officeShare: Double
    /// Shape `k` of the per-bucket gamma factor: smaller is more overdispersed.
    public let gammaShape: Double
    /// AR(1) coefficient of the log-rate noise between consecutive buckets.
    public let persistence: Double
    /// Stationary standard deviation σ of the log-rate noise.
    public let logRateSD: Double
    /// Slow trend of the log rate per year, and a slow oscillation on top of it.
    public let driftPerYear: Double
    public let driftAmplitude: Double
    public let driftPeriodDays: Double
    public let driftPhase: Double

    /// The multiplicative drift at `epochSeconds`, 1 at the default scenario start, so
    /// that every window of the same seed sees the same level at the same instant.
    public func drift(at epochSeconds: Int64) -> Double {
        let days = Double(epochSeconds - SyntheticScenario.defaultStart) / 86_400
        return exp(
            driftPerYear * days / 365.25 + driftAmplitude * sin(2 * Double.pi * days / driftPeriodDays + driftPhase))
    }

    /// The seasonal factor for a business-hours activity level (mean 1 over a week).
    public func seasonal(activity: Double) -> Double {
        officeShare * activity + (1 - officeShare)
    }

    /// Draws the profiles of the first `count` usual countries; they depend on the seed and
    /// volume only, never on the time window.
    static func draw(seed: UInt64, count: Int, volume: Double) -> [CountryTrafficProfile] {
        var rng = SeededGenerator(seed: seed, stream: SyntheticStreams.profiles)
        let all = SyntheticCountryCatalog.usual
        // Heavy tail: Zipf-like weights jittered per seed, scaled so that the forty most
        // usual countries sum to about 42 events per bucket at volume 1.
        let weights = all.indices.map { pow(Double($0 + 1), -1.25) * rng.logNormal(mu: 0, sigma: 0.25) }
        let scale = 42 * volume / weights.prefix(40).reduce(0, +)
        return (0..<count).compactMap { rank in
            guard let country = CountryCode(all[rank]) else { return nil }
            let big = rank < 6
            let mid = rank < 15
            let shape = big ? rng.uniform(20, 50) : mid ? rng.uniform(6, 20) : pow(10, rng.uniform(-0.3, 1.0))
            return CountryTrafficProfile(
                country: country, rank: rank, baseRate: weights[rank] * scale,
                officeShare: big ? rng.uniform(0.75, 0.9) : rng.uniform(0.5, 0.85),
                gammaShape: shape,
                persistence: rng.uniform(0.6, 0.92),
                logRateSD: big ? rng.uniform(0.06, 0.12) : rng.uniform(0.1, 0.3),
                driftPerYear: max(-0.5, min(0.5, 0.2 * rng.normal())),
                driftAmplitude: rng.uniform(0.03, 0.15),
                driftPeriodDays: rng.uniform(30, 120),
                driftPhase: rng.uniform(0, 2 * Double.pi))
        }
    }
}
