/// Bounded Levenberg–Marquardt least squares with finite-difference Jacobians.
///
/// Each step solves the augmented problem [J; √(λD)] δ = [−r; 0] with LAPACK (`dgels`), D the
/// diagonal of JᵀJ (Marquardt scaling). Trial points are projected into the bounds, and a
/// parameter on a bound whose descent direction points outward is held there for that step
/// (projected LM, active set). Converged when the cost falls by less than `costTolerance`
/// relative (1e-8 unless set), or no parameter moves by more than `stepTolerance` relative.
struct LevenbergMarquardt {
    /// Lower and upper bounds of each parameter.
    var lower: [Double]
    var upper: [Double]
    /// Finite-difference step of each parameter at a point.
    var steps: ([Double]) -> [Double]
    /// Largest number of Jacobian evaluations.
    var maxIterations: Int
    /// Iterations each start gets before the race between starts is decided.
    static let raceIterations = 3
    /// Converged when a step lowers the cost by less than this fraction.
    var costTolerance = 1e-8
    /// Converged when no parameter moves by more than this fraction.
    var stepTolerance = 1e-7

    /// The outcome: parameters, residuals and cost Σr² at the minimum, iterations used.
    struct Outcome {
        var parameters: [Double]
        var residuals: [Double]
        var cost: Double
        var iterations: Int
    }

    /// Minimises Σ r(p)² from `start`. `residuals` evaluates several parameter vectors at once
    /// (the finite differences of a Jacobian are one batch).
    func minimize(from start: [Double], residuals: ([[Double]]) throws -> [[Double]]) throws -> Outcome {
        var p = clamp(start)
        var current = try residuals([p])[0]
        var cost = Self.cost(current)
        var lambda = 1e-3
        var iterations = 0
        let n = p.count
        guard n > 0 else { return Outcome(parameters: p, residuals: current, cost: cost, iterations: 0) }
        outer: while iterations < maxIterations {
            iterations += 1
            let h = steps(p)
            let perturbed = try residuals((0..<n).map { j in var q = p; q[j] += h[j]; return q })
            let J = (0..<n).map { j in zip(perturbed[j], current).map { ($0 - $1) / h[j] } }
            let m = current.count
            let gradient = (0..<n).map { j in zip(J[j], current).reduce(0) { $0 + $1.0 * $1.1 } }
            let active = (0..<n).filter { j in
                let atLow = p[j] <= lower[j] + 1e-12 * max(1, abs(lower[j])) && gradient[j] > 0
                let atHigh = p[j] >= upper[j] - 1e-12 * max(1, abs(upper[j])) && gradient[j] < 0
                return !(atLow || atHigh)
            }
            if active.isEmpty { break }
            let k = active.count
            let diag = active.map { j in max(J[j].reduce(0) { $0 + $1 * $1 }, 1e-30) }
            var improved = false
            for _ in 0..<12 {
                var a = [Double](repeating: 0, count: (m + k) * k)
                for (c, j) in active.enumerated() {
                    for i in 0..<m { a[c * (m + k) + i] = J[j][i] }
                    a[c * (m + k) + m + c] = (lambda * diag[c]).squareRoot()
                }
                let b = current.map { -$0 } + [Double](repeating: 0, count: k)
                guard let delta = try? LinearAlgebra.leastSquares(a, rows: m + k, columns: k, b),
                      delta.allSatisfy({ $0.isFinite }) else { lambda *= 4; continue }
                var step = p
                for (c, j) in active.enumerated() { step[j] += delta[c] }
                let trial = clamp(step)
                let r = try residuals([trial])[0]
                let c = Self.cost(r)
                if c < cost {
                    let rel = (cost - c) / max(cost, 1e-300)
                    let moved = (0..<n).map { abs(trial[$0] - p[$0]) / max(abs(p[$0]), 1e-3) }.max() ?? 0
                    p = trial; current = r; cost = c
                    lambda = max(lambda / 3, 1e-12)
                    improved = true
                    if rel < costTolerance || moved < stepTolerance { break outer }
                    break
                }
                lambda *= 4
            }
            if !improved { break }
        }
        return Outcome(parameters: p, residuals: current, cost: cost, iterations: iterations)
    }

    func clamp(_ p: [Double]) -> [Double] { p.indices.map { min(max(p[$0], lower[$0]), upper[$0]) } }

    /// Σ r².
    static func cost(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }
}
