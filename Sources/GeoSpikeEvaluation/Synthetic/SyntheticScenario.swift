import Foundation
import GeoSpikeIngest

/// What a synthetic data set looks like: the time range, the seed, and the knobs that
/// shape the organisation whose traffic it imitates.
///
/// The traffic of a given seed does not depend on `start` or `days`: the same instant
/// gets the same counts in every window that covers it (up to the tiny influence of the
/// bucket-to-bucket noise's warm-up), so a 28-day training set and the next day's batch
/// are one continuous history when made as two scenarios.
public struct SyntheticScenario: Sendable, Codable, Equatable {
    /// Start of the first bucket, epoch seconds; aligned to 15 minutes.
    public var start: Int64
    /// Number of whole days generated.
    public var days: Int
    public var seed: UInt64
    /// The organisation's IANA time zone: business hours, holidays and the nightly jobs
    /// follow its wall clock, so daylight-saving changes move them in UTC.
    public var timeZone: String = "Europe/Berlin"
    /// How many destination countries the organisation talks to normally (at most 60).
    public var countries: Int = 40
    /// Scales every rate; 1 is a small organisation (~30–60 external events per 15 min).
    public var volume: Double = 1
    /// Whether the labelled attacks are injected (one of each kind per day).
    public var attacks: Bool = false
    /// About this fraction of the lines in a written log are malformed.
    public var malformedFraction: Double = 0.002
    /// Events to private destinations (no country), relative to external events.
    public var internalFraction: Double = 0.2
    /// ECS only: events of Elastic's own agents, which readers must drop, relative to
    /// external events.
    public var agentNoiseFraction: Double = 0.015
    /// Stray connections per day to countries outside the usual set (a link in a mail, an
    /// ad server, a traveller): benign first-seen countries, 1 event at a time. Off by
    /// default, so that every first-seen country in a default scenario is an attack.
    public var strayEventsPerDay: Double = 0
    /// Destination countries whose traffic keeps another clock than the organisation's.
    ///
    /// Country code → IANA zone (a partner office, a customer region): office hours and
    /// holidays of their traffic follow that zone; nightly jobs stay on the organisation's.
    /// Optional, so that scenarios written before it read as they were.
    public var partnerClocks: [String: String]? = nil

    /// Monday 2026-09-07 00:00 UTC: seven weeks before the end of summer time in Europe.
    public static let defaultStart: Int64 = 1_788_739_200

    public init(days: Int, seed: UInt64) {
        self.start = Self.defaultStart
        self.days = days
        self.seed = seed
    }

    /// Epoch seconds just after the last bucket.
    public var end: Int64 { start + Int64(days) * 86_400 }

    /// Checks every knob; the message says which one is wrong and what is allowed.
    public func validate() throws {
        guard days > 0 else { throw GeoSpikeError(.usage, "days must be at least 1 (got \(days))") }
        guard start % 900 == 0 else {
            throw GeoSpikeError(.usage, "start must be aligned to 15 minutes (got epoch \(start))")
        }
        guard TimeZone(identifier: timeZone) != nil else {
            throw GeoSpikeError(
                .usage,
                "time zone '\(timeZone)' is not an IANA name such as Europe/Berlin or America/New_York")
        }
        for (country, zone) in (partnerClocks ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard CountryCode(country) != nil, TimeZone(identifier: zone) != nil else {
                throw GeoSpikeError(
                    .usage,
                    "partner clock \(country)=\(zone): give a two-letter country code and an IANA zone name")
            }
        }
        guard (1...SyntheticCountryCatalog.usual.count).contains(countries) else {
            throw GeoSpikeError(
                .usage,
                "countries must be between 1 and \(SyntheticCountryCatalog.usual.count) (got \(countries))")
        }
        guard volume > 0, volume.isFinite, volume <= 1000 else {
            throw GeoSpikeError(.usage, "volume must be a positive factor up to 1000 (got \(volume))")
        }
        guard strayEventsPerDay >= 0, strayEventsPerDay <= 1000 else {
            throw GeoSpikeError(.usage, "stray events per day must be between 0 and 1000 (got \(strayEventsPerDay))")
        }
        for (name, value) in [
            ("malformed fraction", malformedFraction), ("internal fraction", internalFraction),
            ("agent noise fraction", agentNoiseFraction),
        ] where !(value >= 0 && value < 1) {
            throw GeoSpikeError(.usage, "\(name) must be in [0, 1) (got \(value))")
        }
    }
}
