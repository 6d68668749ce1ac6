extension Scorer {
    /// The per-cell arrays a batch's scoring fills (column-major: bucket + country ·
    /// buckets), and room for one country's variances, which only its own multi-bucket
    /// test reads.
    struct CellArrays {
        var actual: [Double]
        var typical: [Double]
        var logSingle: [Double]
        var logMulti: [Double]
        var logProbability: [Double]
        var recordScore: [Double]
        var alert: [Bool]
        var levelShift: [Double]
        var variance: [Double]
        var scratch: [Double]

        /// Takes over `batch`'s arrays (leaving it empty), so that their storage is
        /// reused when nothing else holds it.
        init(reusing batch: inout ScoredBatch) {
            actual = Self.take(&batch.actual)
            typical = Self.take(&batch.typical)
            logSingle = Self.take(&batch.logSingle)
            logMulti = Self.take(&batch.logMulti)
            logProbability = Self.take(&batch.logProbability)
            recordScore = Self.take(&batch.recordScore)
            alert = Self.take(&batch.alert)
            levelShift = Self.take(&batch.levelShift)
            variance = []
            scratch = []
        }

        /// The array, its place emptied, so that the returned one is unique.
        static func take<Element>(_ array: inout [Element]) -> [Element] {
            defer { array = [] }
            return array
        }

        /// Every array zeroed to its length (`actual` is filled by the caller first).
        mutating func reset(cells: Int, buckets: Int) {
            precondition(actual.count == cells, "CellArrays.reset: \(actual.count) counts for \(cells) cells")
            Self.fill(&typical, count: cells, with: 0)
            Self.fill(&logSingle, count: cells, with: 0)
            Self.fill(&logMulti, count: cells, with: 0)
            Self.fill(&logProbability, count: cells, with: 0)
            Self.fill(&recordScore, count: cells, with: 0)
            Self.fill(&alert, count: cells, with: false)
            Self.fill(&levelShift, count: cells, with: 1)
            Self.fill(&variance, count: buckets, with: 0)
            Self.fill(&scratch, count: buckets, with: 0)
        }

        /// `count` copies of `value`, in `array`'s own storage when it already has that many
        /// elements (a batch scored again over the same buckets and countries): one memset.
        static func fill<Element>(_ array: inout [Element], count: Int, with value: Element) {
            if array.count == count {
                array.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
            } else {
                array = [Element](repeating: value, count: count)
            }
        }

        /// Calls `body` with every array's buffer and the batch's counts, column by column.
        mutating func withColumns<R>(buckets: Int, _ body: (CellColumns) -> R) -> R {
            actual.withUnsafeBufferPointer { actual in
                typical.withUnsafeMutableBufferPointer { typical in
                    logSingle.withUnsafeMutableBufferPointer { logSingle in
                        logMulti.withUnsafeMutableBufferPointer { logMulti in
                            logProbability.withUnsafeMutableBufferPointer { logProbability in
                                recordScore.withUnsafeMutableBufferPointer { recordScore in
                                    alert.withUnsafeMutableBufferPointer { alert in
                                        levelShift.withUnsafeMutableBufferPointer { levelShift in
                                            variance.withUnsafeMutableBufferPointer { variance in
                                                scratch.withUnsafeMutableBufferPointer { scratch in
                                                    body(
                                                        CellColumns(
                                                            buckets: buckets, allActual: actual, allTypical: typical,
                                                            allLogSingle: logSingle, allLogMulti: logMulti,
                                                            allLogProbability: logProbability,
                                                            allRecordScore: recordScore, allAlert: alert,
                                                            allLevelShift: levelShift, variance: variance,
                                                            scratch: scratch))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Country `j`'s column of each per-cell array, valid inside `CellArrays.withColumns`.
    struct CellColumns {
        let buckets: Int
        let allActual: UnsafeBufferPointer<Double>
        let allTypical: UnsafeMutableBufferPointer<Double>
        let allLogSingle: UnsafeMutableBufferPointer<Double>
        let allLogMulti: UnsafeMutableBufferPointer<Double>
        let allLogProbability: UnsafeMutableBufferPointer<Double>
        let allRecordScore: UnsafeMutableBufferPointer<Double>
        let allAlert: UnsafeMutableBufferPointer<Bool>
        let allLevelShift: UnsafeMutableBufferPointer<Double>
        /// One column's variances, reused by every country.
        let variance: UnsafeMutableBufferPointer<Double>
        /// One column's linear predictors, kept while `typical` becomes expected counts.
        let scratch: UnsafeMutableBufferPointer<Double>

        func range(_ j: Int) -> Range<Int> { (j * buckets)..<((j + 1) * buckets) }
        func actual(_ j: Int) -> UnsafeBufferPointer<Double> { UnsafeBufferPointer(rebasing: allActual[range(j)]) }
        func typical(_ j: Int) -> UnsafeMutableBufferPointer<Double> { .init(rebasing: allTypical[range(j)]) }
        func logSingle(_ j: Int) -> UnsafeMutableBufferPointer<Double> { .init(rebasing: allLogSingle[range(j)]) }
        func logMulti(_ j: Int) -> UnsafeMutableBufferPointer<Double> { .init(rebasing: allLogMulti[range(j)]) }
        func logProbability(_ j: Int) -> UnsafeMutableBufferPointer<Double> {
            .init(rebasing: allLogProbability[range(j)])
        }
        func recordScore(_ j: Int) -> UnsafeMutableBufferPointer<Double> { .init(rebasing: allRecordScore[range(j)]) }
        func alert(_ j: Int) -> UnsafeMutableBufferPointer<Bool> { .init(rebasing: allAlert[range(j)]) }
        func levelShift(_ j: Int) -> UnsafeMutableBufferPointer<Double> { .init(rebasing: allLevelShift[range(j)]) }
    }
}
