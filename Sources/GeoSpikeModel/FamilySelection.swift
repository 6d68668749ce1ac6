/// Why a country got its family: the held-out log-likelihood of each candidate.
public struct FamilySelection: Codable, Equatable, Sendable {
    /// Mean log-likelihood per held-out bucket, by family raw value; higher is better.
    public var holdoutLogLikelihood: [String: Double]
    /// A sentence for `inspect`: which family won and by how much, or why no contest was run.
    public var reason: String

    public init(holdoutLogLikelihood: [String: Double], reason: String) {
        self.holdoutLogLikelihood = holdoutLogLikelihood
        self.reason = reason
    }
}
