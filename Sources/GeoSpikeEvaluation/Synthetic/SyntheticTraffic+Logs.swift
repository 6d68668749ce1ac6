import Foundation
import GeoSpikeIngest

extension SyntheticTraffic {
    /// Writes the traffic as a log in `format` to `path` (`.gz` compresses, `-` is stdout).
    ///
    /// Every event that `countTable()` counts is one line; besides them the log holds
    /// connections to private addresses (no country), Elastic agents' own connections
    /// (ECS only; readers drop them by `process.name`), and about `malformedFraction`
    /// malformed lines: truncated records, binary junk, rows with too few columns.
    /// gzip level 1 is the default because a year of logs is compression-bound; the
    /// committed datasets use 9.
    public func writeLogs(format: LogFormat, to path: String, compressionLevel: Int = 1) throws {
        let file = try LogOutputFile(path: path, compressionLevel: compressionLevel)
        var buffer = LogLineBuffer()
        if format == .counts {
            appendCounts(to: &buffer)
        } else {
            try appendLogLines(format: format, to: &buffer, file: file)
        }
        try file.write(&buffer)
        try file.close()
    }

    /// Writes the labels as CSV (`timestamp,country,kind,added_events,source_host`) or, when
    /// `path` ends in `.json`, as a JSON array of objects with the same keys.
    public func writeLabels(to path: String) throws {
        var buffer = LogLineBuffer(capacity: 64 * labels.count + 64)
        if path.lowercased().hasSuffix(".json") {
            buffer.append("[")
            for (i, label) in labels.enumerated() {
                buffer.append(i == 0 ? "\n  {\"timestamp\":\"" : ",\n  {\"timestamp\":\"")
                buffer.appendTimestamp(micros: label.bucketStart * 1_000_000, fractionDigits: 0, zulu: true)
                buffer.append("\",\"bucket_start\":")
                buffer.append(Int(label.bucketStart))
                buffer.append(",\"country\":\"")
                buffer.append(label.country.code)
                buffer.append("\",\"kind\":\"")
                buffer.append(label.kind)
                buffer.append("\",\"added_events\":")
                buffer.append(label.addedEvents)
                buffer.append(",\"source_host\":")
                if let host = label.sourceHost { buffer.appendJSONString(host) } else { buffer.append("null") }
                buffer.append("}")
            }
            buffer.append(labels.isEmpty ? "]\n" : "\n]\n")
        } else {
            buffer.append("timestamp,country,kind,added_events,source_host\n")
            for label in labels {
                buffer.appendTimestamp(micros: label.bucketStart * 1_000_000, fractionDigits: 0, zulu: true)
                buffer.append(",")
                buffer.append(label.country.code)
                buffer.append(",")
                buffer.append(label.kind)
                buffer.append(",")
                buffer.append(label.addedEvents)
                buffer.append(",")
                buffer.append(label.sourceHost ?? "")
                buffer.append("\n")
            }
        }
        let file = try LogOutputFile(path: path)
        try file.write(&buffer)
        try file.close()
    }

    /// Counts CSV: one row per non-zero cell, bucket start in ISO 8601 UTC.
    private func appendCounts(to buffer: inout LogLineBuffer) {
        buffer.append("bucket_start,country,count\n")
        for (key, count) in countTable().sortedCells {
            buffer.appendTimestamp(micros: key.bucketStart * 1_000_000, fractionDigits: 0, zulu: true)
            buffer.append(",")
            buffer.append(key.country.code)
            buffer.append(",")
            buffer.append(count)
            buffer.append("\n")
        }
    }

    private func appendLogLines(format: LogFormat, to buffer: inout LogLineBuffer, file: LogOutputFile) throws {
        let formatter: LogLineFormatter
        switch format {
        case .ecs: formatter = ECSLineFormatter()
        case .zeek: formatter = ZeekLineFormatter(json: false)
        case .zeekJSON: formatter = ZeekLineFormatter(json: true)
        case .suricata: formatter = SuricataLineFormatter()
        case .csv: formatter = NfdumpLineFormatter()
        case .counts: return
        }
        let synthesizer = BucketEventSynthesizer(traffic: self)
        let showsAgents = format == .ecs
        formatter.appendHeader(to: &buffer, traffic: self)
        for bucket in 0..<bucketCount {
            let context = moments[bucket].utcOffset
            for event in synthesizer.events(bucket: bucket) where showsAgents || !event.isAgentTraffic {
                let lineStart = buffer.count
                formatter.append(
                    event, to: &buffer, context: EventContext(host: hosts.hosts[event.host], utcOffset: context))
                if event.malformedDraw < scenario.malformedFraction {
                    appendMalformedLine(after: lineStart, seed: event.junkSeed, formatter: formatter, to: &buffer)
                }
            }
            if buffer.count > 1 << 20 { try file.write(&buffer) }
        }
        formatter.appendFooter(to: &buffer, traffic: self)
    }

    /// Adds one malformed line modelled on the line just written at `lineStart`: the
    /// record cut short (a writer killed mid-line, a full disk), or binary junk (a
    /// corrupted block). Neither can be read as an event.
    private func appendMalformedLine(
        after lineStart: Int, seed: UInt64, formatter: LogLineFormatter, to buffer: inout LogLineBuffer
    ) {
        var rng = SeededGenerator(seed: seed)
        if rng.chance(0.6) {
            let limit = formatter.truncationLimit(ofLineAt: lineStart, in: buffer)
            let cut = lineStart + 4 + rng.index(below: max(1, limit - lineStart - 4))
            let line = Array(buffer.bytes[lineStart..<min(cut, buffer.count - 1)])
            buffer.append(contentsOf: line[...])
        } else {
            let length = rng.integer(in: 16...120)
            for i in 0..<length {
                var byte = UInt8(truncatingIfNeeded: rng.next())
                // No line breaks (it stays one line), and nothing that starts a comment,
                // a JSON object or a field boundary.
                while Self.junkForbidden.contains(byte) || (i == 0 && byte < 0x80) {
                    byte = UInt8(truncatingIfNeeded: rng.next())
                }
                buffer.append(byte: byte)
            }
        }
        buffer.append("\n")
    }

    private static let junkForbidden: Set<UInt8> = [
        UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ","), UInt8(ascii: "\""),
        UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), 0,
    ]
}
