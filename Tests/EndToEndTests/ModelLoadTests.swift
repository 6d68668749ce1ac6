import Foundation
import Testing

/// How the binaries load a model that is damaged, odd, or being replaced under them.
@Suite("Loading models", .serialized)
struct ModelLoadTests {
    static let root = BinaryRunner.packageRoot
    static let model = root.appendingPathComponent("models/demo.gsm").path
    static let batch = root.appendingPathComponent("datasets/batch-clean-ecs.ndjson.gz").path

    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("model-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The demo model with its first coefficient set to NaN and the checksum recomputed
    /// (CRC-32 by zlib's `crc32`, through Python's binascii, as an editing tool would).
    static func nanModel(in directory: URL) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
        let headerLength = bytes[12..<20].reversed().reduce(0) { $0 << 8 | Int($1) }
        let offset = 20 + headerLength + 8
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { bytes.replaceSubrange(offset..<(offset + 8), with: $0) }
        let body = Array(bytes.dropLast(4))
        let path = directory.appendingPathComponent("nan.gsm").path
        try Data(body).write(to: URL(fileURLWithPath: path))
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", "-c",
            "import sys,binascii,struct;p=sys.argv[1];b=open(p,'rb').read();open(p,'ab').write(struct.pack('<I',binascii.crc32(b)))",
            path,
        ]
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0)
        return path
    }

    @Test func aNaNCoefficientIsExit65NamingTheField() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.nanModel(in: directory)
        let score = try run("geospike-score", ["--model", path, "--input", Self.batch])
        #expect(score.exitCode == 65, "\(score.stderr)")
        #expect(score.stdout.isEmpty)
        #expect(score.stderr.contains("nan.gsm: coefficients[") && score.stderr.contains("is nan, not a finite number"), "\(score.stderr)")
        let inspect = try run("geospike-train", ["inspect", path])
        #expect(inspect.exitCode == 65, "\(inspect.stderr)")
        #expect(inspect.stderr.contains("not a finite number"))
    }

    /// A FIFO or a device as --model would block or never end; it is refused instead.
    @Test func aModelThatIsNotARegularFileIsRefused() throws {
        let result = try run("geospike-score", ["--model", "/dev/zero", "--input", Self.batch])
        #expect(result.exitCode == 66, "\(result.stderr)")
        #expect(result.stderr.contains("/dev/zero: not a regular file"))
    }

    /// `cp new.gsm model.gsm` while scorers run: the file is truncated, then rewritten.
    /// A scorer that mapped it died of SIGBUS (a few runs in a hundred); one that reads it
    /// sees either a whole model or a torn one, which its checksum refuses (exit 65).
    @Test func aModelReplacedInPlaceWhileScoringNeverCrashes() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("live.gsm").path
        let content = try Data(contentsOf: URL(fileURLWithPath: Self.model))
        try content.write(to: URL(fileURLWithPath: path))
        let stop = ManagedAtomicFlag()
        let writer = Thread {
            while !stop.isSet {
                // Truncate, then write in pieces, as cp does.
                guard let handle = FileHandle(forWritingAtPath: path) else { continue }
                try? handle.truncate(atOffset: 0)
                var offset = 0
                while offset < content.count {
                    let end = min(offset + 8192, content.count)
                    try? handle.write(contentsOf: content[offset..<end])
                    offset = end
                }
                try? handle.close()
            }
            stop.markDone()
        }
        writer.start()
        defer {
            stop.set()
            stop.waitUntilDone()
        }
        var outcomes: [Int32: Int] = [:]
        for _ in 0..<40 {
            // `run` throws when the scorer dies of a signal, failing the test.
            let result = try run("geospike-score", ["--model", path, "--input", Self.batch, "--geoip", "none"])
            outcomes[result.exitCode, default: 0] += 1
            #expect([0, 65].contains(result.exitCode), "\(result.stderr)")
        }
        #expect(outcomes.values.reduce(0, +) == 40, "\(outcomes)")
    }
}

/// A stop flag and a done signal between the test and its writer thread.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSCondition()
    private var stopped = false
    private var done = false

    var isSet: Bool { lock.withLock { stopped } }
    func set() { lock.withLock { stopped = true } }
    func markDone() {
        lock.withLock {
            done = true
            lock.broadcast()
        }
    }
    func waitUntilDone() {
        lock.lock()
        while !done { lock.wait() }
        lock.unlock()
    }
}
