/// Proleptic Gregorian calendar arithmetic on day numbers, without Foundation, so that
/// formatting millions of timestamps stays cheap (Howard Hinnant's `days_from_civil`).
enum CivilDate {
    /// Days since 1970-01-01 of a calendar date.
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The calendar date of a day number.
    static func date(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func monthDay(days: Int64) -> (Int, Int) {
        let d = date(days: days)
        return (d.month, d.day)
    }

    /// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(days: Int64) -> Int { Int(((days % 7) + 7 + 4) % 7) }

    /// The `n`-th given weekday (0 = Sunday) of a month.
    static func nthWeekday(year: Int, month: Int, weekday: Int, n: Int) -> (Int, Int) {
        let first = days(year: year, month: month, day: 1)
        let shift = (weekday - self.weekday(days: first) + 7) % 7
        return monthDay(days: first + Int64(shift + 7 * (n - 1)))
    }

    /// The last given weekday of a month.
    static func lastWeekday(year: Int, month: Int, weekday: Int) -> (Int, Int) {
        let next = month == 12 ? days(year: year + 1, month: 1, day: 1) : days(year: year, month: month + 1, day: 1)
        let last = next - 1
        let back = (self.weekday(days: last) - weekday + 7) % 7
        return monthDay(days: last - Int64(back))
    }

    /// Western Easter Sunday (anonymous Gregorian algorithm).
    static func easterSunday(year: Int) -> (Int, Int) {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return (month, day)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
