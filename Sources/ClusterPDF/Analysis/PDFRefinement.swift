import Foundation

/// Options of a G(r) refinement. Distances in Å, U in Å², Q in Å⁻¹.
public struct RefinementOptions: Sendable {
    /// Fit range; nil takes the data's first/last r.
    public var rmin: Double? = nil
    public var rmax: Double? = nil
    /// Free parameters among: scale, zoom, uiso, delta2, delta1, qdamp, qbroad.
    public var free: Set<String> = ["scale", "zoom", "uiso", "delta2"]
    /// Refine one Uiso per element instead of one shared value.
    public var uisoPerElement = false
    /// Starting values.
    public var scale: Double? = nil
    public var zoom = 1.0
    public var uiso = 0.01
    public var delta1 = 0.0
    public var delta2 = 0.0
    public var qdamp = 0.04
    public var qbroad = 0.0
    /// Termination; nil takes the data header's qmin/qmax, else 1 and 25.
    public var qmin: Double? = nil
    public var qmax: Double? = nil
    public var radiation: Radiation = .xray
    /// Before least squares, scan zoom over start·(1 ± zoomScan) to find the right basin (0 turns it off).
    public var zoomScan = 0.25
    public var maxIterations = 100
    /// Compute standard uncertainties (one more Jacobian at the end).
    public var uncertainties = true
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public init() {}

    public static let knownParameters: Set<String> = ["scale", "zoom", "uiso", "delta1", "delta2", "qdamp", "qbroad"]
    /// Bounds of each nonlinear parameter.
    static let bounds: [String: ClosedRange<Double>] = [
        "zoom": 0.5...1.5, "uiso": 0...0.2, "delta1": 0...5, "delta2": 0...20, "qdamp": 0...0.5, "qbroad": 0...0.5,
    ]
}

/// One refined parameter.
public struct RefinedParameter: Codable, Sendable {
    public var name: String
    public var value: Double
    /// Standard uncertainty (from the covariance matrix scaled by reduced χ²); nil when fixed.
    public var uncertainty: Double?
    public var free: Bool
}

/// The outcome of a refinement.
public struct RefinementResult: Codable, Sendable {
    public var model: String
    public var data: String
    public var formula: String
    public var parameters: [RefinedParameter]
    /// Rw = sqrt(Σ w (Gobs − Gcalc)² / Σ w Gobs²), w = 1/dG² when the data give dG, else 1.
    public var rw: Double
    /// Rw with w = 1.
    public var rwUnweighted: Double
    /// Pearson correlation of Gobs and Gcalc.
    public var pearson: Double
    public var chi2: Double
    public var reducedChi2: Double
    public var points: Int
    public var freeParameters: Int
    public var iterations: Int
    public var weighted: Bool
    public var rmin: Double
    public var rmax: Double
    public var qmin: Double
    public var qmax: Double
    public var r: [Double]
    public var gObserved: [Double]
    public var gCalculated: [Double]

    public func value(_ name: String) -> Double? { parameters.first { $0.name == name }?.value }
    public func uncertainty(_ name: String) -> Double? { parameters.first { $0.name == name }?.uncertainty }
}

/// Refines a cluster model against a measured G(r): scale in closed form at every step, the
/// other parameters by Levenberg–Marquardt with finite-difference Jacobians, each step solved by
/// LAPACK least squares (dgels) and the covariance from LAPACK (dpotrf/dpotri).
/// Pair distances are histogrammed once (bin 1e-3 Å, each bin at its pairs' mean distance);
/// zoom and U only re-weight them.
public struct PDFRefinement {
    public let structure: Structure
    public let data: MeasuredCurve
    public let options: RefinementOptions
    let base: DebyeCalculator
    let indices: Range<Int>
    let uniform: Bool
    /// The model grid is the data grid (no interpolation).
    let direct: Bool
    let weights: [Double]
    /// Names of the nonlinear parameters in vector order.
    let names: [String]
    let elements: [Element]
    /// F(Q) prefactors of each kind pair on the (fixed) integration grid.
    let prefactors: [[Double]]
    /// sin(Q r) on the integration and model grids, shared by every model evaluation.
    let sineMatrix: SineMatrix

