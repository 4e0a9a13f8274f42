/// A small 3×3 matrix (row-major) for cell and tensor algebra.
struct Matrix3: Equatable {
    var r: [SIMD3<Double>]
    init(rows: [SIMD3<Double>]) { r = rows }
    init(columns c: [SIMD3<Double>]) { r = (0..<3).map { i in SIMD3(c[0][i], c[1][i], c[2][i]) } }
    static let identity = Matrix3(rows: [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)])
    var transposed: Matrix3 { Matrix3(columns: r) }
    static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        let bt = b.transposed
        return Matrix3(rows: a.r.map { row in SIMD3((row * bt.r[0]).sum(), (row * bt.r[1]).sum(), (row * bt.r[2]).sum()) })
    }
    static func * (a: Matrix3, v: SIMD3<Double>) -> SIMD3<Double> { SIMD3((a.r[0] * v).sum(), (a.r[1] * v).sum(), (a.r[2] * v).sum()) }
    var determinant: Double { (r[0] * cross(r[1], r[2])).sum() }
    /// Inverse (the caller guarantees a non-zero determinant).
    var inverse: Matrix3 {
        let d = determinant
        let cols = [cross(r[1], r[2]), cross(r[2], r[0]), cross(r[0], r[1])].map { $0 / d }
        return Matrix3(columns: cols)
    }
    static func diagonal(_ v: SIMD3<Double>) -> Matrix3 { Matrix3(rows: [SIMD3(v.x, 0, 0), SIMD3(0, v.y, 0), SIMD3(0, 0, v.z)]) }
}

extension AnisotropicDisplacement {
    var matrix: Matrix3 { Matrix3(rows: [SIMD3(u11, u12, u13), SIMD3(u12, u22, u23), SIMD3(u13, u23, u33)]) }
    init(_ m: Matrix3) { self.init(u11: m.r[0].x, u22: m.r[1].y, u33: m.r[2].z, u12: m.r[0].y, u13: m.r[0].z, u23: m.r[1].z) }
}

extension Lattice {
    /// Matrix with the lattice vectors as columns (fractional → Cartesian).
    var matrix: Matrix3 { Matrix3(columns: [vectors.0, vectors.1, vectors.2]) }
    /// Reciprocal lengths a*, b*, c* (Å⁻¹, without 2π).
    var reciprocalLengths: SIMD3<Double> {
        let (a, b, c) = vectors
        let v = volume
        return SIMD3(simd_length(cross(b, c)), simd_length(cross(c, a)), simd_length(cross(a, b))) / v
    }
}

/// The cross product u × v.
@inline(__always) func cross(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
}
