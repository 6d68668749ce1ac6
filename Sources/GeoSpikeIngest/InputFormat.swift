import Foundation

/// The log formats ingest reads; `auto` decides per file from its first lines.
public enum InputFormat: String, CaseIterable, Sendable, Codable {
    case auto, ecs, zeek, suricata, csv, counts

    /// Guesses the format of a file from its first bytes (nil: nothing to go on yet).
    ///
    /// Zeek TSV starts with `#separator`/`#fields` header lines; JSON lines are Suricata
    /// EVE when they carry a top-level `event_type` with `dest_ip`/`src_ip`, Zeek JSON
    /// when they carry `id.resp_h`-style keys or `ts` with `uid`, and ECS otherwise; any
    /// other text is CSV, and a CSV whose header has `bucket_start`, `country` and
    /// `count` is a counts table.
    static func detect(_ head: UnsafeBufferPointer<UInt8>) -> InputFormat? {
        var jsonLines = 0
        var sawJSON = (suricata: false, zeek: false)
        var lineStart = 0
        let bytes = Array(head)
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            // The last line may be cut by the peek window; only judge complete lines
            // unless it is all there is.
            let complete = lineEnd < bytes.count || lineStart == 0
            var line = bytes[lineStart..<lineEnd].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") {
                line = line.dropLast()
            }
            lineStart = lineEnd + 1
            guard complete, let first = line.first else { continue }
            if first == UInt8(ascii: "#") {
                let text = String(decoding: line.prefix(12), as: UTF8.self)
                if text.hasPrefix("#separator") || text.hasPrefix("#fields") || text.hasPrefix("#path") {
                    return .zeek
                }
                continue
            }
            if first == UInt8(ascii: "{") {
                let text = String(decoding: line, as: UTF8.self)
                if text.contains("\"event_type\"") && (text.contains("\"dest_ip\"") || text.contains("\"src_ip\"")) {
                    sawJSON.suricata = true
                } else if text.contains("\"id.resp_h\"") || text.contains("\"id_resp_h\"")
                    || text.contains("\"id.orig_h\"") || (text.contains("\"ts\"") && text.contains("\"uid\""))
                {
                    sawJSON.zeek = true
                }
                jsonLines += 1
                if jsonLines >= 5 { break }
                continue
            }
            if jsonLines > 0 { continue }
            let header = String(decoding: line, as: UTF8.self).lowercased()
            let columns = Set(
                header.split(whereSeparator: { $0 == "," || $0 == "\t" || $0 == ";" })
                    .map {
                        $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    })
            if columns.contains("bucket_start") && columns.contains("country") && columns.contains("count") {
                return .counts
            }
            return .csv
        }
        if jsonLines > 0 {
            if sawJSON.suricata { return .suricata }
            if sawJSON.zeek { return .zeek }
            return .ecs
        }
        return nil
    }
}
