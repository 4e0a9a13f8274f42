import Foundation

/// The dense core of the Debye sum on a uniform Q grid:
///
///     T(Q_k) = Σ_b c_b · exp(−Q_k² σ²_b / 2) · sin(Q_k r_b) / r_b
///
/// over a list of distances r_b (Å) with weights c_b and pair variances σ²_b (Å²). Tiles of the
/// matrix M[b, k] are generated with exact three-term recurrences along Q (sin by Chebyshev,
/// the Gaussian by its ratio), and each tile is reduced with BLAS dgemv. Memory is one tile.
struct DebyeKernel {
    let grid: UniformGrid
    static let binTile = 64
    static let qTile = 256

    /// Adds T(Q_k) for k in `range` into `out[k - range.lowerBound]`.
    func accumulate(r: UnsafePointer<Double>, weight: UnsafePointer<Double>, sigma2: UnsafePointer<Double>, count n: Int,
                    range: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        guard n > 0, !range.isEmpty else { return }
        let h = grid.step
        let nbMax = DebyeKernel.binTile
        let tile = UnsafeMutablePointer<Double>.allocate(capacity: nbMax * DebyeKernel.qTile)
        defer { tile.deallocate() }
        var sPrev = [Double](repeating: 0, count: nbMax), sCur = sPrev, g = sPrev, rho = sPrev, e = sPrev, twoC = sPrev, invR = sPrev
        var b0 = 0
        while b0 < n {
            let nb = min(nbMax, n - b0)
            let q0 = grid[range.lowerBound]
            for i in 0..<nb {
                let rr = r[b0 + i], s2 = sigma2[b0 + i]
                sCur[i] = sin(q0 * rr)
                sPrev[i] = sin((q0 - h) * rr)
                twoC[i] = 2 * cos(h * rr)
                g[i] = exp(-0.5 * q0 * q0 * s2)
                rho[i] = exp(-0.5 * s2 * (2 * q0 * h + h * h))
                e[i] = exp(-s2 * h * h)
                invR[i] = 1 / rr
            }
            var k0 = range.lowerBound
            while k0 < range.upperBound {
                let nk = min(DebyeKernel.qTile, range.upperBound - k0)
                sPrev.withUnsafeMutableBufferPointer { sp in
                sCur.withUnsafeMutableBufferPointer { sc in
                g.withUnsafeMutableBufferPointer { gg in
                rho.withUnsafeMutableBufferPointer { rh in
                    for kk in 0..<nk {
                        let col = tile + kk * nb
                        for i in 0..<nb {
                            col[i] = sc[i] * gg[i] * invR[i]
                            let next = twoC[i] * sc[i] - sp[i]
                            sp[i] = sc[i]; sc[i] = next
                            gg[i] *= rh[i]; rh[i] *= e[i]
                        }
                    }
                } } } }
                LinearAlgebra.multiplyTransposed(tile, rows: nb, columns: nk, weight + b0,
                                                 into: out + (k0 - range.lowerBound), accumulate: true)
                k0 += nk
            }
            b0 += nb
        }
    }
}
