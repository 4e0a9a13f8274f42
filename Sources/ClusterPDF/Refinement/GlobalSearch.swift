import Foundation

/// The deterministic global stage of a refinement: a fixed grid over the free zoom, Uiso and δ2
/// inside their bounds, with the scale in closed form, ranked by cost. It never looks at the
/// starting values of those parameters, so the refinement's result does not depend on them.
///
/// Grid: Uiso at 4 geometric steps over [max(lower, 0.002), min(upper, 0.08)] Å² (every free
/// Uiso takes the same value); δ2 at lower + (min(upper, 15) − lower)·{0, 0.2, 0.45, 0.8} Å²;
/// zoom over its whole bounds in steps of 0.002. Each (Uiso, δ2) pair costs one Debye evaluation
/// at zoom z0 on a wide r grid; every zoom is then a stretch of that curve,
/// G_z(r) ≈ G_z0(r·z0/z), costed on the data thinned to one point per 0.03 Å (peaks are ≥ 0.1 Å
/// wide). Other free parameters (δ1, qdamp, qbroad) stay at their starting values. The local
/// minima of the (Uiso, δ2) grid (zoom optimised in each cell; a neighbour whose best zoom differs
/// by more than 0.006 belongs to another basin) and the best cells are the starts of the local
/// stage.
struct GlobalSearch {
    let refinement: PDFRefinement
    /// How many of the best cells, and how many of the best local minima, become starts.
    let topCells: Int

    /// Free-parameter vectors of the grid's local minima, best first, and the number of points.
    struct Outcome {
        var best: [[Double]]
        var gridPoints: Int
    }

    func run() throws -> Outcome {
        let ps = refinement.parameters
        let model = refinement.model
        let base = ps.vector
        let zi = ps.position(of: .zoom)
        let uisoPositions = ps.freeNames.enumerated().filter { $0.element.shared == .uiso }.map(\.offset)
        let di = ps.position(of: .delta2)

        // Zoom: scanned over its bounds (z0 = 1 moved into them).
        var z0 = ps.point(base).zoom
        var zooms = [z0]
        if let zi {
            let lo = ps.lower[zi], hi = ps.upper[zi]
            z0 = min(max(1, lo), hi)
            let n = max(0, Int(((hi - lo) / 0.002).rounded(.down)))
            zooms = (0...n).map { lo + Double($0) * 0.002 }
        }
        // Uiso and δ2 grids.
        var uisos: [Double?] = [nil]
        if !uisoPositions.isEmpty {
            let lo = uisoPositions.map { ps.lower[$0] }.max() ?? 0, hi = uisoPositions.map { ps.upper[$0] }.min() ?? 0.1
            let a = min(max(lo, 0.002), hi), b = max(min(hi, 0.08), a)
            uisos = (0..<4).map { a * pow(b / a, Double($0) / 3) }
        }
        var deltas: [Double?] = [nil]
        if let di {
            let lo = ps.lower[di], hi = max(min(ps.upper[di], 15), lo)
            deltas = [0, 0.2, 0.45, 0.8].map { lo + (hi - lo) * $0 }
        }
        var vectors = [[Double]]()
        for u in uisos { for d in deltas {
            var v = base
            if let zi { v[zi] = z0 }
            if let u { for p in uisoPositions { v[p] = u } }
            if let d, let di { v[di] = d }
            vectors.append(v)
        } }

        // One wide curve per (Uiso, δ2) at zoom z0.
        let r = model.r
        let zlo = zooms.first ?? z0, zhi = zooms.last ?? z0
        let step = min(model.base.settings.rstep, 0.02)
        let start = max(0, (r.first ?? 0) * z0 / zhi - 0.05)
        let count = Int((((r.last ?? 0) * z0 / zlo + 0.05 - start) / step).rounded(.up)) + 2
        let grid = UniformGrid(start: start, step: step, count: count)
        let curves = try model.wideCurves(vectors.map(ps.point), grid: grid)

        // Thinned data: one point per 0.03 Å.
        var use = [Int]()
        for k in r.indices where use.isEmpty || r[k] - r[use[use.count - 1]] >= 0.03 - 1e-9 { use.append(k) }
        let y = use.map { refinement.observed[$0] }, w = use.map { refinement.weights[$0] }
        var syy = 0.0
        for k in use.indices { syy += w[k] * y[k] * y[k] }
        var best = [(cost: Double, zoom: Double)](repeating: (.infinity, z0), count: curves.count)
        var lowerIndex = [Int](repeating: 0, count: use.count), fraction = [Double](repeating: 0, count: use.count)
        for z in zooms {
            // The interpolation positions of a zoom serve every (Uiso, δ2) curve.
            let stretch = z0 / z
            for (k, i) in use.enumerated() {
                let t = (r[i] * stretch - grid.start) / grid.step
                let j = max(0, min(grid.count - 2, Int(t)))
                lowerIndex[k] = j; fraction[k] = t - Double(j)
            }
            for (c, g) in curves.enumerated() {
                var sxy = 0.0, sgg = 0.0
                for k in use.indices {
                    let j = lowerIndex[k], u = fraction[k]
                    let gc = g[j] + (g[j + 1] - g[j]) * u
                    sxy += w[k] * y[k] * gc; sgg += w[k] * gc * gc
                }
                let s = refinement.scale(sumObsCalc: sxy, sumCalcSquared: sgg)
                let cost = syy - 2 * s * sxy + s * s * sgg
                if cost < best[c].cost { best[c] = (cost, z) }
            }
        }
        // Start from the local minima of the (Uiso, δ2) grid (no better neighbour with about the
        // same zoom), best first: distinct basins, not neighbours of one.
        let nd = deltas.count
        func isLocalMinimum(_ c: Int) -> Bool {
            let (a, b) = (c / nd, c % nd)
            for (da, db) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                let (x, y) = (a + da, b + db)
                guard x >= 0, x < uisos.count, y >= 0, y < nd else { continue }
                // A neighbour whose best zoom differs is another basin, not a better point of this one.
                if best[x * nd + y].cost < best[c].cost, abs(best[x * nd + y].zoom - best[c].zoom) <= 0.006 + 1e-12 { return false }
            }
            return true
        }
        let ranked = curves.indices.sorted { best[$0].cost < best[$1].cost || (best[$0].cost == best[$1].cost && $0 < $1) }
        // The best cells and the local minima, best first (the grid's cost landscape in δ2 has
        // separate regimes: δ2 above r₁² makes nearest-neighbour peaks sharp).
        let chosen = Set(ranked.prefix(topCells)).union(ranked.filter(isLocalMinimum).prefix(topCells))
        let starts = ranked.filter(chosen.contains).map { c -> [Double] in
            var v = vectors[c]
            if let zi { v[zi] = best[c].zoom }
            return v
        }
        return Outcome(best: starts, gridPoints: vectors.count * zooms.count)
    }
}
