import Foundation

/// Converts zoneless local times in an IANA zone to UTC, caching the zone's offset.
///
/// Foundation's zone lookup is far slower than parsing a line, and logs arrive in time
/// order, so the offset of the last quarter hour is remembered. In the repeated hour
/// after a DST change the earlier (daylight) reading is used.
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
            let first = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
            let second = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: local - first)))
            cachedOffset = max(first, second)
            cachedQuarter = quarter
        }
        return local - cachedOffset
    }
}
