import Foundation
import GeoSpikeModel
import Testing

/// What every executable answers before it does any work: `--help` and `--version`.
@Suite("Help and version")
struct CommandLineTests {
    static let executables = ["geospike-train", "geospike-score", "geospike-eval"]

    @Test(arguments: executables)
    func versionIsTheToolVersionModelsRecord(executable: String) throws {
        let result = try run(executable, ["--version"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        // The version a model file records, so `inspect` and `--version` can be compared.
        #expect(result.stdout == "\(Trainer.toolVersion)\n")
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: executables)
    func helpShowsUsageAndExitsZero(executable: String) throws {
        let result = try run(executable, ["--help"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("USAGE: \(executable)"), "\(result.stdout)")
        #expect(result.stdout.contains("--version"))
    }

    @Test func unknownOptionIsExit64() throws {
        for executable in Self.executables {
            let result = try run(executable, ["--no-such-option"])
            #expect(result.exitCode == 64, "\(executable): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
            #expect(result.stdout.isEmpty)
        }
    }
}
