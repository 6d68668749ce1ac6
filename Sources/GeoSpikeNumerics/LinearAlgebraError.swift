/// A LAPACK failure, decoded from its `info` return code.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible, Sendable {
    /// `info < 0`: argument number `-info` was invalid. A bug in the caller, not the data.
    case illegalArgument(routine: String, position: Int)
    /// `info > 0` from a Cholesky routine: the leading minor of this order is not positive
    /// definite, so the normal equations are singular (collinear or empty design columns).
    case notPositiveDefinite(routine: String, order: Int)
    /// `info > 0` from a least-squares routine: the matrix does not have full rank.
    case rankDeficient(routine: String, diagonalIndex: Int)
    /// The shapes handed to a routine do not agree.
    case dimensionMismatch(String)

    public var description: String {
        switch self {
        case let .illegalArgument(routine, position):
            return "\(routine): argument \(position) had an illegal value"
        case let .notPositiveDefinite(routine, order):
            return "\(routine): the matrix is not positive definite (leading minor of order \(order))"
        case let .rankDeficient(routine, index):
            return "\(routine): the matrix is rank deficient (zero diagonal element \(index) of R)"
        case let .dimensionMismatch(message):
            return "dimension mismatch: \(message)"
        }
    }

    static func check(_ info: Int32, routine: String, positive: (String, Int) -> LinearAlgebraError) throws {
        if info < 0 { throw illegalArgument(routine: routine, position: Int(-info)) }
        if info > 0 { throw positive(routine, Int(info)) }
    }
}
