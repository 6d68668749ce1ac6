import CZlib
import Foundation
import GeoSpikeIngest

/// A file written in large blocks, gzip-compressed through zlib when its name ends in
/// `.gz`; `-` is standard output.
///
/// zlib's gzip writer stamps no time or name into the header, so the same bytes in give
/// the same file out, which `make datasets` relies on.
final class LogOutputFile {
    private enum Sink {
        case plain(UnsafeMutablePointer<FILE>)
        case gzip(gzFile)
    }

    let path: String
    private var sink: Sink?
    private var ownsStream = true

    /// Opens `path` for writing (truncating it); `compressionLevel` 1–9 applies to `.gz`.
    init(path: String, compressionLevel: Int = 6) throws {
        self.path = path
        if path == "-" {
            sink = .plain(stdout)
            ownsStream = false
        } else if path.hasSuffix(".gz") {
            guard let file = gzopen(path, "wb\(min(max(compressionLevel, 1), 9))") else {
                throw Self.openError(path)
            }
            sink = .gzip(file)
        } else {
            guard let file = fopen(path, "wb") else { throw Self.openError(path) }
            sink = .plain(file)
        }
    }

    deinit {
        // Best effort when an error unwound past close(); the error was already thrown.
        try? close()
    }

    /// Writes the whole buffer and empties it.
    func write(_ buffer: inout LogLineBuffer) throws {
        guard buffer.count > 0 else { return }
        guard let sink else { throw GeoSpikeError(.ioError, "\(path): written after it was closed") }
        let ok = buffer.bytes.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            switch sink {
            case .plain(let file):
                return fwrite(base, 1, raw.count, file) == raw.count
            case .gzip(let file):
                return gzwrite(file, base, UInt32(raw.count)) == Int32(raw.count)
            }
        }
        buffer.removeAll()
        if !ok { throw Self.writeError(path) }
    }

    /// Flushes and closes; a failure here (a full disk) is an I/O error, not a silent loss.
    func close() throws {
        guard let current = sink else { return }
        sink = nil
        switch current {
        case .plain(let file):
            let failed = ownsStream ? fclose(file) != 0 : fflush(file) != 0
            if failed { throw Self.writeError(path) }
        case .gzip(let file):
            if gzclose(file) != Z_OK { throw Self.writeError(path) }
        }
    }

    private static func openError(_ path: String) -> GeoSpikeError {
        GeoSpikeError(
            .ioError,
            "\(path): cannot open for writing (\(String(cString: strerror(errno)))); check that the directory exists and is writable"
        )
    }

    private static func writeError(_ path: String) -> GeoSpikeError {
        GeoSpikeError(
            .ioError, "\(path): write failed (\(String(cString: strerror(errno)))); check free space and permissions")
    }
}
