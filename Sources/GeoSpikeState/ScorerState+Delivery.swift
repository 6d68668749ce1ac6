import Foundation
import GeoSpikeIngest

/// Exactly-once output across `kill -9`.
///
/// A run's records and the state that says they were emitted cannot be written in one
/// atomic step: stdout is not part of the database. So the run commits its state together
/// with its output text and where on stdout that text is about to go (the file, its
/// inode, the offset), then writes, then marks the output delivered. A run that finds
/// the last output not marked delivered was killed in between, and finds out how much
/// of it reached the file by reading it back: it writes only what is missing before its
/// own records. When stdout is a pipe or terminal there is nothing to read back, and the
/// whole text is written again (a reader may then see a record twice, with the same
/// `record_id`). A scorer that starts while the last one is between its commit and its
/// write (it waited for the lock) sees that process still alive and leaves the write to it.
extension ScorerState {
    /// A process, told apart from a later one that reuses its id by its start time.
    struct Writer: Equatable {
        var pid: Int64
        var startTime: Int64

        /// Field 22 of /proc/PID/stat (clock ticks since boot); nil when there is no such process.
        static func startTime(of pid: Int64) -> Int64? {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm)": state is field 3, start time field 22.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 19 ? Int64(fields[19]) : nil
        }

        static var current: Writer {
            let pid = Int64(getpid())
            return Writer(pid: pid, startTime: startTime(of: pid) ?? 0)
        }

        var isAlive: Bool { Writer.startTime(of: pid) == startTime && startTime != 0 }
    }

    /// Where stdout points: a regular file can be read back after a crash.
    struct Sink {
        var path: String
        var device: Int64
        var inode: Int64
        var offset: Int64

        /// Stdout's file and current write position; nil for a pipe, socket or terminal.
        static func standardOutput() -> Sink? {
            var info = stat()
            guard fstat(STDOUT_FILENO, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            let appending = fcntl(STDOUT_FILENO, F_GETFL) & O_APPEND != 0
            let position = appending ? Int64(info.st_size) : Int64(lseek(STDOUT_FILENO, 0, SEEK_CUR))
            guard position >= 0,
                let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/1")
            else { return nil }
            return Sink(path: path, device: Int64(info.st_dev), inode: Int64(info.st_ino), offset: position)
        }

        /// How many leading bytes of `text` the file holds at `offset`; nil when the file is
        /// gone or replaced and cannot tell.
        func deliveredPrefix(of text: [UInt8]) -> Int? {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, Int64(info.st_dev) == device, Int64(info.st_ino) == inode else { return nil }
            var found = [UInt8](repeating: 0, count: text.count)
            let read = found.withUnsafeMutableBytes { pread(fd, $0.baseAddress, text.count, off_t(offset)) }
            guard read >= 0 else { return nil }
            var n = 0
            while n < read, found[n] == text[n] { n += 1 }
            return n
        }
    }

    /// The part of the last run's output that never reached its stdout (empty when it did).
    public func undeliveredOutput() throws -> String {
        let rows = try database.query(
            "SELECT text, delivered, path, device, inode, offset, writer_pid, writer_start FROM delivery WHERE id = 1"
        ) { row -> (text: String, delivered: Bool, sink: Sink?, writer: Writer) in
            let path = row.text(2)
            let sink =
                path.isEmpty
                ? nil : Sink(path: path, device: row.integer(3), inode: row.integer(4), offset: row.integer(5))
            return (row.text(0), row.integer(1) != 0, sink, Writer(pid: row.integer(6), startTime: row.integer(7)))
        }
        guard let last = rows.first, !last.delivered, !last.text.isEmpty, !last.writer.isAlive else { return "" }
        let bytes = Array(last.text.utf8)
        guard let written = last.sink?.deliveredPrefix(of: bytes) else { return last.text }
        // Whole lines only: a record cut by the kill is written again in full.
        var start = written
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// Records, in the run's transaction, the text it is about to write and where to.
    public func recordOutput(_ text: String) throws {
        let sink = Sink.standardOutput()
        let writer = Writer.current
        try database.run(
            """
            INSERT INTO delivery(id, text, delivered, path, device, inode, offset, writer_pid, writer_start)
            VALUES(1, ?, 0, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET text = excluded.text, delivered = 0, path = excluded.path,
                device = excluded.device, inode = excluded.inode, offset = excluded.offset,
                writer_pid = excluded.writer_pid, writer_start = excluded.writer_start
            """,
            [
                .text(text), .text(sink?.path ?? ""), .integer(sink?.device ?? 0), .integer(sink?.inode ?? 0),
                .integer(sink?.offset ?? 0), .integer(writer.pid), .integer(writer.startTime),
            ])
    }

    /// After the write: the next run need not look (unless a later run already replaced
    /// this one's output, which it then owns).
    public func markDelivered() throws {
        let writer = Writer.current
        try database.run(
            "UPDATE delivery SET delivered = 1 WHERE id = 1 AND writer_pid = ? AND writer_start = ?",
            [.integer(writer.pid), .integer(writer.startTime)])
    }
}
