import Foundation
import GeoSpikeModel
import GeoSpikeNumerics

extension Scorer {
    /// x·β of every model country at every bucket of a batch: the log mean for Poisson and
    /// NB, the mean of log(count + 1) for log-normal.
    ///
    /// Stored once per distinct design row, because a row depends only on the bucket's
    /// local weekday and slot: a 28-day batch has 672 distinct rows for 2688 buckets.
    struct LinearPredictors {
        /// For each bucket, its distinct row.
        let rowOf: [Int]
        let rows: Int
        /// rows × model countries, column-major.
        let values: [Double]

        /// Country `j`'s predictors at every bucket, into `column`.
        func fill(country j: Int, into column: UnsafeMutableBufferPointer<Double>) {
            precondition(
                column.count == rowOf.count, "LinearPredictors.fill: \(column.count) buckets, not \(rowOf.count)")
            values.withUnsafeBufferPointer { values in
                rowOf.withUnsafeBufferPointer { rowOf in
                    let base = j * rows
                    for b in 0..<rowOf.count { column[b] = values[base + rowOf[b]] }
                }
            }
        }
    }

    /// The linear predictors of a batch.
    ///
    /// Finding a bucket's position in the local week needs the UTC offset, which is asked
    /// of the time zone once per stretch between offset transitions, not once per bucket
    /// (a time-zone lookup costs more than scoring a country-bucket). The distinct rows
    /// come from the model's `designRows`, a few at a time, so they are exactly the rows
    /// the trainer fitted. Beyond the smooth columns (intercept, harmonics, weekdays) a row
    /// is an indicator of its slot: the smooth parts go through one `gemm`, the few
    /// non-zero slot entries add their coefficients directly.
    func linearPredictors(bucketStarts starts: [Int64]) -> LinearPredictors {
        let (rowOf, representatives) = weekPositions(bucketStarts: starts)
        let rows = representatives.count
        let columns = model.coefficients.rows
        let smooth = smoothCoefficients.rows
        let countries = model.countries.count

        var smoothRows = Matrix(rows: rows, columns: smooth)
        var slotEntries: [(row: Int, column: Int, value: Double)] = []
        let chunk = 32
        for first in stride(from: 0, to: rows, by: chunk) {
            let last = min(rows, first + chunk)
            let design = model.designRows(for: Array(representatives[first..<last]), clock: clock)
            for r in first..<last {
                for c in 0..<smooth { smoothRows[r, c] = design[r - first, c] }
                for c in smooth..<columns where design[r - first, c] != 0 {
                    slotEntries.append((r, c, design[r - first, c]))
                }
            }
        }
        var values = BLAS.multiply(smoothRows, smoothCoefficients).values
        model.coefficients.values.withUnsafeBufferPointer { beta in
            for j in 0..<countries {
                for entry in slotEntries {
                    values[entry.row + j * rows] += entry.value * beta[entry.column + j * columns]
                }
            }
        }
        return LinearPredictors(rowOf: rowOf, rows: rows, values: values)
    }

    /// For each bucket, the index of its position in the local week among the batch's
    /// distinct positions, and one bucket start for each distinct position.
    func weekPositions(bucketStarts starts: [Int64]) -> (rowOf: [Int], representatives: [Int64]) {
        let nb = starts.count
        let span = model.metadata.bucketSpanSeconds
        let week: Int64 = 7 * 86400
        var rowOf = [Int](repeating: 0, count: nb)
        var rowByPosition: [Int64: Int] = [:]
        var representatives: [Int64] = []
        var b = 0
        while b < nb {
            // Every bucket middle before the next transition has this bucket's offset.
            let middle = starts[b] + span / 2
            let offset = Int64(clock.offset(at: middle))
            let next = clock.timeZone.nextDaylightSavingTimeTransition(
                after: Date(timeIntervalSince1970: TimeInterval(middle)))
            let end = next.map { Int64($0.timeIntervalSince1970.rounded(.up)) } ?? .max
            repeat {
                let position = ((starts[b] + span / 2 + offset) % week + week) % week
                if let row = rowByPosition[position] {
                    rowOf[b] = row
                } else {
                    rowOf[b] = representatives.count
                    rowByPosition[position] = representatives.count
                    representatives.append(starts[b])
                }
                b += 1
            } while b < nb && starts[b] + span / 2 < end
        }
        return (rowOf, representatives)
    }
}
