import Foundation
import GeoSpikeNumerics

/// A country's fitted seasonal mean and spread, before it becomes a `CountryModel`.
public struct SeasonalFit: Sendable {
    public var family: CountFamily
    public var coefficients: [Double]
    public var dispersion: Double = 0
    public var sigma: Double = 0
    /// Variance of the fitted mean log level (see `CountryModel.levelVariance`).
    public var levelVariance: Double = 0
    /// Penalised IRLS iterations used for the final mean.
    public var iterations: Int = 0
}

/// Where a country's seasonal coefficients are pulled when data is scarce: the pooled
/// shape of all countries, with a prior precision on every coefficient but the intercept.
public struct ShapePrior: Sendable {
    public var mean: [Double]
    public var precision: Double

    public init(mean: [Double], precision: Double) {
        self.mean = mean
        self.precision = precision
    }

    /// No pull at all (a flat prior), for the pooled fit itself.
    public static func none(columns: Int) -> ShapePrior { ShapePrior(mean: .init(repeating: 0, count: columns), precision: 1e-8) }
}

/// A normal prior on log dispersion, centred on the pooled dispersion of data-rich countries.
public struct DispersionPrior: Sendable {
    public var logMean: Double
    public var precision: Double

    public init(mean: Double, sd: Double) {
        logMean = log(mean)
        precision = 1 / (sd * sd)
    }

    /// Nearly flat, for a first pass that learns the pooled dispersion.
    public static let weak = DispersionPrior(mean: 0.1, sd: 10)
}

/// Penalised maximum-likelihood fits of the seasonal count models on `SeasonalCells`.
public enum SeasonalFitter {
    /// The IRLS stopping rule: relative change of the penalised log-likelihood.
    static let tolerance = 1e-10
    static let maxIterations = 100
    /// Dispersion search bounds: below 1e-6 NB is Poisson for any count seen here; above
    /// 1e3 a country has nothing but zeros and rare bursts.
    static let dispersionRange = (log(1e-6), log(1e3))

    /// Pseudo-events behind a slot effect: a slot's ratio of observed to expected counts is
    /// `(κ + observed)/(κ + expected)`, the posterior mean under a Gamma(κ, κ) prior, so a
    /// slot departs from the smooth shape only on repeated evidence.
    static let slotPriorEvents = 10.0
    /// The same for the log-normal family, in buckets of weight.
    static let slotPriorWeight = 10.0

    /// Poisson (dispersion 0) or NB2 with dispersion by penalised maximum likelihood, then
    /// slot effects by backfitting (two rounds: smooth fit, slot effects, smooth fit with
    /// those as offsets, slot effects again).
    public static func fitCounts(
        family: CountFamily, cells: SeasonalCells, counts: CountryCellCounts, shape: ShapePrior,
        dispersionPrior: DispersionPrior = .weak
    ) throws -> SeasonalFit {
        precondition(family != .logNormal)
        var beta = startingCoefficients(cells: cells, counts: counts, shape: shape)
        var alpha = family == .poisson ? 0 : exp(dispersionPrior.logMean)
        var offsets = [Double](repeating: 0, count: cells.cellCount)
        var effects = [Double](repeating: 0, count: cells.slotEffectCount)
        var iterations = 0
        var information = Matrix(rows: 0, columns: 0)
        for _ in 0..<(cells.slotEffectCount > 0 ? 2 : 1) {
            // Alternate: the mean given the dispersion, then the dispersion given the mean.
            for _ in 0..<(family == .poisson ? 1 : 25) {
                let step = try fitMean(
                    beta: beta, alpha: alpha, offsets: offsets, cells: cells, counts: counts, shape: shape)
                beta = step.beta
                information = step.information
                iterations += step.iterations
                guard family == .negativeBinomial else { break }
                let next = fitDispersion(
                    means: step.means, cells: cells, counts: counts, prior: dispersionPrior, near: alpha)
                let converged = abs(log(next) - log(alpha)) < 1e-5
                alpha = next
                if converged { break }
            }
            guard cells.slotEffectCount > 0 else { break }
            effects = countSlotEffects(smooth: cellMeans(beta, cells), cells: cells, counts: counts)
            offsets = cells.slotEffect.map { $0 >= 0 ? effects[$0] : 0 }
        }
        if family == .negativeBinomial {
            let means = linearPredictors(beta, offsets, cells).map { exp($0) }
            alpha = fitDispersion(means: means, cells: cells, counts: counts, prior: dispersionPrior, near: alpha)
            information = try fitMean(
                beta: beta, alpha: alpha, offsets: offsets, cells: cells, counts: counts, shape: shape
            ).information
        }
        return SeasonalFit(
            family: family, coefficients: beta + effects, dispersion: alpha, sigma: 0,
            levelVariance: try levelVariance(information: information, cells: cells), iterations: iterations)
    }

