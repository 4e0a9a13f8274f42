import Foundation

/// Refines one or more crystal phases, each as a periodic G(r) times a particle envelope (the
/// "attenuated crystal" of PDFgui and diffpy-cmi), against a measured G(r):
///
///     G(r) = Σ_p s_p · γ_p(r) · G_p(r) · exp(−(qdamp·r)²/2)
///
/// with the cell, coordinates and U of each phase constrained by its space group
/// (`SymmetryConstraints`). The scales s_p are solved in closed form (non-negative least squares)
/// at every evaluation; the other free parameters are found by a deterministic global stage (a
/// grid over Uiso, δ2 and the envelope size at the CIF's cell) and bounded Levenberg–Marquardt from
/// its best cells (a short race, then the leaders converge in rounds, merged when they reach one
/// basin), as `PDFRefinement` does for clusters, with the same statistics, uncertainties and
/// warnings.
public struct CrystalRefinement: Sendable {
    /// The phases.
    public let crystals: [Crystal]
    /// The measured curve.
    public let data: MeasuredCurve
    /// The options as given.
    public let options: CrystalRefinementOptions
    /// The resolved data settings (fit range clipped to the data points used).
    public let settings: DataSettings
    let parameters: CrystalParameters
    let engines: [PeriodicPDFEngine]
    let r: [Double]
    let observed: [Double]
    let weights: [Double]
    let rootWeights: [Double]
    /// For each fit point, its index on the engines' grid (nil: interpolated).
    let gridIndex: [Int?]
    /// Crystal curves and pair lists computed last (shared by copies; results never depend on it).
    let cache = CrystalCurveCache()

    /// Prepares a refinement; throws `RefinementError`, `EnvelopeError` or reader errors naming
    /// the option or file at fault.
    public init(crystals: [Crystal], data: MeasuredCurve, options: CrystalRefinementOptions = CrystalRefinementOptions()) throws {
        guard !crystals.isEmpty else { throw RefinementError.invalidSetting(option: "MODEL", message: "no crystal to refine") }
        let points = try FitPoints(data: data, overrides: options.overrides, fitRange: options.fitRange)
        let s = points.settings
        if let t = options.envelopeTable, !t.covers(s.rmin.value, s.rmax.value) {
            throw EnvelopeError.invalidTable(path: t.path, "covers r = \(t.r.first ?? 0)…\(t.r.last ?? 0) Å, not the fit range \(s.rmin.value)…\(s.rmax.value) Å")
        }
        let params = try CrystalParameters(crystals: crystals, options: options, settings: s)
        try points.check(free: params.freeIndices.count + params.phases.filter { params.all[$0.scale].free }.count, file: data.path)
        self.crystals = crystals
        self.data = data
        self.options = options
        settings = s
        parameters = params
        let (i0, i1) = (points.indices.lowerBound, points.indices.upperBound)
        r = Array(data.x[i0...i1])
        observed = points.observed
        weights = points.weights
        rootWeights = points.rootWeights
        // The engine grid: the data step when the data are uniform and at most 0.01 Å apart, else 0.01 Å.
        let xs = Array(data.x[i0...i1])
        let step0 = xs.count > 1 ? (xs[xs.count - 1] - xs[0]) / Double(xs.count - 1) : 0.01
        let uniform = xs.indices.allSatisfy { abs(xs[$0] - (xs[0] + Double($0) * step0)) < 1e-6 }
        let step = uniform && step0 > 0 && step0 <= 0.01 + 1e-12 ? step0 : 0.01
        engines = try crystals.map {
            try PeriodicPDFEngine(crystal: $0, radiation: s.radiation.value, qmin: s.qmin.value, qmax: s.qmax.value,
                                  rmin: s.rmin.value, rmax: s.rmax.value, step: step, coarse: true)
        }
        gridIndex = Array(data.x[i0...i1]).map { x in
            let k = x / step
            return abs(k - k.rounded()) < 1e-6 ? Int(k.rounded()) : nil
        }
    }

