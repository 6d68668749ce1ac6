import ArgumentParser
import Foundation

extension GeoSpikeError {
    /// Runs a command body, turning a `GeoSpikeError` into its message on stderr and its
    /// exit code, so every executable exits 64/65/66/74 as DESIGN.md promises.
    public static func exitingOnError<T>(command: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as GeoSpikeError {
            StandardError.write("\(command): \(error.message)\n")
            throw ExitCode(error.exitCode)
        }
    }
}
