import Foundation
import GeoSpikeIngest
import GeoSpikeScore

/// What an injection study found: recall by size, country and local hour, and the
/// trade-off between catching spikes and raising false alerts across thresholds.
public struct InjectionResult: Sendable {
    /// Recall of one group of spikes (a size, a country, an hour).
    public struct Recall: Sendable, Equatable {
        public var group: String
        public var spikes: Int
        public var caught: Int
        /// Median added events per spike in the group.
        public var medianAdded: Int
        public var recall: Double { spikes > 0 ? Double(caught) / Double(spikes) : 0 }
    }

    /// One threshold's operating point.
    public struct OperatingPoint: Sendable, Equatable {
        public var threshold: Double
        /// Fraction of spikes caught.
        public var truePositiveRate: Double
        /// Fraction of clean complete country-buckets that alert.
        public var falsePositiveRate: Double
        /// Caught spikes over caught spikes plus clean alerts: the precision an analyst would
        /// see if the history held exactly these spikes.
        public var precision: Double
        public var cleanAlertsPerDay: Double
    }

    public var threshold: Double
    public var seed: UInt64
    public var spikes: [InjectedSpike]
    /// Scoring passes used (spikes that cannot interfere share a pass).
    public var rounds: Int
    /// The clean history's backtest, the negatives of the ROC.
    public var clean: BacktestResult

    public var caught: Int { spikes.filter(\.caught).count }
    public var recall: Double { spikes.isEmpty ? 0 : Double(caught) / Double(spikes.count) }

    /// Recall per spike size, in the order sizes were injected.
    public var bySize: [Recall] {
        var order: [String] = []
        for s in spikes where !order.contains(s.shape.groupLabel) { order.append(s.shape.groupLabel) }
        return order.map { label in Self.recall(label, spikes.filter { $0.shape.groupLabel == label }) }
    }

    /// Recall per country, sorted by country code.
    public var byCountry: [Recall] {
        Set(spikes.map(\.country)).sorted().map { c in Self.recall(c.code, spikes.filter { $0.country == c }) }
    }

    /// Recall per local hour of the spike's first bucket.
    public var byHour: [Recall] {
        (0..<24).compactMap { h in
            let group = spikes.filter { $0.localHour == h }
            return group.isEmpty ? nil : Self.recall(FixedFormat.clock(secondOfDay: h * 3600), group)
        }
    }

    static func recall(_ group: String, _ spikes: [InjectedSpike]) -> Recall {
        let added = spikes.map(\.addedEvents).sorted()
        return Recall(
            group: group, spikes: spikes.count, caught: spikes.filter(\.caught).count,
            medianAdded: added.isEmpty ? 0 : added[added.count / 2])
    }

    /// ROC and precision–recall points on thresholds 0, 1, …, 100.
    public var curve: [OperatingPoint] {
        let scores = spikes.map(\.maxScore).sorted()
        return stride(from: 0.0, through: 100.0, by: 1.0).map { t in
            let tp = scores.count - Backtest.countBelow(t, in: scores)
            let fp = clean.alerts(atThreshold: t)
            return OperatingPoint(
                threshold: t, truePositiveRate: scores.isEmpty ? 0 : Double(tp) / Double(scores.count),
                falsePositiveRate: clean.countryBuckets > 0 ? Double(fp) / Double(clean.countryBuckets) : 0,
                precision: tp + fp > 0 ? Double(tp) / Double(tp + fp) : 1,
                cleanAlertsPerDay: clean.days > 0 ? Double(fp) / clean.days : 0)
        }
    }

    /// Area under the ROC curve, by the trapezoid rule over the threshold grid.
    public var areaUnderROC: Double {
        let points = curve.map { ($0.falsePositiveRate, $0.truePositiveRate) } + [(0, 0)]
        var area = 0.0
        for k in 1..<points.count {
            area += (points[k - 1].0 - points[k].0) * (points[k - 1].1 + points[k].1) / 2
        }
        // The grid starts at threshold 0, where every cell with traffic alerts, not at (1, 1).
        let first = points[0]
        area += (1 - first.0) * (1 + first.1) / 2
        return area
    }

