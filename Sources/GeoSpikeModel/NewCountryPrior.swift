/// How a country never seen in training is judged: a hurdle model.
///
/// ```
/// P(N ≥ k) = π · P(1 + S ≥ k)   for k ≥ 1,   S ~ NB(sizeMean, sizeDispersion)
/// ```
/// `π` is how often a rarely seen country has any traffic in a bucket, and `S` how many
/// events such a bucket holds beyond the first, both learnt from the sparse countries of
/// the training data. So one or two events to a new country is unusual but not a volume
/// spike, and dozens are.
public struct NewCountryPrior: Codable, Equatable, Sendable {
    /// Probability that a bucket has any traffic to a given new country.
    public var nonZeroProbability: Double
    /// Mean number of events beyond the first in a non-empty bucket.
    public var sizeMean: Double
    /// NB dispersion of that excess.
    public var sizeDispersion: Double
    /// Countries the prior was learnt from.
    public var sourceCountries: Int

    public init(nonZeroProbability: Double, sizeMean: Double, sizeDispersion: Double, sourceCountries: Int) {
        self.nonZeroProbability = nonZeroProbability
        self.sizeMean = sizeMean
        self.sizeDispersion = sizeDispersion
        self.sourceCountries = sourceCountries
    }

    /// What the prior falls back to when training has no sparse countries to learn from.
    public static let fallback = NewCountryPrior(
        nonZeroProbability: 1e-3, sizeMean: 1, sizeDispersion: 1, sourceCountries: 0)

    /// Expected events in a bucket.
    public var expectedCount: Double { nonZeroProbability * (1 + sizeMean) }
}
