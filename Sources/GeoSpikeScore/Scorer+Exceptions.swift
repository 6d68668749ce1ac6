import GeoSpikeIngest

extension Scorer {
    /// Scores a batch with exceptions: the full counts decide what alerts, and an alert is
    /// suppressed only when the same bucket, recounted without excepted events and scored
    /// again, no longer alerts.
    ///
    /// Recounting rather than subtracting a share is what keeps an exception honest: if
    /// approved host A and unknown host B both spike to one country, removing A's events
    /// still leaves B's spike, which still alerts. Because the multi-bucket test looks back
    /// `multiBucketWindow` buckets, an exception whose events sit earlier in the window can
    /// explain an alert too; an alert with no excepted events in its window is never
    /// suppressed (with `--fdr`, rescoring can move other countries' cut-off).
    ///
    /// Returns the full batch (its `alert` flags untouched) and, per suppressed cell, why.
    public func score(
        _ traffic: ExceptedTraffic, exceptions: ExceptionList, options: ScoreOptions = ScoreOptions()
    ) throws -> (batch: ScoredBatch, suppressions: [CellKey: AlertSuppression]) {
        var options = options
        // Both tables must judge the same buckets interim, whatever the excepted events' times.
        options.until = options.until ?? traffic.table.lastEventTime
        let full = try score(traffic.table, options: options)
        guard traffic.exceptedEvents > 0 else { return (full, [:]) }
        let kept = try score(traffic.kept, options: options)
        var keptColumn: [CountryCode: Int] = [:]
        for (j, country) in kept.countries.enumerated() { keptColumn[country] = j }
        let window = max(1, model.metadata.options.multiBucketWindow)
        let nb = full.bucketCount

        var suppressions: [CellKey: AlertSuppression] = [:]
        for j in 0..<full.countryCount {
            let country = full.countries[j]
            for b in 0..<nb where full.alert[full.index(bucket: b, country: j)] {
                var keptScore = 0.0
                var keptActual = 0
                if let k = keptColumn[country], kept.bucketCount == nb {
                    let i = kept.index(bucket: b, country: k)
                    if kept.alert[i] { continue }
                    keptScore = kept.recordScore[i]
                    keptActual = Int(kept.actual[i])
                }
                // Which exception explains it: the one that removed most events in the window.
                var best: (index: Int, events: Int)?
                var inBucket = 0
                for e in exceptions.entries.indices {
                    var events = 0
                    for w in max(0, b - window + 1)...b {
                        let cell = CellKey(bucketStart: full.bucketStarts[w], country: country)
                        let n = traffic.excepted(by: e, in: cell)
                        events += n
                        if w == b { inBucket += n }
                    }
                    if events > (best?.events ?? 0) { best = (e, events) }
                }
                guard let best else { continue }
                let entry = exceptions.entries[best.index]
                suppressions[CellKey(bucketStart: full.bucketStarts[b], country: country)] = AlertSuppression(
                    exceptionID: entry.id, reason: entry.reason, owner: entry.owner, location: entry.location,
                    exceptedEvents: inBucket, actualWithoutExcepted: keptActual, recordScoreWithoutExcepted: keptScore)
            }
        }
        return (full, suppressions)
    }
}
