import Foundation
import GeoSpikeIngest

/// Converts bucket starts (UTC) to the organisation's local time of day and weekday.
///
/// Seasonality lives in local time: people start work at 09:00 local, in summer and in
/// winter alike, so a UTC hour-of-day model is off by an hour for half the year. DST
/// offsets come from the IANA database through Foundation's `TimeZone`.
public struct LocalClock: Sendable {
    public let timeZone: TimeZone

    public init(identifier: String) throws {
        guard let zone = TimeZone(identifier: identifier) else {
            throw GeoSpikeError(
                .usage, "unknown time zone '\(identifier)': give an IANA name such as Europe/Berlin or UTC")
        }
        timeZone = zone
    }

    /// Local wall-clock position of an instant.
    public struct Position: Hashable, Sendable {
        /// Seconds since local midnight, 0..<86400.
        public var secondOfDay: Int
        /// ISO weekday: 0 = Monday … 6 = Sunday.
        public var weekday: Int
    }

    public func position(of epochSeconds: Int64) -> Position {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epochSeconds))))
        let local = epochSeconds + offset
        let day = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let second = Int(local - day * 86400)
        // 1970-01-01 was a Thursday (ISO weekday index 3).
        let weekday = Int(((day % 7) + 7 + 3) % 7)
        return Position(secondOfDay: second, weekday: weekday)
    }

    /// UTC offset in seconds at an instant.
    public func offset(at epochSeconds: Int64) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epochSeconds)))
    }
}
