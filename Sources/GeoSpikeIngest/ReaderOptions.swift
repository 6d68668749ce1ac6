import Foundation

/// Everything that decides how log lines become counts.
///
/// The trainer records these in model files, so the coding keys are stable and decoding
/// fills defaults for keys that older files do not have.
public struct ReaderOptions: Sendable, Codable, Equatable {
    public var format: InputFormat = .auto
    public var bucketSpan: BucketSpan = .fifteenMinutes
    /// A `.mmdb` file, a Tor geoip file or directory, or `none`; nil uses Tor's tables when installed.
    public var geoip: String?
    /// IANA time zone for CSV times written without a zone.
    public var inputTimeZone: String = "UTC"
    public var csvFields: CSVFieldMapping = .init()
    /// `process.name` values whose events are dropped, as Elastic's datafeed does
    /// (compared without case and without a trailing `.exe`).
    public var excludedProcesses: [String] = ReaderOptions.defaultExcludedProcesses
    /// Fraction of malformed data lines in a file above which the run fails (exit 65).
    public var maxBadFraction: Double = 0.01
    /// Fail on the first malformed line.
    public var strict: Bool = false
    /// Top values kept per bucket, country and influencer field; 0 keeps none (faster).
    public var influencerCapacity: Int = 16
    /// Event times before this (epoch seconds, UTC) make a line malformed: a clock reset
    /// to 1970 or a corrupted field would otherwise stretch the counted span by decades.
    public var notBefore: Double = ReaderOptions.defaultNotBefore
    /// Event times after this make a line malformed; nil = the end of the day (UTC) one day
    /// after the run starts: logs come from the past, a day allows for clocks set ahead,
    /// and a whole day keeps the window, and the messages naming it, the same all day.
    public var notAfter: Double? = nil

    /// 1990-01-01T00:00:00Z: older than any network log geospike will be given.
    public static let defaultNotBefore: Double = 631_152_000

    /// The window of plausible event times for a run that starts at `now`.
    public func plausibleTimes(now: Double = Date().timeIntervalSince1970) -> ClosedRange<Double> {
        let latest = notAfter ?? ((now + 86400) / 86400).rounded(.up) * 86400
        return notBefore...max(notBefore, latest)
    }

    /// The Beats and Agent processes that Elastic's job excludes from its datafeed.
    public static let defaultExcludedProcesses = [
        "elastic-agent", "metricbeat", "filebeat", "packetbeat", "winlogbeat",
    ]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case format
        case bucketSpan = "bucket_span_seconds"
        case geoip
        case inputTimeZone = "input_timezone"
        case csvFields = "csv_fields"
        case excludedProcesses = "excluded_processes"
        case maxBadFraction = "max_bad_fraction"
        case strict
        case influencerCapacity = "influencer_capacity"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decodeIfPresent(InputFormat.self, forKey: .format) ?? .auto
        if let seconds = try c.decodeIfPresent(Int64.self, forKey: .bucketSpan) {
            guard seconds > 0, 86400 % seconds == 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .bucketSpan, in: c, debugDescription: "bucket span \(seconds) s does not divide a day")
            }
            bucketSpan = BucketSpan(seconds: seconds)
        }
        geoip = try c.decodeIfPresent(String.self, forKey: .geoip)
        inputTimeZone = try c.decodeIfPresent(String.self, forKey: .inputTimeZone) ?? "UTC"
        csvFields = try c.decodeIfPresent(CSVFieldMapping.self, forKey: .csvFields) ?? .init()
        excludedProcesses =
            try c.decodeIfPresent([String].self, forKey: .excludedProcesses) ?? Self.defaultExcludedProcesses
        maxBadFraction = try c.decodeIfPresent(Double.self, forKey: .maxBadFraction) ?? 0.01
        strict = try c.decodeIfPresent(Bool.self, forKey: .strict) ?? false
        influencerCapacity = try c.decodeIfPresent(Int.self, forKey: .influencerCapacity) ?? 16
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(bucketSpan.seconds, forKey: .bucketSpan)
        try c.encodeIfPresent(geoip, forKey: .geoip)
        try c.encode(inputTimeZone, forKey: .inputTimeZone)
        try c.encode(csvFields, forKey: .csvFields)
        try c.encode(excludedProcesses, forKey: .excludedProcesses)
        try c.encode(maxBadFraction, forKey: .maxBadFraction)
        try c.encode(strict, forKey: .strict)
        try c.encode(influencerCapacity, forKey: .influencerCapacity)
    }
}
