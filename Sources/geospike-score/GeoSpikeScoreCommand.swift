import ArgumentParser
import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import GeoSpikeState

@main
struct GeoSpikeScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geospike-score",
        abstract: "Score a batch of network logs against a geospike model and print anomaly records.",
        version: Trainer.toolVersion)

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

    @Option(name: .long, help: "Alerting buckets of one group less than this apart (quiet time) form one incident (e.g. 1h, 30m, 0 for none).")
    var incidentGap: String = "1h"

    @Option(name: .long, help: "Fields that define an incident's group, comma-separated: country, then any of source.ip, destination.ip, destination.port, process.name, host.name, user.name.")
    var groupBy: String = "country"

    @Option(name: .customLong("state"), help: "A state file (SQLite, created on first use) that runs every 15 minutes share: the multi-bucket window, each bucket's final record once, open incidents.")
    var stateFile: String?

    @Flag(name: .long, help: "Empty a --state file built for another model and start it over for this one.")
    var resetState = false

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
        guard IncidentGrouping.parseGap(incidentGap) != nil else {
            throw ValidationError("--incident-gap '\(incidentGap)': give a duration such as 1h, 30m or 3600")
        }
        if case .failure(let error) = IncidentGrouping.parseFields(groupBy) {
            throw ValidationError(
                "--group-by: unknown field '\(error.field)'; use \(IncidentGrouping.groupableFields.joined(separator: ", "))")
        }
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

            let grouping = IncidentGrouping(
                gap: IncidentGrouping.parseGap(incidentGap) ?? IncidentGrouping.defaultGap,
                fields: (try? IncidentGrouping.parseFields(groupBy).get()) ?? ["country"])
            // The state's lock is taken first: a second scorer on the file waits for this run to end.
            let state = try stateFile.map { try ScorerState(path: $0) }
            try state?.begin(modelID: modelID, bucketSpan: trained.metadata.bucketSpanSeconds, reset: resetState)
            // What a killed run committed but never wrote goes out first.
            let undelivered = try state?.undeliveredOutput() ?? ""
            var recalled: StateRecall?
            var table: CountTable
            var keptTable: CountTable?
            let batch: ScoredBatch
            var suppressions: [CellKey: AlertSuppression] = [:]
            if let exceptions {
                let list = try ExceptionList.loadActive(path: exceptions, now: currentTime) { warning in
                    StandardError.write("geospike-score: warning: \(warning)\n")
                }
                var traffic = try ExceptedTraffic.read(paths: input, options: readerOptions, exceptions: list)
                try reader.report(traffic.summary)
                keptTable = traffic.kept
                recalled = try recall(state, into: &traffic.table, kept: &keptTable, options: &options, model: trained, scorer: scorer)
                traffic.kept = keptTable ?? traffic.kept
                table = traffic.table
                (batch, suppressions) = try scorer.score(traffic, exceptions: list, options: options)
            } else {
                let summary: IngestSummary
                (table, summary) = try Ingest.countTable(paths: input, options: readerOptions)
                try reader.report(summary)
                recalled = try recall(state, into: &table, kept: &keptTable, options: &options, model: trained, scorer: scorer)
                batch = try scorer.score(table, options: options)
            }
            let clock = try LocalClock(identifier: trained.metadata.timeZone)
            var records = scorer.records(batch, table: table, emit: emit, options: options)
            if let recalled { records = recalled.memory.unseen(records, batch: recalled.batch) }
            let horizon = batch.horizon(bucketSpan: trained.metadata.bucketSpanSeconds)
            let alerts = AlertBatch(
                records: records, suppressions: suppressions, maxAlerts: maxAlerts ?? ruleMetadata.maxAlertsPerRun,
                emit: emit, grouping: grouping, horizon: horizon, carried: recalled?.memory.openIncidents ?? []
            ) { InvestigationContext(record: $0, model: trained, clock: clock, hours: ruleMetadata.businessHours) }
            // Everything is computed before anything is written: an error never leaves half a result on stdout.
            let text: String
            switch output {
            case .ndjson:
                text = alerts.ndjson(ecs: alertsFormat == .ecs, rule: ruleMetadata, createdAt: currentTime, top: top)
            case .table:
                let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                text = IncidentTable(
                    incidents: alerts.closedIncidents + alerts.incidents, records: alerts.records,
                    timeZone: trained.metadata.timeZone, colour: colour
                ).text
            }
            let output = undelivered + text
            if let state {
                if let recalled {
                    try remember(recalled, in: state, table: table, kept: keptTable, batch: batch, alerts: alerts)
                }
                try state.recordOutput(output)
                try state.commit()
            }
            try StandardOutput.write(output)
            try state?.markDelivered()
            let interim = batch.interim.filter { $0 }.count
            var summary =
                "geospike-score: \(batch.bucketCount) buckets x \(batch.countryCount) countries scored"
                + " (\(batch.countryCount - batch.firstSeenStart) first seen, \(interim) interim bucket(s)"
                + (recalled.map { r in
                    let earlier = batch.bucketStarts.filter { $0 < r.batch.lowerBound }.count
                    return earlier > 0 ? ", \(earlier) earlier bucket(s) from the state" : ""
                } ?? "") + "); "
                + "\(alerts.alerts) alert(s) at record_score >= \(JSONLine.number(threshold))"
                + " in \(alerts.incidents.filter { !$0.suppressed && !$0.heldBack }.count) incident(s)"
            if exceptions != nil { summary += ", \(alerts.suppressed) suppressed by exceptions" }
            if !alerts.closedIncidents.isEmpty {
                summary += ", \(alerts.closedIncidents.count) incident(s) of earlier runs closed"
            }
            if alerts.heldBack > 0 {
                summary += ", \(alerts.heldBack) incident(s) held back by --max-alerts \(maxAlerts ?? ruleMetadata.maxAlertsPerRun) (the highest scores were kept)"
            }
            StandardError.write(summary + "\n")
            if let last = batch.bucketStarts.last, let warning = trained.metadata.clock?.warning(at: last) {
                StandardError.write("geospike-score: warning: \(warning)\n")
            }
        }
    }
}

extension Scorer.Emit: ExpressibleByArgument {}
