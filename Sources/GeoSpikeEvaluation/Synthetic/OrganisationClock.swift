import Foundation

/// The organisation's wall clock: local time, weekday and holidays of each UTC bucket.
///
/// People work by the local clock, so business hours, weekends, holidays and the nightly
/// jobs are placed in local time and move by an hour in UTC when daylight saving starts
/// or ends. The clock is built once per time zone and asked per bucket.
struct OrganisationClock {
    /// What the organisation's clock says during one bucket.
    struct LocalMoment {
        /// Local hour of the bucket's middle, 0 ..< 24 (fractional).
        var hour: Double
        /// 0 = Sunday … 6 = Saturday.
        var weekday: Int
        /// A public holiday (people stay home as on a Sunday).
        var isHoliday: Bool
        /// Seconds east of UTC in force (3600 or 7200 in Berlin).
        var utcOffset: Int
        /// Local calendar day number (days since 1970-01-01 in local time).
        var localDay: Int64
    }

    let timeZone: TimeZone
    /// The years whose holidays are known.
    let years: ClosedRange<Int>
    private let holidays: Set<Int64>

    init(timeZone: TimeZone, years: ClosedRange<Int>) {
        self.timeZone = timeZone
        self.years = years
        var days = Set<Int64>()
        for year in years {
            for (month, day) in Self.holidayDates(year: year, timeZone: timeZone.identifier) {
                days.insert(CivilDate.days(year: year, month: month, day: day))
            }
        }
        holidays = days
    }

    /// Seconds east of UTC at `epochSeconds`.
    func utcOffset(at epochSeconds: Int64) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epochSeconds)))
    }

    /// The local moment of the bucket starting at `bucketStart` (offsets only change on
    /// whole hours, so one offset holds for the whole bucket).
    func moment(bucketStart: Int64, span: Int64 = 900) -> LocalMoment {
        let offset = utcOffset(at: bucketStart)
        let local = bucketStart + Int64(offset) + span / 2
        let day = CivilDate.floorDiv(local, 86_400)
        let secondOfDay = local - day * 86_400
        let weekday = CivilDate.weekday(days: day)
        return LocalMoment(
            hour: Double(secondOfDay) / 3600, weekday: weekday, isHoliday: holidays.contains(day),
            utcOffset: offset, localDay: day)
    }

    /// The UTC instant of `hour:minute` local time on local day `localDay`; a time that
    /// does not exist (spring forward) runs at the first valid instant after it and a time
    /// that occurs twice (fall back) runs once, at its first occurrence, as cron does.
    func instant(localDay: Int64, hour: Int, minute: Int) -> Int64 {
        let wallClock = localDay * 86_400 + Int64(hour * 3600 + minute * 60)
        let before = utcOffset(at: wallClock - 86_400 / 2)
        let after = utcOffset(at: wallClock + 86_400 / 2)
        let early = wallClock - Int64(max(before, after))
        let late = wallClock - Int64(min(before, after))
        // Try the first occurrence; keep it if the clock really reads that time then.
        for candidate in [early, late] where candidate + Int64(utcOffset(at: candidate)) == wallClock {
            return candidate
        }
        return late  // in the gap: the wall time is skipped, run when the clock resumes
    }

    /// Public holidays on which offices close: German federal holidays for European
    /// zones, US federal holidays for American ones, New Year and Christmas elsewhere.
    static func holidayDates(year: Int, timeZone: String) -> [(Int, Int)] {
        if timeZone.hasPrefix("America/") || timeZone.hasPrefix("US/") {
            return [
                (1, 1), CivilDate.nthWeekday(year: year, month: 1, weekday: 1, n: 3),
                CivilDate.nthWeekday(year: year, month: 2, weekday: 1, n: 3),
                CivilDate.lastWeekday(year: year, month: 5, weekday: 1), (6, 19), (7, 4),
                CivilDate.nthWeekday(year: year, month: 9, weekday: 1, n: 1),
                CivilDate.nthWeekday(year: year, month: 11, weekday: 4, n: 4), (12, 25),
            ]
        }
        guard timeZone.hasPrefix("Europe/") else { return [(1, 1), (12, 25), (12, 26)] }
        let easter = CivilDate.easterSunday(year: year)
        let easterDay = CivilDate.days(year: year, month: easter.0, day: easter.1)
        let movable = [-2, 1, 39, 50].map { CivilDate.monthDay(days: easterDay + Int64($0)) }
        return [(1, 1), (5, 1), (10, 3), (12, 24), (12, 25), (12, 26), (12, 31)] + movable
    }
}
