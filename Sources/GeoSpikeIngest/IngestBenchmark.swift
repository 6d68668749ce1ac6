import Foundation

/// Throughput and memory of ingest on generated logs, for `bench/` (never a timed test).
///
/// `run` writes a Packetbeat-like ECS NDJSON file (about 1 KB a line, half of the lines
/// with nested keys, half dotted; countries from the document, by name, or by GeoIP) and
/// times `Ingest.countTable` over it. Peak RSS is the process's high-water mark, so run
/// each measurement in a fresh process when comparing memory.
public enum IngestBenchmark {
    public struct Result: Sendable, Codable {
        public var bytes: Int
        public var lines: Int
        public var eventsCounted: Int
        public var seconds: Double
        /// User plus system CPU time of the ingest (on a busy machine, the fairer measure).
        public var cpuSeconds: Double
        /// Decimal megabytes per wall-clock second, on one core.
        public var megabytesPerSecond: Double
        /// Decimal megabytes per CPU second.
        public var megabytesPerCPUSecond: Double
        public var eventsPerSecond: Double
        public var peakRSSMegabytes: Double
    }

    /// Generates `megabytes` of ECS NDJSON at `path` (deterministic for a seed).
    public static func writeECS(path: String, megabytes: Int, seed: UInt64 = 1) throws {
        guard
            let handle = FileHandle(forWritingAtPath: path)
                ?? {
                    FileManager.default.createFile(atPath: path, contents: nil)
                    return FileHandle(forWritingAtPath: path)
                }()
        else {
            throw GeoSpikeError(.ioError, "cannot write the benchmark input \(path)")
        }
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        let destinations: [(ip: String, code: String, name: String)] = [
            ("89.160.20.156", "SE", "Sweden"), ("81.2.69.160", "GB", "United Kingdom"),
            ("216.160.83.56", "US", "United States"), ("2001:218::1", "JP", "Japan"), ("2a02:cf40::1", "NO", "Norway"),
            ("175.16.199.74", "CN", "China"), ("67.43.156.1", "BT", "Bhutan"), ("10.20.30.40", "", ""),
        ]
        let processes = ["chrome.exe", "firefox", "svchost.exe", "curl", "filebeat", "ssh", "teams.exe", "python3"]
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let target = megabytes * 1_000_000
        var written = 0
        var time = 1_791_158_400.0
        var chunk = ""
        chunk.reserveCapacity(1 << 20)
        while written < target {
            time += Double(next() % 2000) / 1000
            let stamp = Timestamp.iso8601(Int64(time)).dropLast() + String(format: ".%03dZ", Int(time * 1000) % 1000)
            let d = destinations[Int(next() % UInt64(destinations.count))]
            let process = processes[Int(next() % UInt64(processes.count))]
            let host = "ws-\(100 + next() % 400)"
            let source = "192.168.\(next() % 8).\(1 + next() % 254)"
            let port = [443, 80, 22, 53, 8443][Int(next() % 5)]
            let bytesOut = next() % 100_000
            let bytesIn = next() % 1_000_000
            var geo = ""
            switch (d.code.isEmpty, next() % 3) {
            case (true, _): geo = ""
            case (false, 0):
                geo =
                    #","geo":{"country_iso_code":"\#(d.code)","country_name":"\#(d.name)","continent_name":"Europe","location":{"lat":59.33,"lon":18.06}}"#
            case (false, 1): geo = #","geo":{"country_name":"\#(d.name)"}"#
            default: geo = ""
            }
            let line: String
            if next() % 2 == 0 {
                line =
                    #"{"@timestamp":"\#(stamp)","agent":{"type":"packetbeat","version":"8.15.0","name":"\#(host)","id":"8a4f2c1e-5b7d-4e3a-9c1f-2d6b8e0a4f71","ephemeral_id":"c2f1e8d4-7a3b-4c5e-8f9a-1b2c3d4e5f60"},"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","end"],"action":"network_flow","dataset":"network_traffic.flow","duration":2512000000,"start":"\#(stamp)","end":"\#(stamp)"},"flow":{"id":"EQIA////DP//////FP8BAAEAUFbA\u0000CAAMKQ==","final":true},"source":{"ip":"\#(source)","port":\#(49152 + next() % 16000),"bytes":\#(bytesOut),"packets":\#(1 + bytesOut / 1400),"mac":"00-50-56-C0-00-08"},"destination":{"ip":"\#(d.ip)","port":\#(port),"bytes":\#(bytesIn),"packets":\#(1 + bytesIn / 1400)\#(geo)},"network":{"transport":"tcp","type":"ipv4","bytes":\#(bytesIn + bytesOut),"packets":\#(2 + (bytesIn + bytesOut) / 1400),"community_id":"1:LQU9qZlK+B5F3KDmev6m5PMibrg="},"host":{"name":"\#(host)","hostname":"\#(host)","os":{"family":"windows","name":"Windows 11 Pro","version":"10.0","kernel":"10.0.22631.4317 (WinBuild.160101.0800)"}},"process":{"name":"\#(process)","pid":\#(next() % 60000),"executable":"C:\\Program Files\\\#(process)"},"user":{"name":"user\#(next() % 50)"}}"#
            } else {
                let dottedGeo =
                    geo.isEmpty
                    ? ""
                    : (geo.contains("country_iso_code")
                        ? #","destination.geo.country_iso_code":"\#(d.code)","destination.geo.country_name":"\#(d.name)""#
                        : #","destination.geo.country_name":"\#(d.name)""#)
                line =
                    #"{"@timestamp":"\#(stamp)","agent.type":"packetbeat","agent.version":"8.15.0","agent.name":"\#(host)","ecs.version":"8.11.0","event.kind":"event","event.category":"network","event.type":["connection","end"],"event.dataset":"network_traffic.flow","event.duration":2512000000,"flow.final":true,"source.ip":"\#(source)","source.port":\#(49152 + next() % 16000),"source.bytes":\#(bytesOut),"destination.ip":"\#(d.ip)","destination.port":\#(port),"destination.bytes":\#(bytesIn)\#(dottedGeo),"network.transport":"tcp","network.type":"ipv4","network.community_id":"1:LQU9qZlK+B5F3KDmev6m5PMibrg=","host.name":"\#(host)","host.os.name":"Windows 11 Pro","process.name":"\#(process)","process.pid":\#(next() % 60000),"user.name":"user\#(next() % 50)","message":"flow \#(source) -> \#(d.ip):\#(port) \"closed\" after 2.5 s"}"#
            }
            chunk += line
            chunk += "\n"
            if chunk.utf8.count >= 1 << 20 {
                written += chunk.utf8.count
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try handle.write(contentsOf: Data(chunk.utf8)) }
    }

    /// Times one ingest of `path` with `options`.
    public static func measure(path: String, options: ReaderOptions) throws -> Result {
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let cpuStart = cpuTime()
        let start = DispatchTime.now().uptimeNanoseconds
        let (_, summary) = try Ingest.countTable(paths: [path], options: options)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = cpuTime() - cpuStart
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Result(
            bytes: bytes, lines: summary.linesRead, eventsCounted: summary.eventsCounted, seconds: seconds,
            cpuSeconds: cpuSeconds, megabytesPerSecond: Double(bytes) / 1e6 / seconds,
            megabytesPerCPUSecond: Double(bytes) / 1e6 / cpuSeconds,
            eventsPerSecond: Double(summary.linesRead) / seconds,
            peakRSSMegabytes: Double(usage.ru_maxrss) / 1024)
    }

    private static func cpuTime() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Generates `megabytes` of ECS NDJSON in a temporary file and measures ingesting it.
    public static func run(megabytes: Int = 200, options: ReaderOptions = ReaderOptions()) throws -> Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "geospike-ingest-bench-\(ProcessInfo.processInfo.processIdentifier).ndjson"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeECS(path: path, megabytes: megabytes)
        return try measure(path: path, options: options)
    }

    /// Seconds to parse a Tor geoip table (no process cache involved).
    public static func torLoadSeconds(path: String) throws -> (seconds: Double, ranges: Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        let table = try TorGeoIPTable(path: path)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (seconds, table.rangeCount.v4 + table.rangeCount.v6)
    }
}
