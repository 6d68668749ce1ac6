import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeNumerics
import GeoSpikeScore

/// How the trainer and scorer do on real labelled series, judged as
/// docs/labelled-series-protocol.md says: weekly test windows, each scored by a model
/// trained on everything before it, spike episodes found and false alerts per day beside
/// the alerts per day the model itself predicts.
public struct LabelledWalkForward: Sendable {
    public struct Options: Sendable {
        public var training: TrainingOptions
        public var threshold: Double = 75
        public var minTrainDays: Int = 7
        public var testDays: Int = 7

        public init(training: TrainingOptions) { self.training = training }
    }

    /// One labelled episode: a run of consecutive labelled time points.
    public struct Episode: Sendable, Equatable {
        public var first: Int
        public var last: Int
        /// Its peak is above the series' usual level at that hour: a spike.
        public var up: Bool
        public var found: Bool
    }

    /// One series' result.
    public struct SeriesResult: Sendable {
        public var name: String
        public var stepSeconds: Int64
        public var firstTime: Int64
        public var testPoints: Int
        public var windows: Int
        public var episodes: [Episode]
        /// Alerting time points in no labelled episode, by grid index.
        public var falseAlerts: [Int]
        /// Alerts per day the models predicted at the threshold, averaged over windows.
        public var predictedPerDay: Double
        func time(_ i: Int) -> Int64 { firstTime + Int64(i) * stepSeconds }
        public var testDays: Double { Double(testPoints) * Double(stepSeconds) / 86400 }
        public var upEpisodes: Int { episodes.filter(\.up).count }
        public var found: Int { episodes.filter { $0.up && $0.found }.count }
        public var downEpisodes: Int { episodes.filter { !$0.up }.count }
        public var falsePerDay: Double { testDays > 0 ? Double(falseAlerts.count) / testDays : 0 }
        /// False alerts with those at most an hour apart merged: what an analyst triages.
        public var falseEpisodes: Int {
            let reach = max(1, Int(3600 / stepSeconds))
            var episodes = 0
            var previous: Int?
            for i in falseAlerts {
                if previous.map({ i - $0 > reach }) ?? true { episodes += 1 }
                previous = i
            }
            return episodes
        }
    }

    public var options: Options
    public var series: [SeriesResult]
    /// Series too short for one test window, with the reason.
    public var skipped: [(name: String, reason: String)]

    public static func run(
        _ all: [LabelledSeries], options: Options, progress: (String) -> Void = { _ in }
    ) throws -> LabelledWalkForward {
        var results: [SeriesResult] = []
        var skipped: [(String, String)] = []
        for s in all {
            guard let result = try evaluate(s, options: options, progress: progress) else {
                skipped.append((s.name, "shorter than \(options.minTrainDays) days + one step"))
                continue
            }
            results.append(result)
        }
        return LabelledWalkForward(options: options, series: results, skipped: skipped)
    }

