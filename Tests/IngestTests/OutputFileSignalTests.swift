import Foundation
import GeoSpikeIngest
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An interrupted run leaves no temporary output file behind. Exit tests: each case runs in
/// a child process that the signal really ends.
@Suite("Temporary output files and signals")
struct OutputFileSignalTests {
    static let directory = "/tmp/geospike-signal-test"

    /// In the child: a temporary output beside `/tmp/geospike-signal-test/out-<parent>.csv`,
    /// half written, then `signal`. Exits 3 if the temporary file was never there.
    static func writeHalfAndRaise(_ signal: Int32) throws {
        let temporary = try OutputFile.create(beside: "\(directory)/out-\(getppid()).csv")
        _ = write(temporary.descriptor, "half a file", 11)
        guard FileManager.default.fileExists(atPath: temporary.path) else { exit(3) }
        // The test runner's child may start with the signal blocked; a user's shell does not.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        raise(signal)
    }

    static func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.contains("out-\(getpid())") }
    }

    @Test func sigintRemovesTheTemporaryFile() async throws {
        try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        await #expect(processExitsWith: .signal(SIGINT)) { try OutputFileSignalTests.writeHalfAndRaise(SIGINT) }
        #expect(Self.leftovers().isEmpty, "\(Self.leftovers())")
    }

    @Test func sigtermRemovesTheTemporaryFile() async throws {
        try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        await #expect(processExitsWith: .signal(SIGTERM)) { try OutputFileSignalTests.writeHalfAndRaise(SIGTERM) }
        #expect(Self.leftovers().isEmpty, "\(Self.leftovers())")
    }
}
