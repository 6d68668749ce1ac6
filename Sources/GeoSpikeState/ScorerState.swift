import Foundation
import GeoSpikeIngest
import GeoSpikeScore

/// What `geospike-score --state FILE` remembers between runs, in one SQLite file.
///
/// A rule that runs every 15 minutes over the last 30 sees two buckets of a 12-bucket
/// multi-bucket window, scores each bucket twice, and cannot know an incident is open.
/// The state keeps, per country, the recent buckets' counts (so each run sees the window a
/// single long run would), the buckets already judged complete and the records emitted
/// for them (so each bucket's final record is emitted once), and the open incidents (so
/// an incident grows across runs under one id).
///
/// One run is one transaction, begun before anything is read and committed with the
/// output text just before it is written (`ScorerState+Delivery.swift`): a second scorer on
/// the same file waits for the first (SQLite's lock, with a busy timeout), and a scorer
/// killed at any point leaves either the state of the last completed run (the next run
/// scores the killed run's buckets again) or its own, whose output the next run completes.
public final class ScorerState {
    /// Bumped whenever the tables change; a file with a higher version is refused, not rewritten.
    public static let schemaVersion: Int64 = 1
    /// How long a run waits for another scorer holding the file.
    static let busyTimeoutMilliseconds: Int32 = 60_000
    /// Counts are kept this long (out-of-order input within it still finds its window);
    /// judged buckets and emitted records a week, so a batch re-run within a week emits nothing new.
    static let cellRetention: Int64 = 2 * 86400
    static let judgedRetention: Int64 = 8 * 86400

    let database: SQLiteDatabase
    public var path: String { database.path }
    private var inTransaction = false

    /// Opens the state file, creating it on first use (its tables come with `begin`).
    public init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        database.setBusyTimeout(milliseconds: Self.busyTimeoutMilliseconds)
        // WAL: a reader never blocks the writer, and a commit is one append to the log.
        try database.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    }

    deinit { if inTransaction { try? database.execute("ROLLBACK") } }

    /// Starts the run: waits for any other scorer on the file, then checks that the file is
    /// ours, of a schema this build reads, and built for `modelID` (`reset`: empty it and
    /// start over for this model instead of refusing).
    public func begin(modelID: String, bucketSpan: Int64, reset: Bool) throws {
        try database.execute("BEGIN IMMEDIATE")
        inTransaction = true
        let version = try database.query("PRAGMA user_version") { $0.integer(0) }.first ?? 0
        if version > Self.schemaVersion {
            throw GeoSpikeError(
                .badData,
                "\(path): state schema \(version) was written by a newer geospike (this one reads "
                    + "\(Self.schemaVersion)); use that version or another --state file"
            )
        }
        if version == 0 {
            let tables = try database.query("SELECT count(*) FROM sqlite_master") { $0.integer(0) }.first ?? 0
            guard tables == 0 else {
                throw GeoSpikeError(
                    .badData, "\(path): an SQLite file that is not a geospike state file; it was left as it is")
            }
            try database.execute(Self.schema)
            try setMeta("model_id", modelID)
            try setMeta("bucket_span", String(bucketSpan))
            return
        }
        // A damaged page is found now, before this run reads or writes around it (about a
        // millisecond on a week's state).
        let check = try database.query("PRAGMA quick_check(1)") { $0.text(0) }.first ?? ""
        guard check == "ok" else {
            throw GeoSpikeError(.badData, "\(path): the state file is damaged (\(check)); it was left as it is")
        }
        let storedModel = try meta("model_id")
        let storedSpan = try meta("bucket_span").flatMap { Int64($0) }
        guard let storedModel, let storedSpan else {
            throw GeoSpikeError(.badData, "\(path): the state file lacks its model id: damaged; it was left as it is")
        }
        if storedModel != modelID || storedSpan != bucketSpan {
            guard reset else {
                throw GeoSpikeError(
                    .badData,
                    "\(path): the state was built for model \(storedModel), not \(modelID); "
                        + "pass --reset-state to start it over for this model"
                )
            }
            try database.execute(
                """
                DELETE FROM cells; DELETE FROM judged_buckets; DELETE FROM emitted_records; DELETE FROM open_incidents;
                DELETE FROM delivery; DELETE FROM meta;
                """)
            try setMeta("model_id", modelID)
            try setMeta("bucket_span", String(bucketSpan))
        }
    }

    /// Makes the run's changes durable; after this a killed scorer has finished its run.
    public func commit() throws {
        try database.execute("COMMIT")
        inTransaction = false
    }

    static let schema = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE cells(
            bucket_start INTEGER NOT NULL, country TEXT NOT NULL, count INTEGER NOT NULL, kept INTEGER NOT NULL,
            PRIMARY KEY(bucket_start, country)) WITHOUT ROWID;
        CREATE TABLE judged_buckets(bucket_start INTEGER PRIMARY KEY);
        CREATE TABLE emitted_records(record_id TEXT PRIMARY KEY, bucket_start INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE open_incidents(group_key TEXT PRIMARY KEY, incident TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE delivery(
            id INTEGER PRIMARY KEY CHECK(id = 1), text TEXT NOT NULL, delivered INTEGER NOT NULL, path TEXT NOT NULL,
            device INTEGER NOT NULL, inode INTEGER NOT NULL, offset INTEGER NOT NULL, writer_pid INTEGER NOT NULL,
            writer_start INTEGER NOT NULL);
        PRAGMA user_version = 1;
        """

    func meta(_ key: String) throws -> String? {
        try database.query("SELECT value FROM meta WHERE key = ?", [.text(key)]) { $0.text(0) }.first
    }

    func setMeta(_ key: String, _ value: String) throws {
        try database.run(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [.text(key), .text(value)])
    }
}
