import CBLAS

/// The BLAS operations the models need, on `Matrix` and `[Double]`.
///
/// Results depend on OpenBLAS's thread count in the last bits (summation order), so
/// tests that compare floating-point output pin `OPENBLAS_NUM_THREADS=1` or use a tolerance.
public enum BLAS {
    /// `y ← alpha · op(A) · x + beta · y`.
    public static func gemv(
        _ a: Matrix, _ x: [Double], into y: inout [Double], transpose: Bool = false,
        alpha: Double = 1, beta: Double = 0
    ) {
        let (m, n) = transpose ? (a.columns, a.rows) : (a.rows, a.columns)
        precondition(x.count == n && y.count == m, "gemv: \(m)x\(n) with x[\(x.count)], y[\(y.count)]")
        guard a.rows > 0, a.columns > 0 else {
            for i in y.indices { y[i] *= beta }
            return
        }
        cblas_dgemv(
            CblasColMajor, transpose ? CblasTrans : CblasNoTrans, Int32(a.rows), Int32(a.columns),
            alpha, a.values, Int32(a.rows), x, 1, beta, &y, 1)
    }

    /// `op(A) · x`.
    public static func multiply(_ a: Matrix, _ x: [Double], transpose: Bool = false) -> [Double] {
        var y = [Double](repeating: 0, count: transpose ? a.columns : a.rows)
        gemv(a, x, into: &y, transpose: transpose)
        return y
    }

    /// `C ← alpha · op(A) · op(B) + beta · C`.
    public static func gemm(
        _ a: Matrix, _ b: Matrix, into c: inout Matrix, transposeA: Bool = false,
        transposeB: Bool = false, alpha: Double = 1, beta: Double = 0
    ) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(
            k == kb && c.rows == m && c.columns == n, "gemm: (\(m)x\(k))·(\(kb)x\(n)) into \(c.rows)x\(c.columns)")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for i in c.values.indices { c.values[i] *= beta }
            return
        }
        cblas_dgemm(
            CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a.values, Int32(max(1, a.rows)), b.values,
            Int32(max(1, b.rows)), beta, &c.values, Int32(max(1, c.rows)))
    }

    /// `op(A) · op(B)`.
    public static func multiply(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false
    ) -> Matrix {
        var c = Matrix(
            rows: transposeA ? a.columns : a.rows, columns: transposeB ? b.rows : b.columns)
        gemm(a, b, into: &c, transposeA: transposeA, transposeB: transposeB)
        return c
    }

    /// The Gram matrix `Aᵀ · A` (full, both triangles filled), via `dsyrk`.
    public static func gram(_ a: Matrix) -> Matrix {
        let n = a.columns
        var c = Matrix(rows: n, columns: n)
        guard n > 0, a.rows > 0 else { return c }
        cblas_dsyrk(
            CblasColMajor, CblasUpper, CblasTrans, Int32(n), Int32(a.rows), 1, a.values,
            Int32(a.rows), 0, &c.values, Int32(n))
        mirrorUpperToLower(&c)
        return c
    }

    /// `xᵀ · y`.
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: \(x.count) vs \(y.count)")
        return cblas_ddot(Int32(x.count), x, 1, y, 1)
    }

    /// `Σᵢ x[i] · x[i + lag]`: a series against itself `lag` steps later.
    public static func laggedDot(_ x: [Double], lag: Int) -> Double {
        precondition(lag >= 0 && lag <= x.count, "laggedDot: lag \(lag) of \(x.count)")
        guard x.count > lag else { return 0 }
        return x.withUnsafeBufferPointer { p in
            cblas_ddot(Int32(x.count - lag), p.baseAddress, 1, p.baseAddress! + lag, 1)
        }
    }

    /// `y ← alpha · x + y`.
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count, "axpy: \(x.count) vs \(y.count)")
        cblas_daxpy(Int32(x.count), alpha, x, 1, &y, 1)
    }

    static func mirrorUpperToLower(_ c: inout Matrix) {
        let n = c.rows
        for j in 0..<n { for i in (j + 1)..<max(j + 1, n) { c[i, j] = c[j, i] } }
    }
}