    /// A quick NB dispersion for a country: α once, at the means of its Poisson fit (with
    /// slot effects). Used only to centre the pooled dispersion prior, where full
    /// alternation is wasted.
    public static func quickDispersion(poisson: SeasonalFit, cells: SeasonalCells, counts: CountryCellCounts) -> Double {
        let eta = cellLinearPredictors(poisson.coefficients, cells)
        return fitDispersion(means: eta.map { exp($0) }, cells: cells, counts: counts, prior: .weak)
    }

    /// η for every cell from a fit's coefficients: the smooth columns, then the slot effects.
    static func cellLinearPredictors(_ coefficients: [Double], _ cells: SeasonalCells) -> [Double] {
        let smoothCount = cells.design.columns
        let effects = Array(coefficients.dropFirst(smoothCount))
        let offsets = cells.slotEffect.map { $0 >= 0 ? effects[$0] : 0 }
        return linearPredictors(Array(coefficients.prefix(smoothCount)), offsets, cells)
    }

    /// log of `(κ + observed)/(κ + expected)` per slot, expected from the smooth fit.
    static func countSlotEffects(smooth eta: [Double], cells: SeasonalCells, counts: CountryCellCounts) -> [Double] {
        var observed = [Double](repeating: 0, count: cells.slotEffectCount)
        var expected = [Double](repeating: 0, count: cells.slotEffectCount)
        for c in 0..<cells.cellCount where cells.slotEffect[c] >= 0 {
            observed[cells.slotEffect[c]] += counts.weightedSums[c]
            expected[cells.slotEffect[c]] += cells.weights[c] * exp(eta[c])
        }
        return zip(observed, expected).map { log((slotPriorEvents + $0) / (slotPriorEvents + $1)) }
    }

    /// η = Xβ + offsets for every cell.
    static func linearPredictors(_ beta: [Double], _ offsets: [Double], _ cells: SeasonalCells) -> [Double] {
        var eta = cellMeans(beta, cells)
        for c in eta.indices { eta[c] += offsets[c] }
        return eta
    }

