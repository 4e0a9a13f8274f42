import XCTest
@testable import ClusterPDF

final class LinearAlgebraTests: XCTestCase {
    /// Proves the link to the system BLAS: a 2×3 matrix times a vector.
    func testBLASMatrixVector() {
        let a: [Double] = [1, 4, 2, 5, 3, 6]  // column-major [[1,2,3],[4,5,6]]
        let x: [Double] = [1, 0, -1]
        var y = [Double](repeating: 0, count: 2)
        LinearAlgebra.multiply(a, rows: 2, columns: 3, x, into: &y)
        XCTAssertEqual(y, [-2, -2])
        var z = [Double](repeating: 0, count: 3)
        LinearAlgebra.multiplyTransposed(a, rows: 2, columns: 3, [1, 1], into: &z)
        XCTAssertEqual(z, [5, 7, 9])
    }

    /// Proves the link to LAPACK: least-squares line through three points.
    func testLAPACKLeastSquares() throws {
        // y = 2 + 3x at x = 0, 1, 2 exactly.
        let a: [Double] = [1, 1, 1, 0, 1, 2]
        let x = try LinearAlgebra.leastSquares(a, rows: 3, columns: 2, [2, 5, 8])
        XCTAssertEqual(x[0], 2, accuracy: 1e-12)
        XCTAssertEqual(x[1], 3, accuracy: 1e-12)
        let inv = try LinearAlgebra.inverseSPD([4, 1, 1, 3], size: 2)
        XCTAssertEqual(inv[0], 3.0 / 11, accuracy: 1e-14)
        XCTAssertEqual(inv[1], -1.0 / 11, accuracy: 1e-14)
        XCTAssertEqual(inv[2], -1.0 / 11, accuracy: 1e-14)
        XCTAssertEqual(inv[3], 4.0 / 11, accuracy: 1e-14)
    }
}
