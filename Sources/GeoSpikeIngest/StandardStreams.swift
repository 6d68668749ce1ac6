import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Standard output with every write checked.
///
/// Foundation's `FileHandle.write(_:)` traps on a failed write (a full disk, a closed
/// descriptor), and `print` loses the failure in stdio's buffer, so the process exits 0
/// with its output gone. Here a failure is an I/O error (exit 74) naming where standard
/// output went and the OS's reason. A reader that closed the pipe (`| head`) ends the
/// process quietly, as SIGPIPE ends other Unix tools.
public enum StandardOutput {
    public static func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public static func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let error = FileDescriptor.writeAll(STDOUT_FILENO, bytes) else { return }
        if error == EPIPE { FileDescriptor.endAsIfByClosedPipe() }
        throw GeoSpikeError(
            .ioError, "cannot write to standard output\(FileDescriptor.target(STDOUT_FILENO)): \(FileDescriptor.reason(error))")
    }
}

/// Standard error, best effort: messages are written whole when they can be, and a
/// failure to write a diagnostic has nowhere to be reported, so it never traps.
///
/// Messages quote the data (a field that is not a timestamp, a file name), so control
/// characters in them are shown as escapes (`TerminalText`): stderr is read on a terminal.
public enum StandardError {
    public static func write(_ text: String) {
        var text = TerminalText.visibleLines(text)
        text.withUTF8 { _ = FileDescriptor.writeAll(STDERR_FILENO, UnsafeRawBufferPointer($0)) }
    }
}

/// The few POSIX calls the checked writers share.
enum FileDescriptor {
    /// Writes every byte (retrying short writes and interruptions); the errno of a failure, or nil.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var next = bytes.baseAddress else { return nil }
        var left = bytes.count
        while left > 0 {
            let written = Glibc.write(fd, next, left)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if written == 0 { return EIO }
            next += written
            left -= written
        }
        return nil
    }

    /// The OS's words for an errno, e.g. "No space left on device".
    static func reason(_ error: Int32) -> String {
        String(cString: strerror(error))
    }

    /// " (/dev/full)": what a descriptor is open on, for messages; empty when unknown.
    static func target(_ fd: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard n > 0 else { return "" }
        let path = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return " (\(TerminalText.visible(path)))"
    }

    /// Ends the process as SIGPIPE does when nobody reads its output any more: quietly, with
    /// the status a shell expects. Reached when SIGPIPE was ignored by whoever started us.
    static func endAsIfByClosedPipe() -> Never {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        exit(128 + SIGPIPE)
    }
}