    /// log(count + 1) normal with a seasonal mean: weighted least squares on the cell sums,
    /// with the shape prior scaled by the residual variance (a conjugate normal prior).
    public static func fitLogNormal(cells: SeasonalCells, counts: CountryCellCounts, shape: ShapePrior) throws -> SeasonalFit {
        let totalWeight = cells.weights.reduce(0, +)
        var sigma2 = 1.0
        var beta = shape.mean
        var information = Matrix(rows: 0, columns: 0)
        var offsets = [Double](repeating: 0, count: cells.cellCount)
        var effects = [Double](repeating: 0, count: cells.slotEffectCount)
        for round in 0..<(cells.slotEffectCount > 0 ? 3 : 2) {
            // Regress log(count + 1) minus the slot offsets on the smooth columns.
            var responses = counts.weightedLogSums
            for c in responses.indices { responses[c] -= cells.weights[c] * offsets[c] }
            let system = weightedSystem(
                cells: cells, cellWeights: cells.weights, responses: responses,
                penalty: sigma2 * shape.precision, prior: shape.mean)
            beta = try LAPACK.solvePositiveDefinite(system.matrix, system.rhs)
            information = system.matrix
            let smooth = cellMeans(beta, cells)
            if cells.slotEffectCount > 0 && round > 0 {
                var residual = [Double](repeating: 0, count: cells.slotEffectCount)
                var weight = [Double](repeating: 0, count: cells.slotEffectCount)
                for c in 0..<cells.cellCount where cells.slotEffect[c] >= 0 {
                    residual[cells.slotEffect[c]] += counts.weightedLogSums[c] - cells.weights[c] * smooth[c]
                    weight[cells.slotEffect[c]] += cells.weights[c]
                }
                effects = zip(residual, weight).map { $0 / ($1 + slotPriorWeight) }
                offsets = cells.slotEffect.map { $0 >= 0 ? effects[$0] : 0 }
            }
            var rss = 0.0
            for c in 0..<cells.cellCount {
                let m = smooth[c] + offsets[c]
                rss += counts.weightedLogSquares[c] - 2 * m * counts.weightedLogSums[c] + m * m * cells.weights[c]
            }
            sigma2 = max(rss / totalWeight, 1e-6)
        }
        var fit = SeasonalFit(family: .logNormal, coefficients: beta + effects, sigma: sigma2.squareRoot())
        fit.levelVariance = sigma2 * (try levelVariance(information: information, cells: cells))
        return fit
    }

    /// Intercept at the weighted mean rate, shape at the prior.
    static func startingCoefficients(cells: SeasonalCells, counts: CountryCellCounts, shape: ShapePrior) -> [Double] {
        var beta = shape.mean
        let rate = counts.weightedSums.reduce(0, +) / max(cells.weights.reduce(0, +), 1e-300)
        // Centre the prior shape's mean level on the observed rate.
        let shapeLevel = zip(cellMeans(beta, cells), cells.weights).reduce(0) { $0 + exp($1.0) * $1.1 }
            / max(cells.weights.reduce(0, +), 1e-300)
        beta[0] += log(max(rate, 1e-6)) - log(max(shapeLevel, 1e-300))
        return beta
    }

    /// η for every cell: one gemv.
    static func cellMeans(_ beta: [Double], _ cells: SeasonalCells) -> [Double] {
        BLAS.multiply(cells.design, beta)
    }

    struct MeanStep {
        var beta: [Double]
        /// The cell means at `beta` (offsets included), for the dispersion step that follows.
        var means: [Double]
        var information: Matrix
        var iterations: Int
    }

    /// Penalised IRLS for the log mean at fixed dispersion α.
    ///
    /// Per cell c with weight W, weighted count sum S and mean μ = exp(x·β), NB2's score is
    /// `x (S − Wμ)/(1 + αμ)` and its Fisher information `x xᵀ Wμ/(1 + αμ)`, so each Newton
    /// step solves `(Xᵀ Ω X + λD) β' = Xᵀ (Ω η + r) + λD β₀` with Ω = Wμ/(1+αμ),
    /// r = (S − Wμ)/(1+αμ), D = diag(0, 1, …, 1), by Cholesky.
    static func fitMean(
        beta start: [Double], alpha: Double, offsets: [Double], cells: SeasonalCells, counts: CountryCellCounts,
        shape: ShapePrior
    ) throws -> MeanStep {
        var beta = start
        // The means at the current β come with its objective, and serve the next Newton step.
        var (objective, eta, means) = penalisedLogLikelihood(beta, alpha, offsets, cells, counts, shape)
        var system = (matrix: Matrix(rows: 0, columns: 0), rhs: [Double]())
        for iteration in 1...maxIterations {
            let omega = (0..<cells.cellCount).map { c in cells.weights[c] * means[c] / (1 + alpha * means[c]) }
            // The working response excludes the offset: the system solves for Xβ only.
            let response = (0..<cells.cellCount).map { c in
                omega[c] * (eta[c] - offsets[c]) + (counts.weightedSums[c] - cells.weights[c] * means[c]) / (1 + alpha * means[c])
            }
            system = weightedSystem(
                cells: cells, cellWeights: omega, responses: response, penalty: shape.precision, prior: shape.mean)
            var proposal = try LAPACK.solvePositiveDefinite(system.matrix, system.rhs)
            var next = penalisedLogLikelihood(proposal, alpha, offsets, cells, counts, shape)
            // Step halving keeps IRLS from overshooting where a cell's mean is near zero.
            var halvings = 0
            while !(next.value >= objective - 1e-12 * abs(objective)) && halvings < 30 {
                for j in proposal.indices { proposal[j] = 0.5 * (proposal[j] + beta[j]) }
                next = penalisedLogLikelihood(proposal, alpha, offsets, cells, counts, shape)
                halvings += 1
            }
            let change = abs(next.value - objective) / max(1, abs(objective))
            beta = proposal
            (objective, eta, means) = next
            if change < tolerance {
                return MeanStep(beta: beta, means: means, information: system.matrix, iterations: iteration)
            }
        }
        return MeanStep(beta: beta, means: means, information: system.matrix, iterations: maxIterations)
    }

