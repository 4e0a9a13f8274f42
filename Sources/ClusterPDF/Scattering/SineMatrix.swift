import Foundation

/// The matrix M[k, j] = sin(Q_k r_j) of a sine transform on fixed Q and r grids, stored column
/// by column (one column per r, nq × nr doubles), for code that transforms many F(Q) on the same
/// grids: a refinement builds it once and every model evaluation is then a BLAS product.
struct SineMatrix: Sendable {
    let qGrid: UniformGrid
    let rGrid: UniformGrid
    let storage: [Double]
    /// r columns per parallel block (the recurrence is re-seeded at every block).
    static let rTile = 256

    init(qGrid: UniformGrid, rGrid: UniformGrid) {
        self.qGrid = qGrid
        self.rGrid = rGrid
        let nq = qGrid.count, nr = rGrid.count
        var m = [Double](repeating: 0, count: nq * nr)
        m.withUnsafeMutableBufferPointer { p in
            var j0 = 0
            while j0 < nr {
                let j1 = min(nr, j0 + SineMatrix.rTile)
                SineMatrix.fill(p.baseAddress! + j0 * nq, qGrid: qGrid, k: 0..<nq, rGrid: rGrid, j: j0..<j1)
                j0 = j1
            }
        }
        storage = m
    }

    /// Writes sin(Q_k r_j) for k in `ks`, j in `js` into `tile` (column j − js.lowerBound holds
    /// the ks.count values of one r), by the recurrence sin(Q(r + Δr)) = 2cos(QΔr) sin(Qr) − sin(Q(r − Δr)),
    /// seeded at the first r and vectorised across Q.
    static func fill(_ tile: UnsafeMutablePointer<Double>, qGrid: UniformGrid, k ks: Range<Int>, rGrid rg: UniformGrid, j js: Range<Int>) {
        let nqt = ks.count
        let sPrev = UnsafeMutablePointer<Double>.allocate(capacity: nqt)
        let sCur = UnsafeMutablePointer<Double>.allocate(capacity: nqt)
        let twoC = UnsafeMutablePointer<Double>.allocate(capacity: nqt)
        defer { sPrev.deallocate(); sCur.deallocate(); twoC.deallocate() }
        let r0 = rg[js.lowerBound]
        for kk in 0..<nqt {
            let q = qGrid[ks.lowerBound + kk]
            sPrev[kk] = sin(q * (r0 - rg.step)); sCur[kk] = sin(q * r0); twoC[kk] = 2 * cos(q * rg.step)
        }
        for j in 0..<js.count {
            let col = tile + j * nqt
            for kk in 0..<nqt {
                let c = sCur[kk]
                col[kk] = c
                sCur[kk] = twoC[kk] * c - sPrev[kk]
                sPrev[kk] = c
            }
        }
    }
}
