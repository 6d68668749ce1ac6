import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore

@main
struct GeoSpikeScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geospike-score",
        abstract: "Score a batch of network logs against a geospike model and print anomaly records.",
        version: "0.1.0")

    @Option(name: .long, help: "The model file (from geospike-train).")
    var model: String

    @Option(name: .long, parsing: .upToNextOption, help: "Log files to score ('-' = stdin, .gz read transparently).")
    var input: [String] = []

    @OptionGroup var reader: ReaderArguments

    @Option(name: .long, help: "Alert when record_score >= this (0-100).")
    var threshold: Double = 75

    @Option(name: .long, help: "Records to write: alerts, or all (every bucket and country with traffic).")
    var emit: Scorer.Emit = .alerts

    @Option(name: .long, help: "Output: ndjson (one record per line) or table (for people).")
    var output: OutputFormat = .ndjson

    @Option(name: .long, help: "Buckets ending after this time are interim (ISO 8601 or epoch seconds). Default: the latest event.")
    var until: String?

    @Option(name: .long, help: "Benjamini-Hochberg false discovery rate across the countries of a bucket.")
    var fdr: Double?

    @Option(name: .long, help: "Influencer values reported per field.")
    var top: Int = 5

    @Option(name: .long, help: "How alerts are written in NDJSON: record (anomaly records) or ecs (ECS alert documents beside the record fields).")
    var alertsFormat: AlertsFormat = .record

    @Option(name: .long, help: "Alerts per run at most, the highest scores kept (default: the rule's max_signals, 100).")
    var maxAlerts: Int?

    @Option(name: .long, help: "Approved exceptions (JSON or YAML); alerts their traffic explains are reported as suppressed.")
    var exceptions: String?

    @Option(name: .long, help: "Rule metadata as JSON (name, rule_id, severity, risk_score, tags, threat, max_signals, business_hours).")
    var rule: String?

    @Option(name: .long, help: "The current time for exception expiry and alert @timestamp (ISO 8601 or epoch seconds). Default: now.")
    var now: String?

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case ndjson, table }
    enum AlertsFormat: String, ExpressibleByArgument, CaseIterable { case record, ecs }

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input PATH ('-' for stdin)") }
        guard (0...100).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 100") }
        if let q = fdr, !(q > 0 && q < 1) { throw ValidationError("--fdr must be between 0 and 1 (e.g. 0.05)") }
        if let u = until, Timestamp.parse(Substring(u)) == nil {
            throw ValidationError("--until '\(u)': give an ISO 8601 time such as 2026-10-05T10:30:00Z or epoch seconds")
        }
        guard top >= 0 else { throw ValidationError("--top must be >= 0") }
        if let n = maxAlerts, n < 1 { throw ValidationError("--max-alerts must be at least 1") }
        if let t = now, Timestamp.parse(Substring(t)) == nil, Double(t) == nil {
            throw ValidationError("--now '\(t)': give an ISO 8601 time such as 2026-10-05T10:30:00Z or epoch seconds")
        }
    }

    var nowSeconds: Double { now.flatMap { Double($0) ?? Timestamp.parse(Substring($0)) } ?? Date().timeIntervalSince1970 }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-score") {
            let (trained, modelID) = try ModelFile.readIdentified(from: model)
            let scorer = try Scorer(model: trained, modelID: modelID)
            let ruleMetadata = try rule.map { try RuleMetadata.load(path: $0) } ?? RuleMetadata()
            let currentTime = nowSeconds
            var readerOptions = try reader.readerOptions()
            readerOptions.bucketSpan = trained.bucketSpan
            var options = ScoreOptions()
            options.threshold = threshold
            options.until = until.flatMap { Timestamp.parse(Substring($0)) }
            options.falseDiscoveryRate = fdr
            options.topInfluencers = top

            let table: CountTable
            let batch: ScoredBatch
            var suppressions: [CellKey: AlertSuppression] = [:]
            if let exceptions {
                let list = try ExceptionList.loadActive(path: exceptions, now: currentTime) { warning in
                    FileHandle.standardError.write(Data("geospike-score: warning: \(warning)\n".utf8))
                }
                let traffic = try ExceptedTraffic.read(paths: input, options: readerOptions, exceptions: list)
                try reader.report(traffic.summary)
                table = traffic.table
                (batch, suppressions) = try scorer.score(traffic, exceptions: list, options: options)
            } else {
                let summary: IngestSummary
                (table, summary) = try Ingest.countTable(paths: input, options: readerOptions)
                try reader.report(summary)
                batch = try scorer.score(table, options: options)
            }
            let clock = try LocalClock(identifier: trained.metadata.timeZone)
            let alerts = AlertBatch(
                records: scorer.records(batch, table: table, emit: emit, options: options), suppressions: suppressions,
                maxAlerts: maxAlerts ?? ruleMetadata.maxAlertsPerRun, emit: emit
            ) { InvestigationContext(record: $0, model: trained, clock: clock, hours: ruleMetadata.businessHours) }
            // Everything is computed before anything is written: an error never leaves half a result on stdout.
            switch output {
            case .ndjson:
                var text = ""
                for r in alerts.records {
                    let isAlert = r.alert || r.suppression != nil
                    text += alertsFormat == .ecs && isAlert
                        ? AlertDocument(record: r, rule: ruleMetadata, createdAt: currentTime).jsonLine : r.jsonLine
                    text += "\n"
                }
                FileHandle.standardOutput.write(Data(text.utf8))
            case .table:
                let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                print(
                    RecordTable(records: alerts.records, timeZone: trained.metadata.timeZone, colour: colour).text,
                    terminator: "")
            }
            let interim = batch.interim.filter { $0 }.count
            var summary =
                "geospike-score: \(batch.bucketCount) buckets x \(batch.countryCount) countries scored"
                + " (\(batch.countryCount - batch.firstSeenStart) first seen, \(interim) interim bucket(s)); "
                + "\(alerts.alerts) alert(s) at record_score >= \(JSONLine.number(threshold))"
            if exceptions != nil { summary += ", \(alerts.suppressed) suppressed by exceptions" }
            if alerts.heldBack > 0 {
                summary += ", \(alerts.heldBack) held back by --max-alerts \(maxAlerts ?? ruleMetadata.maxAlertsPerRun) (the highest scores were kept)"
            }
            FileHandle.standardError.write(Data((summary + "\n").utf8))
            if let last = batch.bucketStarts.last, let warning = trained.metadata.clock?.warning(at: last) {
                FileHandle.standardError.write(Data("geospike-score: warning: \(warning)\n".utf8))
            }
        }
    }
}

extension Scorer.Emit: ExpressibleByArgument {}
