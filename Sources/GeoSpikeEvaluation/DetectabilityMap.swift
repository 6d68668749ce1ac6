import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

/// The smallest spike the scorer catches, per country and local hour, at a threshold
/// chosen for a false-alert budget.
///
/// The threshold is the lowest whose clean alerts per day (from the backtest of the same
/// history) stay within `targetAlertsPerDay`. Then, for every (country, local hour), single-
/// bucket additions are injected into up to `samples` complete buckets of that hour (spread
/// over the history, skipping buckets that already alert), and the added events are
/// binary-searched for the smallest number caught in at least half of them. Injected
/// buckets that cannot interfere share a scoring pass (see `SpikePacking`).
public struct DetectabilityMap: Sendable {
    public struct Options: Sendable {
        public var targetAlertsPerDay: Double = 1
        /// Buckets tried per (country, hour); the median bucket decides.
        public var samples: Int = 6
        public var until: Double?
        /// Additions beyond this count as "not caught".
        public var maximumAddition: Int = 1 << 20

        public init() {}
    }

    /// One country's row: the smallest caught addition per local hour (nil: none sampled or
    /// not caught up to the maximum), and the median typical count of the sampled buckets.
    public struct Row: Sendable, Equatable {
        public var country: CountryCode
        /// A country the model has not seen, judged by the new-country prior.
        public var newCountry: Bool
        public var smallestCaught: [Int?]
        public var typical: [Double?]
        /// Per local hour, the bucket starts the search injected into.
        public var sampledBuckets: [[Int64]]
    }

    public var threshold: Double
    public var targetAlertsPerDay: Double
    /// Clean alerts per day at `threshold`.
    public var cleanAlertsPerDay: Double
    public var timeZone: String
    public var rows: [Row]
    /// Scoring passes the search took.
    public var passes: Int

    /// Computes the map on `table` (history assumed clean).
    public static func compute(
        model: TrainedModel, modelID: String, table: CountTable, options: Options = Options()
    ) throws -> DetectabilityMap {
        let backtest = try Backtest(model: model, modelID: modelID)
        let clean = try backtest.run(table, threshold: 75, until: options.until)
        let threshold = clean.threshold(forAlertsPerDay: options.targetAlertsPerDay)
        let injector = try SpikeInjector(scorer: backtest.scorer, table: table, threshold: threshold, until: options.until)
        let clock = try LocalClock(identifier: model.metadata.timeZone)

        let present = Set(injector.clean.countries)
        let newCountry = InjectionStudy.newCountryCandidates.compactMap(CountryCode.init).first { !present.contains($0) }
        let countries = injector.modelCountries + (newCountry.map { [$0] } ?? [])

        // The sampled buckets of every (country, hour).
        var byHour = [[Int]](repeating: [], count: 24)
        for b in injector.completeBuckets {
            byHour[clock.position(of: injector.clean.bucketStarts[b]).secondOfDay / 3600].append(b)
        }
        struct Target {
            var row: Int
            var hour: Int
            var buckets: [Int]
            var low = 0  // largest addition known not to be caught
            var high: Int?  // smallest addition known to be caught
        }
        var targets: [Target] = []
        var rows: [Row] = []
        for (r, country) in countries.enumerated() {
            var typical = [Double?](repeating: nil, count: 24)
            var sampled = [[Int64]](repeating: [], count: 24)
            for h in 0..<24 {
                let usable = byHour[h].filter { !injector.cleanAlerts(country: country, buckets: $0...$0) }
                let buckets = Self.spread(usable, count: options.samples)
                guard !buckets.isEmpty else { continue }
                let t = buckets.map { injector.typical(country: country, bucket: $0) }.sorted()
                typical[h] = t[t.count / 2]
                sampled[h] = buckets.map { injector.clean.bucketStarts[$0] }
                targets.append(Target(row: r, hour: h, buckets: buckets))
            }
            rows.append(
                Row(
                    country: country, newCountry: country == newCountry,
                    smallestCaught: [Int?](repeating: nil, count: 24), typical: typical, sampledBuckets: sampled))
        }

        // Doubling until caught, then bisection; every open target moves one step per pass.
        var passes = 0
        while true {
            let open = targets.indices.filter { i in
                targets[i].high.map { $0 - targets[i].low > 1 } ?? (targets[i].low < options.maximumAddition)
            }
            if open.isEmpty { break }
            let trial = open.map { i -> Int in
                if let high = targets[i].high { return (targets[i].low + high) / 2 }
                return max(1, 2 * targets[i].low)
            }
            var footprints: [SpikePacking.Footprint] = []
            var owners: [(target: Int, addition: Int, bucket: Int)] = []
            for (k, i) in open.enumerated() {
                for b in targets[i].buckets {
                    footprints.append(.init(country: countries[targets[i].row], first: b, last: b))
                    owners.append((i, trial[k], b))
                }
            }
            var caughtCount = [Int: Int]()
            for round in SpikePacking.rounds(footprints, window: injector.window) {
                let injected = try injector.score(
                    adding: round.map { (owners[$0].bucket, footprints[$0].country, owners[$0].addition) })
                passes += 1
                for f in round where injected.alerts(country: footprints[f].country, buckets: owners[f].bucket...owners[f].bucket) {
                    caughtCount[owners[f].target, default: 0] += 1
                }
            }
            for (k, i) in open.enumerated() {
                // Caught in at least half the sampled buckets: the median bucket catches it.
                if 2 * (caughtCount[i] ?? 0) >= targets[i].buckets.count {
                    targets[i].high = trial[k]
                } else {
                    targets[i].low = trial[k]
                }
            }
        }
        for t in targets {
            rows[t.row].smallestCaught[t.hour] = t.high
        }
        return DetectabilityMap(
            threshold: threshold, targetAlertsPerDay: options.targetAlertsPerDay,
            cleanAlertsPerDay: clean.days > 0 ? Double(clean.alerts(atThreshold: threshold)) / clean.days : 0,
            timeZone: model.metadata.timeZone, rows: rows, passes: passes)
    }

