import CLAPACKE

/// The LAPACK solves the fits need; `info` codes become `LinearAlgebraError`.
public enum LAPACK {
    /// Solves `A · X = B` for symmetric positive definite `A` by Cholesky (`dposv`).
    ///
    /// This is the IRLS step: `A` is the weighted Gram matrix `Xᵀ W X` (plus a ridge
    /// penalty), so failure means the design is singular for this country's data.
    public static func solvePositiveDefinite(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard a.rows == a.columns, b.rows == a.rows else {
            throw LinearAlgebraError.dimensionMismatch("dposv: A is \(a.rows)x\(a.columns), B has \(b.rows) rows")
        }
        let n = a.rows
        guard n > 0 else { return b }
        var factor = a.values
        var x = b.values
        let info = LAPACKE_dposv(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), geospike_lapack_int(n),
            geospike_lapack_int(b.columns), &factor, geospike_lapack_int(n), &x, geospike_lapack_int(n))
        try LinearAlgebraError.check(info, routine: "dposv") { .notPositiveDefinite(routine: $0, order: $1) }
        return Matrix(rows: n, columns: b.columns, columnMajor: x)
    }

    /// Solves `A · x = b` for one right-hand side.
    public static func solvePositiveDefinite(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        try solvePositiveDefinite(a, Matrix(rows: b.count, columns: 1, columnMajor: b)).values
    }

    /// The inverse of a symmetric positive definite matrix (`dpotrf` + `dpotri`).
    ///
    /// Used for the coefficient covariance `(Xᵀ W X)⁻¹`, whose diagonal gives standard errors.
    public static func inversePositiveDefinite(_ a: Matrix) throws -> Matrix {
        guard a.rows == a.columns else {
            throw LinearAlgebraError.dimensionMismatch("dpotri: A is \(a.rows)x\(a.columns)")
        }
        let n = a.rows
        guard n > 0 else { return a }
        var values = a.values
        let upper = Int8(UInt8(ascii: "U"))
        let f = LAPACKE_dpotrf(LAPACK_COL_MAJOR, upper, geospike_lapack_int(n), &values, geospike_lapack_int(n))
        try LinearAlgebraError.check(f, routine: "dpotrf") { .notPositiveDefinite(routine: $0, order: $1) }
        let i = LAPACKE_dpotri(LAPACK_COL_MAJOR, upper, geospike_lapack_int(n), &values, geospike_lapack_int(n))
        try LinearAlgebraError.check(i, routine: "dpotri") { .notPositiveDefinite(routine: $0, order: $1) }
        var inverse = Matrix(rows: n, columns: n, columnMajor: values)
        BLAS.mirrorUpperToLower(&inverse)
        return inverse
    }

    /// The least-squares solution of `A · x ≈ b` for full-rank `A` (`dgels`, QR).
    ///
    /// Used where the normal equations would square the condition number: the
    /// log-normal family's ordinary least squares on log counts.
    public static func leastSquares(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        guard b.count == a.rows else {
            throw LinearAlgebraError.dimensionMismatch("dgels: A has \(a.rows) rows, b has \(b.count)")
        }
        guard a.rows >= a.columns else {
            throw LinearAlgebraError.dimensionMismatch("dgels: \(a.rows) rows for \(a.columns) unknowns")
        }
        var values = a.values
        var rhs = b
        let info = LAPACKE_dgels(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), geospike_lapack_int(a.rows),
            geospike_lapack_int(a.columns), 1, &values, geospike_lapack_int(max(1, a.rows)), &rhs,
            geospike_lapack_int(max(1, a.rows)))
        try LinearAlgebraError.check(info, routine: "dgels") { .rankDeficient(routine: $0, diagonalIndex: $1) }
        // dgels reports only an exactly zero diagonal of R; rounding leaves collinear columns
        // with a diagonal of ~1e-16 instead, and a meaningless solution. Apply numpy's lstsq
        // cutoff, max(m, n)·ε relative to the largest diagonal element.
        let diagonal = (0..<a.columns).map { abs(values[$0 + $0 * a.rows]) }
        let cutoff = Double(max(a.rows, a.columns)) * Double.ulpOfOne * (diagonal.max() ?? 0)
        if let index = diagonal.firstIndex(where: { $0 <= cutoff }) {
            throw LinearAlgebraError.rankDeficient(routine: "dgels", diagonalIndex: index + 1)
        }
        return Array(rhs.prefix(a.columns))
    }
}
