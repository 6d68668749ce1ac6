import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

/// Injects labelled spikes of a range of sizes into real history and measures which the
/// scorer catches: recall by size, country and local hour, ROC and precision–recall.
///
/// Spikes go to uniformly drawn countries (new countries for `new-country` shapes) and
/// complete buckets where the clean history does not already alert, so that no spike is
/// credited with a false alert. A spike is caught when any of its buckets alerts.
public struct InjectionStudy: Sendable {
    public struct Options: Sendable {
        public var spikes: Int = 300
        public var seed: UInt64 = 1
        public var threshold: Double = 75
        public var until: Double?
        /// Sizes cycled through in order, so each gets about `spikes / shapes.count` spikes.
        public var shapes: [SpikeShape] = SpikeShape.standardLadder

        public init() {}
    }

    public let model: TrainedModel
    public let modelID: String

    public init(model: TrainedModel, modelID: String) {
        self.model = model
        self.modelID = modelID
    }

    /// Countries used for `new-country` spikes, in order of preference: places an
    /// organisation rarely talks to, and that are not in the model or the history.
    public static let newCountryCandidates = ["KP", "IR", "SY", "CU", "BY", "MM", "SD", "LY", "ZW", "VE", "AF", "YE"]

    public func run(_ table: CountTable, options: Options) throws -> InjectionResult {
        guard options.spikes > 0 else { throw GeoSpikeError(.usage, "--spikes must be at least 1") }
        guard !options.shapes.isEmpty else { throw GeoSpikeError(.usage, "give at least one spike size") }
        let injector = try SpikeInjector(
            scorer: try Scorer(model: model, modelID: modelID), table: table, threshold: options.threshold,
            until: options.until)
        let clock = try LocalClock(identifier: model.metadata.timeZone)
        let complete = injector.completeBuckets
        let known = injector.modelCountries
        guard !known.isEmpty, let lastComplete = complete.last else {
            throw GeoSpikeError(.badData, "the history has no complete bucket to inject spikes into: give a longer input")
        }
        // Busiest first, for shapes that target countries by volume rank.
        let index = model.countryIndex
        let events = { (c: CountryCode) in model.countries[index[c] ?? 0].trainingEvents }
        let ranked = known.sorted { events($0) != events($1) ? events($0) > events($1) : $0 < $1 }
        let present = Set(injector.clean.countries)
        let newCountries = Self.newCountryCandidates.compactMap(CountryCode.init).filter { !present.contains($0) }

        var rng = SeededGenerator(seed: options.seed)
        var spikes: [InjectedSpike] = []
        for n in 0..<options.spikes {
            let shape = options.shapes[n % options.shapes.count]
            var pool = shape.kind == .newCountry ? newCountries : known
            if let ranks = shape.countryRanks, shape.kind != .newCountry {
                let n = Double(ranked.count)
                let lower = min(ranked.count - 1, Int((ranks.lowerBound * n).rounded(.down)))
                let upper = max(lower + 1, min(ranked.count, Int((ranks.upperBound * n).rounded(.up))))
                pool = Array(ranked[lower..<upper])
            }
            guard !pool.isEmpty, shape.buckets <= complete.count else { continue }
            // A few draws to find cells the clean history does not alert in; rare misses are skipped.
            for _ in 0..<50 {
                let country = pool[rng.index(below: pool.count)]
                let first = complete[rng.index(below: complete.count - shape.buckets + 1)]
                let last = first + shape.buckets - 1
                guard last <= lastComplete, !injector.clean.interim[last],
                    !injector.cleanAlerts(country: country, buckets: first...last)
                else { continue }
                let typical = (first...last).map { injector.typical(country: country, bucket: $0) }
                let start = injector.clean.bucketStarts[first]
                spikes.append(
                    InjectedSpike(
                        shape: shape, country: country, firstBucket: first, bucketStart: start,
                        localHour: clock.position(of: start).secondOfDay / 3600,
                        added: typical.map { shape.addedEvents(typical: $0) }, typical: typical.reduce(0, +)))
                break
            }
        }

        let rounds = SpikePacking.rounds(
            spikes.map { .init(country: $0.country, first: $0.firstBucket, last: $0.lastBucket) },
            window: injector.window)
        for round in rounds {
            var added: [(bucket: Int, country: CountryCode, events: Int)] = []
            for s in round {
                for (k, events) in spikes[s].added.enumerated() {
                    added.append((spikes[s].firstBucket + k, spikes[s].country, events))
                }
            }
            let injected = try injector.score(adding: added)
            for s in round {
                let buckets = spikes[s].firstBucket...spikes[s].lastBucket
                spikes[s].maxScore = injected.maxScore(country: spikes[s].country, buckets: buckets)
                spikes[s].caught = injected.alerts(country: spikes[s].country, buckets: buckets)
            }
        }
        let backtest = try Backtest(model: model, modelID: modelID).summarise(injector.clean, threshold: options.threshold)
        return InjectionResult(
            threshold: options.threshold, seed: options.seed, spikes: spikes, rounds: rounds.count,
            clean: backtest)
    }
}