    /// Unscaled model curves (G_p·γ_p·qdamp envelope at the fit points) of each phase, for each
    /// value vector. Crystal curves are computed once per distinct point and pair lists once per
    /// distinct geometry (both kept in `cache` for the next calls), in parallel.
    func phaseCurves(_ valueSets: [[Double]]) throws -> [[[Double]]] {
        let threads = options.threads
        let P = parameters.phases.count
        var points = [[CrystalPoint]]()
        for x in valueSets { points.append(try (0..<P).map { try parameters.point($0, x) }) }
        typealias Job = CrystalCurveCache.Key
        var jobs = [Job](), jobIndex = [Job: Int](), known = [Int: [Double]]()
        for ps in points { for (p, pt) in ps.enumerated() {
            let j = Job(phase: p, point: pt)
            if jobIndex[j] == nil {
                jobIndex[j] = jobs.count
                if let c = cache.curve(j) { known[jobs.count] = c }
                jobs.append(j)
            }
        } }
        let missing = jobs.indices.filter { known[$0] == nil }
        // Pair lists per distinct geometry of the curves still to compute.
        var geometries = [Int](), geometryOf = [Int: Int](), knownPairs = [Int: PeriodicPDFEngine.PairList]()
        for k in missing {
            let j = jobs[k]
            if let g = geometries.firstIndex(where: { jobs[$0].phase == j.phase && jobs[$0].point.sameGeometry(j.point) }) {
                geometryOf[k] = g
            } else {
                geometryOf[k] = geometries.count
                if let l = cache.pairs(phase: j.phase, geometryOf: j.point) { knownPairs[geometries.count] = l }
                geometries.append(k)
            }
        }
        let engines = self.engines
        let jobsCopy = jobs
        let pairBuffer = SharedBuffer<PeriodicPDFEngine.PairList?>(repeating: nil, count: geometries.count)
        for (g, l) in knownPairs { pairBuffer.pointer[g] = l }
        let toBuild = geometries.indices.filter { knownPairs[$0] == nil }
        let geometryJobs = geometries
        ParallelBlocks.run(blocks: toBuild.count, threads: threads) { b, _ in
            let j = jobsCopy[geometryJobs[toBuild[b]]]
            pairBuffer.pointer[toBuild[b]] = engines[j.phase].pairs(j.point)
        }
        let pairs = pairBuffer.array
        for g in toBuild { if let l = pairs[g] { let j = jobs[geometries[g]]; cache.store(phase: j.phase, point: j.point, pairs: l) } }
        let curveBuffer = SharedBuffer<[Double]>(repeating: [], count: missing.count)
        let geometryIndex = missing.map { geometryOf[$0]! }
        let missingJobs = missing
        ParallelBlocks.run(blocks: missing.count, threads: threads) { b, _ in
            let j = jobsCopy[missingJobs[b]]
            if let list = pairs[geometryIndex[b]] { curveBuffer.pointer[b] = engines[j.phase].pdf(j.point, pairs: list) }
        }
        for (b, k) in missing.enumerated() { known[k] = curveBuffer.pointer[b]; cache.store(jobs[k], curve: curveBuffer.pointer[b]) }
        var dampings = [Double: [Double]]()
        return try valueSets.enumerated().map { v, x in
            let damp = x[parameters.qdamp]
            if dampings[damp] == nil { dampings[damp] = r.map { exp(-0.5 * damp * damp * $0 * $0) } }
            let damping = dampings[damp]!
            return try (0..<P).map { p -> [Double] in
                let g = known[jobIndex[Job(phase: p, point: points[v][p])]!]!
                let env = parameters.envelope(p, x)
                try env.validate()
                let grid = UniformGrid(start: 0, step: engines[p].step, count: g.count)
                return r.indices.map { i in
                    let value = gridIndex[i].map { g[$0] } ?? grid.interpolateCubic(g, at: r[i])
                    return value * damping[i] * env.value(at: r[i])
                }
            }
        }
    }

