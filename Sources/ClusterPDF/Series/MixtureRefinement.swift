import Foundation

/// Joint least-squares refinement of a mixture's members on one curve: every member's zoom, Uiso
/// (one, or one per element) and δ2 refined together by bounded Levenberg–Marquardt, the members'
/// amplitudes solved at every evaluation as a non-negative linear least-squares problem
/// (`MixtureSolver`; variable projection). It polishes the alternating refinement of
/// `SeriesAnalysis` (each member refined with the others subtracted), which converges slowly where
/// members' peaks overlap and lets them trade zoom.
struct MixtureRefinement {
    /// The members.
    var structures: [Structure]
    /// Data settings and fit range (`RefinementOptions.overrides`).
    var options: RefinementOptions
    /// One Uiso per element for each member.
    var uisoPerElement: Bool

    /// The outcome: each member's parameters, the amplitudes, Rw and the curves on the fit grid.
    struct Outcome {
        var parameters: [[ParameterName: Double]]
        var amplitudes: [Double]
        var rw: Double
        var columns: [[Double]]
        var observed: [Double]
        var r: [Double]
    }

    /// Refines from `start` (per member: zoom, uiso or elementUiso, delta2; missing values take
    /// the defaults) against `curve`.
    func refine(_ curve: MeasuredCurve, start: [[ParameterName: Double]]) throws -> Outcome {
        let points = try FitPoints(data: curve, overrides: options.overrides, fitRange: Defaults.fitRange)
        let s = points.settings
        let (i0, i1) = (points.indices.lowerBound, points.indices.upperBound)
        let models = try structures.map { try PDFModel(structure: $0, curve: curve, indices: i0..<(i1 + 1), settings: s, threads: 1) }
        // The layout of the parameter vector: per member zoom, its Uiso values, δ2.
        var names = [[ParameterName]]()
        for m in models {
            names.append([.zoom] + (uisoPerElement ? m.elements.map { .elementUiso($0) } : [.uiso]) + [.delta2])
        }
        func bound(_ n: ParameterName) -> ClosedRange<Double> { options.bounds[n] ?? options.bounds[n.shared] ?? n.defaultBounds }
        var vector = [Double](), lower = [Double](), upper = [Double]()
        for (k, list) in names.enumerated() {
            for n in list {
                let b = bound(n)
                let v = start[k][n] ?? start[k][n.shared] ?? Defaults.startingValues[n.shared] ?? 1
                vector.append(min(max(v, b.lowerBound), b.upperBound)); lower.append(b.lowerBound); upper.append(b.upperBound)
            }
        }
        let observed = points.observed, root = points.rootWeights
        func curves(_ v: [Double]) throws -> [[Double]] {
            var offset = 0
            var out = [[Double]]()
            for (k, list) in names.enumerated() {
                let p = Array(v[offset..<(offset + list.count)])
                offset += list.count
                let u = uisoPerElement ? Array(p[1..<(p.count - 1)]) : Array(repeating: p[1], count: models[k].elements.count)
                let point = ModelPoint(zoom: p[0], uiso: u, peakWidth: PeakWidth(delta2: p[p.count - 1], qbroad: s.qbroad.value), qdamp: s.qdamp.value)
                out.append(try models[k].curves([point])[0])
            }
            return out
        }
        func weighted(_ c: [Double]) -> [Double] { zip(c, root).map { $0 * $1 } }
        let y = weighted(observed)
        func residuals(_ v: [Double]) throws -> [Double] {
            let cols = try curves(v).map(weighted)
            let sol = try MixtureSolver.solve(columns: cols, y: y)
            var r = y
            for (a, c) in zip(sol.amplitudes, cols) { for i in r.indices { r[i] -= a * c[i] } }
            return r
        }
        // Finite-difference steps as `ParameterSet`'s: 1e-5 for zoom, else 1e-4 of the value (at least 1e-6), inward at an upper bound.
        let isZoom = names.flatMap { $0 }.map { $0 == .zoom }
        let lm = LevenbergMarquardt(lower: lower, upper: upper, steps: { v in
            v.indices.map { i in
                let h = isZoom[i] ? 1e-5 : max(1e-6, 1e-4 * abs(v[i]))
                return v[i] + h > upper[i] ? -h : h
            }
        }, maxIterations: options.maxIterations)
        let best = try lm.minimize(from: vector) { batch in try batch.map(residuals) }
        let cols = try curves(best.parameters)
        let sol = try MixtureSolver.solve(columns: cols.map(weighted), y: y)
        let norm = y.reduce(0) { $0 + $1 * $1 }
        var params = [[ParameterName: Double]]()
        var offset = 0
        for list in names {
            var d = [ParameterName: Double]()
            for n in list { d[n] = best.parameters[offset]; offset += 1 }
            params.append(d)
        }
        return Outcome(parameters: params, amplitudes: sol.amplitudes, rw: norm > 0 ? (sol.rss / norm).squareRoot() : .infinity,
                       columns: cols, observed: observed, r: Array(curve.x[i0...i1]))
    }
}
