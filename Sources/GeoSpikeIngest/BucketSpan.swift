/// The width of a time bucket, in whole seconds; buckets are aligned to the Unix epoch.
public struct BucketSpan: Hashable, Sendable, CustomStringConvertible {
    public let seconds: Int64

    public static let fifteenMinutes = BucketSpan(seconds: 900)

    public init(seconds: Int64) {
        precondition(seconds > 0, "a bucket span is positive")
        self.seconds = seconds
    }

    /// Parses Elastic-style spans: `15m`, `1h`, `900s`, `30m`, or bare seconds.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var digits = Substring(trimmed)
        var unit: Int64 = 1
        if let last = trimmed.last, last.isLetter {
            digits = trimmed.dropLast()
            switch last {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default:
                throw GeoSpikeError(.usage, "bucket span '\(text)': unit must be s, m, h or d (e.g. 15m)")
            }
        }
        guard let value = Int64(digits), value > 0, 86400 % (value * unit) == 0 else {
            throw GeoSpikeError(
                .usage, "bucket span '\(text)' must be a positive duration that divides a day (e.g. 15m, 1h)")
        }
        seconds = value * unit
    }

    /// The start of the bucket holding `epochSeconds` (floor, also before 1970).
    @inlinable
    public func bucketStart(containing epochSeconds: Double) -> Int64 {
        let t = Int64(epochSeconds.rounded(.down))
        let r = t % seconds
        return r >= 0 ? t - r : t - r - seconds
    }

    /// Buckets per day (the span divides a day by construction).
    public var bucketsPerDay: Int { Int(86400 / seconds) }

    public var description: String {
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}

import Foundation