    /// Scales of the phases for unscaled curves `c` at values `x`: non-negative least squares
    /// within the scales' bounds for the free ones (every subset of scales at their lower bound is
    /// tried; the best feasible solution wins), the fixed values otherwise.
    func scales(_ c: [[Double]], _ x: [Double]) -> [Double] {
        let P = c.count
        // Normal equations once: A_pq = Σ w c_p c_q, b_p = Σ w c_p y; the cost of scales s is
        // yᵀWy − 2 sᵀb + sᵀA s, so every subset is solved without another pass over the points.
        var A = [Double](repeating: 0, count: P * P), bv = [Double](repeating: 0, count: P)
        for p in 0..<P {
            c[p].withUnsafeBufferPointer { cp in
                var sb = 0.0
                for i in 0..<cp.count { sb += weights[i] * cp[i] * observed[i] }
                bv[p] = sb
                for q in p..<P {
                    var sa = 0.0
                    c[q].withUnsafeBufferPointer { cq in for i in 0..<cp.count { sa += weights[i] * cp[i] * cq[i] } }
                    A[p + q * P] = sa; A[q + p * P] = sa
                }
            }
        }
        let params = parameters.phases.map { parameters.all[$0.scale] }
        let fixed = params.map { !$0.free }
        var best = parameters.phases.map { x[$0.scale] }
        var bestCost = Double.infinity
        for mask in 0..<(1 << P) {
            var s = parameters.phases.map { x[$0.scale] }
            var active = [Int]()
            var skip = false
            for p in 0..<P {
                if mask & (1 << p) != 0 { if fixed[p] { skip = true } else { s[p] = params[p].lower } } else if !fixed[p] { active.append(p) }
            }
            if skip { continue }
            if !active.isEmpty {
                let n = active.count
                var a = [Double](repeating: 0, count: n * n), b = [Double](repeating: 0, count: n)
                for (u, p) in active.enumerated() {
                    b[u] = bv[p] - (0..<P).filter { !active.contains($0) }.reduce(0) { $0 + A[p + $1 * P] * s[$1] }
                    for (v, q) in active.enumerated() { a[u + v * n] = A[p + q * P] }
                }
                guard let solved = CrystalRefinement.solve(a, size: n, b), solved.allSatisfy({ $0.isFinite }) else { continue }
                var feasible = true
                for (u, p) in active.enumerated() {
                    if solved[u] < params[p].lower - 1e-12 || solved[u] > params[p].upper { feasible = false }
                    s[p] = solved[u]
                }
                if !feasible { continue }
            }
            var cost = 0.0
            for p in 0..<P { cost -= 2 * s[p] * bv[p]; for q in 0..<P { cost += s[p] * A[p + q * P] * s[q] } }
            if cost < bestCost { bestCost = cost; best = s }
        }
        return best
    }

