import Foundation
import GeoSpikeIngest
import GeoSpikeScore

/// What a backtest found: alerts per day at thresholds, per country and per local hour,
/// and how they compare with what the model predicts from its calibration.
public struct BacktestResult: Sendable {
    /// Alerts at one threshold over the whole batch.
    public struct ThresholdRow: Sendable, Equatable {
        public var threshold: Double
        public var alerts: Int
        public var countryBuckets: Int
        public var days: Double
        /// The model's prediction of clean alerts per day at this threshold.
        public var predictedPerDay: Double
        /// The alerts grouped as `geospike-score` groups them: alerting buckets of one
        /// country less than the incident gap apart are one incident, what an analyst triages.
        public var incidents: Int = 0

        public var alertsPerDay: Double { days > 0 ? Double(alerts) / days : 0 }
        public var incidentsPerDay: Double { days > 0 ? Double(incidents) / days : 0 }
        /// Alerts per complete country-bucket judged: on clean history, the false-positive rate.
        public var falsePositiveRate: Double { countryBuckets > 0 ? Double(alerts) / Double(countryBuckets) : 0 }
        public var predictedAlerts: Double { predictedPerDay * days }
    }

    /// One country's alerts, at every reported threshold.
    public struct CountryRow: Sendable, Equatable {
        public var country: CountryCode
        /// Not in the model: judged by the new-country prior.
        public var firstSeen: Bool
        public var events: Int
        public var countryBuckets: Int
        /// Aligned with `BacktestResult.thresholds`.
        public var alertsByThreshold: [Int]
        public var maxScore: Double
        public var days: Double
    }

    /// Alerts at the main threshold in one local hour of the model's time zone.
    public struct HourRow: Sendable, Equatable {
        public var localHour: Int
        public var alerts: Int
        public var countryBuckets: Int
    }

    /// Alerts per day, observed and predicted, at one threshold of a fine grid.
    public struct CurvePoint: Sendable, Equatable {
        public var threshold: Double
        public var alertsPerDay: Double
        public var predictedPerDay: Double
    }

    public var modelTimeZone: String
    public var bucketSpanSeconds: Int64
    public var firstBucket: Int64
    public var lastBucket: Int64
    public var completeBuckets: Int
    public var interimBuckets: Int
    public var days: Double
    /// Complete buckets × countries judged (model countries and first-seen ones).
    public var countryBuckets: Int
    /// The threshold asked for; per-hour counts and the main country column use it.
    public var threshold: Double
    public var thresholds: [ThresholdRow]
    public var countries: [CountryRow]
    public var hours: [HourRow]
    public var curve: [CurvePoint]
    /// Record scores of every complete cell with traffic, ascending.
    public var sortedScores: [Double]

    /// The row of the main threshold.
    public var main: ThresholdRow {
        thresholds.first { $0.threshold == threshold } ?? thresholds[thresholds.count - 1]
    }

    /// Alerts a threshold would raise over the batch (the same rule as the scorer).
    public func alerts(atThreshold t: Double) -> Int {
        sortedScores.count - Backtest.countBelow(t, in: sortedScores)
    }

    /// The lowest threshold, to 0.1, whose clean alerts per day do not exceed `target`:
    /// the threshold to deploy for that false-alert budget (100 when even that is too many).
    public func threshold(forAlertsPerDay target: Double) -> Double {
        guard days > 0 else { return 100 }
        let allowed = Int((target * days + 1e-9).rounded(.down))
        if sortedScores.count <= allowed { return 0 }
        // Alerts are the scores >= t; keeping `allowed` of them puts t just above the next.
        let cut = sortedScores[sortedScores.count - allowed - 1]
        let t = ((cut * 10).rounded(.down) + 1) / 10
        return min(100, t)
    }

    /// Countries sorted by alerts at the main threshold, most first, then by code.
    public var countriesByAlerts: [CountryRow] {
        let k = thresholds.firstIndex { $0.threshold == threshold } ?? 0
        return countries.sorted {
            $0.alertsByThreshold[k] != $1.alertsByThreshold[k]
                ? $0.alertsByThreshold[k] > $1.alertsByThreshold[k] : $0.country < $1.country
        }
    }

    // MARK: - Output

    /// The summary for people: thresholds, then countries and hours that alert.
    public var text: String {
        var out = String(
            format: "%@ .. %@: %d complete buckets (%@ days), %d country-buckets judged, %d interim bucket(s)\n\n",
            Timestamp.iso8601(firstBucket), Timestamp.iso8601(lastBucket), completeBuckets,
            FixedFormat.decimal(days, 2), countryBuckets, interimBuckets)
        out += thresholdTable.text
        let k = thresholds.firstIndex { $0.threshold == threshold } ?? 0
        let alerting = countriesByAlerts.filter { $0.alertsByThreshold[k] > 0 }
        out += "\nCountries alerting at record_score >= \(FixedFormat.decimal(threshold, 1)):"
        if alerting.isEmpty {
            out += " none\n"
        } else {
            out += "\n" + countryTable(alerting).text
        }
        let hourRows = hours.filter { $0.alerts > 0 }
        out += "\nLocal hours (\(modelTimeZone)) with alerts:"
        out += hourRows.isEmpty ? " none\n" : "\n" + hourTable(hourRows).text
        return out
    }

