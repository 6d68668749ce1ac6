import Foundation

/// How busy the office is at a local time, relative to the average of a normal week.
///
/// Weekdays rise from a night floor to a morning peak near 10:30, dip at lunch, peak again
/// near 14:45 and fade into a little evening work; Fridays are quieter than Mondays.
/// Weekends and holidays keep only the night floor and a small afternoon bump. The week's
/// mean is 1, so a country's base rate is its average events per bucket.
enum BusinessHours {
    /// Relative activity at local `hour` (0 ..< 24) on `weekday` (0 = Sunday).
    static func activity(hour: Double, weekday: Int, isHoliday: Bool) -> Double {
        raw(hour: hour, weekday: weekday, isHoliday: isHoliday) / weeklyMean
    }

    private static func raw(hour: Double, weekday: Int, isHoliday: Bool) -> Double {
        if isHoliday || weekday == 0 || weekday == 6 {
            return 0.10 + 0.16 * bump(hour, 14, 3.5)
        }
        let office = 0.10 + 0.95 * bump(hour, 10.4, 1.5) + 0.88 * bump(hour, 14.8, 1.9) + 0.14 * bump(hour, 20.5, 1.4)
        return office * weekdayFactor[weekday]
    }

    private static func bump(_ hour: Double, _ center: Double, _ width: Double) -> Double {
        let z = (hour - center) / width
        return exp(-0.5 * z * z)
    }

    /// Monday meetings, Friday afternoons off.
    private static let weekdayFactor: [Double] = [1, 1.04, 1.06, 1.03, 1.0, 0.86, 1]

    private static let weeklyMean: Double = {
        var sum = 0.0
        for weekday in 0..<7 {
            for quarter in 0..<96 {
                sum += raw(hour: (Double(quarter) + 0.5) / 4, weekday: weekday, isHoliday: false)
            }
        }
        return sum / Double(7 * 96)
    }()
}
