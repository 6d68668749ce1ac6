/// Why an alert was suppressed: the exception whose traffic explains the spike, and
/// what the cell looks like without the excepted events.
public struct AlertSuppression: Equatable, Sendable {
    /// The exception that removed the most events from the cell (and its window).
    public var exceptionID: String
    public var reason: String
    public var owner: String
    /// Where the exception is written, `file:line`.
    public var location: String
    /// Events in this bucket removed by any exception.
    public var exceptedEvents: Int
    /// The bucket's count without them.
    public var actualWithoutExcepted: Int
    /// The record score the bucket gets without them (below the threshold, or it would alert).
    public var recordScoreWithoutExcepted: Double

    public init(
        exceptionID: String, reason: String, owner: String, location: String, exceptedEvents: Int,
        actualWithoutExcepted: Int, recordScoreWithoutExcepted: Double
    ) {
        self.exceptionID = exceptionID
        self.reason = reason
        self.owner = owner
        self.location = location
        self.exceptedEvents = exceptedEvents
        self.actualWithoutExcepted = actualWithoutExcepted
        self.recordScoreWithoutExcepted = recordScoreWithoutExcepted
    }
}

extension AlertSuppression {
    /// The suppression as the `exception` object of records and alert documents.
    public var json: String {
        var json = JSONLine()
        json.add("id", exceptionID)
        json.add("reason", reason)
        json.add("owner", owner)
        json.add("location", location)
        json.add("excepted_events", exceptedEvents)
        json.add("actual_without_excepted", actualWithoutExcepted)
        json.add("record_score_without_excepted", (recordScoreWithoutExcepted * 1e3).rounded() / 1e3)
        return json.string
    }
}
