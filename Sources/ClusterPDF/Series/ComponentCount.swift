import Foundation

/// How many independent components a series of curves holds, from the singular values of the
/// frames × points matrix against its noise.
///
/// Rule (documented in docs/series.md): the frames are put on the first frame's r grid over the
/// fit range (N points, oversampling k = π/((Qmax − Qmin)·Δr)). The singular values s_1 ≥ s_2 ≥ …
/// come from the eigenvalues of the F×F Gram matrix. The noise per point σ is estimated from the
/// tail, σ² = Σ_{i>m} s_i² / ((F − m)·N) with m = min(F − 1, 6), and a component counts when
/// s_i > 1.5·σ·(√N + √(k·F)) — the largest singular value pure noise of that strength reaches
/// (Marchenko–Pastur edge for N/k independent points repeated k times), with a margin.
public enum ComponentCount {
    /// The count and what it was decided on.
    public struct Estimate: Sendable, Codable {
        /// Number of components (≥ 1).
        public var components: Int
        /// Singular values, largest first.
        public var singularValues: [Double]
        /// The threshold a singular value had to pass.
        public var threshold: Double
        /// The estimated noise per point.
        public var noise: Double
    }

    /// Estimates the count of `frames` (each N values on one grid), with oversampling `k`.
    public static func estimate(frames: [[Double]], oversampling k: Double) throws -> Estimate {
        let f = frames.count
        guard f >= 2, let n = frames.first?.count, n > f, frames.allSatisfy({ $0.count == n }) else {
            throw MixtureSolver.SolverError(description: "a component count needs at least 2 frames on one grid")
        }
        var gram = [Double](repeating: 0, count: f * f)
        for i in 0..<f { for j in i..<f {
            var s = 0.0
            for p in 0..<n { s += frames[i][p] * frames[j][p] }
            gram[i + j * f] = s; gram[j + i * f] = s
        } }
        let eig = try LinearAlgebra.symmetricEigen(gram, size: f)
        let sv = eig.values.reversed().map { max(0, $0).squareRoot() }
        let m = min(f - 1, 6)
        let tail = sv[m...].reduce(0) { $0 + $1 * $1 }
        let sigma = (tail / Double((f - m) * n)).squareRoot()
        let threshold = 1.5 * sigma * (Double(n).squareRoot() + (max(1, k) * Double(f)).squareRoot())
        let count = max(1, sv.prefix(m).filter { $0 > threshold }.count)
        return Estimate(components: count, singularValues: sv, threshold: threshold, noise: sigma)
    }
}
