/// Turns lines of one format into `EventFields`.
protocol EventLineParser {
    /// Parses one non-blank line; throws only for errors that end the file (a CSV
    /// header without the named columns).
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into fields: inout EventFields) throws
        -> LineOutcome
}
