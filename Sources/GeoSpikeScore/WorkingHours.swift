import GeoSpikeIngest

/// The organisation's business hours in the model's time zone, for the investigation
/// context ("03:10 on a Sunday" reads differently from "10:30 on a Tuesday").
public struct WorkingHours: Equatable, Sendable {
    /// Seconds after local midnight when the working day starts and ends.
    public var start: Int
    public var end: Int
    /// ISO weekdays that are working days: 0 = Monday … 6 = Sunday.
    public var weekdays: Set<Int>

    /// Monday to Friday, 08:00 to 18:00.
    public static let standard = WorkingHours(start: 8 * 3600, end: 18 * 3600, weekdays: [0, 1, 2, 3, 4])

    public static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    public init(start: Int, end: Int, weekdays: Set<Int>) {
        self.start = start
        self.end = end
        self.weekdays = weekdays
    }

    /// Whether a local time (seconds after midnight, ISO weekday) falls in business hours.
    public func contains(secondOfDay: Int, weekday: Int) -> Bool {
        weekdays.contains(weekday) && secondOfDay >= start && secondOfDay < end
    }

    /// `HH:MM` to seconds after midnight (24:00 allowed as an end).
    static func seconds(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<60).contains(m),
            (0...24).contains(h), h < 24 || m == 0
        else { return nil }
        return h * 3600 + m * 60
    }

    /// `{"start": "08:00", "end": "18:00", "days": ["Mon", ...]}`; missing keys keep `standard`'s.
    init(_ value: LocatedValue, file: String) throws {
        guard let members = value.members else {
            throw GeoSpikeError.badData(file: file, line: value.line, "business_hours must be an object with start, end and days")
        }
        self = .standard
        for (key, member) in members {
            switch key {
            case "start", "end":
                let text = try member.text(key, file: file)
                guard let s = Self.seconds(text) else {
                    throw GeoSpikeError.badData(file: file, line: member.line, "business_hours.\(key) '\(text)' is not a time; write HH:MM, e.g. 08:00")
                }
                if key == "start" { start = s } else { end = s }
            case "days":
                weekdays = Set(
                    try member.texts("days", file: file).map { day in
                        guard let index = Self.weekdayNames.firstIndex(where: { $0.lowercased() == day.prefix(3).lowercased() }) else {
                            throw GeoSpikeError.badData(
                                file: file, line: member.line, "business_hours.days: '\(day)' is not a weekday; use Mon, Tue, ... Sun")
                        }
                        return index
                    })
            default:
                throw GeoSpikeError.badData(file: file, line: member.line, "unknown key business_hours.\(key); use start, end and days")
            }
        }
        guard start < end else {
            throw GeoSpikeError.badData(file: file, line: value.line, "business_hours: start must be before end")
        }
    }
}
