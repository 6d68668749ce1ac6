import CZlib
import Foundation

/// Reads a log file, a `.gz` file or standard input in large chunks and hands out lines.
///
/// zlib reads plain files transparently (and then copies straight into our buffer), so
/// one path serves compressed and plain input, from a file or a pipe. Memory stays at
/// one buffer however large the input; only a single line longer than the buffer
/// makes it grow, up to `maximumLineLength`.
final class LineReader {
    /// The name used in messages: the path, or `<stdin>` for `-`.
    let displayName: String
    private let file: gzFile
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var filled = 0
    private var consumed = 0
    private var atEnd = false
    static let chunkSize = 1 << 20
    static let maximumLineLength = 64 << 20

    /// Opens `path` (`-` for stdin); a missing or unreadable file is `.noInput`.
    init(path: String) throws {
        let descriptor: Int32
        if path == "-" {
            displayName = "<stdin>"
            descriptor = dup(STDIN_FILENO)
        } else {
            displayName = path
            var status = stat()
            if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                throw GeoSpikeError(.noInput, "\(path) is a directory; pass the log files in it (e.g. \(path)/*.log)")
            }
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        }
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw GeoSpikeError(.noInput, "cannot open \(path): \(reason); check the --input path")
        }
        guard let file = gzdopen(descriptor, "rb") else {
            close(descriptor)
            throw GeoSpikeError(.ioError, "cannot read \(displayName): out of memory for the decompressor")
        }
        self.file = file
        gzbuffer(file, 256 << 10)
        capacity = Self.chunkSize
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        gzclose_r(file)
        buffer.deallocate()
    }

    /// The first bytes of the input (up to one chunk), for format detection; consumes
    /// nothing but a UTF-8 byte order mark, which Windows exporters put before the first line.
    func peek() throws -> UnsafeBufferPointer<UInt8> {
        while !atEnd && filled < capacity { try fill() }
        if consumed == 0, filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { consumed = 3 }
        return UnsafeBufferPointer(start: buffer + consumed, count: filled - consumed)
    }

    /// Calls `body` with every line (without `\n` or `\r\n`) and its 1-based number.
    /// The buffer passed to `body` is valid only during the call.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var lineNumber = 0
        while true {
            let start = buffer + consumed
            let available = filled - consumed
            if available > 0, let newline = memchr(start, Int32(UInt8(ascii: "\n")), available) {
                let end = newline.assumingMemoryBound(to: UInt8.self)
                var length = end - start
                if length > 0, start[length - 1] == UInt8(ascii: "\r") { length -= 1 }
                lineNumber += 1
                consumed = end - buffer + 1
                try body(UnsafeBufferPointer(start: start, count: length), lineNumber)
                continue
            }
            if atEnd {
                if available > 0 {
                    var length = available
                    if start[length - 1] == UInt8(ascii: "\r") { length -= 1 }
                    lineNumber += 1
                    consumed = filled
                    try body(UnsafeBufferPointer(start: start, count: length), lineNumber)
                }
                return
            }
            // Keep the partial line, then read more behind it.
            if consumed > 0 {
                if available > 0 { memmove(buffer, start, available) }
                filled = available
                consumed = 0
            }
            if filled == capacity {
                guard capacity < Self.maximumLineLength else {
                    throw GeoSpikeError.badData(
                        file: displayName, line: lineNumber + 1,
                        "a line longer than \(Self.maximumLineLength >> 20) MiB; is this a text log with one record a line?"
                    )
                }
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                bigger.update(from: buffer, count: filled)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            try fill()
        }
    }

    private func fill() throws {
        let wanted = UInt32(min(capacity - filled, Int(Int32.max)))
        let got = gzread(file, buffer + filled, wanted)
        if got < 0 { throw readError() }
        if got == 0 {
            atEnd = true
            // zlib reports a gzip stream cut short only through gzerror at the end.
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code != Z_OK { throw readError() }
            return
        }
        filled += Int(got)
    }

    private func readError() -> GeoSpikeError {
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
        if code == Z_ERRNO {
            return GeoSpikeError(.ioError, "reading \(displayName) failed: \(String(cString: strerror(errno)))")
        }
        if code == Z_BUF_ERROR {
            return GeoSpikeError(
                .badData,
                "\(displayName) is a truncated gzip file (\(message)); copy it again or pass the complete file")
        }
        return GeoSpikeError(
            .badData, "\(displayName) is a corrupt gzip file (\(message)); check the file or pass it uncompressed")
    }
}