    /// Solves the small symmetric system a·x = b (column-major n×n) by Gaussian elimination with
    /// partial pivoting; nil when singular.
    static func solve(_ a0: [Double], size n: Int, _ b0: [Double]) -> [Double]? {
        var a = a0, b = b0
        for c in 0..<n {
            guard let p = (c..<n).max(by: { abs(a[$0 + c * n]) < abs(a[$1 + c * n]) }), abs(a[p + c * n]) > 1e-300 else { return nil }
            if p != c { for k in 0..<n { a.swapAt(c + k * n, p + k * n) }; b.swapAt(c, p) }
            for i in (c + 1)..<n {
                let f = a[i + c * n] / a[c + c * n]
                for k in c..<n { a[i + k * n] -= f * a[c + k * n] }
                b[i] -= f * b[c]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<n { s -= a[i + k * n] * x[k] }
            x[i] = s / a[i + i * n]
        }
        return x
    }

    /// The scaled model curve for unscaled phase curves.
    func model(_ c: [[Double]], scales s: [Double]) -> [Double] {
        observed.indices.map { i in c.indices.reduce(0) { $0 + s[$1] * c[$1][i] } }
    }

    /// Weighted residuals of several free-parameter vectors (envelope sizes that are not
    /// positive give a large residual instead of a curve).
    func residuals(of vectors: [[Double]]) throws -> [[Double]] {
        let xs = vectors.map(parameters.values)
        return try phaseCurves(xs).enumerated().map { k, c in
            let g = model(c, scales: scales(c, xs[k]))
            return observed.indices.map { rootWeights[$0] * (observed[$0] - g[$0]) }
        }
    }

    /// Runs the refinement; `keepCurves` keeps r, Gobs and Gcalc in the result.
    public func run(keepCurves: Bool = true) throws -> RefinementResult {
        var starts = [parameters.vector]
        var gridPoints = 0
        if options.globalSearch, !parameters.freeIndices.isEmpty {
            (starts, gridPoints) = try globalStarts()
        }
        var outcomes = [LevenbergMarquardt.Outcome]()
        if starts.count > 1 {
            let raced = try minimize(from: starts, iterations: min(options.maxIterations, LevenbergMarquardt.raceIterations))
            let leader = raced.map(\.cost).min() ?? .infinity
            for o in raced.sorted(by: { $0.cost < $1.cost }) where o.cost <= leader * 1.05 {
                if !outcomes.contains(where: { sameBasin($0.parameters, o.parameters) }) { outcomes.append(o) }
            }
        }
        // The leaders converge in rounds of `round` iterations; after each round a leader that has
        // come into the basin of a better one is dropped (it would reach the same minimum), so
        // leaders of different basins still all converge and the best wins.
        let round = 4
        var active = (outcomes.isEmpty ? starts : outcomes.map(\.parameters)).map { (parameters: $0, iterations: 0) }
        var converged = [LevenbergMarquardt.Outcome]()
        while !active.isEmpty {
            let budget = options.maxIterations - active[0].iterations
            let next = try minimize(from: active.map(\.parameters), iterations: min(round, max(budget, 0)))
            var survivors = [(outcome: LevenbergMarquardt.Outcome, iterations: Int)]()
            for (k, o) in next.enumerated() {
                let total = active[k].iterations + o.iterations
                if o.iterations < round || total >= options.maxIterations {
                    converged.append(LevenbergMarquardt.Outcome(parameters: o.parameters, residuals: o.residuals, cost: o.cost, iterations: total))
                } else { survivors.append((o, total)) }
            }
            survivors.sort { $0.outcome.cost < $1.outcome.cost }
            var kept = [(parameters: [Double], iterations: Int)]()
            for (o, total) in survivors {
                let merged = converged.contains { $0.cost <= o.cost && sameBasin($0.parameters, o.parameters) }
                    || kept.contains { sameBasin($0.parameters, o.parameters) }
                if !merged { kept.append((o.parameters, total)) }
            }
            active = kept
        }
        guard let b = converged.min(by: { $0.cost < $1.cost }) else { throw SettingsError.invalid("internal: no refinement start") }
        return try finish(b.parameters, iterations: b.iterations, starts: starts.count, gridPoints: gridPoints, keepCurves: keepCurves)
    }

    /// Least squares from each start, one Levenberg–Marquardt run each (cost tolerance 1e-6
    /// relative: it moves Rw by 5e-7), the model evaluations of a run on every thread.
    func minimize(from starts: [[Double]], iterations: Int) throws -> [LevenbergMarquardt.Outcome] {
        var lm = LevenbergMarquardt(lower: parameters.lower, upper: parameters.upper, steps: parameters.steps, maxIterations: iterations)
        lm.costTolerance = 1e-6
        lm.stepTolerance = 1e-6
        return try starts.map { start in try lm.minimize(from: start) { try residuals(of: $0) } }
    }

    /// Two vectors are in one basin when every parameter differs by at most 2 % of its bounds' width.
    func sameBasin(_ a: [Double], _ b: [Double]) -> Bool {
        let lo = parameters.lower, hi = parameters.upper
        return a.indices.allSatisfy { abs(a[$0] - b[$0]) <= 0.02 * min(hi[$0] - lo[$0], 1e6) }
    }

    /// The global stage: at the CIF's cell and coordinates, a grid of Uiso (every free Uiso the
    /// same: 0.003, 0.008, 0.02, 0.05 Å², within bounds) × δ2 (0, 30 %, 60 %, 90 % of
    /// min(upper, 10) Å²); for each cell every envelope size on a log grid (psize or radius
    /// 8…1000 Å, 32 values; thickness and psig 4 values) with the scales in closed form. The
    /// three best cells start the local stage. Never reads the starting Uiso, δ2 or sizes.
    func globalStarts() throws -> (starts: [[Double]], points: Int) {
        let ps = parameters
        let names = ps.freeNames
        // Every Uiso, and the diagonal U components of anisotropic sites, take the grid's value.
        let uPositions = names.indices.filter {
            if case .elementUiso = names[$0].unphased { return true }
            if case .anisotropicU(_, let c) = names[$0].unphased { return c < 3 }
            return false
        }
        let dPositions = names.indices.filter { names[$0].unphased == .delta2 }
        func clampGrid(_ values: [Double], _ k: Int) -> [Double] { Array(Set(values.map { min(max($0, ps.lower[k]), ps.upper[k]) })).sorted() }
        let uGrid: [Double?] = uPositions.isEmpty ? [nil] : clampGrid([0.003, 0.008, 0.02, 0.05], uPositions[0])
        let dGrid: [Double?] = dPositions.isEmpty ? [nil] : clampGrid([0, 0.3, 0.6, 0.9].map { min(ps.upper[dPositions[0]], 10) * $0 }, dPositions[0])
        var cells = [[Double]]()
        for u in uGrid { for d in dGrid {
            var v = ps.vector
            if let u { for k in uPositions { v[k] = u } }
            if let d { for k in dPositions { v[k] = d } }
            cells.append(v)
        } }
        // Envelope sizes: the free ones scanned together (the same value in every phase).
        var sizeGrids = [(positions: [Int], values: [Double])]()
        for e in EnvelopeParameter.allCases {
            let pos = names.indices.filter { names[$0].unphased == .envelope(e) }
            guard let first = pos.first else { continue }
            let lo = max(ps.lower[first], e == .thickness || e == .psig ? 1 : 8), hi = min(ps.upper[first], 1000)
            let n = e == .thickness || e == .psig ? 4 : 32
            let values = hi > lo ? (0..<n).map { lo * pow(hi / lo, Double($0) / Double(n - 1)) } : [lo]
            sizeGrids.append((pos, values))
        }
        var best = [(cost: Double, vector: [Double])]()
        var count = 0
        var combos: [[Double]] = [[]]
        for grid in sizeGrids { combos = combos.flatMap { c in grid.values.map { c + [$0] } } }
        // The envelopes of every size combination (they do not depend on the cell), and the
        // cells' curves in one parallel batch.
        func withSizes(_ cell: [Double], _ combo: [Double]) -> [Double] {
            var v = cell
            for (g, value) in zip(sizeGrids, combo) { for k in g.positions { v[k] = value } }
            return v
        }
        let envelopes = combos.map { combo in
            let xv = ps.values(withSizes(ps.vector, combo))
            return ps.phases.indices.map { p in let env = ps.envelope(p, xv); return r.map { env.value(at: $0) } }
        }
        let cellCurves = try phaseCurves(cells.map(ps.values))
        for (ci, cell) in cells.enumerated() {
            let x = ps.values(cell)
            // Undo this cell's envelopes: evaluate γ for each size combination on the crystal curves.
            let base = cellCurves[ci].enumerated().map { p, curve in
                let env = ps.envelope(p, x)
                return zip(curve, r).map { g, ri in let e = env.value(at: ri); return e != 0 ? g / e : 0 }
            }
            var cellBest = (cost: Double.infinity, vector: cell)
            if base.count == 1, let fast = singlePhaseScan(base[0], envelopes: envelopes.map { $0[0] }, scale: ps.all[ps.phases[0].scale]) {
                // One phase: each size's cost from two dot products (scale in closed form).
                count += combos.count
                best.append((fast.cost, withSizes(cell, combos[fast.index])))
                continue
            }
            for (k, combo) in combos.enumerated() {
                let v = withSizes(cell, combo)
                let curves = base.indices.map { p in zip(base[p], envelopes[k][p]).map { $0 * $1 } }
                let g = model(curves, scales: scales(curves, ps.values(v)))
                var cost = 0.0
                for i in observed.indices { let d = observed[i] - g[i]; cost += weights[i] * d * d }
                count += 1
                if cost < cellBest.cost { cellBest = (cost, v) }
            }
            best.append(cellBest)
        }
        // The envelope of a cell's own (starting) sizes may vanish inside the fit range: then the
        // division above loses information; such cells are rare and the scan still ranks them.
        let ranked = best.sorted { $0.cost < $1.cost }.prefix(3).map(\.vector)
        return (Array(ranked), count)
    }

    /// The best of several envelopes for one phase's unscaled curve `base` (before the envelope):
    /// with c = base·γ, the scale by the rule of `scales` for one phase (s = Σwcy / Σwc² when it
    /// lies within the scale's bounds, else its lower bound; the fixed value if not free) and the
    /// cost Σwy² − 2sΣwcy + s²Σwc², each from two dot products. Nil when a cost is not finite.
    func singlePhaseScan(_ base: [Double], envelopes: [[Double]], scale: RefinementParameter) -> (index: Int, cost: Double)? {
        let n = observed.count
        var a = [Double](repeating: 0, count: n), b = a
        var yy = 0.0
        for i in 0..<n {
            a[i] = weights[i] * base[i] * observed[i]
            b[i] = weights[i] * base[i] * base[i]
            yy += weights[i] * observed[i] * observed[i]
        }
        var best: (index: Int, cost: Double)?
        for (k, e) in envelopes.enumerated() {
            var cy = 0.0, cc = 0.0
            e.withUnsafeBufferPointer { E in
                for i in 0..<n { cy += a[i] * E[i]; cc += b[i] * E[i] * E[i] }
            }
            var s = scale.value
            if scale.free {
                let solved = cy / cc
                s = cc > 0 && solved >= scale.lower - 1e-12 && solved <= scale.upper ? solved : scale.lower
            }
            let cost = yy - 2 * s * cy + s * s * cc
            guard cost.isFinite else { return nil }
            if best == nil || cost < best!.cost { best = (k, cost) }
        }
        return best
    }

    func finish(_ v: [Double], iterations: Int, starts: Int, gridPoints: Int, keepCurves: Bool) throws -> RefinementResult {
        let x = parameters.values(v)
        let c = try phaseCurves([x])[0]
        let s = scales(c, x)
        let gcalc = model(c, scales: s)
        let stats = FitStatistics(observed: observed, calculated: gcalc, weights: weights)
        var params = parameters.all
        for (k, i) in parameters.freeIndices.enumerated() { params[i].value = v[k] }
        for (p, ph) in parameters.phases.enumerated() { params[ph.scale].value = s[p] }
        let freeScales = parameters.phases.indices.filter { parameters.all[parameters.phases[$0].scale].free }
        let nFree = parameters.freeIndices.count + freeScales.count
        let n = observed.count
        let oversampling = FitStatistics.oversampling(r: r, qmin: settings.qmin.value, qmax: settings.qmax.value)
        var columns: [[Double]]?
        if nFree > 0, options.uncertainties {
            // ∂(√w·res)/∂p at fixed scales; the scales' own columns last.
            let h = parameters.steps(v)
            let perturbed = try phaseCurves(parameters.freeIndices.indices.map { j in var q = v; q[j] += h[j]; return parameters.values(q) })
            var cols = perturbed.enumerated().map { j, cj in
                let gj = model(cj, scales: s)
                return gj.indices.map { -rootWeights[$0] * (gj[$0] - gcalc[$0]) / h[j] }
            }
            for p in freeScales { cols.append(observed.indices.map { -rootWeights[$0] * c[p][$0] }) }
            columns = cols
        }
        let order = parameters.freeIndices + freeScales.map { parameters.phases[$0].scale }
        var warnings = RefinementDiagnostics.apply(to: &params, columns: columns, order: order, stats: stats, points: n, free: nFree,
                                                   oversampling: oversampling, model: options.uncertaintyModel)
        if let band = BandLimitCheck.measure(r: r, g: observed, qmin: settings.qmin.value, qmax: settings.qmax.value),
           let w = band.warning(file: data.path) { warnings.append(w) }
        warnings += settings.qRangeWarnings(file: data.path)
        let total = s.reduce(0, +)
        let phases = parameters.phases.enumerated().map { p, ph in
            PhaseResult(name: ph.crystal.title, formula: ph.crystal.formula,
                        spaceGroup: ph.crystal.spaceGroupName ?? (ph.crystal.operations.count == 1 ? "P1" : "\(ph.crystal.operations.count) operations"),
                        envelope: options.envelope, scale: s[p], fraction: total > 0 ? s[p] / total : 0, notes: ph.notes)
        }
        var result = RefinementResult(
            model: crystals.map(\.title).joined(separator: " + "), data: data.path, formula: crystals.map(\.formula).joined(separator: " + "),
            parameters: params.sorted { $0.name < $1.name }, rw: stats.rw, rwUnweighted: stats.rwUnweighted, pearson: stats.pearson, chi2: stats.chi2,
            reducedChi2: stats.chi2 / Double(max(1, n - nFree)), points: n, effectivePoints: Double(n) / oversampling, oversampling: oversampling,
            uncertaintyModel: options.uncertaintyModel, freeParameters: nFree, iterations: iterations, starts: starts,
            gridPoints: gridPoints, weighted: data.dy != nil, settings: settings, warnings: warnings,
            curves: keepCurves ? FitCurves(r: r, gObserved: observed, gCalculated: gcalc) : nil)
        result.phases = phases
        return result
    }
}