    /// One series through every test window, nil when it has no test window.
    static func evaluate(_ s: LabelledSeries, options: Options, progress: (String) -> Void) throws -> SeriesResult? {
        let perDay = s.step.bucketsPerDay
        let firstTest = options.minTrainDays * perDay
        guard s.count > firstTest else { return nil }
        var alerts = [Bool](repeating: false, count: s.count)
        var predicted: [Double] = []
        var testPoints = 0
        var start = firstTest
        while start < s.count {
            let end = min(s.count, start + options.testDays * perDay)
            progress("\(s.name): training on \(start) points, testing \(end - start)")
            let model = try Trainer(options: options.training).train(trainingTable(s, before: start))
            let scorer = try Scorer(model: model, modelID: "labelled")
            var scoreOptions = ScoreOptions()
            scoreOptions.threshold = options.threshold
            scoreOptions.until = Double(s.time(end - 1) + s.step.seconds)
            let batch = try scorer.score(testTable(s, start..<end), options: scoreOptions)
            if let j = batch.countries.firstIndex(of: LabelledSeries.country) {
                for b in 0..<batch.bucketCount {
                    let i = Int((batch.bucketStarts[b] - s.firstTime) / s.step.seconds)
                    guard (start..<end).contains(i), s.values[i] != nil else { continue }
                    alerts[i] = Backtest.alerts(batch, cell: batch.index(bucket: b, country: j), bucket: b, threshold: options.threshold)
                }
            }
            predicted.append(AnomalyScale.expectedPerDay(atScore: options.threshold))
            testPoints += (start..<end).filter { s.values[$0] != nil }.count
            start = end
        }
        var episodes = self.episodes(s, from: firstTest)
        var inEpisode = [Bool](repeating: false, count: s.count)
        for e in episodes.indices {
            for i in episodes[e].first...episodes[e].last { inEpisode[i] = true }
            episodes[e].found = (episodes[e].first...episodes[e].last).contains { alerts[$0] }
        }
        return SeriesResult(
            name: s.name, stepSeconds: s.step.seconds, firstTime: s.firstTime, testPoints: testPoints,
            windows: predicted.count, episodes: episodes,
            falseAlerts: (firstTest..<s.count).filter { alerts[$0] && !inEpisode[$0] && !s.labels[$0] },
            predictedPerDay: predicted.reduce(0, +) / Double(max(1, predicted.count)))
    }

    /// The training points before grid index `end` as a count table; a missing value is
    /// filled with the median of its hour of day over the training points, so that a hole
    /// is neither a zero nor a gap in the seasonal design.
    static func trainingTable(_ s: LabelledSeries, before end: Int) -> CountTable {
        var byHour = [[Double]](repeating: [], count: 24)
        for i in 0..<end { if let v = s.values[i] { byHour[s.hour(i)].append(v) } }
        let medians = byHour.map { $0.isEmpty ? 0 : $0.sorted()[$0.count / 2] }
        var table = CountTable(bucketSpan: s.step)
        table.observe(time: Double(s.firstTime))
        table.observe(time: Double(s.time(end - 1) + s.step.seconds) - 1e-3)
        for i in 0..<end {
            let v = s.values[i] ?? medians[s.hour(i)]
            if v > 0 { table.add(bucketStart: s.time(i), country: LabelledSeries.country, count: Int(v)) }
        }
        return table
    }

    /// The test points of `range`, missing ones left at zero (they are never judged).
    static func testTable(_ s: LabelledSeries, _ range: Range<Int>) -> CountTable {
        var table = CountTable(bucketSpan: s.step)
        table.observe(time: Double(s.time(range.lowerBound)))
        table.observe(time: Double(s.time(range.upperBound - 1) + s.step.seconds) - 1e-3)
        for i in range {
            if let v = s.values[i], v > 0 {
                table.add(bucketStart: s.time(i), country: LabelledSeries.country, count: Int(v))
            }
        }
        return table
    }

    /// The labelled episodes starting at or after grid index `from`, each marked up or down
    /// by its peak against the median of unlabelled values at the peak's hour.
    static func episodes(_ s: LabelledSeries, from: Int) -> [Episode] {
        var byHour = [[Double]](repeating: [], count: 24)
        for i in 0..<s.count where !s.labels[i] { if let v = s.values[i] { byHour[s.hour(i)].append(v) } }
        let usual = byHour.map { RobustStatistics.median($0) }
        var episodes: [Episode] = []
        var i = 0
        while i < s.count {
            guard s.labels[i] else {
                i += 1
                continue
            }
            var j = i
            while j + 1 < s.count && s.labels[j + 1] { j += 1 }
            if i >= from {
                let peak = (i...j).max { (s.values[$0] ?? -1) < (s.values[$1] ?? -1) } ?? i
                episodes.append(Episode(first: i, last: j, up: (s.values[peak] ?? -1) > usual[s.hour(peak)], found: false))
            }
            i = j + 1
        }
        return episodes
    }

    // MARK: - Output

    public var totalTestDays: Double { series.map(\.testDays).reduce(0, +) }
    public var totalFalse: Int { series.map(\.falseAlerts.count).reduce(0, +) }

