extension CountTails {
    /// log P(N ≥ kᵢ) for Nᵢ ~ Poisson(meanᵢ), element by element, into `out`.
    ///
    /// The scorer's hot loop: one call per batch, no allocation. All three buffers must
    /// have the same length. Same results as the scalar function, element for element.
    public static func poissonLogSurvival(
        atLeast k: UnsafeBufferPointer<Double>, means: UnsafeBufferPointer<Double>,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(k.count == means.count && out.count == k.count, "poissonLogSurvival: buffer lengths differ")
        for i in 0..<k.count {
            out[i] = poissonLogSurvival(atLeast: k[i], mean: means[i])
        }
    }

    /// log P(N ≥ kᵢ) for Nᵢ ~ NB2(meanᵢ, dispersionᵢ), element by element, into `out`.
    ///
    /// Elements whose dispersion is below `poissonDispersionLimit` are Poisson.
    public static func negativeBinomialLogSurvival(
        atLeast k: UnsafeBufferPointer<Double>, means: UnsafeBufferPointer<Double>,
        dispersions: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(
            k.count == means.count && k.count == dispersions.count && out.count == k.count,
            "negativeBinomialLogSurvival: buffer lengths differ")
        for i in 0..<k.count {
            out[i] = negativeBinomialLogSurvival(atLeast: k[i], mean: means[i], dispersion: dispersions[i])
        }
    }

    /// log P(N ≥ kᵢ) for Poisson counts, as a new array.
    public static func poissonLogSurvival(atLeast k: [Double], means: [Double]) -> [Double] {
        precondition(k.count == means.count, "poissonLogSurvival: \(k.count) counts, \(means.count) means")
        return [Double](unsafeUninitializedCapacity: k.count) { out, initialized in
            k.withUnsafeBufferPointer { k in
                means.withUnsafeBufferPointer { means in poissonLogSurvival(atLeast: k, means: means, into: out) }
            }
            initialized = k.count
        }
    }

    /// log P(N ≥ kᵢ) for negative binomial counts, as a new array.
    public static func negativeBinomialLogSurvival(
        atLeast k: [Double], means: [Double], dispersions: [Double]
    ) -> [Double] {
        precondition(
            k.count == means.count && k.count == dispersions.count,
            "negativeBinomialLogSurvival: \(k.count) counts, \(means.count) means, \(dispersions.count) dispersions")
        return [Double](unsafeUninitializedCapacity: k.count) { out, initialized in
            k.withUnsafeBufferPointer { k in
                means.withUnsafeBufferPointer { means in
                    dispersions.withUnsafeBufferPointer { dispersions in
                        negativeBinomialLogSurvival(atLeast: k, means: means, dispersions: dispersions, into: out)
                    }
                }
            }
            initialized = k.count
        }
    }
}