    public var thresholdTable: TextTable {
        var table = TextTable(header: [
            "threshold", "alerts", "alerts/day", "incidents", "incidents/day", "predicted/day", "predicted",
            "false-positive rate",
        ])
        for row in thresholds {
            table.append([
                FixedFormat.decimal(row.threshold, 1), String(row.alerts), FixedFormat.decimal(row.alertsPerDay, 3),
                String(row.incidents), FixedFormat.decimal(row.incidentsPerDay, 3),
                FixedFormat.decimal(row.predictedPerDay, 3), FixedFormat.decimal(row.predictedAlerts, 1),
                FixedFormat.significant(row.falsePositiveRate),
            ])
        }
        return table
    }

    public func countryTable(_ rows: [CountryRow]) -> TextTable {
        var table = TextTable(
            header: ["country", "name", "events", "max score"] + thresholds.map { "≥" + FixedFormat.decimal($0.threshold, 0) }
                + ["alerts/day", "fp rate"])
        let k = thresholds.firstIndex { $0.threshold == threshold } ?? 0
        for row in rows {
            let alerts = row.alertsByThreshold[k]
            table.append(
                [row.country.code, row.country.name + (row.firstSeen ? " (new)" : ""), String(row.events),
                 FixedFormat.decimal(row.maxScore, 1)]
                    + row.alertsByThreshold.map(String.init)
                    + [FixedFormat.decimal(days > 0 ? Double(alerts) / days : 0, 3),
                       FixedFormat.significant(row.countryBuckets > 0 ? Double(alerts) / Double(row.countryBuckets) : 0)])
        }
        return table
    }

    public func hourTable(_ rows: [HourRow]) -> TextTable {
        var table = TextTable(header: ["local hour", "alerts", "alerts/day", "fp rate"])
        for row in rows {
            table.append([
                FixedFormat.clock(secondOfDay: row.localHour * 3600), String(row.alerts),
                FixedFormat.decimal(days > 0 ? Double(row.alerts) / days : 0, 3),
                FixedFormat.significant(row.countryBuckets > 0 ? Double(row.alerts) / Double(row.countryBuckets) : 0),
            ])
        }
        return table
    }

    /// The machine-readable form (`--json`): one JSON object.
    public var json: String {
        var out = JSONLine()
        out.add("first_bucket", Timestamp.iso8601(firstBucket))
        out.add("last_bucket", Timestamp.iso8601(lastBucket))
        out.add("bucket_span", bucketSpanSeconds)
        out.add("time_zone", modelTimeZone)
        out.add("days", days)
        out.add("complete_buckets", completeBuckets)
        out.add("interim_buckets", interimBuckets)
        out.add("country_buckets", countryBuckets)
        out.add("threshold", threshold)
        out.addRaw("thresholds", JSONArray.of(thresholds) { row -> String in
            var item = JSONLine()
            item.add("threshold", row.threshold)
            item.add("alerts", row.alerts)
            item.add("alerts_per_day", row.alertsPerDay)
            item.add("incidents", row.incidents)
            item.add("incidents_per_day", row.incidentsPerDay)
            item.add("false_positive_rate", row.falsePositiveRate)
            item.add("predicted_alerts_per_day", row.predictedPerDay)
            item.add("predicted_alerts", row.predictedAlerts)
            return item.string
        })
        out.addRaw("countries", JSONArray.of(countries) { row -> String in
            var item = JSONLine()
            item.add("country", row.country.code)
            item.add("name", row.country.name)
            item.add("first_seen", row.firstSeen)
            item.add("events", row.events)
            item.add("country_buckets", row.countryBuckets)
            item.add("max_record_score", (row.maxScore * 1e3).rounded() / 1e3)
            item.addRaw("thresholds", JSONArray.of(zip(thresholds, row.alertsByThreshold)) { t, alerts -> String in
                var entry = JSONLine()
                entry.add("threshold", t.threshold)
                entry.add("alerts", alerts)
                entry.add("alerts_per_day", days > 0 ? Double(alerts) / days : 0)
                entry.add("false_positive_rate", row.countryBuckets > 0 ? Double(alerts) / Double(row.countryBuckets) : 0)
                return entry.string
            })
            return item.string
        })
        out.addRaw("hours", JSONArray.of(hours) { row -> String in
            var item = JSONLine()
            item.add("local_hour", row.localHour)
            item.add("alerts", row.alerts)
            item.add("country_buckets", row.countryBuckets)
            return item.string
        })
        return out.string
    }
}
