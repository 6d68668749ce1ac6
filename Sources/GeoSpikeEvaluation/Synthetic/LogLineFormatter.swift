/// Writes synthetic events as the lines of one log format.
protocol LogLineFormatter {
    /// Lines that open the file (Zeek's `#` header, a CSV header), if any.
    func appendHeader(to buffer: inout LogLineBuffer, traffic: SyntheticTraffic)
    /// One event as one line, newline included.
    func append(_ event: SyntheticEvent, to buffer: inout LogLineBuffer, context: EventContext)
    /// Lines that close the file, if any.
    func appendFooter(to buffer: inout LogLineBuffer, traffic: SyntheticTraffic)
    /// Where a cut makes a line unreadable but leaves it looking like the format: JSON
    /// anywhere, delimited text before the destination column.
    func truncationLimit(ofLineAt offset: Int, in buffer: LogLineBuffer) -> Int
}

/// What a formatter needs besides the event: the host it came from and the local clock.
struct EventContext {
    let host: SyntheticHost
    /// Seconds east of UTC at the sensor (Suricata writes local time with an offset).
    let utcOffset: Int
}

extension LogLineFormatter {
    func appendHeader(to buffer: inout LogLineBuffer, traffic: SyntheticTraffic) {}
    func appendFooter(to buffer: inout LogLineBuffer, traffic: SyntheticTraffic) {}
}