    public var table: TextTable {
        var table = TextTable(header: [
            "series", "step", "test days", "up episodes", "found", "down", "false alerts", "false/day",
            "false episodes/day", "predicted/day",
        ])
        func row(_ name: String, step: String, days: Double, up: Int, found: Int, down: Int, falses: Int, episodes: Int, predicted: Double) -> [String] {
            [
                name, step, FixedFormat.decimal(days, 1), String(up), String(found), String(down), String(falses),
                FixedFormat.decimal(days > 0 ? Double(falses) / days : 0, 2),
                FixedFormat.decimal(days > 0 ? Double(episodes) / days : 0, 2), FixedFormat.decimal(predicted, 2),
            ]
        }
        for s in series {
            table.append(
                row(s.name, step: BucketSpan(seconds: s.stepSeconds).description, days: s.testDays, up: s.upEpisodes,
                    found: s.found, down: s.downEpisodes, falses: s.falseAlerts.count, episodes: s.falseEpisodes,
                    predicted: s.predictedPerDay))
        }
        let days = totalTestDays
        table.append(
            row("all", step: "", days: days, up: series.map(\.upEpisodes).reduce(0, +),
                found: series.map(\.found).reduce(0, +), down: series.map(\.downEpisodes).reduce(0, +),
                falses: totalFalse, episodes: series.map(\.falseEpisodes).reduce(0, +),
                predicted: series.map { $0.predictedPerDay * $0.testDays }.reduce(0, +) / max(days, 1e-300)))
        return table
    }

    public var text: String {
        var out = "\(series.count) series, test windows of \(options.testDays) days after \(options.minTrainDays), "
            + "threshold \(FixedFormat.decimal(options.threshold, 1))\n\n" + table.text
        for (name, reason) in skipped { out += "skipped \(name): \(reason)\n" }
        return out
    }

    public var json: String {
        func fields(_ item: inout JSONLine, days: Double, up: Int, found: Int, down: Int, falses: Int, episodes: Int, predicted: Double) {
            item.add("test_days", days)
            item.add("up_episodes", up)
            item.add("found", found)
            item.add("down_episodes", down)
            item.add("false_alerts", falses)
            item.add("false_per_day", days > 0 ? Double(falses) / days : 0)
            item.add("false_episodes", episodes)
            item.add("predicted_per_day", predicted)
        }
        var out = JSONLine()
        out.add("threshold", options.threshold)
        out.add("min_train_days", options.minTrainDays)
        out.add("test_days_per_window", options.testDays)
        var overall = JSONLine()
        let days = totalTestDays
        fields(
            &overall, days: days, up: series.map(\.upEpisodes).reduce(0, +), found: series.map(\.found).reduce(0, +),
            down: series.map(\.downEpisodes).reduce(0, +), falses: totalFalse,
            episodes: series.map(\.falseEpisodes).reduce(0, +),
            predicted: series.map { $0.predictedPerDay * $0.testDays }.reduce(0, +) / max(days, 1e-300))
        out.addRaw("overall", overall.string)
        out.addRaw("series", JSONArray.of(series) { s in
            var item = JSONLine()
            item.add("name", s.name)
            item.add("step_seconds", s.stepSeconds)
            item.add("windows", s.windows)
            fields(
                &item, days: s.testDays, up: s.upEpisodes, found: s.found, down: s.downEpisodes,
                falses: s.falseAlerts.count, episodes: s.falseEpisodes, predicted: s.predictedPerDay)
            item.addRaw("missed_up_episodes", JSONArray.of(s.episodes.filter { $0.up && !$0.found }) { e in
                "\"" + Timestamp.iso8601(s.time(e.first)) + "\""
            })
            item.addRaw("false_alerts_at", JSONArray.of(s.falseAlerts) { "\"" + Timestamp.iso8601(s.time($0)) + "\"" })
            return item.string
        })
        out.addRaw("skipped", JSONArray.of(skipped) { "\"\($0.name)\"" })
        return out.string
    }
}
