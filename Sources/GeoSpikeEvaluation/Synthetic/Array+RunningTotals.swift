extension Array where Element == Double {
    /// The running sums `[w0, w0 + w1, …]`: the form `SeededGenerator.pick(cumulative:)`
    /// draws weighted choices from.
    var runningTotals: [Double] {
        var total = 0.0
        return map {
            total += $0
            return total
        }
    }
}
