import Foundation
import GeoSpikeIngest
import GeoSpikeNumerics

/// Chooses the organisation's clock from its traffic (`--timezone auto`).
///
/// Every distinct clock of the IANA zones over the training span (`ClockCandidate`: UTC,
/// the fixed offsets, and one zone per daylight-saving schedule) gets one quick fit: the
/// pooled Poisson seasonal fit of all countries' traffic together, in that clock's local
/// time. All fits have the same design and so the same number of parameters, and the
/// clocks differ only in where they put each bucket in the local week: the log-likelihood
/// gain of one clock over another is a likelihood-ratio test of whether the daily shape
/// moved by the change's hour on the change's day. A schedule with changes must beat the
/// best fixed clock by `decisive` log-likelihood units (divided by the pooled fit's
/// dispersion, since the traffic is overdispersed) before the model follows its rule.
/// Among the clocks of the winning kind (changing or fixed) that the likelihood cannot
/// tell apart — one rule in different standard offsets, rules that change on neighbouring
/// nights of a weekend, fixed offsets a few hours apart — the clock is the one that puts
/// the working day where offices have it (`DailyShapeOffset`).
struct ClockSelection {
    let options: TrainingOptions
    /// The latest days the choice looks at: a season's change, at a cost that does not
    /// grow with a year of history.
    static let windowDays: Int64 = 91
    /// The dispersion-scaled log-likelihood gain of a rule over every fixed clock that
    /// counts as evidence of its change.
    ///
    /// Measured on synthetic organisations: a rule the traffic did not follow trailed the
    /// best fixed clock (by 2 to 26 when it changed on the last day of training, by 40 and
    /// more after working days); the rule it did follow led by 36 to 132 after one working
    /// day, by 19 on two working days of a very small office (three events a bucket), and
    /// by −4 to 12 on a Sunday alone, which is warned about instead (`unknownChanges`).
    static let decisive = 12.0
    /// Clocks of the winning kind this close to its best are contenders, and the working
    /// day decides among them: at least `contenderMargin`, since clocks that differ only
    /// in their standard offset differed by up to 15–20 on a simulated office with a sharp
    /// nine-to-five (a seasonal shape that is not quite the office's, cut at a different
    /// midnight), and a quarter of the winning kind's lead, since a rule's change is
    /// measured far better than its standard offset.
    static let contenderMargin = 30.0
    static let contenderShare = 0.25

    struct Evidence {
        var candidate: ClockCandidate
        var logLikelihood: Double
        var pearsonDispersion: Double
        var autocorrelation: Double
        /// Mean UTC offset (seconds) over the buckets the daily shape was measured on.
        var recentOffset: Double
    }

