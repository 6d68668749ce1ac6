import Foundation
import GeoSpikeIngest
import GeoSpikeModel

/// What an analyst needs first when an alert lands: when it happened in the office's own
/// time, whether its top source is one that usually talks to the country, how much traffic
/// the country normally gets then, and the next triage steps from the rule's guide.
public struct InvestigationContext: Equatable, Sendable {
    /// Local wall-clock time of the bucket start (`HH:MM`), its weekday, and the time zone.
    public var localTime: String
    public var weekday: String
    public var timeZone: String
    public var inBusinessHours: Bool
    /// The value that sent most events in the bucket (`host.name`, else `source.ip`).
    public var topSource: String?
    public var topSourceField: String?
    /// Whether the top source was among the country's usual sources in training; nil when
    /// the model has none to compare with (trained from counts, or the country is new).
    public var topSourceUsual: Bool?
    /// Expected events in this bucket at this time of day and week.
    public var typicalAtThisTime: Double
    /// The country's mean events per bucket over training; nil for a first-seen country.
    public var trainingMeanPerBucket: Double?
    /// One or two lines: what to do next.
    public var nextSteps: [String]
    /// Set when the model chose its clock without learning a daylight-saving rule and the
    /// bucket is past a clock change it could not know about: local times may be off.
    public var clockWarning: String?

    public init(
        localTime: String, weekday: String, timeZone: String, inBusinessHours: Bool, topSource: String?,
        topSourceField: String?, topSourceUsual: Bool?, typicalAtThisTime: Double, trainingMeanPerBucket: Double?,
        nextSteps: [String], clockWarning: String? = nil
    ) {
        self.localTime = localTime
        self.weekday = weekday
        self.timeZone = timeZone
        self.inBusinessHours = inBusinessHours
        self.topSource = topSource
        self.topSourceField = topSourceField
        self.topSourceUsual = topSourceUsual
        self.typicalAtThisTime = typicalAtThisTime
        self.trainingMeanPerBucket = trainingMeanPerBucket
        self.nextSteps = nextSteps
        self.clockWarning = clockWarning
    }

    /// The context of `record` against `model`, with business hours from `hours`.
    public init(record: AnomalyRecord, model: TrainedModel, clock: LocalClock, hours: WorkingHours) {
        let position = clock.position(of: record.bucketStart)
        // A scan, not `model.countryIndex`: that builds a dictionary of every country, per alert.
        let country = model.countries.first { $0.country == record.country }
        let top = ["host.name", "source.ip"].lazy.compactMap { field in
            record.influencers.first { $0.field == field }?.values.first.map { (field, $0.value) }
        }.first
        var usual: Bool?
        if let top, let country, !country.usualSources.isEmpty {
            usual = country.usualSources.contains { $0.caseInsensitiveCompare(top.1) == .orderedSame }
        } else if top != nil, country == nil, record.firstSeen {
            usual = false
        }
        let inHours = hours.contains(secondOfDay: position.secondOfDay, weekday: position.weekday)
        self.init(
            localTime: String(format: "%02d:%02d", position.secondOfDay / 3600, position.secondOfDay % 3600 / 60),
            weekday: WorkingHours.weekdayNames[position.weekday], timeZone: model.metadata.timeZone,
            inBusinessHours: inHours, topSource: top?.1, topSourceField: top?.0, topSourceUsual: usual,
            typicalAtThisTime: record.typical, trainingMeanPerBucket: country?.meanPerBucket,
            nextSteps: Self.nextSteps(record: record, top: top?.1, usual: usual, inBusinessHours: inHours),
            clockWarning: model.metadata.clock?.warning(at: record.bucketStart))
    }

    /// The guide's triage steps that fit this alert, in at most two lines.
    ///
    /// The order follows the rule's investigation guide: who and what made the connections,
    /// whether a human could have at that hour, then the guide's first false-positive
    /// advice (an approved new business process gets an exception, with source and user
    /// conditions rather than the whole country).
    static func nextSteps(record: AnomalyRecord, top: String?, usual: Bool?, inBusinessHours: Bool) -> [String] {
        let source = top ?? "the top source"
        let process = record.influencers.first { $0.field == "process.name" }?.values.first?.value
        let user = record.influencers.first { $0.field == "user.name" }?.values.first?.value
        let who = [process.map { "process \($0)" }, user.map { "user \($0)" }].compactMap { $0 }.joined(separator: ", ")
        var first: String
        if record.firstSeen {
            first = "First traffic to \(record.countryName) in the model: treat as possible C2 (T1071) until \(source)'s owner names a business reason"
        } else if usual == false {
            first = "\(source) is not a usual source for \(record.countryName): confirm with its owner who and what made these connections"
        } else {
            first = "\(source) usually talks to \(record.countryName) but \(Self.ratio(record)) its usual volume: ask its owner about a new or changed business process"
        }
        if !who.isEmpty { first += " (\(who))" }
        let second =
            inBusinessHours
            ? "If approved, add a narrow exception (host and user, not the country: geospike-eval suggest-exceptions); if not, check the process tree and other alerts for \(source) in the past 48 hours."
            : "Outside business hours a person is unlikely: look for scheduled jobs or malware on \(source), other alerts for it in the past 48 hours, and isolate it if unexplained."
        return [first + ".", second]
    }

    /// "12x" or "3.5x": how far above typical the bucket is.
    static func ratio(_ record: AnomalyRecord) -> String {
        let r = Double(record.actual) / max(record.typical, 0.01)
        return r >= 10 ? "at \(Int(r.rounded()))x" : String(format: "at %.1fx", r)
    }

    /// The context as a JSON object, for records and alert documents.
    public var json: String {
        var json = JSONLine()
        json.add("local_time", localTime)
        json.add("local_weekday", weekday)
        json.add("timezone", timeZone)
        json.add("business_hours", inBusinessHours)
        if let topSource, let topSourceField {
            json.add("top_source", topSource)
            json.add("top_source_field", topSourceField)
        }
        if let topSourceUsual { json.add("top_source_usual", topSourceUsual) }
        json.add("typical_at_this_time", (typicalAtThisTime * 100).rounded() / 100)
        if let trainingMeanPerBucket { json.add("training_mean_per_bucket", (trainingMeanPerBucket * 100).rounded() / 100) }
        json.addRaw("next_steps", "[" + nextSteps.map(JSONLine.quoted).joined(separator: ",") + "]")
        if let clockWarning { json.add("clock_warning", clockWarning) }
        return json.string
    }

    /// One line for the table: local time, source and typical volume.
    public var summaryLine: String {
        var parts = ["\(weekday) \(localTime) \(timeZone) (\(inBusinessHours ? "business hours" : "outside business hours"))"]
        if let topSource {
            switch topSourceUsual {
            case true?: parts.append("top source \(topSource) is usual for this country")
            case false?: parts.append("top source \(topSource) is NOT a usual source")
            case nil: parts.append("top source \(topSource)")
            }
        }
        var typical = String(format: "typical %.2f per bucket at this time", typicalAtThisTime)
        if let trainingMeanPerBucket { typical += String(format: " (training mean %.2f)", trainingMeanPerBucket) }
        parts.append(typical)
        return parts.joined(separator: "; ")
    }
}
