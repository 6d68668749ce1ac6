import Foundation
import GeoSpikeIngest

/// How the model's clock was chosen from the data (`--timezone auto`), recorded in the
/// model so that `inspect` can show the evidence and the scorer can warn when a batch
/// reaches a clock change the model could not know about.
public struct ClockChoice: Codable, Equatable, Sendable {
    /// A daylight-saving change inside the span the choice looked at.
    public struct ChangeTested: Codable, Equatable, Sendable {
        /// The first instant on the new offset (epoch seconds).
        public var instant: Int64
        /// Seconds the clock moved (−3600 when summer time ends).
        public var shift: Int
        /// The rule that changes then ("Europe/Berlin rules").
        public var rule: String
        /// Log-likelihood per bucket of the rule's best clock over the best fixed clock.
        public var gainPerBucket: Double
    }

    /// A change the chosen clock will not make but a zone that kept the same time through
    /// training will: whether the organisation's traffic follows it, the data could not say.
    public struct UnknownChange: Codable, Equatable, Sendable {
        public var instant: Int64
        public var shift: Int
        public var zone: String
    }

    /// The IANA zone the model uses (the same as `ModelMetadata.timeZone`).
    public var zone: String
    /// The clock as people read it: "America/New_York rules", "fixed UTC+09:00", "UTC".
    public var clock: String
    /// Whether the training span showed the daylight-saving rule.
    ///
    /// True when the chosen clock changed in the span and the traffic moved with it; false
    /// for every fixed clock.
    public var ruleKnown: Bool
    /// Pooled log-likelihood per bucket of the chosen clock over UTC.
    public var gainOverUTCPerBucket: Double
    /// The best clock of another family (a fixed clock when a rule was chosen, the best
    /// changing one otherwise), and how far the chosen clock is above it per bucket.
    public var runnerUp: String?
    public var gainOverRunnerUpPerBucket: Double?
    /// Buckets the choice was made on, and what gains were divided by before being judged:
    /// the pooled fit's dispersion times the inflation that its residuals' autocorrelation
    /// gives a sum of neighbouring buckets.
    public var buckets: Int
    public var dispersion: Double
    public var changesTested: [ChangeTested]
    /// UTC hour of the centre of the working day, when the daily shape places it.
    public var workingDayCentreUTC: Double?
    public var unknownChanges: [UnknownChange]

    /// One line for training progress and `inspect`.
    public var summary: String {
        var line = "clock: \(clock)"
        if clock != "UTC" {
            line +=
                gainOverUTCPerBucket > 0
                ? String(format: ", chosen over UTC by %.4f log-likelihood per bucket", gainOverUTCPerBucket)
                : String(
                    format: ", placed by the working day (UTC fits no worse: %+.4f log-likelihood per bucket)",
                    -gainOverUTCPerBucket)
        }
        if let runnerUp, let gain = gainOverRunnerUpPerBucket, runnerUp != clock, runnerUp != "UTC" || clock == "UTC" {
            line +=
                gain >= 0
                ? String(format: ", over %@ by %.4f", runnerUp, gain)
                : String(format: "; %@ fits %.4f per bucket better, not decisively", runnerUp, -gain)
        }
        line += " (\(buckets) buckets"
        // The best change in full; the others only counted (all are in the model file).
        if let best = changesTested.max(by: { $0.gainPerBucket < $1.gainPerBucket }) {
            let others = Set(changesTested.map(\.rule)).count - 1
            line +=
                "; changes tested: \(Self.day(best.instant)) \(best.rule) \(Self.hours(best.shift))"
                + String(format: " %+.4f over fixed", best.gainPerBucket)
                + (others > 0 ? " and \(others) other rule\(others == 1 ? "" : "s")" : "")
        } else {
            line += "; no clock change in the span"
        }
        line += String(format: "; evidence divided by %.2f for dispersion and autocorrelation", dispersion)
        if let centre = workingDayCentreUTC { line += String(format: "; working day centred %.1f h UTC", centre) }
        line += ")"
        if !ruleKnown {
            line += "; daylight-saving rule unknown"
            if let first = unknownChanges.first,
                let known = unknownChanges.min(by: { Self.prominence($0) < Self.prominence($1) })
            {
                line +=
                    ": the scorer warns from \(Self.day(first.instant)) (\(known.zone) changes on "
                    + "\(Self.day(known.instant)), \(Self.hours(known.shift)))"
            }
        }
        return line
    }

    /// What a record at `bucketStart` must warn about: the first change the model could
    /// not know about, once the bucket has reached it.
    public func warning(at bucketStart: Int64) -> String? {
        // Of the changes passed, the one of the zone people know best.
        guard
            let change = unknownChanges.filter({ $0.instant <= bucketStart }).min(by: {
                Self.prominence($0) < Self.prominence($1)
            })
        else { return nil }
        return "the model's clock (\(clock)) cannot know whether your traffic changed clocks on "
            + "\(Self.day(change.instant)) as \(change.zone) did (\(Self.hours(change.shift))): "
            + "local times may be an hour off; retrain after the change or give --timezone"
    }

    /// Well-known zones first, then earlier changes.
    static func prominence(_ change: UnknownChange) -> (Int, Int64, String) {
        (ClockCandidate.preferenceRank[change.zone] ?? .max, change.instant, change.zone)
    }

    static func day(_ instant: Int64) -> String {
        String(Timestamp.iso8601(instant).prefix(10))
    }

    static func hours(_ shift: Int) -> String {
        shift % 3600 == 0 ? String(format: "%+d h", shift / 3600) : String(format: "%+d min", shift / 60)
    }
}
