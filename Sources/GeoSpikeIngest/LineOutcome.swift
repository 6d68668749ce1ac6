/// What one line turned out to be.
enum LineOutcome {
    /// A network event, ready to be resolved and counted.
    case event
    /// A well-formed record that is not counted, for a reason decided by the reader.
    case skipped(SkipReason)
    /// A line that should have been a record and is not; the text says why.
    case malformed(String)
    /// A header or comment line.
    case metadata
}
