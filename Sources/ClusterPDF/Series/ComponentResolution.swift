import Foundation

/// Model-free resolution of a series into K component curves and their non-negative fractions
/// per frame (multivariate curve resolution by alternating least squares, MCR-ALS): D ≈ C·S with
/// C ≥ 0 and every row of C summing to 1 (closure: G(r) frames are each normalised, so the parts
/// of a frame add up to it), S unconstrained (a G(r) has negative parts). Rows of S may be fixed
/// to known end members' curves; the others start from the purest frames (each next start the
/// frame least explained by those already chosen) and are refined.
public enum ComponentResolution {
    /// The resolution.
    public struct Result: Sendable {
        /// Fractions, F × K (row per frame).
        public var fractions: [[Double]]
        /// Standard uncertainties of the fractions given the component curves (F × K).
        public var uncertainties: [[Double]]
        /// Component curves, K × N.
        public var curves: [[Double]]
        /// Iterations run and the final relative residual ‖D − CS‖/‖D‖.
        public var iterations: Int, residual: Double
    }

    /// Resolves `frames` (F × N) into `count` components, of which `fixed` are given curves (kept).
    public static func resolve(frames: [[Double]], count: Int, fixed: [[Double]] = [], oversampling: Double = 1,
                               maxIterations: Int = 200) throws -> Result {
        let f = frames.count
        guard let n = frames.first?.count, f >= 2, count >= 1, count <= 6, fixed.count <= count,
              frames.allSatisfy({ $0.count == n }), fixed.allSatisfy({ $0.count == n }) else {
            throw MixtureSolver.SolverError(description: "a resolution needs ≥ 2 frames on one grid and 1…6 components (≥ the fixed ones)")
        }
        // Starts: the fixed curves, then the frames least explained by the curves chosen so far.
        var s = fixed
        while s.count < count {
            var worst = 0, worstResidual = -1.0
            for (i, d) in frames.enumerated() {
                let residual: Double
                if s.isEmpty { residual = d.reduce(0) { $0 + $1 * $1 } } else {
                    let sol = try MixtureSolver.solve(columns: s, y: d)
                    residual = sol.rss
                }
                if residual > worstResidual { worstResidual = residual; worst = i }
            }
            s.append(frames[worst])
        }
        var c = [[Double]](repeating: [Double](repeating: 0, count: count), count: f)
        var sigmas = c
        let norm = frames.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }
        var last = Double.infinity, iterations = 0, residual = 0.0
        for it in 0..<maxIterations {
            iterations = it + 1
            // C step: non-negative amplitudes per frame, then closure.
            var rss = 0.0
            for i in 0..<f {
                // Closure inside the fit: one extra row λ·Σa = λ with λ large against the data, so
                // the amplitudes are the best that sum to 1 (not a fit renormalised afterwards).
                let y = frames[i]
                let lambda = 30 * (y.reduce(0) { $0 + $1 * $1 }).squareRoot()
                let sol = try MixtureSolver.solve(columns: s.map { $0 + [lambda] }, y: y + [lambda], oversampling: oversampling)
                var r2 = 0.0
                for p in 0..<n { let m = (0..<count).reduce(0.0) { $0 + sol.amplitudes[$1] * s[$1][p] }; r2 += (y[p] - m) * (y[p] - m) }
                rss += r2
                let total = sol.amplitudes.reduce(0, +)
                c[i] = total > 0 ? sol.amplitudes.map { $0 / total } : sol.amplitudes
                sigmas[i] = (0..<count).map { k in total > 0 ? max(0, sol.covariance[k * count + k]).squareRoot() / total : 0 }
            }
            residual = (rss / max(norm, 1e-300)).squareRoot()
            if abs(last - residual) < 1e-9 * max(1, residual) { break }
            last = residual
            // S step: least squares for the free curves with the fixed ones' parts removed.
            let free = Array(fixed.count..<count)
            if free.isEmpty { break }
            var target = frames
            for i in 0..<f { for k in 0..<fixed.count where c[i][k] != 0 { for p in 0..<n { target[i][p] -= c[i][k] * s[k][p] } } }
            // (CfᵀCf) Sf = Cfᵀ T, solved per point with a small ridge for frames where a component is absent.
            let m = free.count
            var ata = [Double](repeating: 0, count: m * m)
            for a in 0..<m { for b in 0..<m { ata[a + b * m] = (0..<f).reduce(0) { $0 + c[$1][free[a]] * c[$1][free[b]] } } }
            for a in 0..<m { ata[a + a * m] += 1e-9 * max(1, ata[a + a * m]) }
            guard let inv = try? LinearAlgebra.inverseSPD(ata, size: m) else { break }
            for (a, k) in free.enumerated() {
                var row = [Double](repeating: 0, count: n)
                for b in 0..<m {
                    let w = inv[a + b * m]
                    if w == 0 { continue }
                    for i in 0..<f where c[i][free[b]] != 0 {
                        let cb = c[i][free[b]] * w
                        for p in 0..<n { row[p] += cb * target[i][p] }
                    }
                }
                s[k] = row
            }
        }
        return Result(fractions: c, uncertainties: sigmas, curves: s, iterations: iterations, residual: residual)
    }
}
