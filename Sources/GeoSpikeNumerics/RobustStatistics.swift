/// Medians and spreads that a minority of outliers cannot move: what the trainer's robust
/// fit, its regime test and its tail calibration, and the evaluation's usual levels use.
public enum RobustStatistics {
    /// 1.4826 × the median absolute deviation from the median: the standard deviation of
    /// normal data, unmoved by a minority of outliers.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let centre = median(values)
        return 1.4826 * median(values.map { abs($0 - centre) })
    }

    /// The middle value (the mean of the two middle ones for an even count); 0 for none.
    ///
    /// By selection, not sorting: the robust fit takes two medians of every training
    /// bucket for every country, family and fold, and sorting them was 40% of a year's
    /// training.
    public static func median(_ values: [Double]) -> Double {
        let n = values.count
        guard n > 0 else { return 0 }
        var v = values
        let upper = select(&v, rank: n / 2)
        guard n % 2 == 0 else { return upper }
        // The largest value below rank n/2 is the maximum of the part selection left below it.
        return (v[0..<(n / 2)].max()! + upper) / 2
    }

    /// The value of rank `k` (0-based) in `values`, which it reorders so that every element
    /// before position k is at most that value: Hoare's selection with a median-of-three
    /// pivot and a three-way partition (residuals repeat: every silent bucket of a cell has
    /// the same one), linear on average.
    public static func select(_ values: inout [Double], rank k: Int) -> Double {
        var low = 0
        var high = values.count
        while high - low > 1 {
            let (a, b, c) = (values[low], values[low + (high - low) / 2], values[high - 1])
            let pivot = max(min(a, b), min(max(a, b), c))
            // [low, less) < pivot, [less, i) == pivot, [greater, high) > pivot.
            var less = low
            var i = low
            var greater = high
            while i < greater {
                if values[i] < pivot {
                    values.swapAt(i, less)
                    less += 1
                    i += 1
                } else if values[i] > pivot {
                    greater -= 1
                    values.swapAt(i, greater)
                } else {
                    i += 1
                }
            }
            if k < less {
                high = less
            } else if k >= greater {
                low = greater
            } else {
                return pivot
            }
        }
        return values[k]
    }
}
