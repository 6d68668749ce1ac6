extension Trainer {
    /// Country `c`'s largest bucket over the last `CountryModel.recentDays` of training,
    /// overall and per local hour of day.
    static func recentMaxima(series: CountrySeries, country c: Int, cells: SeasonalCells, clock: LocalClock)
        -> (overall: Double, hourly: [Double])
    {
        let n = cells.bucketCount
        let span = cells.bucketSpan.seconds
        let from = max(0, n - CountryModel.recentDays * cells.bucketSpan.bucketsPerDay)
        var hourly = [Double](repeating: 0, count: 24)
        let recent = series.cells(of: c, in: from..<n)
        for (b, y) in zip(recent.buckets, recent.counts) {
            let hour = clock.position(of: cells.firstBucket + Int64(b) * span + span / 2).secondOfDay / 3600
            hourly[hour] = max(hourly[hour], Double(y))
        }
        return (hourly.max() ?? 0, hourly)
    }
}
