import Foundation
import Testing

/// The notebooks in notebooks-md/ are what `make notebooks` produces today (the same text,
/// numbers to the precision printed) and every figure they link exists.
@Suite("Notebooks are fresh")
struct EvaluationNotebookTests {
    static var committed: URL { BinaryRunner.packageRoot.appendingPathComponent("notebooks-md") }

    /// Every file under `directory`, relative paths, sorted; the generator script is source, not output.
    static func files(in directory: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue && path != "generate.sh" { files.append(path) }
        }
        return files.sorted()
    }

    @Test func everyLinkedFigureExists() throws {
        let notebooks = try Self.files(in: Self.committed).filter { $0.hasSuffix(".md") }
        #expect(notebooks.filter { !$0.contains("/") }.count >= 3)
        for notebook in notebooks {
            let url = Self.committed.appendingPathComponent(notebook)
            let text = try String(contentsOf: url, encoding: .utf8)
            for link in text.components(separatedBy: "](").dropFirst().compactMap({ $0.split(separator: ")").first }) {
                let target = url.deletingLastPathComponent().appendingPathComponent(String(link))
                #expect(FileManager.default.fileExists(atPath: target.path), "\(notebook) links \(link), which does not exist")
            }
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func regeneratingGivesTheCommittedNotebooks() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("notebooks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            Self.committed.appendingPathComponent("generate.sh").path, BinaryRunner.binDirectory.path, scratch.path,
        ]
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("notebooks-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try #require(process.terminationStatus == 0, "generate.sh failed: \(output)")

        let fresh = try Self.files(in: scratch)
        let committed = try Self.files(in: Self.committed)
        #expect(fresh == committed, "files differ: run `make notebooks` and commit notebooks-md/")
        // By meaning, not bytes (NumericText): a number printed from a model may round
        // the other way on a CPU whose kernels differ in the last bits.
        for file in fresh where committed.contains(file) {
            let a = try String(contentsOf: scratch.appendingPathComponent(file), encoding: .utf8)
            let b = try String(contentsOf: Self.committed.appendingPathComponent(file), encoding: .utf8)
            let difference = NumericText.difference(a, b)
            #expect(difference == nil, "\(file) is stale (run `make notebooks` and commit notebooks-md/): \(difference ?? "")")
        }
    }
}
