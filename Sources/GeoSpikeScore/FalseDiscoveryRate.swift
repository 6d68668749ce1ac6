/// Benjamini–Hochberg control of the false discovery rate across the countries of a bucket.
///
/// With 250 countries judged every 15 minutes, some small probability turns up by chance;
/// BH keeps only alerts whose probability is small relative to how many countries were
/// judged at once, so that at most a fraction `rate` of a bucket's alerts are expected false.
public enum FalseDiscoveryRate {
    /// Clears `alert` entries that BH at `rate` does not reject, bucket by bucket.
    public static func restrict(
        _ alert: inout [Bool], logProbability: [Double], buckets nb: Int, countries: Int, rate: Double
    ) {
        let logRate = log(rate)
        let m = Double(countries)
        for b in 0..<nb {
            let ordered = (0..<countries).map { b + $0 * nb }.sorted { logProbability[$0] < logProbability[$1] }
            // The largest rank k with p_(k) ≤ k·q/m; every smaller p is rejected too.
            var cutoff = 0
            for (rank, i) in ordered.enumerated() where logProbability[i] <= logRate + log(Double(rank + 1) / m) {
                cutoff = rank + 1
            }
            for (rank, i) in ordered.enumerated() where rank >= cutoff { alert[i] = false }
        }
    }
}

import Foundation
