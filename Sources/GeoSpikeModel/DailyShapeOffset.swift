import Foundation

/// Where the organisation's working day falls in UTC: the centre of its daytime traffic.
///
/// A constant UTC offset hardly changes the likelihood of a seasonal fit (the daily
/// harmonics absorb any phase; only the midnight between weekdays and weekends moves),
/// so the offset of a clock comes from the shape of the day instead: office traffic
/// centres near 13:00 local time (a morning and an afternoon peak around lunch). The
/// centre is the circular mean of the traffic above the night floor, and it is trusted
/// only when the day is clearly shaped: a busy day at least half again as busy as the
/// night, concentrated in one part of the day.
struct DailyShapeOffset: Sendable {
    /// The assumed local time of the centre of the working day, in hours.
    static let localCentre = 13.0
    /// Busiest hour over quietest hour below which the day is too flat to place.
    static let minimumContrast = 1.5
    /// Resultant length (0 = spread evenly round the clock, 1 = all at one instant) below
    /// which the traffic above the floor has no clear centre.
    static let minimumConcentration = 0.3

    /// UTC hour (0 ..< 24) of the centre of the daytime traffic.
    var utcCentre: Double
    var contrast: Double
    var concentration: Double

    var isClear: Bool { contrast >= Self.minimumContrast && concentration >= Self.minimumConcentration }

    /// The shape of `counts` (one total per bucket, the first starting at `first`).
    init?(counts: [Double], first: Int64, span: Int64) {
        let perDay = Int(86400 / span)
        guard perDay >= 24, counts.count >= perDay else { return nil }
        var profile = [Double](repeating: 0, count: perDay)
        var days = [Double](repeating: 0, count: perDay)
        for (i, y) in counts.enumerated() {
            let slot = Int(((first + Int64(i) * span) % 86400 + 86400) % 86400 / span)
            profile[slot] += y
            days[slot] += 1
        }
        for s in profile.indices { profile[s] /= max(1, days[s]) }
        // Hourly means centred on each slot (half weight at both ends when an hour holds an
        // even number of slots), so that one slot's nightly job is neither the floor nor the
        // peak, and the centre does not move.
        let perHour = perDay / 24
        let reach = perHour / 2
        let hourly = (0..<perDay).map { s in
            (-reach...reach).reduce(0.0) { sum, k in
                let weight = perHour % 2 == 0 && abs(k) == reach ? 0.5 : 1
                return sum + weight * profile[(s + k + perDay) % perDay]
            } / Double(perHour)
        }
        guard let floor = hourly.min(), let peak = hourly.max(), peak > 0 else { return nil }
        contrast = floor > 0 ? peak / floor : .infinity
        var (x, y, total) = (0.0, 0.0, 0.0)
        for (s, value) in hourly.enumerated() {
            let weight = value - floor
            let angle = 2 * Double.pi * (Double(s) + 0.5) / Double(perDay)
            x += weight * cos(angle)
            y += weight * sin(angle)
            total += weight
        }
        concentration = total > 0 ? (x * x + y * y).squareRoot() / total : 0
        let hour = atan2(y, x) / (2 * Double.pi) * 24
        utcCentre = hour < 0 ? hour + 24 : hour
    }

    /// The hours (0 to 12) between 13:00 local and the centre of the working day read on a
    /// clock `offset` seconds east of UTC.
    func hoursOff(offset: Double) -> Double {
        let local = (utcCentre + offset / 3600).truncatingRemainder(dividingBy: 24)
        let distance = abs((local < 0 ? local + 24 : local) - Self.localCentre)
        return min(distance, 24 - distance)
    }
}