    public init(structure: Structure, data: MeasuredCurve, options: RefinementOptions = RefinementOptions()) throws {
        for f in options.free where !RefinementOptions.knownParameters.contains(f) {
            throw SettingsError.invalid("unknown parameter '\(f)' in --free; known: \(RefinementOptions.knownParameters.sorted().joined(separator: ", "))")
        }
        if let axis = data.axis, axis != .r {
            throw InputError(file: data.path, "its first column is \(axis == .q ? "Q" : "2θ"), not r: refinements need a G(r) curve")
        }
        self.structure = structure
        self.data = data
        self.options = options
        let lo = options.rmin ?? data.x.first!, hi = options.rmax ?? data.x.last!
        guard hi > lo else { throw SettingsError.invalid("empty fit range: rmin \(lo) ≥ rmax \(hi)") }
        guard let i0 = data.x.firstIndex(where: { $0 >= lo - 1e-9 }), let i1 = data.x.lastIndex(where: { $0 <= hi + 1e-9 }), i1 > i0 + 5 else {
            throw SettingsError.invalid("fewer than 6 data points in r = \(lo)…\(hi) Å (data cover \(data.x.first!)…\(data.x.last!) Å)")
        }
        indices = i0..<(i1 + 1)
        let step = data.x[i0 + 1] - data.x[i0]
        uniform = indices.allSatisfy { abs(data.x[$0] - (data.x[i0] + Double($0 - i0) * step)) < 1e-6 * max(step, 1e-12) + 1e-9 }
        weights = indices.map { i in data.dy.map { 1 / ($0[i] * $0[i]) } ?? 1 }
        elements = structure.elements
        var n = [String]()
        for p in ["zoom", "uiso", "delta1", "delta2", "qdamp", "qbroad"] where options.free.contains(p) {
            if p == "uiso" && options.uisoPerElement { n += elements.map { "uiso_\($0.symbol)" } } else { n.append(p) }
        }
        names = n
        var s = ScatteringSettings()
        s.radiation = options.radiation
        s.qmin = options.qmin ?? data.headerNumber("qmin") ?? 1
        s.qmax = options.qmax ?? data.headerNumber("qmax") ?? 25
        s.mode = .histogram
        s.binWidth = 1e-3
        s.threads = options.threads
        s.displacements = DisplacementSettings(perElement: Dictionary(uniqueKeysWithValues: elements.map { ($0, options.uiso) }))
        // The model is computed on its own uniform grid, step h = min(0.02, 0.4/Qmax) Å (G(r) is
        // band-limited to Qmax, so cubic interpolation onto the data points errs by about
        // (Qmax·h)⁴/384 ≤ 2e-4 of the amplitude), or directly on uniform data at least that coarse.
        let h = min(0.02, 0.4 / s.qmax)
        direct = uniform && step >= h - 1e-9
        if direct {
            s.rmin = data.x[i0]; s.rmax = data.x[i1]; s.rstep = step
        } else {
            s.rmin = max(0, data.x[i0] - 2 * h); s.rmax = data.x[i1] + 2 * h; s.rstep = h
        }
        let baseCalc = try DebyeCalculator(structure: structure, settings: s)
        // A fixed integration grid, fine enough for any zoom within bounds: step 1/(1.5·D + rmax),
        // at least 2π samples per period of the fastest term (r + zoom·r_ij) at the largest zoom
        // (1.5), more at smaller ones: half the default density. With the 1e-3 Å histogram and the
        // cubic interpolation, the model is within 5e-5 of the maximum of a converged exact G(r)
        // (tested at zoom 1 and 1.4), far below the noise of measured data.
        s.qIntegrationStep = 1.0 / (baseCalc.maximumPairDistance * 1.5 + s.rmax)
        base = try DebyeCalculator(reusing: baseCalc, settings: s)
        prefactors = base.pairPrefactors(grid: base.integrationGrid.grid)
        sineMatrix = SineMatrix(qGrid: base.integrationGrid.grid, rGrid: base.rGrid)
    }

    /// Parameter values of the nonlinear vector with fixed ones filled in.
    func values(_ p: [Double]) -> [String: Double] {
        var v: [String: Double] = ["zoom": options.zoom, "uiso": options.uiso, "delta1": options.delta1, "delta2": options.delta2,
                                   "qdamp": options.qdamp, "qbroad": options.qbroad]
        for e in elements { v["uiso_\(e.symbol)"] = options.uiso }
        for (i, n) in names.enumerated() { v[n] = p[i] }
        if !options.uisoPerElement { for e in elements { v["uiso_\(e.symbol)"] = v["uiso"] } }
        return v
    }

