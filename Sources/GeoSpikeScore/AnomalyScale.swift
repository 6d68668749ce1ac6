import Foundation

/// Turns probabilities into Elastic-style scores.
///
/// Two scores, as Elastic has two:
/// - the **raw score** is Elastic's fixed map of a probability p:
///   0 for p ≥ 0.05; 0..1 for 1e-4 ≤ p < 0.05; 1..50 linear in −log p for
///   1e-50 ≤ p < 1e-4; 50..100 beyond (reaching 100 at 1e-300).
/// - the **record score** (0–100) is normalised, as Elastic normalises against history,
///   but against something a detection engineer can reason about: E, the number of
///   country-buckets per day expected to look at least this anomalous on clean traffic,
///   from the calibrated probability and how many country-buckets the model judges a day:
///   ```
///   E = countryBucketsPerDay · p_calibrated
///   u = −log10 E
///   score = 25 · max(0, u + 3) / 2       u ≤ −1   (E ≥ 10 a day)
///         = 50 + 25 u                    −1 < u ≤ 1
///         = 75 + 25 (1 − e^{−(u−1)/2})   u > 1    (rarer than once in 10 days)
///   ```
///   So a score of 50 is as rare as one country-bucket a day, and the default alert
///   threshold 75 as rare as one every ten days, over the whole model. The threshold
///   therefore predicts alerts per day on clean data, and `expectedPerDay(atScore:)` says
///   how many.
public enum AnomalyScale {
    /// Elastic's raw score for a natural-log probability.
    public static func rawScore(logProbability lp: Double) -> Double {
        let x = -lp / log(10)  // −log10 p
        switch x {
        case ..<(-log10(0.05)): return 0
        case ..<4: return (x + log10(0.05)) / (4 + log10(0.05))
        case ..<50: return 1 + 49 * (x - 4) / 46
        default: return min(100, 50 + 50 * (x - 50) / 250)
        }
    }

    /// The record score for expected clean occurrences per day E (natural log given).
    public static func recordScore(logExpectedPerDay logE: Double) -> Double {
        let u = -logE / log(10)
        let score: Double
        if u <= -1 {
            score = 25 * max(0, u + 3) / 2
        } else if u <= 1 {
            score = 50 + 25 * u
        } else {
            score = 75 + 25 * (1 - exp(-(u - 1) / 2))
        }
        return min(100, max(0, score))
    }

    /// The inverse: expected clean country-buckets per day scoring at least `score`.
    /// This is the model's prediction of false alerts per day at a threshold.
    public static func expectedPerDay(atScore score: Double) -> Double {
        let u: Double
        if score <= 25 {
            u = 2 * score / 25 - 3
        } else if score <= 75 {
            u = (score - 50) / 25
        } else {
            u = 1 - 2 * log(max(1e-300, 1 - (score - 75) / 25))
        }
        return pow(10, -u)
    }

    /// Elastic's severity bands.
    public static func severity(recordScore s: Double) -> String {
        switch s {
        case 75...: return "critical"
        case 50..<75: return "major"
        case 25..<50: return "minor"
        default: return "warning"
        }
    }
}
