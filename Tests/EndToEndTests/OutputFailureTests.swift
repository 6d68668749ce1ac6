import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A write that fails is an I/O error (exit 74) naming where the output went and the OS's
/// reason, never a crash and never exit 0 with the output lost; a reader that went away
/// ends the process quietly, as it ends other Unix tools.
@Suite("Failed writes", .serialized)
struct OutputFailureTests {
    static let root = BinaryRunner.packageRoot
    static let model = root.appendingPathComponent("models/demo.gsm").path
    static func dataset(_ name: String) -> String { root.appendingPathComponent("datasets/\(name)").path }

    /// Runs `script` in bash with the binaries on PATH; `$1`… are `arguments`.
    static func shell(
        _ script: String, _ arguments: [String] = [], standardOutput: FileHandle? = nil
    ) throws -> (status: Int32, bySignal: Bool, stderr: String) {
        let process = Process()
        if let standardOutput { process.standardOutput = standardOutput }
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, "bash"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = BinaryRunner.binDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("failed-write-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let errors = try FileHandle(forWritingTo: log)
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try errors.close()
        return (
            process.terminationStatus, process.terminationReason == .uncaughtSignal,
            String(decoding: try Data(contentsOf: log), as: UTF8.self)
        )
    }

    static let commands: [(name: String, script: String)] = [
        ("counts", #"geospike-eval counts --input "$2""#),
        ("score ndjson", #"geospike-score --model "$1" --input "$3""#),
        ("score table", #"geospike-score --model "$1" --input "$3" --output table"#),
        ("inspect", #"geospike-train inspect "$1""#),
        ("inspect --json", #"geospike-train inspect "$1" --json"#),
        ("backtest", #"geospike-eval backtest --model "$1" --input "$3""#),
    ]

    static var arguments: [String] {
        [model, dataset("sample-zeek-conn.log.gz"), dataset("batch-attack-ecs.ndjson.gz")]
    }

    @Test(arguments: commands.map(\.name))
    func aFullDiskIsExit74WithTheReason(name: String) throws {
        let script = try #require(Self.commands.first { $0.name == name }).script
        let result = try Self.shell(script + " > /dev/full", Self.arguments)
        #expect(result.status == 74, "\(name): \(result.stderr)")
        #expect(result.stderr.contains("cannot write to standard output (/dev/full): No space left on device"), "\(result.stderr)")
    }

    @Test func aClosedStandardOutputIsExit74() throws {
        let result = try Self.shell(#"geospike-train inspect "$1" >&-"#, Self.arguments)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write to standard output: Bad file descriptor"))
    }

    /// A pipe whose reader is gone before anything is written: SIGPIPE's quiet end, also
    /// when SIGPIPE was ignored by whoever started the process (a write then fails EPIPE).
    @Test(arguments: ["", "trap '' PIPE; "])
    func aClosedPipeEndsQuietly(prefix: String) throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let result = try Self.shell(
            prefix + #"exec geospike-train inspect "$1""#, Self.arguments, standardOutput: pipe.fileHandleForWriting)
        try pipe.fileHandleForWriting.close()
        let endedBySIGPIPE = result.bySignal ? result.status == SIGPIPE : result.status == 128 + SIGPIPE
        #expect(endedBySIGPIPE, "status \(result.status), by signal \(result.bySignal)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }
}
