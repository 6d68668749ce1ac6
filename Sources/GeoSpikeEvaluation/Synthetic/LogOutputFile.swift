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
    /// Where the bytes go until `close` renames it over `path` (`OutputFile`).
    private var temporary: String?

    /// Opens `path` for writing (truncating it); `compressionLevel` 1–9 applies to `.gz`.
    init(path: String, compressionLevel: Int = 6) throws {
        self.path = path
        if path == "-" {
            sink = .plain(stdout)
            ownsStream = false
        } else {
            let (temporaryPath, descriptor) = try OutputFile.create(beside: path)
            temporary = temporaryPath
            if path.hasSuffix(".gz") {
                guard let file = gzdopen(descriptor, "wb\(min(max(compressionLevel, 1), 9))") else {
                    Glibc.close(descriptor)
                    OutputFile.discard(temporaryPath)
                    throw Self.openError(path)
                }
                sink = .gzip(file)
            } else {
                guard let file = fdopen(descriptor, "wb") else {
                    Glibc.close(descriptor)
                    OutputFile.discard(temporaryPath)
                    throw Self.openError(path)
                }
                sink = .plain(file)
            }
        }
    }

    deinit {
        // An error unwound past close(): the error was already thrown; the partial file goes.
        if sink != nil {
            discardPartial()
        }
    }

    /// Closes without keeping anything: the temporary file is removed, the target untouched.
    private func discardPartial() {
        switch sink {
        case .plain(let file): if ownsStream { fclose(file) } else { fflush(file) }
        case .gzip(let file): gzclose(file)
        case nil: break
        }
        sink = nil
        if let temporary { OutputFile.discard(temporary) }
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
        if !ok {
            let error = Self.writeError(path)
            discardPartial()
            throw error
        }
    }

    /// Flushes and closes; a failure here (a full disk) is an I/O error, not a silent loss.
    func close() throws {
        guard let current = sink else { return }
        sink = nil
        let failed: Bool
        switch current {
        case .plain(let file): failed = ownsStream ? fclose(file) != 0 : fflush(file) != 0
        case .gzip(let file): failed = gzclose(file) != Z_OK
        }
        guard let temporary else {
            if failed { throw Self.writeError(path) }
            return
        }
        if failed {
            let error = Self.writeError(path)
            OutputFile.discard(temporary)
            throw error
        }
        try OutputFile.rename(temporary, to: path)
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
