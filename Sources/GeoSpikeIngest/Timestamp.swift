import Foundation

/// Fast ISO 8601 and log-timestamp formatting and parsing, without `DateFormatter`.
///
/// Every event carries a timestamp, so parsing sits in the ingest hot loop: these
/// functions work on bytes and civil-date arithmetic (Howard Hinnant's `days_from_civil`),
/// never on Foundation calendars. All results are Unix epoch seconds, UTC.
public enum Timestamp {
    /// Formats whole epoch seconds as ISO 8601 UTC, e.g. `2026-10-05T00:15:00Z`.
    public static func iso8601(_ epochSeconds: Int64) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86400 : (epochSeconds - 86399) / 86400
        let secondOfDay = epochSeconds - days * 86400
        let (year, month, day) = civil(fromDays: days)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        func append(_ value: Int64, width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            bytes.append(contentsOf: digits)
        }
        if year < 0 || year > 9999 { return "\(year)-\(month)-\(day)T\(secondOfDay)s" }
        append(year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        append(month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        append(day, width: 2)
        bytes.append(UInt8(ascii: "T"))
        append(secondOfDay / 3600, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append(secondOfDay / 60 % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append(secondOfDay % 60, width: 2)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Any epoch time for a message: ISO 8601 for years 0–9999, else seconds (a corrupt
    /// timestamp can be any number, and must not crash the message that reports it).
    public static func describe(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= -62_167_219_200, seconds < 253_402_300_800 else {
            return String(format: "%.6g s after 1970-01-01", seconds)
        }
        return iso8601(Int64(seconds.rounded(.down)))
    }

    /// Parses an ISO 8601 date-time (or the log variants below) to epoch seconds UTC.
    ///
    /// Accepts `2026-10-05T00:15:00Z`, fractional seconds, offsets `+02:00`, `+0200`, `+02`,
    /// a space instead of `T`, and `2026/10/05 00:15:00.123456` (Argus, nfdump). Times
    /// without a zone are taken as UTC. Returns nil for anything else.
    public static func parse(_ text: Substring) -> Double? {
        var copy = String(text)
        return copy.withUTF8 { parseDateTime($0)?.seconds }
    }

    /// Parses a date-time from raw bytes; `hasZone` says whether the text carried `Z` or an offset.
    static func parseDateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> (seconds: Double, hasZone: Bool)? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        guard n >= 16 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int64? {
            let d = base[i] &- UInt8(ascii: "0")
            return d < 10 ? Int64(d) : nil
        }
        @inline(__always) func two(_ i: Int) -> Int64? {
            guard let a = digit(i), let b = digit(i + 1) else { return nil }
            return a * 10 + b
        }
        guard let y0 = two(0), let y1 = two(2) else { return nil }
        let year = y0 * 100 + y1
        let dateSeparator = base[4]
        guard dateSeparator == UInt8(ascii: "-") || dateSeparator == UInt8(ascii: "/"),
            base[7] == dateSeparator,
            let month = two(5), let day = two(8),
            base[10] == UInt8(ascii: "T") || base[10] == UInt8(ascii: " ") || base[10] == UInt8(ascii: "t"),
            let hour = two(11), base[13] == UInt8(ascii: ":"), let minute = two(14)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59
        else { return nil }
        var i = 16
        var second: Int64 = 0
        var fraction = 0.0
        if i < n, base[i] == UInt8(ascii: ":") {
            guard i + 3 <= n, let s = two(i + 1), s <= 60 else { return nil }
            second = min(s, 59)
            i += 3
            if i < n, base[i] == UInt8(ascii: ".") || base[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 0.1
                let start = i
                while i < n, let d = digit(i) {
                    fraction += Double(d) * scale
                    scale *= 0.1
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        var offsetSeconds: Int64 = 0
        var hasZone = false
        if i < n {
            let c = base[i]
            if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                hasZone = true
                i += 1
            } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                guard i + 3 <= n, let offsetHours = two(i + 1), offsetHours <= 23 else { return nil }
                i += 3
                var offsetMinutes: Int64 = 0
                if i < n, base[i] == UInt8(ascii: ":") {
                    guard i + 3 <= n, let m = two(i + 1) else { return nil }
                    offsetMinutes = m
                    i += 3
                } else if i + 2 <= n, let m = two(i) {
                    offsetMinutes = m
                    i += 2
                }
                guard offsetMinutes <= 59 else { return nil }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (c == UInt8(ascii: "-") ? -1 : 1)
                hasZone = true
            }
        }
        guard i == n else { return nil }
        let days = days(fromCivilYear: year, month: month, day: day)
        let whole = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return (Double(whole) + fraction, hasZone)
    }

    /// Parses a decimal number of epoch seconds, milliseconds, microseconds or nanoseconds.
    ///
    /// The unit is chosen by magnitude, which is unambiguous for dates between 1973 and 5138:
    /// below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
    static func parseEpoch(_ bytes: UnsafeBufferPointer<UInt8>, guessUnit: Bool) -> Double? {
        guard let value = parseDecimal(bytes), value >= 0 else { return nil }
        guard guessUnit else { return value }
        if value < 1e11 { return value }
        if value < 1e14 { return value / 1e3 }
        if value < 1e17 { return value / 1e6 }
        return value / 1e9
    }

    /// Parses `123`, `123.456` (no exponent, optional minus) from bytes.
    static func parseDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        var i = 0
        var negative = false
        if base[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        var whole: Int64 = 0
        let start = i
        while i < bytes.count {
            let d = base[i] &- UInt8(ascii: "0")
            if d >= 10 { break }
            guard whole < 922_337_203_685_477_580 else { return nil }
            whole = whole * 10 + Int64(d)
            i += 1
        }
        guard i > start else { return nil }
        var value = Double(whole)
        if i < bytes.count, base[i] == UInt8(ascii: ".") {
            i += 1
            var fraction: Int64 = 0
            var scale: Double = 1
            while i < bytes.count {
                let d = base[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                if scale < 1e15 {
                    fraction = fraction * 10 + Int64(d)
                    scale *= 10
                }
                i += 1
            }
            value += Double(fraction) / scale
        }
        guard i == bytes.count else { return nil }
        return negative ? -value : value
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(fromCivilYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