    /// Up to `count` elements of `items`, evenly spread from first to last.
    static func spread(_ items: [Int], count: Int) -> [Int] {
        guard items.count > count, count > 0 else { return items }
        if count == 1 { return [items[items.count / 2]] }
        return (0..<count).map { items[$0 * (items.count - 1) / (count - 1)] }
    }

    // MARK: - Output

    /// Country × hour table of the smallest caught addition.
    public var table: TextTable {
        var table = TextTable(header: ["country"] + (0..<24).map { String(format: "%02d", $0) })
        for row in rows {
            table.append(
                [row.newCountry ? "new" : row.country.code] + row.smallestCaught.map { $0.map(String.init) ?? "-" })
        }
        return table
    }

    public var text: String {
        "Smallest single-bucket addition caught in the median bucket of each local hour (\(timeZone)), "
            + "at record_score >= \(FixedFormat.decimal(threshold, 1)) (clean alerts \(FixedFormat.decimal(cleanAlertsPerDay, 3))/day, "
            + "target \(FixedFormat.decimal(targetAlertsPerDay, 3))/day):\n\n" + table.text
    }

    public var json: String {
        var out = JSONLine()
        out.add("threshold", threshold)
        out.add("target_alerts_per_day", targetAlertsPerDay)
        out.add("clean_alerts_per_day", cleanAlertsPerDay)
        out.add("time_zone", timeZone)
        out.addRaw("countries", JSONArray.of(rows) { row in
            var item = JSONLine()
            item.add("country", row.country.code)
            item.add("new_country", row.newCountry)
            item.addRaw("smallest_caught", JSONArray.of(row.smallestCaught) { $0.map(String.init) ?? "null" })
            item.addRaw("typical", JSONArray.of(row.typical) { $0.map { JSONLine.number(($0 * 1e4).rounded() / 1e4) } ?? "null" })
            return item.string
        })
        return out.string
    }
}
