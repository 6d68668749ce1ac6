import GeoSpikeIngest

extension CountTable {
    /// The cells with bucket starts in `buckets` (epoch seconds), observed over exactly that
    /// range, so that silent buckets at either end still count as observed zeros.
    ///
    /// Influencers are not carried over: evaluation works on counts.
    public func window(_ buckets: ClosedRange<Int64>) -> CountTable {
        var slice = CountTable(bucketSpan: bucketSpan)
        slice.observe(time: Double(buckets.lowerBound))
        slice.observe(time: Double(buckets.upperBound + bucketSpan.seconds) - 1e-3)
        for (key, count) in counts where buckets.contains(key.bucketStart) && count != 0 {
            slice.add(bucketStart: key.bucketStart, country: key.country, count: count)
        }
        return slice
    }
}