    // MARK: - Output

    public func recallTable(_ rows: [Recall], title: String) -> TextTable {
        var table = TextTable(header: [title, "spikes", "caught", "recall", "median added"])
        for r in rows {
            table.append([r.group, String(r.spikes), String(r.caught), FixedFormat.percent(r.recall), String(r.medianAdded)])
        }
        return table
    }

    public var operatingTable: TextTable {
        var table = TextTable(header: ["threshold", "recall", "clean alerts/day", "fp rate", "precision"])
        for p in curve where [25.0, 50, 60, 70, 75, 80, 90].contains(p.threshold) || p.threshold == threshold {
            table.append([
                FixedFormat.decimal(p.threshold, 0), FixedFormat.percent(p.truePositiveRate),
                FixedFormat.decimal(p.cleanAlertsPerDay, 3), FixedFormat.significant(p.falsePositiveRate),
                FixedFormat.percent(p.precision),
            ])
        }
        return table
    }

    public var text: String {
        var out =
            "\(spikes.count) spikes injected (seed \(seed)) into \(FixedFormat.decimal(clean.days, 2)) days, scored in \(rounds) pass(es); "
            + "caught \(caught) at record_score >= \(FixedFormat.decimal(threshold, 1)): recall \(FixedFormat.percent(recall)); "
            + "clean alerts \(clean.main.alerts) (\(FixedFormat.decimal(clean.main.alertsPerDay, 3))/day); "
            + "ROC AUC \(FixedFormat.decimal(areaUnderROC, 4))\n\n"
        out += recallTable(bySize, title: "size").text
        out += "\n" + operatingTable.text
        out += "\n" + recallTable(byHour, title: "local hour").text
        out += "\n" + recallTable(byCountry, title: "country").text
        return out
    }

    public var json: String {
        func recallJSON(_ rows: [Recall], key: String) -> String {
            JSONArray.of(rows) { r in
                var item = JSONLine()
                item.add(key, r.group)
                item.add("spikes", r.spikes)
                item.add("caught", r.caught)
                item.add("recall", r.recall)
                item.add("median_added", r.medianAdded)
                return item.string
            }
        }
        var out = JSONLine()
        out.add("threshold", threshold)
        out.add("seed", Int64(bitPattern: seed))
        out.add("days", clean.days)
        out.add("spikes", spikes.count)
        out.add("caught", caught)
        out.add("recall", recall)
        out.add("clean_alerts", clean.main.alerts)
        out.add("clean_alerts_per_day", clean.main.alertsPerDay)
        out.add("roc_auc", areaUnderROC)
        out.addRaw("by_size", recallJSON(bySize, key: "size"))
        out.addRaw("by_country", recallJSON(byCountry, key: "country"))
        out.addRaw("by_hour", recallJSON(byHour, key: "local_hour"))
        out.addRaw("curve", JSONArray.of(curve) { p in
            var item = JSONLine()
            item.add("threshold", p.threshold)
            item.add("true_positive_rate", p.truePositiveRate)
            item.add("false_positive_rate", p.falsePositiveRate)
            item.add("precision", p.precision)
            item.add("clean_alerts_per_day", p.cleanAlertsPerDay)
            return item.string
        })
        out.addRaw("spike_list", JSONArray.of(spikes) { s in
            var item = JSONLine()
            item.add("timestamp", Timestamp.iso8601(s.bucketStart))
            item.add("country", s.country.code)
            item.add("size", s.shape.label)
            item.add("buckets", s.added.count)
            item.add("added_events", s.addedEvents)
            item.add("typical", (s.typical * 1e4).rounded() / 1e4)
            item.add("max_record_score", (s.maxScore * 1e3).rounded() / 1e3)
            item.add("caught", s.caught)
            return item.string
        })
        return out.string
    }
}
