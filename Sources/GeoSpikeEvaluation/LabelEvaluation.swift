import Foundation
import GeoSpikeIngest
import GeoSpikeScore

/// Precision, recall, F1 and detection delay of alerts against labelled spikes.
///
/// Labels name attacked cells; labelled buckets of one country (and kind) at most
/// `maximumGapBuckets` apart form one spike episode (an attack adds nothing to some of its
/// buckets by chance, and is still one attack). An episode is detected when an alert falls on one of its
/// cells or up to `toleranceBuckets` after its last; such alerts are true positives,
/// every other alert a false one. Recall counts episodes (an analyst needs one alert per
/// attack), precision counts alerts (each costs a look), and the delay runs from an
/// episode's first bucket to its first alert.
public struct LabelEvaluation: Sendable {
    /// One labelled spike.
    public struct Episode: Sendable, Equatable {
        public var country: CountryCode
        public var kind: String
        public var firstBucket: Int64
        public var lastBucket: Int64
        /// Labelled cells (gaps excluded).
        public var cells: Int
        /// Seconds from the first bucket to the first alert's bucket; nil: missed.
        public var delay: Int64?
    }

    public var bucketSpan: Int64
    public var toleranceBuckets: Int
    /// Buckets without a label that may separate two labelled buckets of one episode.
    public static let maximumGapBuckets: Int64 = 4
    public var episodes: [Episode]
    public var alerts: Int
    public var truePositiveAlerts: Int
    /// Labelled cells that alerted, of all labelled cells.
    public var cellRecall: Double

    public var detected: Int { episodes.filter { $0.delay != nil }.count }
    public var precision: Double { alerts > 0 ? Double(truePositiveAlerts) / Double(alerts) : 0 }
    public var recall: Double { episodes.isEmpty ? 0 : Double(detected) / Double(episodes.count) }
    public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }

    /// Delays of detected episodes in minutes, ascending.
    public var delaysInMinutes: [Double] { episodes.compactMap(\.delay).map { Double($0) / 60 }.sorted() }

    public init(alerts alertCells: [LabelledCell], labels: [LabelledCell], bucketSpan: BucketSpan, toleranceBuckets: Int = 0) {
        let span = bucketSpan.seconds
        self.bucketSpan = span
        self.toleranceBuckets = toleranceBuckets
        // Episodes: runs of consecutive labelled buckets per country and kind.
        var byKey: [String: [LabelledCell]] = [:]
        for label in Set(labels) { byKey[label.country.code + "|" + label.kind, default: []].append(label) }
        var episodes: [Episode] = []
        for key in byKey.keys.sorted() {
            let cells = (byKey[key] ?? []).sorted { $0.bucketStart < $1.bucketStart }
            for cell in cells {
                if var last = episodes.last, last.country == cell.country, last.kind == cell.kind,
                    cell.bucketStart - last.lastBucket <= span * (Self.maximumGapBuckets + 1)
                {
                    last.lastBucket = cell.bucketStart
                    last.cells += 1
                    episodes[episodes.count - 1] = last
                } else {
                    episodes.append(
                        Episode(
                            country: cell.country, kind: cell.kind, firstBucket: cell.bucketStart,
                            lastBucket: cell.bucketStart, cells: 1, delay: nil))
                }
            }
        }
        episodes.sort { $0.firstBucket != $1.firstBucket ? $0.firstBucket < $1.firstBucket : $0.country < $1.country }

        let labelled = Set(labels.map { CellKey(bucketStart: $0.bucketStart, country: $0.country) })
        let alertKeys = Set(alertCells.map { CellKey(bucketStart: $0.bucketStart, country: $0.country) })
        var truePositives = Set<CellKey>()
        for e in episodes.indices {
            let reach = episodes[e].lastBucket + Int64(toleranceBuckets) * span
            var t = episodes[e].firstBucket
            while t <= reach {
                let key = CellKey(bucketStart: t, country: episodes[e].country)
                if alertKeys.contains(key) {
                    truePositives.insert(key)
                    if episodes[e].delay == nil { episodes[e].delay = t - episodes[e].firstBucket }
                }
                t += span
            }
        }
        self.episodes = episodes
        alerts = alertKeys.count
        truePositiveAlerts = truePositives.count
        cellRecall = labelled.isEmpty ? 0 : Double(labelled.intersection(alertKeys).count) / Double(labelled.count)
    }

    // MARK: - Output

    /// Recall and delay per kind (one row, "all", when labels carry no kind).
    public var kindTable: TextTable {
        var table = TextTable(header: ["kind", "episodes", "detected", "recall", "median delay (min)", "max delay (min)"])
        let kinds = Array(Set(episodes.map(\.kind))).sorted()
        for kind in kinds + (kinds.count > 1 ? ["all"] : []) {
            let group = kind == "all" ? episodes : episodes.filter { $0.kind == kind }
            let delays = group.compactMap(\.delay).map { Double($0) / 60 }.sorted()
            table.append([
                kind.isEmpty ? "all" : kind, String(group.count), String(delays.count),
                FixedFormat.percent(group.isEmpty ? 0 : Double(delays.count) / Double(group.count)),
                delays.isEmpty ? "-" : FixedFormat.decimal(delays[delays.count / 2], 0),
                delays.last.map { FixedFormat.decimal($0, 0) } ?? "-",
            ])
        }
        return table
    }

    public var missedTable: TextTable {
        var table = TextTable(header: ["first bucket", "country", "kind", "labelled buckets"])
        for e in episodes where e.delay == nil {
            table.append([Timestamp.iso8601(e.firstBucket), e.country.code, e.kind, String(e.cells)])
        }
        return table
    }

    public var text: String {
        var out = "\(alerts) alert(s), \(truePositiveAlerts) on labelled spikes; \(episodes.count) labelled episode(s), \(detected) detected\n"
        out += "precision \(FixedFormat.decimal(precision, 3))  recall \(FixedFormat.decimal(recall, 3))  F1 \(FixedFormat.decimal(f1, 3))"
        out += "  cell recall \(FixedFormat.decimal(cellRecall, 3))\n\n" + kindTable.text
        if detected < episodes.count { out += "\nMissed:\n" + missedTable.text }
        return out
    }

    public var json: String {
        var out = JSONLine()
        out.add("alerts", alerts)
        out.add("true_positive_alerts", truePositiveAlerts)
        out.add("episodes", episodes.count)
        out.add("detected", detected)
        out.add("precision", precision)
        out.add("recall", recall)
        out.add("f1", f1)
        out.add("cell_recall", cellRecall)
        out.add("tolerance_buckets", toleranceBuckets)
        let delays = delaysInMinutes
        out.add("median_delay_minutes", delays.isEmpty ? .nan : delays[delays.count / 2])
        out.add("mean_delay_minutes", delays.isEmpty ? .nan : delays.reduce(0, +) / Double(delays.count))
        out.addRaw("episode_list", JSONArray.of(episodes) { e in
            var item = JSONLine()
            item.add("timestamp", Timestamp.iso8601(e.firstBucket))
            item.add("country", e.country.code)
            item.add("kind", e.kind)
            item.add("buckets", e.cells)
            item.add("detected", e.delay != nil)
            item.add("delay_minutes", e.delay.map { Double($0) / 60 } ?? .nan)
            return item.string
        })
        return out.string
    }
}
