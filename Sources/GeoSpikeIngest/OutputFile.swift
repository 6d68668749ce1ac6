import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes an output file (a model, counts, a report, a figure) all or nothing.
///
/// The bytes go to a temporary file beside the target, which is then renamed over it: a
/// scorer reading the model, or anyone reading the counts, sees the old file or the new
/// one, never half of either; a full disk or a file-size limit leaves the old file as it
/// was. Only a regular file (or nothing) is replaced: `--out /dev/null` or a FIFO is a
/// mistake, and as root, renaming over a device would replace the device. The temporary
/// file is removed on failure and when the run is interrupted (SIGINT, SIGTERM, SIGHUP).
/// Errors carry the OS's own words ("No space left on device").
public enum OutputFile {
    public static func replace(_ path: String, with text: String) throws {
        try replace(path, with: Data(text.utf8))
    }

    public static func replace(_ path: String, with data: Data) throws {
        try data.withUnsafeBytes { try replace(path, with: $0) }
    }

    public static func replace(_ path: String, with bytes: UnsafeRawBufferPointer) throws {
        let temporary = try create(beside: path)
        if let error = FileDescriptor.writeAll(temporary.descriptor, bytes) {
            close(temporary.descriptor)
            discard(temporary.path)
            throw GeoSpikeError(.ioError, "\(path): cannot write: \(FileDescriptor.reason(error))")
        }
        try commit(temporary, to: path)
    }

    /// A temporary file beside `path` (same directory, so the rename is atomic), open for
    /// writing and registered for removal on a signal; refuses a target that is not a
    /// regular file.
    public static func create(beside path: String) throws -> (path: String, descriptor: Int32) {
        try checkTarget(path)
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let temporary = "\(directory)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        TemporaryFiles.installHandlers()
        TemporaryFiles.register(temporary)
        // The mode a new file gets from the umask, as with any file the user creates.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            let reason = FileDescriptor.reason(errno)
            TemporaryFiles.unregister()
            throw GeoSpikeError(.ioError, "\(path): cannot create a file in \(directory): \(reason)")
        }
        return (temporary, descriptor)
    }

    /// Closes the temporary file and renames it over `path`; removes it on failure.
    public static func commit(_ temporary: (path: String, descriptor: Int32), to path: String) throws {
        if close(temporary.descriptor) != 0 {
            let reason = FileDescriptor.reason(errno)
            discard(temporary.path)
            throw GeoSpikeError(.ioError, "\(path): cannot write: \(reason)")
        }
        try rename(temporary.path, to: path)
    }

    /// Renames a temporary file, closed by its writer, over `path`; removes it on failure.
    public static func rename(_ temporary: String, to path: String) throws {
        if Glibc.rename(temporary, path) != 0 {
            let reason = FileDescriptor.reason(errno)
            discard(temporary)
            throw GeoSpikeError(.ioError, "\(path): cannot replace it: \(reason)")
        }
        TemporaryFiles.unregister()
    }

    /// Refuses, before any work, a target that `replace` would refuse after it.
    public static func checkTarget(_ path: String) throws {
        guard !path.isEmpty else { throw GeoSpikeError(.usage, "an empty output path") }
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            throw GeoSpikeError(
                .usage, "\(path) is \(describe(kind)), not a regular file; refusing to replace it: give a file path")
        }
    }

    /// Removes a temporary file that will not be committed.
    public static func discard(_ temporary: String) {
        unlink(temporary)
        TemporaryFiles.unregister()
    }

    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFLNK: return "a symbolic link"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }
}

/// The temporary output file being written, if any, for the signal handlers to remove.
///
/// One at a time: outputs are written one after another. The path lives in memory
/// allocated once, so the handler touches nothing but unlink(2) and signal calls, which
/// are async-signal-safe.
enum TemporaryFiles {
    nonisolated(unsafe) static let buffer: UnsafeMutablePointer<CChar> = .allocate(capacity: Int(PATH_MAX) + 1)
    nonisolated(unsafe) static var pending: Int32 = 0
    nonisolated(unsafe) static var installed = false

    static func register(_ path: String) {
        let bytes = Array(path.utf8.prefix(Int(PATH_MAX)))
        for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
        buffer[bytes.count] = 0
        pending = 1
    }

    static func unregister() { pending = 0 }

    static func installHandlers() {
        guard !installed else { return }
        installed = true
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            let previous = signal(sig) { received in
                if TemporaryFiles.pending != 0 { unlink(TemporaryFiles.buffer) }
                signal(received, SIG_DFL)
                raise(received)
            }
            // A signal the caller ignores (SIGINT of a background job, SIGHUP under nohup)
            // stays ignored.
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(sig, SIG_IGN) }
        }
        // Over a file-size limit, write(2) then fails with EFBIG (reported, exit 74)
        // instead of the process being killed with the temporary file left behind.
        signal(SIGXFSZ, SIG_IGN)
    }
}
