import Foundation

/// Converts zoneless local times in an IANA zone to UTC, caching the zone's offset.
///
/// Foundation's zone lookup is far slower than parsing a line, and logs arrive in time
/// order, so the offset of the last quarter hour is remembered. In the repeated hour
/// after a DST change the earlier (daylight) reading is used; a time in the skipped hour
/// is read with the offset in force before the change.
struct LocalTimeConverter {
    private let zone: TimeZone?
    private var cachedQuarter: Int64 = .min
    private var cachedOffset: Double = 0

    /// A converter for `identifier`; throws for an unknown zone name.
    init(identifier: String) throws {
        if identifier == "UTC" || identifier == "Etc/UTC" || identifier == "Z" {
            zone = nil
        } else {
            guard let zone = TimeZone(identifier: identifier) else {
                throw GeoSpikeError(
                    .usage, "unknown time zone '\(identifier)'; use an IANA name such as Europe/Stockholm or UTC")
            }
            self.zone = zone
        }
    }

    /// True when no conversion is needed.
    var isUTC: Bool { zone == nil }

    /// UTC epoch seconds for `local`, a wall-clock time written as if it were UTC.
    mutating func utc(fromLocal local: Double) -> Double {
        guard let zone else { return local }
        let quarter = Int64((local / 900).rounded(.down))
        if quarter != cachedQuarter {
            func offset(at utc: Double) -> Double {
                Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: utc)))
            }
            // The offsets a day either side bracket any transition near this time.
            let before = offset(at: local - 86400)
            let after = offset(at: local + 86400)
            let valid = [max(before, after), min(before, after)].filter { offset(at: local - $0) == $0 }
            cachedOffset = valid.first ?? before
            cachedQuarter = quarter
        }
        return local - cachedOffset
    }
}
