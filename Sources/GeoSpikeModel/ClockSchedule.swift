import Foundation

/// What a wall clock does over a span of time: its UTC offset at the start and every
/// change of offset within the span.
///
/// Two IANA zones with the same schedule over the training span are the same clock as far
/// as the data can tell, so the clock choice fits one representative per schedule rather
/// than all four hundred zones.
struct ClockSchedule: Hashable, Sendable {
    struct Change: Hashable, Sendable {
        /// The first instant (epoch seconds) on the new offset.
        var instant: Int64
        /// Seconds east of UTC from `instant` on.
        var offset: Int
        /// The change in seconds: −3600 when summer time ends.
        var shift: Int
    }

    var startOffset: Int
    var changes: [Change]

    /// The schedule of `zone` over `first...last`.
    init(zone: TimeZone, first: Int64, last: Int64) {
        let start = Date(timeIntervalSince1970: TimeInterval(first))
        startOffset = zone.secondsFromGMT(for: start)
        var changes: [Change] = []
        var previous = startOffset
        var cursor = start
        // Bounded: no zone changes its offset more than a few times a year.
        while changes.count < 16, let next = zone.nextDaylightSavingTimeTransition(after: cursor),
            next.timeIntervalSince1970 <= TimeInterval(last)
        {
            let offset = zone.secondsFromGMT(for: next)
            if offset != previous {
                changes.append(
                    Change(
                        instant: Int64(next.timeIntervalSince1970.rounded()), offset: offset, shift: offset - previous))
            }
            previous = offset
            cursor = next
        }
        self.changes = changes
    }

    /// Seconds east of UTC at `instant`.
    func offset(at instant: Int64) -> Int {
        changes.last { $0.instant <= instant }?.offset ?? startOffset
    }

    /// The daylight-saving rule as the data sees it: each change's UTC day and shift.
    ///
    /// Zones that keep the same rule in different standard offsets (New York and Chicago,
    /// Berlin and London) change on the same days, an hour or so apart: that hour falls at
    /// night, where the data hardly tells them apart, so they form one family, and the
    /// family member is decided by where the working day falls (see `DailyShapeOffset`).
    var ruleKey: [Int64] {
        changes.flatMap { [Self.floorDiv($0.instant, 86400), Int64($0.shift)] }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }
}

/// A distinct clock over a span: its schedule, the zone that stands for it, and every zone
/// that shares it.
struct ClockCandidate: Sendable {
    var schedule: ClockSchedule
    /// The zone the model will use: a well-known member, else a fixed `Etc/GMT±h` zone for a
    /// clock without changes (whose daylight-saving rule the span cannot know), else the
    /// first member by name.
    var zone: String
    var members: [String]

    var changes: Bool { !schedule.changes.isEmpty }

    /// How the clock is named to people: "America/New_York rules" or "fixed UTC+02:00".
    var name: String {
        changes
            ? "\(zone) rules" : (schedule.startOffset == 0 ? "UTC" : "fixed \(Self.offsetText(schedule.startOffset))")
    }

    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "−" : "+"
        let magnitude = abs(seconds)
        return String(format: "UTC%@%02d:%02d", sign, magnitude / 3600, magnitude % 3600 / 60)
    }

    /// Zones named first when they share a schedule: the zones most people would give.
    static let preferred = [
        "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
        "America/Anchorage", "Pacific/Honolulu", "America/Halifax", "America/St_Johns", "America/Mexico_City",
        "America/Sao_Paulo", "America/Santiago", "America/Bogota", "Europe/London", "Europe/Lisbon",
        "Europe/Berlin", "Europe/Paris", "Europe/Helsinki", "Europe/Athens", "Europe/Istanbul", "Europe/Moscow",
        "Africa/Johannesburg", "Africa/Cairo", "Asia/Jerusalem", "Asia/Dubai", "Asia/Tehran", "Asia/Kolkata",
        "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Perth", "Australia/Brisbane",
        "Australia/Adelaide", "Australia/Sydney", "Pacific/Auckland",
    ]

    /// Zones the IANA database has renamed, old name to current.
    static let renamed = [
        "America/Godthab": "America/Nuuk", "Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh",
        "Asia/Katmandu": "Asia/Kathmandu", "Asia/Rangoon": "Asia/Yangon", "Europe/Kiev": "Europe/Kyiv",
        "Atlantic/Faeroe": "Atlantic/Faroe", "Pacific/Truk": "Pacific/Chuuk", "Pacific/Ponape": "Pacific/Pohnpei",
        "Pacific/Enderbury": "Pacific/Kanton", "Europe/Uzhgorod": "Europe/Kyiv", "Europe/Zaporozhye": "Europe/Kyiv",
    ]

    /// Position of each preferred zone in `preferred`.
    static let preferenceRank = Dictionary(uniqueKeysWithValues: preferred.enumerated().map { ($1, $0) })

    /// Every distinct clock of the IANA zones (and the fixed whole-hour offsets) over `first...last`.
    static func all(first: Int64, last: Int64) -> [ClockCandidate] {
        let fixed = (-12...14).map { $0 == 0 ? "UTC" : "Etc/GMT\($0 > 0 ? "-" : "+")\(abs($0))" }
        // Foundation's list has some zones only under their old names (Asia/Calcutta): the
        // current name is what a person would give, and the model records it.
        // (An older tzdata may lack the current name: then the old one stays.)
        var names = Set(
            TimeZone.knownTimeZoneIdentifiers.map { name in
                renamed[name].flatMap { TimeZone(identifier: $0) == nil ? nil : $0 } ?? name
            })
        names.formUnion(fixed + preferred)
        var groups: [ClockSchedule: [String]] = [:]
        for name in names.sorted() {
            guard let zone = TimeZone(identifier: name) else { continue }
            groups[ClockSchedule(zone: zone, first: first, last: last), default: []].append(name)
        }
        let rank = preferenceRank
        func ranked(_ names: [String]) -> String? {
            names.min { (rank[$0] ?? .max, $0) < (rank[$1] ?? .max, $1) }
        }
        return groups.map { schedule, members in
            let named = members.filter { $0.contains("/") && !$0.hasPrefix("Etc/") }
            let zone: String
            if schedule.changes.isEmpty {
                // A clock that did not change in the span is kept fixed: which rule it
                // follows later is unknown, and a fixed zone does not pretend to know.
                let fixed = members.first { $0 == "UTC" || $0.hasPrefix("Etc/GMT") }
                let neverChanges = named.filter { name in
                    guard
                        let next = TimeZone(identifier: name)?.nextDaylightSavingTimeTransition(
                            after: Date(timeIntervalSince1970: TimeInterval(last)))
                    else { return true }
                    return next.timeIntervalSince1970 > TimeInterval(last) + 2 * 366 * 86400
                }
                zone = fixed ?? ranked(neverChanges) ?? ranked(named) ?? members[0]
            } else {
                zone = ranked(named) ?? members[0]
            }
            return ClockCandidate(schedule: schedule, zone: zone, members: members)
        }
        .sorted { ($0.schedule.startOffset, $0.zone) < ($1.schedule.startOffset, $1.zone) }
    }
}
