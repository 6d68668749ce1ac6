import Foundation
import Testing

/// Output files are replaced whole or not at all, and only when they are regular files.
@Suite("Output files", .serialized)
struct OutputFileTests {
    static let root = BinaryRunner.packageRoot
    static func dataset(_ name: String) -> String { root.appendingPathComponent("datasets/\(name)").path }

    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func entries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func aDeviceIsNeverReplaced() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let train = try run("geospike-train", ["--input", Self.dataset("train-counts.csv"), "--out", "/dev/null"])
        #expect(train.exitCode == 64, "\(train.stderr)")
        #expect(train.stderr.contains("/dev/null is a character device, not a regular file; refusing to replace it"))
        // Refused before the input was read.
        #expect(!train.stderr.contains("ingest:"))
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)

        let fifo = directory.appendingPathComponent("fifo").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let counts = try run("geospike-eval", ["counts", "--input", Self.dataset("sample-nfdump.csv.gz"), "--output", fifo])
        #expect(counts.exitCode == 64, "\(counts.stderr)")
        #expect(counts.stderr.contains("is a FIFO, not a regular file"))
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    }

    /// Under a file-size limit the write fails part way: the old file must stay whole, the
    /// error must be the OS's ("File too large"), and no temporary file may be left behind.
    @Test(arguments: ["counts", "model"])
    func aFailedWriteLeavesTheOldFileWhole(output: String) throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent(output == "model" ? "m.gsm" : "counts.csv")
        let old = Data(String(repeating: "the previous file, line by line\n", count: 64).utf8)
        try old.write(to: target)
        let command =
            output == "model"
            ? #"geospike-train --input "$1" --out "$2" --quiet"#
            : #"geospike-eval counts --input "$3" --output "$2""#
        let result = try OutputFailureTests.shell(
            "ulimit -f 8; " + command, [Self.dataset("train-counts.csv"), target.path, Self.dataset("sample-zeek-conn.log.gz")])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("\(target.path): cannot write: File too large"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        #expect(try Data(contentsOf: target) == old)
        #expect(try Self.entries(directory) == [target.lastPathComponent])
    }

    @Test func aSuccessfulWriteReplacesTheFileAndLeavesNothingElse() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("counts.csv")
        try Data("old\n".utf8).write(to: target)
        let result = try run("geospike-eval", ["counts", "--input", Self.dataset("sample-nfdump.csv.gz"), "--output", target.path])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try String(contentsOf: target, encoding: .utf8).hasPrefix("bucket_start,country,count"))
        #expect(try Self.entries(directory) == ["counts.csv"])
    }
}