    /// The clock for `table`, or nil when there is nothing to choose on (the trainer
    /// then says why there is nothing to train on).
    func choose(_ table: CountTable) throws -> ClockChoice? {
        guard let range = table.bucketRange, !table.isEmpty else { return nil }
        let span = table.bucketSpan
        let series = CountrySeries(table)
        let skipped = max(0, (range.upperBound - range.lowerBound - Self.windowDays * 86400) / span.seconds + 1)
        let first = range.lowerBound + skipped * span.seconds
        let buckets = series.bucketCount - Int(skipped)
        guard buckets >= span.bucketsPerDay else { return nil }
        var pooled = [Int](repeating: 0, count: buckets)
        for c in series.countries.indices {
            let cells = series.cells(of: c, in: Int(skipped)..<series.bucketCount)
            for (i, y) in zip(cells.buckets, cells.counts) { pooled[i - Int(skipped)] += y }
        }
        // The daily shape of the last two weeks: recent enough to sit after most changes.
        let shapeBuckets = min(buckets, 14 * span.bucketsPerDay)
        let shapeFirst = first + Int64(buckets - shapeBuckets) * span.seconds
        let shape = DailyShapeOffset(
            counts: Self.countryWeighted(series, buckets: (series.bucketCount - shapeBuckets)..<series.bucketCount),
            first: shapeFirst, span: span.seconds)

        let candidates = ClockCandidate.all(first: first, last: range.upperBound + span.seconds - 1)
        // The skipped or repeated hour of every change is left out of every clock's
        // likelihood: a job set for 02:30 runs at 03:00 on the night that skips 02:00–03:00,
        // and once on the night that has 01:00–02:00 twice (as cron does), bursts and gaps
        // that a wrong clock can fit better. Every other hour after a change is evidence.
        var counted = [Bool](repeating: true, count: buckets)
        for change in Set(candidates.flatMap(\.schedule.changes)) {
            let reach = Int64(max(abs(change.shift), 3600))
            let from = max(0, Int(ClockSchedule.floorDiv(change.instant - reach - first, span.seconds)))
            let to = min(buckets, Int(ClockSchedule.floorDiv(change.instant + reach - first, span.seconds)))
            if from < to { for i in from..<to { counted[i] = false } }
        }
        var scored: [Evidence] = []
        for candidate in candidates {
            // A clock whose fit fails (a design the data cannot support in that clock) is
            // not a contender; UTC's failing would fail the model's own fit as well.
            guard let clock = try? LocalClock(identifier: candidate.zone),
                let fit = try? quickFit(pooled: pooled, counted: counted, first: first, span: span, clock: clock)
            else { continue }
            let offsets = (0..<shapeBuckets).map {
                Double(candidate.schedule.offset(at: shapeFirst + Int64($0) * span.seconds + span.seconds / 2))
            }
            scored.append(
                Evidence(
                    candidate: candidate, logLikelihood: fit.logLikelihood, pearsonDispersion: fit.dispersion,
                    autocorrelation: fit.autocorrelation,
                    recentOffset: offsets.reduce(0, +) / Double(max(1, offsets.count))))
        }
        return decide(scored, shape: shape, buckets: buckets, trainingEnd: range.upperBound + span.seconds)
    }

    /// Every data-rich country's counts over `range` divided by its mean, summed per bucket.
    ///
    /// Each country gets one vote on where the working day falls, so that the busiest
    /// country (a cloud region, a partner abroad on its own clock) does not place the
    /// organisation's day. All countries' counts as they are when none is data-rich.
    static func countryWeighted(_ series: CountrySeries, buckets range: Range<Int>) -> [Double] {
        var weighted = [Double](repeating: 0, count: range.count)
        var pooled = [Double](repeating: 0, count: range.count)
        var voters = 0
        for c in series.countries.indices {
            let cells = series.cells(of: c, in: range)
            let events = cells.counts.reduce(0, +)
            for (i, y) in zip(cells.buckets, cells.counts) { pooled[i - range.lowerBound] += Double(y) }
            guard events >= Trainer.dataRichEvents else { continue }
            voters += 1
            let mean = Double(events) / Double(range.count)
            for (i, y) in zip(cells.buckets, cells.counts) { weighted[i - range.lowerBound] += Double(y) / mean }
        }
        return voters > 0 ? weighted : pooled
    }

