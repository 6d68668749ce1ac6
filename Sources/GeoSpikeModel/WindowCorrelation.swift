import GeoSpikeNumerics

/// How much more a window's total varies than the sum of its buckets' variances, measured
/// on a country's training buckets.
///
/// The multi-bucket test sums a window of buckets as if each were independent around its
/// expected count. Traffic is not: a busy spell (a sync, a backup, a meeting) lifts a run
/// of buckets together, so the total of w buckets varies by
///
/// ```
/// 1 + 2 Σₖ (1 − k/w) ρₖ,   k = 1 … w − 1
/// ```
///
/// times the sum of their variances, where ρₖ is the correlation of standardised residuals
/// k buckets apart. Ignored, such spells read as one-in-a-million windows: on synthetic
/// histories whose noise is an AR(1) in log rate, a clean week raised up to 1.7 alerts a
/// day from them (busy countries measured factors of 1.6 to 2).
enum WindowCorrelation {
    /// The factor for windows of `window` buckets from one country's standardised training
    /// residuals, (count − expected) / sd, in time order; at least 1 (negative correlation
    /// is not relied on) and at most `window`.
    static func varianceFactor(residuals: [Double], window: Int) -> Double {
        let n = residuals.count
        guard window > 1, n > 2 * window else { return 1 }
        let mean = residuals.reduce(0, +) / Double(n)
        let centred = residuals.map { $0 - mean }
        let total = BLAS.dot(centred, centred)
        guard total > 0 else { return 1 }
        var factor = 1.0
        for k in 1..<window {
            factor += 2 * (1 - Double(k) / Double(window)) * BLAS.laggedDot(centred, lag: k) / total
        }
        return min(max(factor, 1), Double(window))
    }

    /// The factor of a fitted country over the training buckets of `cells`, its counts
    /// given as (bucket, count) pairs for the buckets with events.
    static func varianceFactor(
        model: CountryModel, coefficients: [Double], cells: SeasonalCells, buckets: ArraySlice<Int>,
        counts: ArraySlice<Int>, window: Int
    ) -> Double {
        let eta = SeasonalFitter.cellLinearPredictors(coefficients, cells)
        let expected = eta.map { model.expectedCount(linearPredictor: $0) }
        let inverseSD = eta.map { eta in
            let variance = model.variance(linearPredictor: eta)
            return variance > 0 ? 1 / variance.squareRoot() : 0
        }
        // Every bucket at its zero-count residual, then the buckets with events corrected.
        var residuals = cells.bucketCell.map { -expected[Int($0)] * inverseSD[Int($0)] }
        for (b, y) in zip(buckets, counts) { residuals[b] += Double(y) * inverseSD[Int(cells.bucketCell[b])] }
        return varianceFactor(residuals: residuals, window: window)
    }
}
