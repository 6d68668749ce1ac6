/// An error that ends a run, carrying the sysexits code the executables exit with.
///
/// Every message names what was wrong and where (file and line when there is one),
/// and what to do about it: the user reads it on stderr with no other context.
public struct GeoSpikeError: Error, CustomStringConvertible, Sendable {
    /// The sysexits(3) classes that DESIGN.md promises to other tools.
    public enum Kind: Int32, Sendable {
        /// EX_USAGE: the command line is wrong.
        case usage = 64
        /// EX_DATAERR: an input file or a model is malformed.
        case badData = 65
        /// EX_NOINPUT: an input file does not exist or cannot be opened.
        case noInput = 66
        /// EX_IOERR: reading or writing failed part way.
        case ioError = 74
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var exitCode: Int32 { kind.rawValue }
    public var description: String { message }

    /// A malformed-data error located at `file:line`.
    public static func badData(file: String, line: Int, _ message: String) -> GeoSpikeError {
        GeoSpikeError(.badData, "\(file):\(line): \(message)")
    }
}