    /// The decision on scored candidates (see the type's comment).
    func decide(_ scored: [Evidence], shape: DailyShapeOffset?, buckets: Int, trainingEnd: Int64) -> ClockChoice? {
        guard let best = scored.max(by: { $0.logLikelihood < $1.logLikelihood }),
            let utc = scored.first(where: { !$0.candidate.changes && $0.candidate.schedule.startOffset == 0 })
        else { return nil }
        // Evidence is counted in independent Poisson buckets: divided by the overdispersion,
        // and by how much neighbouring buckets' residuals move together (an AR(1) sum's
        // variance inflation), which is what real telemetry has and synthetic traffic not.
        let rho = min(max(best.autocorrelation, 0), 0.95)
        let dispersion = max(1, best.pearsonDispersion) * (1 + rho) / (1 - rho)
        func gain(_ a: Evidence, over b: Evidence) -> Double { (a.logLikelihood - b.logLikelihood) / dispersion }
        let fixed = scored.filter { !$0.candidate.changes }
        let shifting = scored.filter { $0.candidate.changes }
        let bestFixed = fixed.max { $0.logLikelihood < $1.logLikelihood } ?? utc
        let bestShifting = shifting.max { $0.logLikelihood < $1.logLikelihood }
        // A rule must beat every fixed clock decisively; then every clock of its kind that
        // the likelihood cannot tell from the best (zones of one rule in other standard
        // offsets, rules that change on neighbouring nights of a weekend) is a contender.
        var ruleKnown = false
        if let s = bestShifting, gain(s, over: bestFixed) >= Self.decisive { ruleKnown = true }
        let kind = ruleKnown ? shifting : fixed
        let top = kind.max { $0.logLikelihood < $1.logLikelihood } ?? utc
        let lead = bestShifting.map { ruleKnown ? gain($0, over: bestFixed) : gain(bestFixed, over: $0) } ?? 0
        let margin = max(Self.contenderMargin, Self.contenderShare * lead)
        let plausible = kind.filter { gain(top, over: $0) < margin }
        var chosen = top
        let rank = ClockCandidate.preferenceRank
        if let shape, shape.isClear, let nearest = plausible.map({ shape.hoursOff(offset: $0.recentOffset) }).min() {
            // Offsets a quarter of an hour nearer are within what the shape can tell (offices
            // differ by more): among those, the clock of a zone people name first (Tokyo's
            // +09:00 over Eucla's +08:45, Kolkata's +05:30 over Karachi's +05:00), then whole
            // hours.
            func key(_ e: Evidence) -> (Int, Int, Double) {
                (
                    e.candidate.members.compactMap { rank[$0] }.min() ?? .max,
                    e.candidate.schedule.offset(at: trainingEnd - 1) % 3600 == 0 ? 0 : 1,
                    -e.logLikelihood
                )
            }
            chosen =
                plausible.filter { shape.hoursOff(offset: $0.recentOffset) <= nearest + 0.25 }.min { key($0) < key($1) }
                ?? top
        } else if !ruleKnown, plausible.contains(where: { $0.candidate.zone == utc.candidate.zone }) {
            // Nothing places the day and nothing moved: keep UTC, the clock that claims least.
            chosen = utc
        }
        let rival = ruleKnown ? bestFixed : bestShifting
        // Each rule tested once, by the best of its clocks, named by the zone people know
        // best (the chosen one when it is among them).
        func preference(_ e: Evidence) -> (Int, Double) { (rank[e.candidate.zone] ?? .max, -e.logLikelihood) }
        var tested: [ClockChoice.ChangeTested] = []
        for family in Dictionary(grouping: shifting, by: { $0.candidate.schedule.ruleKey }).values {
            guard let best = family.max(by: { $0.logLikelihood < $1.logLikelihood }),
                let named = family.first(where: { $0.candidate.zone == chosen.candidate.zone })
                    ?? family.min(by: { preference($0) < preference($1) })
            else { continue }
            let gainPerBucket = (best.logLikelihood - bestFixed.logLikelihood) / Double(buckets)
            for change in named.candidate.schedule.changes {
                tested.append(
                    ClockChoice.ChangeTested(
                        instant: change.instant, shift: change.shift, rule: named.candidate.name,
                        gainPerBucket: gainPerBucket))
            }
        }
        tested.sort { ($0.instant, $0.rule) < ($1.instant, $1.rule) }
        return ClockChoice(
            zone: chosen.candidate.zone, clock: chosen.candidate.name, ruleKnown: ruleKnown,
            gainOverUTCPerBucket: (chosen.logLikelihood - utc.logLikelihood) / Double(buckets),
            runnerUp: rival.map(\.candidate.name),
            gainOverRunnerUpPerBucket: rival.map { (chosen.logLikelihood - $0.logLikelihood) / Double(buckets) },
            buckets: buckets, dispersion: dispersion, changesTested: tested,
            workingDayCentreUTC: shape.flatMap { $0.isClear ? $0.utcCentre : nil },
            unknownChanges: ruleKnown
                ? []
                : Self.unknownChanges(
                    sharing: chosen.candidate, after: trainingEnd,
                    unseen: shifting.filter { e in
                        // A rule that kept this clock on one side of its change, and that the
                        // data did not refute (a change on the last, quiet days of training).
                        let offset = chosen.candidate.schedule.startOffset
                        return gain(e, over: chosen) > -Self.decisive
                            && (e.candidate.schedule.startOffset == offset
                                || e.candidate.schedule.offset(at: trainingEnd - 1) == offset)
                    }.map(\.candidate)))
    }