    /// The calculator for one parameter vector (shares the base histogram, re-weighted).
    func calculator(_ p: [Double]) throws -> DebyeCalculator {
        let v = values(p)
        var s = base.settings
        s.delta1 = v["delta1"]!; s.delta2 = v["delta2"]!; s.qdamp = v["qdamp"]!; s.qbroad = v["qbroad"]!
        let kinds = base.kinds.withUiso(Dictionary(uniqueKeysWithValues: elements.map { ($0, v["uiso_\($0.symbol)"]!) }))
        return try DebyeCalculator(reusing: base, settings: s, kinds: kinds, histogram: base.histogram!.scaled(by: v["zoom"]!))
    }

    /// Model G(r) (unscaled) at the fit points.
    func model(_ p: [Double]) throws -> [Double] { try models([p])[0] }

    /// Model G(r) at the fit points for several parameter vectors, sharing one sine transform.
    func models(_ ps: [[Double]]) throws -> [[Double]] {
        guard !ps.isEmpty else { return [] }
        let calcs = try ps.map { try calculator($0) }
        let rg = calcs[0].rGrid
        return DebyeCalculator.pairDistributionFunctions(calcs, prefactors: prefactors, matrix: sineMatrix).map { g in
            if direct { return Array(g.prefix(indices.count)) }
            // Cubic (Catmull–Rom) interpolation onto the data points.
            return indices.map { rg.interpolateCubic(g, at: data.x[$0]) }
        }
    }

    /// Finite-difference steps of the nonlinear parameters.
    func steps(_ p: [Double]) -> [Double] {
        names.indices.map { j in names[j] == "zoom" ? 1e-5 : max(1e-6, 1e-4 * abs(p[j])) }
    }

    /// The perturbed models G(p + h_j e_j), one per free nonlinear parameter, in one batch.
    func perturbedModels(_ p: [Double]) throws -> (models: [[Double]], steps: [Double]) {
        let h = steps(p)
        let ps = names.indices.map { j -> [Double] in var q = p; q[j] += h[j]; return q }
        return (try models(ps), h)
    }

    /// The scale: least squares Σw·Gobs·Gcalc / Σw·Gcalc² when free, else the fixed value.
    func scale(sumObsCalc sxy: Double, sumCalcSquared syy: Double) -> Double {
        options.free.contains("scale") ? (syy > 0 ? sxy / syy : 1) : (options.scale ?? 1)
    }

    /// Closed-form scale and weighted residuals sqrt(w)(Gobs − s·Gcalc).
    func residuals(_ gc: [Double]) -> (scale: Double, res: [Double]) {
        var sxy = 0.0, syy = 0.0
        for (k, i) in indices.enumerated() { sxy += weights[k] * data.y[i] * gc[k]; syy += weights[k] * gc[k] * gc[k] }
        let scale = scale(sumObsCalc: sxy, sumCalcSquared: syy)
        let res = indices.enumerated().map { k, i in weights[k].squareRoot() * (data.y[i] - scale * gc[k]) }
        return (scale, res)
    }

    static func cost(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }

    /// Bounds of nonlinear parameter j.
    func bound(_ j: Int) -> ClosedRange<Double> {
        RefinementOptions.bounds[names[j].hasPrefix("uiso") ? "uiso" : names[j]]!
    }

    func clamp(_ p: [Double]) -> [Double] {
        p.enumerated().map { i, v in
            let b = bound(i)
            return min(max(v, b.lowerBound), b.upperBound)
        }
    }

    func jacobian(_ p: [Double], _ r0: [Double]) throws -> [[Double]] {
        let (ms, h) = try perturbedModels(p)
        return names.indices.map { j in zip(residuals(ms[j]).res, r0).map { ($0 - $1) / h[j] } }
    }

