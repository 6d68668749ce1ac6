import CSQLite
import GeoSpikeIngest

/// A thin handle on one SQLite database file: statements with bound values, and errors
/// that name the file.
///
/// SQLite does the hard parts (write-ahead log, locking between processes, atomic
/// commits that survive `kill -9`); this only turns its C API into Swift and its result
/// codes into `GeoSpikeError`s.
final class SQLiteDatabase {
    let path: String
    private var handle: OpaquePointer?

    /// Opens (creating if missing) the database at `path`.
    init(path: String) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        handle = db
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            handle = nil
            throw GeoSpikeError(
                rc == SQLITE_CANTOPEN ? .noInput : .ioError, "\(path): cannot open the state file: \(message)")
        }
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close(handle) }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        if rc != SQLITE_OK { throw error(rc, message.map { String(cString: $0) }) }
    }

    /// Waits up to `milliseconds` for another process's lock instead of failing at once.
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// A prepared statement; bind with `bind`, walk rows with `step`.
    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc, nil) }
        return Statement(database: self, statement: statement)
    }

    /// Rows of a query, each as its columns read by `row`.
    func query<T>(_ sql: String, _ values: [SQLValue] = [], row: (Statement) -> T) throws -> [T] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() { rows.append(row(statement)) }
        return rows
    }

    /// Runs one statement with `values` bound.
    func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {}
    }

    /// A `GeoSpikeError` for SQLite's result code: a file that is not a database, or is
    /// damaged, is bad data (65); a lock held too long or a failed write is an I/O error (74).
    func error(_ rc: Int32, _ detail: String?) -> GeoSpikeError {
        let message = detail ?? String(cString: sqlite3_errmsg(handle))
        switch rc & 0xFF {
        case SQLITE_NOTADB, SQLITE_CORRUPT:
            return GeoSpikeError(
                .badData, "\(path): not a geospike state file, or a damaged one (\(message)); it was left as it is")
        case SQLITE_BUSY, SQLITE_LOCKED:
            return GeoSpikeError(.ioError, "\(path): another scorer held the state file too long (\(message))")
        default:
            return GeoSpikeError(.ioError, "\(path): state file: \(message)")
        }
    }

    final class Statement {
        let database: SQLiteDatabase
        let statement: OpaquePointer

        init(database: SQLiteDatabase, statement: OpaquePointer) {
            self.database = database
            self.statement = statement
        }

        deinit { sqlite3_finalize(statement) }

        func bind(_ values: [SQLValue]) throws {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            for (k, value) in values.enumerated() {
                let i = Int32(k + 1)
                let rc: Int32
                switch value {
                case .integer(let v): rc = sqlite3_bind_int64(statement, i, v)
                case .real(let v): rc = sqlite3_bind_double(statement, i, v)
                case .text(let v): rc = sqlite3_bind_text(statement, i, v, -1, SQLiteDatabase.transient)
                }
                if rc != SQLITE_OK { throw database.error(rc, nil) }
            }
        }

        /// True while there is a row to read.
        func step() throws -> Bool {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW { return true }
            if rc == SQLITE_DONE { return false }
            throw database.error(rc, nil)
        }

        func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
        func real(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
        func text(_ column: Int32) -> String {
            sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
        }
    }

    /// SQLite copies bound text before the call returns (SQLITE_TRANSIENT).
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

enum SQLValue {
    case integer(Int64)
    case real(Double)
    case text(String)
}
