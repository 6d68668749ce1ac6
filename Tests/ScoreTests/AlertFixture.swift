import Foundation
import GeoSpikeIngest
import GeoSpikeModel
import GeoSpikeScore
import GeoSpikeTestSupport

/// A model trained once for the alert tests, and ECS log files written from events.
///
/// Four weeks of Sweden (mean 6 a bucket) and Japan (mean 0.5), UTC. Japan is where the
/// tests put spikes: 40 events where half of one is typical always alerts, 1 never does.
enum AlertFixture {
    static let se = CountryCode("SE")!
    static let jp = CountryCode("JP")!

    private static let trained: Result<TrainedModel, any Error> = Result {
        var table = Simulated.table(
            country: "SE", days: 28, draw: { _, rng in rng.negativeBinomial(mean: 6, dispersion: 0.2) }, seed: 41)
        table.merge(Simulated.table(country: "JP", days: 28, draw: { _, rng in rng.poisson(0.5) }, seed: 42))
        return try Trainer(options: TrainingOptions()).train(table)
    }

    static func model() throws -> TrainedModel { try trained.get() }

    static func scorer() throws -> Scorer { try Scorer(model: try model(), modelID: "alert-test-model") }

    /// Monday 2026-10-05 10:00 UTC, the first bucket after training.
    static let bucket0 = Simulated.start + 28 * 86400 + 10 * 3600

    /// Options that treat both batch buckets as complete.
    static var options: ScoreOptions {
        var options = ScoreOptions()
        options.until = Double(bucket0 + 2 * 900)
        return options
    }

    /// One outbound event `offset` seconds after `bucket0`.
    static func event(
        _ offset: Int64, _ country: CountryCode, host: String, ip: String = "10.1.1.1", user: String? = nil,
        process: String = "svc.exe", port: Int = 443
    ) -> NetworkEvent {
        NetworkEvent(
            time: Double(bucket0 + offset), country: country, sourceIP: ip, destinationIP: "203.0.113.9",
            destinationPort: port, processName: process, hostName: host, userName: user)
    }

    /// `count` events from one source to `country` spread over bucket `bucket` (0 or 1).
    static func burst(
        _ count: Int, to country: CountryCode, bucket: Int64 = 0, host: String, ip: String = "10.1.1.1",
        user: String? = nil
    ) -> [NetworkEvent] {
        (0..<count).map { event(bucket * 900 + 10 + Int64($0 * 800 / max(count, 1)), country, host: host, ip: ip, user: user) }
    }

    /// Sweden's ordinary traffic over both buckets, so the batch spans them.
    static var background: [NetworkEvent] {
        (0..<12).map { event(Int64($0) * 150 + 5, se, host: "ws-\($0 % 3)", ip: "10.9.0.\($0 % 3 + 1)") }
    }

    /// Writes `events` as an ECS NDJSON file (dotted keys) and returns its path.
    static func ecsFile(_ events: [NetworkEvent]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("geospike-alerts-\(UUID().uuidString).ndjson").path
        var text = ""
        for e in events.sorted(by: { $0.time < $1.time }) {
            var fields = [
                "\"@timestamp\":\"\(Timestamp.iso8601(Int64(e.time)))\"", "\"event.category\":[\"network\"]",
            ]
            if let c = e.country { fields.append("\"destination.geo.country_iso_code\":\"\(c.code)\"") }
            if let v = e.sourceIP { fields.append("\"source.ip\":\"\(v)\"") }
            if let v = e.destinationIP { fields.append("\"destination.ip\":\"\(v)\"") }
            if let v = e.destinationPort { fields.append("\"destination.port\":\(v)") }
            if let v = e.hostName { fields.append("\"host.name\":\"\(v)\"") }
            if let v = e.processName { fields.append("\"process.name\":\"\(v)\"") }
            if let v = e.userName { fields.append("\"user.name\":\"\(v)\"") }
            text += "{" + fields.joined(separator: ",") + "}\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Reads `events` through ingest once with `exceptions` and scores them.
    static func score(_ events: [NetworkEvent], exceptions: ExceptionList) throws
        -> (traffic: ExceptedTraffic, batch: ScoredBatch, suppressions: [CellKey: AlertSuppression])
    {
        let path = try ecsFile(events + background)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = ReaderOptions()
        options.format = .ecs
        options.geoip = "none"
        let traffic = try ExceptedTraffic.read(paths: [path], options: options, exceptions: exceptions)
        let (batch, suppressions) = try scorer().score(traffic, exceptions: exceptions, options: Self.options)
        return (traffic, batch, suppressions)
    }

    /// Whether the batch alerts for `country` in bucket `b`.
    static func alerts(_ batch: ScoredBatch, _ country: CountryCode, bucket b: Int = 0) -> Bool {
        guard let j = batch.countries.firstIndex(of: country) else { return false }
        return batch.alert[batch.index(bucket: b, country: j)]
    }

    /// An exception list parsed from YAML text.
    static func exceptions(_ yaml: String) throws -> ExceptionList {
        try ExceptionList.parse(yaml, file: "test.yaml")
    }
}
