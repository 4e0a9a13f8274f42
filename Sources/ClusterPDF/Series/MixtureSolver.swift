import Foundation

/// Non-negative linear least squares for a few components: min ‖y − Σ a_k c_k‖² with every
/// a_k ≥ 0, solved exactly by trying each subset of active components (K ≤ 6: at most 63 small
/// solves) and keeping the best whose amplitudes are all non-negative. Also returns the
/// covariance of the active amplitudes, σ²(AᵀA)⁻¹ with σ² = RSS/(N − K_active), times the
/// oversampling factor of G(r) (neighbouring points are not independent).
public enum MixtureSolver {
    /// The solution.
    public struct Solution: Sendable {
        /// Amplitudes (0 for components left out).
        public var amplitudes: [Double]
        /// Covariance of the amplitudes (K×K, row-major; zero rows for components at 0).
        public var covariance: [Double]
        /// Residual sum of squares.
        public var rss: Double
        /// Whether each component ended at its bound 0.
        public var atZero: [Bool]
    }

    /// A problem the solver cannot take (too many components, no points).
    public struct SolverError: Error, CustomStringConvertible, Sendable {
        /// What is wrong.
        public var description: String
    }

    /// Solves for `columns` (K curves of N points) against `y` (N points); `oversampling` ≥ 1
    /// scales the covariance.
    public static func solve(columns: [[Double]], y: [Double], oversampling: Double = 1) throws -> Solution {
        let k = columns.count, n = y.count
        guard (1...6).contains(k) else { throw SolverError(description: "a mixture takes 1 to 6 components, got \(k)") }
        guard n > k, columns.allSatisfy({ $0.count == n }) else { throw SolverError(description: "the component curves and the data must have the same \(n) > \(k) points") }
        var best: (a: [Double], rss: Double, active: [Int])?
        for mask in 1..<(1 << k) {
            let active = (0..<k).filter { mask & (1 << $0) != 0 }
            var a = [Double](repeating: 0, count: active.count * n)
            for (j, c) in active.enumerated() { for i in 0..<n { a[i + j * n] = columns[c][i] } }
            guard let x = try? LinearAlgebra.leastSquares(a, rows: n, columns: active.count, y), x.allSatisfy({ $0 >= 0 && $0.isFinite }) else { continue }
            var rss = 0.0
            for i in 0..<n {
                var m = 0.0
                for (j, c) in active.enumerated() { m += x[j] * columns[c][i] }
                rss += (y[i] - m) * (y[i] - m)
            }
            if best == nil || rss < best!.rss - 1e-15 * max(1, rss) {
                var full = [Double](repeating: 0, count: k)
                for (j, c) in active.enumerated() { full[c] = x[j] }
                best = (full, rss, active)
            }
        }
        guard let b = best else {
            // Every subset gave a negative amplitude: the data anti-correlate with every component.
            return Solution(amplitudes: [Double](repeating: 0, count: k), covariance: [Double](repeating: 0, count: k * k),
                            rss: y.reduce(0) { $0 + $1 * $1 }, atZero: [Bool](repeating: true, count: k))
        }
        // Covariance of the active amplitudes.
        let m = b.active.count
        var ata = [Double](repeating: 0, count: m * m)
        for p in 0..<m { for q in 0..<m {
            var s = 0.0
            for i in 0..<n { s += columns[b.active[p]][i] * columns[b.active[q]][i] }
            ata[p + q * m] = s
        } }
        let sigma2 = b.rss / Double(max(1, n - m)) * max(1, oversampling)
        var cov = [Double](repeating: 0, count: k * k)
        if let inv = try? LinearAlgebra.inverseSPD(ata, size: m) {
            for p in 0..<m { for q in 0..<m { cov[b.active[p] * k + b.active[q]] = sigma2 * inv[p + q * m] } }
        }
        return Solution(amplitudes: b.a, covariance: cov, rss: b.rss, atZero: (0..<k).map { !b.active.contains($0) })
    }

    /// Fractions x_k = (a_k/w_k) / Σ_j (a_j/w_j) and their standard uncertainties (delta method).
    public static func fractions(_ s: Solution, weights w: [Double]) -> (values: [Double], sigmas: [Double]) {
        let k = s.amplitudes.count
        let b = (0..<k).map { s.amplitudes[$0] / w[$0] }
        let total = b.reduce(0, +)
        guard total > 0 else { return ([Double](repeating: 0, count: k), [Double](repeating: 0, count: k)) }
        let x = b.map { $0 / total }
        // ∂x_i/∂a_j = (δ_ij − x_i) / (w_j · total).
        var sig = [Double](repeating: 0, count: k)
        for i in 0..<k {
            var v = 0.0
            for p in 0..<k { for q in 0..<k {
                let jp = ((i == p ? 1 : 0) - x[i]) / (w[p] * total), jq = ((i == q ? 1 : 0) - x[i]) / (w[q] * total)
                v += jp * s.covariance[p * k + q] * jq
            } }
            sig[i] = max(0, v).squareRoot()
        }
        return (x, sig)
    }
}
