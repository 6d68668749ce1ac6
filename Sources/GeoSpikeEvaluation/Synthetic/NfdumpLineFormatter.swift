/// nfdump's `-o csv` flow export: the fixed 48-column header and one flow per row, times
/// as `YYYY-MM-DD HH:MM:SS` in UTC (nfdump prints the collector's local time: run it with
/// `TZ=UTC`, or give the reader `--input-timezone`).
struct NfdumpLineFormatter: LogLineFormatter {
    static let header =
        "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,"
        + "ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr"

    func appendHeader(to b: inout LogLineBuffer, traffic: SyntheticTraffic) {
        b.append(Self.header)
        b.append("\n")
    }

    func truncationLimit(ofLineAt offset: Int, in buffer: LogLineBuffer) -> Int {
        // Cut before the fifth column (da): a short row, no destination.
        var commas = 0
        for (i, byte) in buffer.suffix(from: offset).enumerated() where byte == UInt8(ascii: ",") {
            commas += 1
            if commas == 4 { return offset + i }
        }
        return buffer.count - 2
    }

    func append(_ e: SyntheticEvent, to b: inout LogLineBuffer, context: EventContext) {
        let tcp = e.transport == .tcp
        let first = (e.timeMicros / 1_000_000) * 1_000_000
        b.appendTimestamp(micros: first, separator: UInt8(ascii: " "), fractionDigits: 0)
        b.append(",")
        b.appendTimestamp(micros: first + e.durationMicros, separator: UInt8(ascii: " "), fractionDigits: 0)
        b.append(",")
        b.appendSeconds(micros: e.durationMicros, decimals: 3)
        b.append(",")
        b.append(SyntheticAddress.v4(context.host.address))
        b.append(",")
        b.append(e.destination)
        b.append(",")
        b.append(e.sourcePort)
        b.append(",")
        b.append(e.destinationPort)
        b.append(tcp ? ",TCP," : ",UDP,")
        if tcp {
            switch e.outcome {
            case .completed: b.append(".AP.SF")
            case .reset: b.append(".AP.R.")
            case .noReply: b.append("....S.")
            case .rejected: b.append("...RS.")
            }
        } else {
            b.append("......")
        }
        b.append(",0,0,")
        b.append(e.packetsSent)
        b.append(",")
        b.append(e.bytesSent)
        b.append(",")
        b.append(e.packetsReceived)
        b.append(",")
        b.append(e.bytesReceived)
        b.append(",1,2,0,0,0,0,0,0,0.0.0.0,0.0.0.0,0,0,")
        b.append("00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,")
        b.append("0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0.000,0.000,0.000,10.10.0.1,0/0,1,")
        b.appendTimestamp(
            micros: e.timeMicros + e.durationMicros + 300_000, separator: UInt8(ascii: " "), fractionDigits: 3)
        b.append("\n")
    }
}