    /// Runs the refinement.
    public func run() throws -> RefinementResult {
        let start: [String: Double] = ["zoom": options.zoom, "delta1": options.delta1, "delta2": options.delta2,
                                       "qdamp": options.qdamp, "qbroad": options.qbroad]
        var p: [Double] = names.map { $0.hasPrefix("uiso") ? options.uiso : start[$0]! }
        // Zoom scan to land in the right basin: one model at the starting zoom z0 on a wide r grid,
        // then G_z(r) ≈ G_z0(r·z0/z) (a uniform expansion stretches G; the closed-form scale absorbs
        // the amplitude), so every trial zoom costs an interpolation, not a Debye sum.
        if let zi = names.firstIndex(of: "zoom"), options.zoomScan > 0 {
            p[zi] = try scanZoom(p, index: zi)
        }
        var current = residuals(try model(p)).res
        var cost = PDFRefinement.cost(current)
        var lambda = 1e-3
        var iterations = 0
        if !names.isEmpty {
            outer: while iterations < options.maxIterations {
                iterations += 1
                let J = try jacobian(p, current)
                let m = current.count
                // Active set: a parameter at a bound whose descent direction points outward is
                // held there for this step (projected Levenberg–Marquardt).
                let gradient = names.indices.map { j in zip(J[j], current).reduce(0) { $0 + $1.0 * $1.1 } }
                let free = names.indices.filter { j in
                    let b = bound(j)
                    let atLow = p[j] <= b.lowerBound + 1e-12 && gradient[j] > 0
                    let atHigh = p[j] >= b.upperBound - 1e-12 && gradient[j] < 0
                    return !(atLow || atHigh)
                }
                if free.isEmpty { break }
                let n = free.count
                let diag = free.map { j in max(J[j].reduce(0) { $0 + $1 * $1 }, 1e-30) }
                var improved = false
                for _ in 0..<12 {
                    // Augmented least squares [J; sqrt(λ D)] δ = [−r; 0] (LAPACK dgels).
                    var a = [Double](repeating: 0, count: (m + n) * n)
                    for (c, j) in free.enumerated() {
                        for i in 0..<m { a[c * (m + n) + i] = J[j][i] }
                        a[c * (m + n) + m + c] = (lambda * diag[c]).squareRoot()
                    }
                    let b = current.map { -$0 } + [Double](repeating: 0, count: n)
                    guard let delta = try? LinearAlgebra.leastSquares(a, rows: m + n, columns: n, b),
                          delta.allSatisfy({ $0.isFinite }) else { lambda *= 4; continue }
                    var step = p
                    for (c, j) in free.enumerated() { step[j] += delta[c] }
                    let trial = clamp(step)
                    let r = residuals(try model(trial)).res
                    let c = PDFRefinement.cost(r)
                    if c < cost {
                        let rel = (cost - c) / max(cost, 1e-300)
                        let moved = names.indices.map { abs(trial[$0] - p[$0]) / max(abs(p[$0]), 1e-3) }.max() ?? 0
                        p = trial; current = r; cost = c
                        lambda = max(lambda / 3, 1e-12)
                        improved = true
                        // Converged: the cost no longer falls, or the parameters no longer move.
                        if rel < 1e-8 || moved < 1e-7 { break outer }
                        break
                    }
                    lambda *= 4
                }
                if !improved { break }
            }
        }
        return try finish(p, iterations: iterations)
    }

    func scanZoom(_ p: [Double], index zi: Int) throws -> Double {
        let z0 = p[zi]
        let lo = max(RefinementOptions.bounds["zoom"]!.lowerBound, options.zoom * (1 - options.zoomScan))
        let hi = min(RefinementOptions.bounds["zoom"]!.upperBound, options.zoom * (1 + options.zoomScan))
        let v = values(p)
        var s = base.settings
        s.delta1 = v["delta1"]!; s.delta2 = v["delta2"]!; s.qdamp = v["qdamp"]!; s.qbroad = v["qbroad"]!
        let rFirst = data.x[indices.lowerBound], rLast = data.x[indices.upperBound - 1]
        s.rmin = max(0, rFirst * z0 / hi - 0.05); s.rmax = rLast * z0 / lo + 0.05
        s.rstep = min(base.settings.rstep, 0.02)
        let kinds = base.kinds.withUiso(Dictionary(uniqueKeysWithValues: elements.map { ($0, v["uiso_\($0.symbol)"]!) }))
        let calc = try DebyeCalculator(reusing: base, settings: s, kinds: kinds, histogram: base.histogram!.scaled(by: z0))
        let g = calc.pairDistributionFunction().y
        let rg = calc.rGrid
        // The scan only has to find the basin: every data point closer than 0.03 Å to the last
        // one used is skipped (peaks are ≥ 0.1 Å wide), and G between grid points is linear.
        var use = [Int]()
        for i in indices where use.isEmpty || data.x[i] - data.x[use.last!] >= 0.03 - 1e-9 { use.append(i) }
        let r = use.map { data.x[$0] }, y = use.map { data.y[$0] }
        let w = use.map { weights[$0 - indices.lowerBound] }
        var gc = [Double](repeating: 0, count: use.count)
        var best = (cost: Double.infinity, zoom: z0)
        var z = lo
        while z <= hi + 1e-12 {
            let stretch = z0 / z
            for k in use.indices {
                let t = (r[k] * stretch - rg.start) / rg.step
                let j = max(0, min(rg.count - 2, Int(t)))
                let u = t - Double(j)
                gc[k] = g[j] * (1 - u) + g[j + 1] * u
            }
            // Cost Σw(y − s·g)² = Σw y² − 2s Σw y g + s² Σw g², at the refinement's scale s.
            var syy = 0.0, sxy = 0.0, sxx = 0.0
            for k in use.indices { syy += w[k] * y[k] * y[k]; sxy += w[k] * y[k] * gc[k]; sxx += w[k] * gc[k] * gc[k] }
            let s = scale(sumObsCalc: sxy, sumCalcSquared: sxx)
            let c = syy - 2 * s * sxy + s * s * sxx
            if c < best.cost { best = (c, z) }
            z += 0.002
        }
        return best.zoom
    }