    /// The dates a model without a known rule cannot know about, first ones first: the
    /// next change of every zone that kept the chosen fixed clock through training, and
    /// the changes inside training of `unseen` rules that the data could not confirm.
    static func unknownChanges(sharing candidate: ClockCandidate, after end: Int64, unseen: [ClockCandidate] = [])
        -> [ClockChoice.UnknownChange]
    {
        var byRule: [[Int64]: ClockChoice.UnknownChange] = [:]
        let rank = ClockCandidate.preferenceRank
        func keep(_ change: ClockSchedule.Change, of name: String) {
            let key = [ClockSchedule.floorDiv(change.instant, 86400), Int64(change.shift)]
            if let kept = byRule[key], (rank[kept.zone] ?? .max, kept.zone) <= (rank[name] ?? .max, name) { return }
            byRule[key] = ClockChoice.UnknownChange(instant: change.instant, shift: change.shift, zone: name)
        }
        for name in candidate.members {
            guard let zone = TimeZone(identifier: name),
                let change = ClockSchedule(zone: zone, first: end, last: end + 366 * 86400).changes.first
            else { continue }
            keep(change, of: name)
        }
        for rule in unseen {
            for change in rule.schedule.changes { keep(change, of: rule.zone) }
        }
        // On one day, the change of the zone people know best is the one to name.
        return byRule.values.sorted {
            ($0.instant, rank[$0.zone] ?? .max, $0.zone) < ($1.instant, rank[$1.zone] ?? .max, $1.zone)
        }
    }

    /// The pooled Poisson seasonal fit of `pooled` in `clock`'s local time, unweighted (an
    /// old change is as much evidence as a recent one): its log-likelihood over the
    /// `counted` buckets, up to the constant −Σ log y! that every clock shares, its Pearson
    /// dispersion, and the lag-one autocorrelation of its Pearson residuals.
    func quickFit(pooled: [Int], counted: [Bool], first: Int64, span: BucketSpan, clock: LocalClock) throws
        -> (logLikelihood: Double, dispersion: Double, autocorrelation: Double)
    {
        let cells = SeasonalCells(
            first: first, last: first + Int64(pooled.count - 1) * span.seconds, span: span, clock: clock,
            design: options.design, halfLifeDays: 0, weightReference: first)
        let nonZero = pooled.indices.filter { pooled[$0] > 0 }
        let counts = CountryCellCounts(buckets: nonZero, counts: nonZero.map { pooled[$0] }, cells: cells)
        let fit = try SeasonalFitter.fitCounts(
            family: .poisson, cells: cells, counts: counts,
            shape: ShapePrior(mean: .init(repeating: 0, count: options.design.smoothColumnCount), precision: 1))
        let eta = SeasonalFitter.cellLinearPredictors(fit.coefficients, cells)
        var logLikelihood = 0.0
        var pearson = 0.0
        var lagged = 0.0
        var previous = 0.0
        for (i, y) in pooled.enumerated() {
            let cellEta = eta[Int(cells.bucketCell[i])]
            let mean = exp(cellEta)
            if counted[i] { logLikelihood += Double(y) * cellEta - mean }
            let residual = (Double(y) - mean) / max(mean, 1e-9).squareRoot()
            pearson += residual * residual
            if i > 0 { lagged += residual * previous }
            previous = residual
        }
        let freedom = max(1, pooled.count - options.design.columnCount)
        return (logLikelihood, pearson / Double(freedom), pearson > 0 ? lagged / pearson : 0)
    }
}
