/// Zeek's conn.log, in the tab-separated ASCII writer's layout (with its `#` header and
/// `#close` footer) or, with `json`, as the JSON writer prints it (unset fields omitted).
struct ZeekLineFormatter: LogLineFormatter {
    let json: Bool

    static let fields = [
        "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration",
        "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history",
        "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents",
    ]
    static let types = [
        "time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count", "count",
        "string", "bool", "bool", "count", "string", "count", "count", "count", "count", "set[string]",
    ]

    func appendHeader(to b: inout LogLineBuffer, traffic: SyntheticTraffic) {
        guard !json else { return }
        b.append("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t")
        appendHeaderTime(traffic.scenario.start, to: &b)
        b.append("\n#fields\t")
        b.append(Self.fields.joined(separator: "\t"))
        b.append("\n#types\t")
        b.append(Self.types.joined(separator: "\t"))
        b.append("\n")
    }

    func appendFooter(to b: inout LogLineBuffer, traffic: SyntheticTraffic) {
        guard !json else { return }
        b.append("#close\t")
        appendHeaderTime(traffic.scenario.end, to: &b)
        b.append("\n")
    }

    /// Zeek's `%Y-%m-%d-%H-%M-%S` stamp of the log's open and close.
    private func appendHeaderTime(_ epochSeconds: Int64, to b: inout LogLineBuffer) {
        var stamp = LogLineBuffer(capacity: 32)
        stamp.appendTimestamp(micros: epochSeconds * 1_000_000, separator: UInt8(ascii: "-"), fractionDigits: 0)
        b.append(String(decoding: stamp.bytes.map { $0 == UInt8(ascii: ":") ? UInt8(ascii: "-") : $0 }, as: UTF8.self))
    }

    func truncationLimit(ofLineAt offset: Int, in buffer: LogLineBuffer) -> Int {
        guard !json else { return buffer.count - 2 }
        // Cut before the fifth column (id.resp_h): a short row, no destination.
        var tabs = 0
        for (i, byte) in buffer.suffix(from: offset).enumerated() where byte == UInt8(ascii: "\t") {
            tabs += 1
            if tabs == 4 { return offset + i }
        }
        return buffer.count - 2
    }

    func append(_ e: SyntheticEvent, to b: inout LogLineBuffer, context: EventContext) {
        let tcp = e.transport == .tcp
        let (state, history): (String, String)
        switch (e.outcome, tcp) {
        case (.completed, true): (state, history) = ("SF", "ShADadFf")
        case (.reset, true): (state, history) = ("RSTO", "ShADadR")
        case (.noReply, true): (state, history) = ("S0", "S")
        case (.rejected, true): (state, history) = ("REJ", "Sr")
        case (.noReply, false), (.rejected, false): (state, history) = ("S0", "D")
        case (_, false): (state, history) = ("SF", "Dd")
        }
        let headerBytes = tcp ? 40 : 28
        let internalDestination = e.country == nil
        let hasDuration = !(e.outcome == .noReply && e.packetsSent <= 1)
        let uid = Self.uid(e.junkSeed)
        if json {
            b.append("{\"ts\":")
            b.appendSeconds(micros: e.timeMicros, decimals: 6)
            b.append(",\"uid\":\"")
            b.append(uid)
            b.append("\",\"id.orig_h\":\"")
            b.append(SyntheticAddress.v4(context.host.address))
            b.append("\",\"id.orig_p\":")
            b.append(e.sourcePort)
            b.append(",\"id.resp_h\":\"")
            b.append(e.destination)
            b.append("\",\"id.resp_p\":")
            b.append(e.destinationPort)
            b.append(",\"proto\":\"")
            b.append(e.transport.name)
            b.append("\"")
            if let service = e.service {
                b.append(",\"service\":\"")
                b.append(service)
                b.append("\"")
            }
            if hasDuration {
                b.append(",\"duration\":")
                b.appendSeconds(micros: e.durationMicros, decimals: 6)
            }
            b.append(",\"orig_bytes\":")
            b.append(e.bytesSent)
            b.append(",\"resp_bytes\":")
            b.append(e.bytesReceived)
            b.append(",\"conn_state\":\"")
            b.append(state)
            b.append("\",\"local_orig\":true,\"local_resp\":")
            b.append(internalDestination ? "true" : "false")
            b.append(",\"missed_bytes\":0,\"history\":\"")
            b.append(history)
            b.append("\",\"orig_pkts\":")
            b.append(e.packetsSent)
            b.append(",\"orig_ip_bytes\":")
            b.append(e.bytesSent + headerBytes * e.packetsSent)
            b.append(",\"resp_pkts\":")
            b.append(e.packetsReceived)
            b.append(",\"resp_ip_bytes\":")
            b.append(e.bytesReceived + headerBytes * e.packetsReceived)
            b.append("}\n")
            return
        }
        b.appendSeconds(micros: e.timeMicros, decimals: 6)
        b.append("\t")
        b.append(uid)
        b.append("\t")
        b.append(SyntheticAddress.v4(context.host.address))
        b.append("\t")
        b.append(e.sourcePort)
        b.append("\t")
        b.append(e.destination)
        b.append("\t")
        b.append(e.destinationPort)
        b.append("\t")
        b.append(e.transport.name)
        b.append("\t")
        b.append(e.service ?? "-")
        b.append("\t")
        if hasDuration { b.appendSeconds(micros: e.durationMicros, decimals: 6) } else { b.append("-") }
        b.append("\t")
        b.append(e.bytesSent)
        b.append("\t")
        b.append(e.bytesReceived)
        b.append("\t")
        b.append(state)
        b.append(internalDestination ? "\tT\tT\t0\t" : "\tT\tF\t0\t")
        b.append(history)
        b.append("\t")
        b.append(e.packetsSent)
        b.append("\t")
        b.append(e.bytesSent + headerBytes * e.packetsSent)
        b.append("\t")
        b.append(e.packetsReceived)
        b.append("\t")
        b.append(e.bytesReceived + headerBytes * e.packetsReceived)
        b.append("\t-\n")
    }

    /// A connection uid as Zeek prints it: `C` and 17 base-62 characters.
    static func uid(_ seed: UInt64) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var state = seed
        var bytes: [UInt8] = [UInt8(ascii: "C")]
        var word = SeededGenerator.splitMix(&state)
        for i in 0..<17 {
            if i == 9 { word = SeededGenerator.splitMix(&state) }
            bytes.append(alphabet[Int(word % 62)])
            word /= 62
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
