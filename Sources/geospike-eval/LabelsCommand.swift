import ArgumentParser
import GeoSpikeEvaluation
import GeoSpikeIngest

/// `geospike-eval labels`: scores alerts against labelled spikes.
struct LabelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labels",
        abstract: "Precision, recall, F1 and detection delay of alerts against labelled spikes.",
        discussion: """
            --alerts is geospike-score's NDJSON (records with "alert": false are ignored, repeated bucket \
            and country pairs from overlapping runs count once). --labels is CSV with a header naming \
            timestamp (or bucket_start) and country, optionally kind, or a JSON array of such objects, \
            as geospike-eval synth --attacks writes. Consecutive labelled buckets of a country form one \
            spike; it is detected when an alert falls on it (or within --tolerance buckets after).
            """)

    @Option(name: .long, help: "Alerts NDJSON from geospike-score.")
    var alerts: String

    @Option(name: .long, help: "Labels, .csv or .json.")
    var labels: String

    @Option(name: .long, help: "Bucket span of the alerts, e.g. 15m.")
    var bucketSpan: String = "15m"

    @Option(name: .long, help: "Alerts up to this many buckets after a spike still count as detecting it.")
    var tolerance: Int = 0

    @Flag(name: .long, help: "Write one JSON object instead of tables.")
    var json = false

    func validate() throws {
        guard tolerance >= 0 else { throw ValidationError("--tolerance must be >= 0") }
        do { _ = try BucketSpan(parsing: bucketSpan) } catch let error as GeoSpikeError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        try GeoSpikeError.exitingOnError(command: "geospike-eval labels") {
            let span = try BucketSpan(parsing: bucketSpan)
            let evaluation = LabelEvaluation(
                alerts: try LabelledCell.readAlerts(path: alerts),
                labels: try LabelledCell.readLabels(path: labels, bucketSpan: span), bucketSpan: span,
                toleranceBuckets: tolerance)
            try emit(text: evaluation.text, json: evaluation.json, asJSON: json)
        }
    }
}
