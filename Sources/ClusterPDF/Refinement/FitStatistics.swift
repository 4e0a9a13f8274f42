/// Agreement between an observed and a calculated curve over the fit points.
struct FitStatistics: Sendable {
    /// Rw = sqrt(Σ w (Gobs − Gcalc)² / Σ w Gobs²).
    var rw: Double
    /// Rw with w = 1.
    var rwUnweighted: Double
    /// Pearson correlation of Gobs and Gcalc.
    var pearson: Double
    /// χ² = Σ w (Gobs − Gcalc)².
    var chi2: Double

    init(observed y: [Double], calculated g: [Double], weights w: [Double]) {
        var num = 0.0, den = 0.0, numU = 0.0, denU = 0.0
        for k in y.indices {
            let d = y[k] - g[k]
            num += w[k] * d * d; den += w[k] * y[k] * y[k]
            numU += d * d; denU += y[k] * y[k]
        }
        chi2 = num
        rw = den > 0 ? (num / den).squareRoot() : 1
        rwUnweighted = denU > 0 ? (numU / denU).squareRoot() : 1
        let n = Double(max(1, y.count))
        let my = y.reduce(0, +) / n, mg = g.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in y.indices {
            sxy += (y[k] - my) * (g[k] - mg); sxx += (y[k] - my) * (y[k] - my); syy += (g[k] - mg) * (g[k] - mg)
        }
        pearson = sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// The ratio k = π/((Qmax − Qmin)·Δr) of the Nyquist spacing to the data spacing, at least 1
    /// (Δr: the mean spacing of the fit points).
    static func oversampling(r: [Double], qmin: Double, qmax: Double) -> Double {
        guard r.count > 1, let first = r.first, let last = r.last, last > first else { return 1 }
        let dr = (last - first) / Double(r.count - 1)
        return max(1, Double.pi / ((qmax - qmin) * dr))
    }
}

/// Covariance of the free parameters from the Jacobian of the weighted residuals.
struct ParameterCovariance {
    /// Standard uncertainty of each column's parameter (nil where the matrix is singular).
    var sigmas: [Double?]
    /// Pairs of parameters whose correlation exceeds 0.995 in magnitude, with it.
    var strongCorrelations: [(Int, Int, Double)]
    /// JᵀWJ could not be inverted (a parameter has no effect on the fit, or two are redundant).
    var singular: Bool

    /// `columns[a]` = ∂(√w·residual)/∂p_a; `factor` multiplies the inverse (s² and the
    /// oversampling ratio).
    init(columns: [[Double]], factor: Double) {
        let n = columns.count
        var jtj = [Double](repeating: 0, count: n * n)
        for a in 0..<n { for b in a..<n {
            var s = 0.0
            for i in columns[a].indices { s += columns[a][i] * columns[b][i] }
            jtj[a + b * n] = s; jtj[b + a * n] = s
        } }
        // Invert the correlation-scaled matrix (better conditioned), then unscale.
        let d = (0..<n).map { jtj[$0 + $0 * n] > 0 ? 1 / jtj[$0 + $0 * n].squareRoot() : 0 }
        var scaled = jtj
        for a in 0..<n { for b in 0..<n { scaled[a + b * n] *= d[a] * d[b] } }
        sigmas = [Double?](repeating: nil, count: n)
        strongCorrelations = []
        guard n > 0, d.allSatisfy({ $0 > 0 }), let inv = try? LinearAlgebra.inverseSPD(scaled, size: n),
              inv.allSatisfy({ $0.isFinite }), (0..<n).allSatisfy({ inv[$0 + $0 * n] > 0 && inv[$0 + $0 * n] < 1e12 }) else {
            singular = n > 0
            return
        }
        singular = false
        for a in 0..<n { sigmas[a] = (inv[a + a * n] * factor).squareRoot() * d[a] }
        for a in 0..<n { for b in (a + 1)..<n {
            let c = inv[a + b * n] / (inv[a + a * n] * inv[b + b * n]).squareRoot()
            if abs(c) > 0.995 { strongCorrelations.append((a, b, c)) }
        } }
    }
}