    /// `Xᵀ diag(w) X + λD` and `Xᵀ responses + λD β₀`: the Gram matrix through `dsyrk`
    /// on √w-scaled rows.
    static func weightedSystem(
        cells: SeasonalCells, cellWeights: [Double], responses: [Double], penalty: Double, prior: [Double]
    ) -> (matrix: Matrix, rhs: [Double]) {
        // One square root per cell, and the scaled design written once (not copied, then
        // scaled in place) by a loop over raw pointers that the compiler vectorises: IRLS
        // builds this system some ten thousand times per training.
        let roots = cellWeights.map { $0.squareRoot() }
        let (rows, columns) = (cells.design.rows, cells.design.columns)
        let scaled = [Double](unsafeUninitializedCapacity: rows * columns) { values, initialised in
            cells.design.values.withUnsafeBufferPointer { design in
                roots.withUnsafeBufferPointer { root in
                    guard let out = values.baseAddress, let from = design.baseAddress, let root = root.baseAddress
                    else { return }
                    for j in 0..<columns {
                        let (outColumn, designColumn) = (out + j * rows, from + j * rows)
                        for c in 0..<rows { outColumn[c] = designColumn[c] * root[c] }
                    }
                }
            }
            initialised = rows * columns
        }
        var gram = BLAS.gram(Matrix(rows: rows, columns: columns, columnMajor: scaled))
        var rhs = BLAS.multiply(cells.design, responses, transpose: true)
        for j in 1..<max(1, gram.columns) {
            gram[j, j] += penalty
            rhs[j] += penalty * prior[j]
        }
        // A tiny ridge on the intercept keeps an all-zero country solvable.
        gram[0, 0] += 1e-10
        return (gram, rhs)
    }

    /// Σ_c [S η − (S + rW) log(r + μ)] for NB2 (r = 1/α), Σ_c [S η − W μ] for Poisson,
    /// minus the shape penalty; the terms that do not depend on β are left out. Returns
    /// the linear predictors η and means μ = exp(η) it computed on the way.
    static func penalisedLogLikelihood(
        _ beta: [Double], _ alpha: Double, _ offsets: [Double], _ cells: SeasonalCells, _ counts: CountryCellCounts,
        _ shape: ShapePrior
    ) -> (value: Double, eta: [Double], means: [Double]) {
        let eta = linearPredictors(beta, offsets, cells)
        let means = eta.map { exp($0) }
        var total = 0.0
        if alpha > 0 {
            let r = 1 / alpha
            let logR = log(r)
            for c in 0..<cells.cellCount {
                let s = counts.weightedSums[c]
                total += s * eta[c] - (s + r * cells.weights[c]) * (log(r + means[c]) - logR)
            }
        } else {
            for c in 0..<cells.cellCount {
                total += counts.weightedSums[c] * eta[c] - cells.weights[c] * means[c]
            }
        }
        var penalty = 0.0
        for j in 1..<beta.count { penalty += (beta[j] - shape.mean[j]) * (beta[j] - shape.mean[j]) }
        return (total.isFinite ? total - 0.5 * shape.precision * penalty : -Double.infinity, eta, means)
    }

