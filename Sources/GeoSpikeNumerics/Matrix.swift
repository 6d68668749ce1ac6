/// A dense, column-major matrix of doubles in one contiguous array.
///
/// Column-major so that BLAS and LAPACK take `values` as they are, with the leading
/// dimension equal to `rows`. Element (i, j) is `values[i + j * rows]`.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0)
        self.rows = rows
        self.columns = columns
        values = Array(repeating: value, count: rows * columns)
    }

    /// Wraps column-major `values`.
    public init(rows: Int, columns: Int, columnMajor values: [Double]) {
        precondition(values.count == rows * columns, "\(values.count) values for a \(rows)x\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from row arrays (convenient in tests and small fixtures).
    public init(rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        var m = Matrix(rows: r, columns: c)
        for i in 0..<r {
            precondition(rowArrays[i].count == c, "ragged rows")
            for j in 0..<c { m[i, j] = rowArrays[i][j] }
        }
        self = m
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { values[row + column * rows] }
        set { values[row + column * rows] = newValue }
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        Array(values[(j * rows)..<((j + 1) * rows)])
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] {
        (0..<columns).map { self[i, $0] }
    }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { t[j, i] = self[i, j] } }
        return t
    }

    /// Whether every element is finite (model files must never hold NaN or infinity).
    public var isFinite: Bool { values.allSatisfy(\.isFinite) }
}
