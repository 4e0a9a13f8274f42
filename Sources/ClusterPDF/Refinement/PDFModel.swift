import Foundation

/// A cluster's G(r) at the points of a measured curve, for any `ModelPoint`: the evaluation half
/// of a refinement. Pair distances are histogrammed once (bin 1e-3 Å, each bin at its pairs' mean
/// distance); zoom, U and the peak width only re-weight them. F(Q) prefactors and the sine
/// transform matrix are computed once, so every evaluation is a Debye sum over the bins and one
/// BLAS product.
struct PDFModel: Sendable {
    /// Indices of the fit points in the curve.
    let indices: Range<Int>
    /// r of the fit points (Å).
    let r: [Double]
    /// Elements of the structure (order of `ModelPoint.uiso`).
    let elements: [Element]
    let base: DebyeCalculator
    /// The model grid is the data grid (no interpolation).
    let direct: Bool
    /// F(Q) prefactors of each kind pair on the (fixed) integration grid.
    let prefactors: [[Double]]
    /// sin(Q r) on the integration and model grids.
    let sineMatrix: SineMatrix

    init(structure: Structure, curve: MeasuredCurve, indices: Range<Int>, settings d: DataSettings, threads: Int) throws {
        self.indices = indices
        r = Array(curve.x[indices])
        elements = structure.elements
        var s = ScatteringSettings()
        s.radiation = d.radiation.value
        s.qmin = d.qmin.value
        s.qmax = d.qmax.value
        s.mode = .histogram
        s.binWidth = 1e-3
        s.threads = threads
        (direct, s.rmin, s.rmax, s.rstep) = PDFModel.modelGrid(curve: curve, indices: indices, qmax: s.qmax)
        let first = try DebyeCalculator(structure: structure, settings: s)
        // A fixed integration grid, fine enough for any zoom up to 1.5: step 1/(1.5·D + rmax), at
        // least 2π samples per period of the fastest term. With the 1e-3 Å histogram and the
        // cubic interpolation, the model is within 5e-5 of the maximum of a converged exact G(r)
        // (tested at zoom 1 and 1.4), far below the noise of measured data.
        s.qIntegrationStep = 1.0 / (first.maximumPairDistance * 1.5 + s.rmax)
        base = try DebyeCalculator(reusing: first, settings: s)
        prefactors = base.pairPrefactors(grid: base.integrationGrid.grid)
        sineMatrix = SineMatrix(qGrid: base.integrationGrid.grid, rGrid: base.rGrid)
    }

    /// The grid a model is computed on for the fit points `indices` of `curve`: its own uniform
    /// grid, step h = min(0.02, 0.4/Qmax) Å (G(r) is band-limited to Qmax, so cubic interpolation
    /// onto the data points errs by about (Qmax·h)⁴/384 ≤ 2e-4 of the amplitude), or directly the
    /// data grid when it is uniform and at least that coarse (`direct`).
    static func modelGrid(curve: MeasuredCurve, indices: Range<Int>, qmax: Double) -> (direct: Bool, rmin: Double, rmax: Double, rstep: Double) {
        let i0 = indices.lowerBound, i1 = indices.upperBound - 1
        let step = curve.x[i0 + 1] - curve.x[i0]
        let uniform = indices.allSatisfy { abs(curve.x[$0] - (curve.x[i0] + Double($0 - i0) * step)) < 1e-6 * max(step, 1e-12) + 1e-9 }
        let h = min(0.02, 0.4 / qmax)
        if uniform && step >= h - 1e-9 { return (true, curve.x[i0], curve.x[i1], step) }
        return (false, max(0, curve.x[i0] - 2 * h), curve.x[i1] + 2 * h, h)
    }

    /// The calculator for one point (shares the base histogram, re-weighted), on `settings`' r grid.
    func calculator(_ p: ModelPoint, settings: ScatteringSettings? = nil) throws -> DebyeCalculator {
        var s = settings ?? base.settings
        s.peakWidth = p.peakWidth
        s.qdamp = p.qdamp
        let kinds = base.kinds.withUiso(Dictionary(uniqueKeysWithValues: zip(elements, p.uiso).map { ($0, $1) }))
        guard let histogram = base.histogram else { throw SettingsError.invalid("internal: refinement model without a pair histogram") }
        return try DebyeCalculator(reusing: base, settings: s, kinds: kinds, histogram: histogram.scaled(by: p.zoom))
    }

    /// Unscaled model G(r) at the fit points for several points, sharing one sine transform.
    func curves(_ points: [ModelPoint]) throws -> [[Double]] {
        guard !points.isEmpty else { return [] }
        let calcs = try points.map { try calculator($0) }
        let rg = calcs[0].rGrid
        return DebyeCalculator.pairDistributionFunctions(calcs, prefactors: prefactors, matrix: sineMatrix).map { g in
            if direct { return Array(g.prefix(r.count)) }
            return r.map { rg.interpolateCubic(g, at: $0) }  // Catmull–Rom onto the data points
        }
    }

    /// Unscaled G(r) of several points (at zoom 1) on a uniform grid `grid` covering r/zoom for
    /// every zoom to be scanned, sharing one sine transform.
    func wideCurves(_ points: [ModelPoint], grid: UniformGrid) throws -> [[Double]] {
        guard !points.isEmpty else { return [] }
        var s = base.settings
        s.rmin = grid.start; s.rstep = grid.step; s.rmax = grid.last
        let calcs = try points.map { try calculator($0, settings: s) }
        let matrix = SineMatrix(qGrid: base.integrationGrid.grid, rGrid: calcs[0].rGrid)
        return DebyeCalculator.pairDistributionFunctions(calcs, prefactors: prefactors, matrix: matrix)
    }
}
