import Foundation
import GeoSpikeNumerics

/// The NB2 log-likelihood as a function of the dispersion α alone, at fixed cell means.
///
/// ```
/// ℓ(α) = Σ_y H_y [log Γ(y + r) − log Γ(r)] − Σ_c [(S_c + r W_c) log(1 + μ_c/r)] − S log r,   r = 1/α
/// ```
/// with `H_y` the summed weight of buckets holding count y, and per cell c the weight `W_c`,
/// weighted count sum `S_c` and mean `μ_c`; `S = Σ_c S_c`. The terms that do not depend on α
/// are left out. A dispersion search evaluates this several times at the same means,
/// so everything that does not depend on α is computed once, here:
/// - for counts below `summedBelow`, `log Γ(y + r) − log Γ(r) = Σ_{j<y} log(r + j)`, so
///   `Σ_y H_y Σ_{j<y} log(r + j) = Σ_j T_j log(r + j)` with `T_j` the weight of the counts
///   above j: one logarithm per j instead of one per (y, j);
/// - larger counts go through the numerics module's cancellation-free log Pochhammer.
///
/// `slope` gives the first two derivatives in θ = log α, for Newton's method:
/// ```
/// ℓ_r  = Σ_j T_j/(r + j) + Σ_y H_y [ψ(r + y) − ψ(r)] − Σ_c [W_c L_c − (S_c + r W_c) q_c] − S/r
/// ℓ_rr = −Σ_j T_j/(r + j)² + Σ_y H_y [ψ′(r + y) − ψ′(r)] + Σ_c [2 W_c q_c − (S_c + r W_c) q′_c] + S/r²
/// dℓ/dθ = −r ℓ_r,   d²ℓ/dθ² = r ℓ_r + r² ℓ_rr
/// ```
/// with `L_c = log(1 + μ_c/r)`, `q_c = μ_c / (r (r + μ_c))` and `q′_c = μ_c (2r + μ_c) / (r (r + μ_c))²`
/// (the large-count sums run over counts of at least `summedBelow`).
struct DispersionLikelihood {
    /// Counts below this are summed exactly; above, the log Pochhammer is both cheaper and exact enough.
    static let summedBelow = 64

    private let means: [Double]
    private let cellWeights: [Double]
    private let cellSums: [Double]
    private let totalSum: Double
    /// `T_j`: the summed weight of buckets with j < count < `summedBelow`.
    private let weightAbove: [Double]
    /// Counts of at least `summedBelow`, with their weights.
    private let largeCounts: [(count: Double, weight: Double)]

    /// - Parameter means: μ_c = exp(η_c) per cell, as the mean fit left them.
    init(means: [Double], cells: SeasonalCells, counts: CountryCellCounts) {
        self.means = means
        cellWeights = cells.weights
        cellSums = counts.weightedSums
        totalSum = counts.weightedSums.reduce(0, +)
        let small = counts.histogram.filter { $0.count > 0 && $0.count < Double(Self.summedBelow) }
        var above = [Double](repeating: 0, count: Int(small.last?.count ?? 0))
        // Accumulated from the largest count down, so T_j = T_{j+1} + H_{j+1}.
        var tail = 0.0
        var next = small.count - 1
        for j in stride(from: above.count - 1, through: 0, by: -1) {
            while next >= 0, small[next].count > Double(j) {
                tail += small[next].weight
                next -= 1
            }
            above[j] = tail
        }
        weightAbove = above
        largeCounts = counts.histogram.filter { $0.count >= Double(Self.summedBelow) }
    }

    /// ℓ(α) for α > 0.
    func value(alpha: Double) -> Double {
        let r = 1 / alpha
        var total = 0.0
        for j in weightAbove.indices { total += weightAbove[j] * log(r + Double(j)) }
        for (y, weight) in largeCounts { total += weight * SpecialFunctions.logPochhammer(r, y) }
        var cellTerms = 0.0
        for c in means.indices {
            // (S + rW) log(1 + μ/r) stays finite as r → ∞, where r log r − (S/W + r) log(r + μ) would not.
            cellTerms += (cellSums[c] + r * cellWeights[c]) * log1p(means[c] * alpha)
        }
        return total - cellTerms - totalSum * log(r)
    }

    /// dℓ/dθ and d²ℓ/dθ² at θ = log α.
    func slope(logAlpha: Double) -> (first: Double, second: Double) {
        let alpha = exp(logAlpha)
        let r = 1 / alpha
        var first = 0.0
        var second = 0.0
        for j in weightAbove.indices {
            let inverse = 1 / (r + Double(j))
            first += weightAbove[j] * inverse
            second -= weightAbove[j] * inverse * inverse
        }
        if !largeCounts.isEmpty {
            let (digammaR, trigammaR) = (SpecialFunctions.digamma(r), SpecialFunctions.trigamma(r))
            for (y, weight) in largeCounts {
                first += weight * (SpecialFunctions.digamma(r + y) - digammaR)
                second += weight * (SpecialFunctions.trigamma(r + y) - trigammaR)
            }
        }
        for c in means.indices {
            let mu = means[c]
            let w = cellWeights[c]
            let both = cellSums[c] + r * w
            let shifted = r + mu
            let q = mu / (r * shifted)
            first -= w * log1p(mu * alpha) - both * q
            second += 2 * w * q - both * mu * (2 * r + mu) / (r * r * shifted * shifted)
        }
        first -= totalSum / r
        second += totalSum / (r * r)
        return (-r * first, r * first + r * r * second)
    }
}
