import Foundation
import GeoSpikeModel
import GeoSpikeNumerics

extension Scorer {
    /// x·β of every model country at every bucket, column-major (bucket + country · buckets):
    /// the log mean for Poisson and NB, the mean of log(count + 1) for log-normal.
    ///
    /// Three facts about the design keep this cheap for long batches:
    /// - a design row depends only on the bucket's local weekday and slot, so buckets at
    ///   the same position of the local week share a row (a 28-day batch has 672 rows for
    ///   2688 buckets). Finding the position needs the UTC offset, which is asked of the
    ///   time zone once per stretch between offset transitions, not once per bucket;
    /// - the rows themselves come from the model's `designRows`, a few at a time, so they
    ///   are exactly the rows the trainer fitted;
    /// - beyond the smooth columns (intercept, harmonics, weekdays) a row is an indicator
    ///   of its slot: the smooth part goes through one `gemm`, the few non-zero slot
    ///   entries are added coefficient by coefficient.
    func linearPredictors(bucketStarts starts: [Int64]) -> [Double] {
        let nb = starts.count
        let (rowOf, representatives) = weekPositions(bucketStarts: starts)
        let rows = representatives.count
        let columns = model.coefficients.rows
        let smooth = smoothCoefficients.rows
        let countries = model.countries.count

        // The distinct rows: smooth parts as a matrix, slot parts as (column, value) lists.
        var smoothRows = Matrix(rows: rows, columns: smooth)
        var slotStart = [Int](repeating: 0, count: rows + 1)
        var slotEntries: [(column: Int, value: Double)] = []
        let chunk = 32
        for first in stride(from: 0, to: rows, by: chunk) {
            let last = min(rows, first + chunk)
            let design = model.designRows(for: Array(representatives[first..<last]), clock: clock)
            for r in first..<last {
                for c in 0..<smooth { smoothRows[r, c] = design[r - first, c] }
                for c in smooth..<columns where design[r - first, c] != 0 {
                    slotEntries.append((c, design[r - first, c]))
                }
                slotStart[r + 1] = slotEntries.count
            }
        }
        let smoothEta = BLAS.multiply(smoothRows, smoothCoefficients)
        return [Double](unsafeUninitializedCapacity: nb * countries) { eta, initialized in
            smoothEta.values.withUnsafeBufferPointer { smoothEta in
                model.coefficients.values.withUnsafeBufferPointer { beta in
                    for j in 0..<countries {
                        for b in 0..<nb {
                            let r = rowOf[b]
                            var value = smoothEta[r + j * rows]
                            for entry in slotEntries[slotStart[r]..<slotStart[r + 1]] {
                                value += entry.value * beta[entry.column + j * columns]
                            }
                            eta[b + j * nb] = value
                        }
                    }
                }
            }
            initialized = nb * countries
        }
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