    func finish(_ p: [Double], iterations: Int) throws -> RefinementResult {
        let gc = try model(p)
        let (scale, res) = residuals(gc)
        let gcalc = gc.map { $0 * scale }
        let obs = indices.map { data.y[$0] }
        var num = 0.0, den = 0.0, numU = 0.0, denU = 0.0
        for k in obs.indices {
            let d = obs[k] - gcalc[k]
            num += weights[k] * d * d; den += weights[k] * obs[k] * obs[k]
            numU += d * d; denU += obs[k] * obs[k]
        }
        let chi2 = PDFRefinement.cost(res)
        let freeScale = options.free.contains("scale")
        let nFree = names.count + (freeScale ? 1 : 0)
        let dof = max(1, obs.count - nFree)
        // Covariance of all free parameters (scale last), scaled by reduced χ².
        var sigmas = [Double?](repeating: nil, count: nFree)
        if nFree > 0, options.uncertainties {
            var cols = try jacobianAtFixedScale(p, scale: scale, res: res)
            if freeScale { cols.append(indices.enumerated().map { k, _ in -weights[k].squareRoot() * gc[k] }) }
            var jtj = [Double](repeating: 0, count: nFree * nFree)
            for a in 0..<nFree { for b in 0..<nFree {
                var s = 0.0
                for i in cols[a].indices { s += cols[a][i] * cols[b][i] }
                jtj[a + b * nFree] = s
            } }
            if let inv = try? LinearAlgebra.inverseSPD(jtj, size: nFree) {
                let red = chi2 / Double(dof)
                for a in 0..<nFree { sigmas[a] = (max(0, inv[a + a * nFree]) * red).squareRoot() }
            }
        }
        let v = values(p)
        var params = [RefinedParameter(name: "scale", value: scale, uncertainty: freeScale ? sigmas[nFree - 1] : nil, free: freeScale)]
        var list = ["zoom"] + (options.uisoPerElement ? elements.map { "uiso_\($0.symbol)" } : ["uiso"]) + ["delta1", "delta2", "qdamp", "qbroad"]
        list.removeAll { $0 == "delta1" && !options.free.contains("delta1") && options.delta1 == 0 }
        for n in list {
            let i = names.firstIndex(of: n)
            params.append(RefinedParameter(name: n, value: v[n]!, uncertainty: i.flatMap { sigmas[$0] }, free: i != nil))
        }
        let mo = obs.reduce(0, +) / Double(obs.count), mc = gcalc.reduce(0, +) / Double(obs.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in obs.indices { sxy += (obs[k] - mo) * (gcalc[k] - mc); sxx += (obs[k] - mo) * (obs[k] - mo); syy += (gcalc[k] - mc) * (gcalc[k] - mc) }
        return RefinementResult(
            model: structure.title, data: data.path, formula: structure.formula, parameters: params,
            rw: (num / den).squareRoot(), rwUnweighted: (numU / denU).squareRoot(),
            pearson: sxy / max((sxx * syy).squareRoot(), 1e-300), chi2: chi2, reducedChi2: chi2 / Double(dof),
            points: obs.count, freeParameters: nFree, iterations: iterations, weighted: data.dy != nil,
            rmin: data.x[indices.lowerBound], rmax: data.x[indices.upperBound - 1],
            qmin: base.settings.qmin, qmax: base.settings.qmax,
            r: indices.map { data.x[$0] }, gObserved: obs, gCalculated: gcalc)
    }

    /// ∂res/∂p at fixed scale (for the covariance, where scale is its own column).
    func jacobianAtFixedScale(_ p: [Double], scale: Double, res: [Double]) throws -> [[Double]] {
        let (ms, h) = try perturbedModels(p)
        return names.indices.map { j in
            indices.enumerated().map { k, i in
                let r1 = weights[k].squareRoot() * (data.y[i] - scale * ms[j][k])
                return (r1 - res[k]) / h[j]
            }
        }
    }
}
