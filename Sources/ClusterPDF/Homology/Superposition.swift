import Foundation

/// A similarity transform that carries points of cluster B onto cluster A:
/// x_A ≈ centreA + (1/scale) · R · M · (x_B − centreB), with M = diag(−1, 1, 1) when `mirror`.
public struct AlignmentTransform: Sendable, Hashable, Codable {
    /// Rotation R, rows (proper: det = +1).
    public var rotation: [[Double]]
    /// Centroid of B's matched atoms (Å), the point that goes to `centreA`.
    public var centreB: [Double]
    /// Centroid of A's matched atoms (Å).
    public var centreA: [Double]
    /// Isotropic size of B relative to A (B's bond lengths ÷ A's); B is divided by it.
    public var scale: Double
    /// B is reflected (x → −x) before the rotation: B is A's mirror image.
    public var mirror: Bool

    /// B's point `x` (Å) in A's frame.
    public func apply(_ x: SIMD3<Double>) -> SIMD3<Double> {
        var v = x - SIMD3(centreB[0], centreB[1], centreB[2])
        if mirror { v.x = -v.x }
        let r = rotation
        let rv = SIMD3(r[0][0] * v.x + r[0][1] * v.y + r[0][2] * v.z,
                       r[1][0] * v.x + r[1][1] * v.y + r[1][2] * v.z,
                       r[2][0] * v.x + r[2][1] * v.y + r[2][2] * v.z)
        return SIMD3(centreA[0], centreA[1], centreA[2]) + rv / scale
    }
}

/// Least-squares superposition of paired points (Horn's unit-quaternion solution of the Kabsch
/// problem: the 4×4 symmetric key matrix is diagonalised by LAPACK dsyev), with an optional
/// isotropic scale.
enum Superposition {
    /// The transform minimising Σ|a_k − T(b_k)|² over proper rotations, translations and (when
    /// `refineScale`) the scale; otherwise the scale stays `scale`.
    static func fit(a: [SIMD3<Double>], b: [SIMD3<Double>], scale: Double, refineScale: Bool, mirror: Bool) -> AlignmentTransform {
        precondition(a.count == b.count && !a.isEmpty)
        let n = Double(a.count)
        let ca = a.reduce(SIMD3<Double>(), +) / n
        var bb = b
        if mirror { for k in bb.indices { bb[k].x = -bb[k].x } }
        let cbm = bb.reduce(SIMD3<Double>(), +) / n
        // S_xy = Σ b_x a_y (centred).
        var s = [[Double]](repeating: [0, 0, 0], count: 3)
        var sbb = 0.0
        for k in a.indices {
            let u = bb[k] - cbm, v = a[k] - ca
            sbb += (u * u).sum()
            for i in 0..<3 { for j in 0..<3 { s[i][j] += u[i] * v[j] } }
        }
        let (xx, xy, xz, yx, yy, yz, zx, zy, zz) = (s[0][0], s[0][1], s[0][2], s[1][0], s[1][1], s[1][2], s[2][0], s[2][1], s[2][2])
        let key: [Double] = [xx + yy + zz, yz - zy, zx - xz, xy - yx,
                             yz - zy, xx - yy - zz, xy + yx, zx + xz,
                             zx - xz, xy + yx, -xx + yy - zz, yz + zy,
                             xy - yx, zx + xz, yz + zy, -xx - yy + zz]
        var rows: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        var lambda = 0.0
        if let e = try? LinearAlgebra.symmetricEigen(key, size: 4) {
            let q = Array(e.vectors[12..<16])  // eigenvector of the largest eigenvalue
            lambda = e.values[3]
            let (q0, q1, q2, q3) = (q[0], q[1], q[2], q[3])
            rows = [[q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3, 2 * (q1 * q2 - q0 * q3), 2 * (q1 * q3 + q0 * q2)],
                    [2 * (q1 * q2 + q0 * q3), q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3, 2 * (q2 * q3 - q0 * q1)],
                    [2 * (q1 * q3 - q0 * q2), 2 * (q2 * q3 + q0 * q1), q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3]]
        }
        var sc = scale
        if refineScale, lambda > 0, sbb > 0 { sc = sbb / lambda }  // 1/σ with σ = Σ a·Rb / Σ|b|²
        var cb = cbm
        if mirror { cb.x = -cb.x }
        return AlignmentTransform(rotation: rows, centreB: [cb.x, cb.y, cb.z], centreA: [ca.x, ca.y, ca.z], scale: sc, mirror: mirror)
    }
}

/// Optimal assignment (Hungarian method with potentials, O(n²m)): rows to distinct columns,
/// n ≤ m, minimising the total cost.
enum LinearAssignment {
    /// `cost` is row-major n×m; returns, for each row, its column.
    static func solve(cost: [Double], rows n: Int, columns m: Int) -> [Int] {
        precondition(n <= m && cost.count == n * m)
        if n == 0 { return [] }
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: m + 1)
        var p = [Int](repeating: 0, count: m + 1), way = [Int](repeating: 0, count: m + 1)
        var minv = [Double](repeating: 0, count: m + 1), used = [Bool](repeating: false, count: m + 1)
        for i in 1...n {
            p[0] = i
            var j0 = 0
            for j in 0...m { minv[j] = .infinity; used[j] = false }
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity, j1 = 0
                let rowBase = (i0 - 1) * m
                for j in 1...m where !used[j] {
                    let cur = cost[rowBase + j - 1] - u[i0] - v[j]
                    if cur < minv[j] { minv[j] = cur; way[j] = j0 }
                    if minv[j] < delta { delta = minv[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[p[j]] += delta; v[j] -= delta } else { minv[j] -= delta }
                }
                j0 = j1
            } while p[j0] != 0
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
        var result = [Int](repeating: -1, count: n)
        for j in 1...m where p[j] != 0 { result[p[j] - 1] = j - 1 }
        return result
    }
}
