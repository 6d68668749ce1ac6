import Foundation
import Testing
@testable import GeoSpikeNumerics

/// Matrix, BLAS and LAPACK wrappers against `Fixtures/linear_algebra.json` (numpy, written by make_tables.py).
@Suite("BLAS and LAPACK wrappers against numpy")
struct LinearAlgebraTests {
    struct Reference {
        let object: [String: Any]

        init() throws {
            guard let url = Bundle.module.url(forResource: "linear_algebra", withExtension: "json", subdirectory: "Fixtures") else {
                throw ReferenceTableError(message: "Fixtures/linear_algebra.json is not in the test bundle; run make_tables.py")
            }
            guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
                throw ReferenceTableError(message: "linear_algebra.json is not a JSON object")
            }
            self.object = object
        }

        func vector(_ key: String) throws -> [Double] {
            guard let values = object[key] as? [Double] else { throw ReferenceTableError(message: "no vector '\(key)'") }
            return values
        }

        func matrix(_ key: String) throws -> Matrix {
            guard let rows = object[key] as? [[Double]] else { throw ReferenceTableError(message: "no matrix '\(key)'") }
            return Matrix(rowArrays: rows)
        }
    }

    /// The largest elementwise difference, relative to the largest reference element.
    func relativeError(_ computed: [Double], _ expected: [Double]) -> Double {
        precondition(computed.count == expected.count, "\(computed.count) vs \(expected.count) values")
        let scale = expected.map(abs).max() ?? 1
        return zip(computed, expected).map { abs($0 - $1) }.max().map { $0 / max(scale, .leastNormalMagnitude) } ?? 0
    }

    @Test func gemvMatchesNumpy() throws {
        let r = try Reference()
        let a = try r.matrix("a"), x = try r.vector("x"), y = try r.vector("y")
        #expect(relativeError(BLAS.multiply(a, x), try r.vector("gemv")) <= 1e-14)
        var scaled = [Double](repeating: 0, count: a.columns)
        BLAS.gemv(a, y, into: &scaled, transpose: true, alpha: 2)
        #expect(relativeError(scaled, try r.vector("gemv_transposed_scaled")) <= 1e-14)
        var accumulated = y
        BLAS.gemv(a, x, into: &accumulated, alpha: 1.5, beta: -0.5)
        #expect(relativeError(accumulated, try r.vector("gemv_accumulate")) <= 1e-14)
    }

    @Test func gemmAndGramMatchNumpy() throws {
        let r = try Reference()
        let a = try r.matrix("a"), b = try r.matrix("b"), c = try r.matrix("c")
        #expect(relativeError(BLAS.multiply(a, b).values, try r.matrix("gemm").values) <= 1e-14)
        #expect(relativeError(BLAS.multiply(a, c, transposeA: true).values, try r.matrix("gemm_transposed_a").values) <= 1e-14)
        var accumulated = c
        BLAS.gemm(a, b, into: &accumulated, alpha: 2, beta: 3)
        #expect(relativeError(accumulated.values, try r.matrix("gemm_accumulate").values) <= 1e-14)
        let gram = BLAS.gram(a)
        #expect(relativeError(gram.values, try r.matrix("gram").values) <= 1e-14)
        #expect(gram == gram.transposed, "gram fills both triangles")
    }

    @Test func choleskySolveAndInverseMatchNumpy() throws {
        let r = try Reference()
        let spd = try r.matrix("spd"), rhs = try r.matrix("rhs")
        let solution = try LAPACK.solvePositiveDefinite(spd, rhs)
        #expect(relativeError(solution.values, try r.matrix("dposv").values) <= 1e-13)
        let firstColumn = try LAPACK.solvePositiveDefinite(spd, rhs.column(0))
        #expect(relativeError(firstColumn, try r.matrix("dposv").column(0)) <= 1e-13)
        let inverse = try LAPACK.inversePositiveDefinite(spd)
        #expect(relativeError(inverse.values, try r.matrix("dpotri").values) <= 1e-13)
        #expect(relativeError(BLAS.multiply(spd, inverse).values, Matrix.identity(spd.rows).values) <= 1e-13)
    }

    @Test func leastSquaresMatchesNumpy() throws {
        let r = try Reference()
        let solution = try LAPACK.leastSquares(try r.matrix("a"), try r.vector("y"))
        #expect(relativeError(solution, try r.vector("dgels")) <= 1e-13)
    }

    @Test func singularMatricesThrowTypedErrors() throws {
        let singular = try Reference().matrix("singular")
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dposv", order: 2)) {
            try LAPACK.solvePositiveDefinite(singular, [1, 2, 3])
        }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: 2)) {
            try LAPACK.inversePositiveDefinite(singular)
        }
        let collinear = Matrix(rowArrays: [[1, 2], [2, 4], [3, 6]])
        #expect(throws: LinearAlgebraError.rankDeficient(routine: "dgels", diagonalIndex: 2)) {
            try LAPACK.leastSquares(collinear, [1, 2, 3])
        }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.solvePositiveDefinite(singular, [1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.leastSquares(Matrix(rows: 1, columns: 2), [1]) }
    }

    @Test func laggedDotIsTheSeriesAgainstItselfLater() {
        let x: [Double] = [1, -2, 3, 0.5, -1, 4]
        for lag in 0...x.count {
            let direct = (0..<(x.count - lag)).reduce(0.0) { $0 + x[$1] * x[$1 + lag] }
            #expect(abs(BLAS.laggedDot(x, lag: lag) - direct) < 1e-12, "lag \(lag)")
        }
        #expect(BLAS.laggedDot(x, lag: 1) == -2 - 6 + 1.5 - 0.5 - 4)
    }

    @Test func emptyShapesAreHandledWithoutCallingBLAS() throws {
        let empty = Matrix(rows: 3, columns: 0)
        #expect(BLAS.multiply(empty, []) == [0, 0, 0])
        #expect(BLAS.gram(empty) == Matrix(rows: 0, columns: 0))
        #expect(try LAPACK.solvePositiveDefinite(Matrix(rows: 0, columns: 0), []) == [])
    }
}