    /// The NB2 dispersion maximising the penalised profile likelihood in log α, by Newton's
    /// method on its slope, kept inside a bracket that shrinks at every step and falling
    /// back to bisection where Newton would leave it (near α → 0 the likelihood flattens
    /// and plain Newton steps wander).
    /// - Parameter near: a previous estimate; the search then starts there, in a bracket of
    ///   ±1.5 around it (an alternating fit moves α little once the mean settles), widened
    ///   to the full range if the optimum sits on the bracket's edge.
    static func fitDispersion(
        means: [Double], cells: SeasonalCells, counts: CountryCellCounts, prior: DispersionPrior,
        near: Double? = nil
    ) -> Double {
        let likelihood = DispersionLikelihood(means: means, cells: cells, counts: counts)
        let slope = { (logAlpha: Double) -> (first: Double, second: Double) in
            let data = likelihood.slope(logAlpha: logAlpha)
            return (data.first - prior.precision * (logAlpha - prior.logMean), data.second - prior.precision)
        }
        let (lowest, highest) = dispersionRange
        if let near, near > 0 {
            let centre = log(near)
            let bracket = (max(lowest, centre - 1.5), min(highest, centre + 1.5))
            let found = maximise(slope: slope, bracket, from: centre)
            let onEdge =
                (found - bracket.0 < 1e-3 && bracket.0 > lowest) || (bracket.1 - found < 1e-3 && bracket.1 < highest)
            if !onEdge { return exp(found) }
        }
        return exp(maximise(slope: slope, (lowest, highest), from: min(max(prior.logMean, lowest), highest)))
    }

    /// The accuracy of the dispersion search on log α: well below the 1e-5 at which the
    /// alternating fit calls α settled, so that search noise does not keep it alternating.
    static let dispersionTolerance = 1e-8

    /// The maximiser on `interval` of a function with one maximum there, given its first
    /// and second derivatives: safeguarded Newton (as `rtsafe` in Numerical Recipes, §9.4).
    ///
    /// The bracket [low, high] always holds the maximum: a positive slope at x moves `low` to
    /// x, a negative one moves `high`. A Newton step that leaves the bracket, or one taken
    /// where the function is not concave, is replaced by the bracket's edge on the side the
    /// slope points to if that edge has not been evaluated yet (a maximum on the edge then
    /// takes one evaluation), else by bisection. Stops when a step is shorter than
    /// `dispersionTolerance`; Newton converges quadratically, so the last step bounds the error.
    static func maximise(
        slope: (Double) -> (first: Double, second: Double), _ interval: (Double, Double), from start: Double
    ) -> Double {
        var (low, high) = interval
        var (lowEvaluated, highEvaluated) = (false, false)
        var x = start
        for _ in 0..<200 {
            let (first, second) = slope(x)
            if first == 0 { return x }
            if first > 0 { (low, lowEvaluated) = (x, true) } else { (high, highEvaluated) = (x, true) }
            if high - low < dispersionTolerance { return (low + high) / 2 }
            var next = second < 0 ? x - first / second : .nan
            if !(next > low && next < high) {
                if first > 0 && !highEvaluated {
                    next = high
                } else if first < 0 && !lowEvaluated {
                    next = low
                } else {
                    next = (low + high) / 2
                }
            }
            if abs(next - x) < dispersionTolerance { return next }
            x = next
        }
        return x
    }

    /// Variance of the weighted-average log level `x̄ᵀ A⁻¹ x̄`, with A the penalised information.
    static func levelVariance(information: Matrix, cells: SeasonalCells) throws -> Double {
        guard information.rows > 0 else { return 0 }
        let covariance = try LAPACK.inversePositiveDefinite(information)
        let total = cells.weights.reduce(0, +)
        var average = BLAS.multiply(cells.design, cells.weights, transpose: true)
        for j in average.indices { average[j] /= max(total, 1e-300) }
        let v = BLAS.dot(average, BLAS.multiply(covariance, average))
        return max(0, v)
    }
}
