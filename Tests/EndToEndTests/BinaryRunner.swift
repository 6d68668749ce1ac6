import Foundation

/// Runs the package's built executables the way a user would, for end-to-end tests.
///
/// The executables sit beside the test bundle in the build's bin directory (e.g.
/// `.build/debug`); `GEOSPIKE_BIN_DIR` overrides that. Output goes through temporary
/// files rather than pipes, so a chatty process can never block on a full pipe.
enum BinaryRunner {
    /// The directory holding `geospike-train`, `geospike-score` and `geospike-eval`.
    static var binDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["GEOSPIKE_BIN_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        // On Linux the test runner is the .xctest executable itself; on macOS it sits in
        // Foo.xctest/Contents/MacOS, so step out of the bundle.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/", directory.path.contains(".xctest") {
            directory = directory.deletingLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("geospike-eval").path) {
            return directory
        }
        return Bundle.main.bundleURL.deletingLastPathComponent()
    }

    /// The package root (for fixtures that live in the source tree).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}

/// Runs `executable` from the bin directory with `arguments`, feeding `stdin`, and
/// returns its exit code and everything it printed. `environment` adds to (or
/// overrides) the test process's environment.
func run(
    _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]
) throws -> (exitCode: Int32, stdout: String, stderr: String) {
    let binary = BinaryRunner.binDirectory.appendingPathComponent(executable)
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        throw RunnerError(
            message: "\(binary.path) is not built; run `swift build` first or set GEOSPIKE_BIN_DIR")
    }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("geospike-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let stdinURL = scratch.appendingPathComponent("stdin")
    let stdoutURL = scratch.appendingPathComponent("stdout")
    let stderrURL = scratch.appendingPathComponent("stderr")
    try (stdin ?? Data()).write(to: stdinURL)
    FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
    FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let input = try FileHandle(forReadingFrom: stdinURL)
    let output = try FileHandle(forWritingTo: stdoutURL)
    let errors = try FileHandle(forWritingTo: stderrURL)
    defer {
        try? input.close()
        try? output.close()
        try? errors.close()
    }
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    let stdout = String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self)
    let stderr = String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self)
    // A signal is never an answer to bad input: report it as such, not as an exit code.
    if process.terminationReason == .uncaughtSignal {
        throw RunnerError(message: "\(executable) died of signal \(process.terminationStatus); stderr: \(stderr)")
    }
    return (process.terminationStatus, stdout, stderr)
}

/// Why a binary could not be run (not built, or killed by a signal).
struct RunnerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
