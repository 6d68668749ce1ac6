/// Suricata EVE JSON flow records (`event_type: flow`), stamped in the sensor's local
/// time with a numeric offset, as Suricata writes them.
struct SuricataLineFormatter: LogLineFormatter {
    func truncationLimit(ofLineAt offset: Int, in buffer: LogLineBuffer) -> Int { buffer.count - 2 }

    func append(_ e: SyntheticEvent, to b: inout LogLineBuffer, context: EventContext) {
        let tcp = e.transport == .tcp
        b.append("{\"timestamp\":\"")
        b.appendTimestamp(
            micros: e.timeMicros, offsetSeconds: context.utcOffset, fractionDigits: 6, numericOffset: true)
        b.append("\",\"flow_id\":")
        b.append((e.junkSeed >> 14) % 2_251_799_813_685_248)
        b.append(",\"in_iface\":\"ens192\",\"event_type\":\"flow\",\"src_ip\":\"")
        b.append(SyntheticAddress.v4(context.host.address))
        b.append("\",\"src_port\":")
        b.append(e.sourcePort)
        b.append(",\"dest_ip\":\"")
        b.append(e.destination)
        b.append("\",\"dest_port\":")
        b.append(e.destinationPort)
        b.append(",\"proto\":\"")
        b.append(tcp ? "TCP" : "UDP")
        b.append("\"")
        if let service = e.service {
            b.append(",\"app_proto\":\"")
            b.append(service == "ssl" ? "tls" : service)
            b.append("\"")
        } else if tcp {
            b.append(",\"app_proto\":\"failed\"")
        }
        b.append(",\"flow\":{\"pkts_toserver\":")
        b.append(e.packetsSent)
        b.append(",\"pkts_toclient\":")
        b.append(e.packetsReceived)
        b.append(",\"bytes_toserver\":")
        b.append(e.bytesSent + (tcp ? 66 : 42) * e.packetsSent)
        b.append(",\"bytes_toclient\":")
        b.append(e.bytesReceived + (tcp ? 66 : 42) * e.packetsReceived)
        b.append(",\"start\":\"")
        b.appendTimestamp(
            micros: e.timeMicros - e.durationMicros, offsetSeconds: context.utcOffset, fractionDigits: 6,
            numericOffset: true)
        b.append("\",\"end\":\"")
        b.appendTimestamp(
            micros: e.timeMicros, offsetSeconds: context.utcOffset, fractionDigits: 6, numericOffset: true)
        b.append("\",\"age\":")
        b.append(Int(e.durationMicros / 1_000_000))
        b.append(",\"state\":\"")
        switch e.outcome {
        case .completed, .reset: b.append(tcp ? "closed" : "established")
        case .noReply, .rejected: b.append("new")
        }
        b.append("\",\"reason\":\"timeout\",\"alerted\":false}")
        if tcp {
            let flags: StaticString
            switch e.outcome {
            case .completed:
                flags =
                    "\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\",\"tcp_flags_tc\":\"1b\",\"syn\":true,\"fin\":true,\"psh\":true,\"ack\":true,\"state\":\"closed\""
            case .reset:
                flags =
                    "\"tcp_flags\":\"1e\",\"tcp_flags_ts\":\"1e\",\"tcp_flags_tc\":\"1a\",\"syn\":true,\"rst\":true,\"psh\":true,\"ack\":true,\"state\":\"closed\""
            case .noReply:
                flags =
                    "\"tcp_flags\":\"02\",\"tcp_flags_ts\":\"02\",\"tcp_flags_tc\":\"00\",\"syn\":true,\"state\":\"syn_sent\""
            case .rejected:
                flags =
                    "\"tcp_flags\":\"16\",\"tcp_flags_ts\":\"02\",\"tcp_flags_tc\":\"14\",\"syn\":true,\"rst\":true,\"ack\":true,\"state\":\"closed\""
            }
            b.append(",\"tcp\":{")
            b.append(flags)
            b.append("}")
        }
        b.append("}\n")
    }
}
