/// The entry points of ingest: logs in, a count table (or a stream of events) out.
public enum Ingest {
    /// Reads every path (`-` is stdin, gzip is read transparently) into one count table.
    ///
    /// Throws `GeoSpikeError`: `.noInput` (66) for a missing file, `.badData` (65) for
    /// binary or empty input or more malformed lines than `maxBadFraction` allows,
    /// `.ioError` (74) when reading fails part way, `.usage` (64) for bad options.
    public static func countTable(paths: [String], options: ReaderOptions) throws -> (CountTable, IngestSummary) {
        let run = try IngestRun(options: options)
        try run.run(paths: paths)
        return (run.table(), run.summary)
    }

    /// Streams the events that the datafeed would see (network, not excluded) to `body`,
    /// with the same accounting; events without a country arrive with `country == nil`.
    /// Counts CSV has no events and is rejected.
    public static func forEachEvent(
        paths: [String], options: ReaderOptions, _ body: (NetworkEvent) throws -> Void
    ) throws -> IngestSummary {
        try withoutActuallyEscaping(body) { body in
            let run = try IngestRun(options: options, eventSink: body)
            try run.run(paths: paths)
            return run.summary
        }
    }
}
