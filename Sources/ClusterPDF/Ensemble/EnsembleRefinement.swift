import Foundation

/// Refines a log-normal ensemble of spheres cut from randomly stacked double layers — the Debye
/// nanoparticle model of DEBUSSY's kind, here with the stacking average exact — against a
/// measured G(r): mean diameter psize and its standard deviation psig (Å), the stacking-fault
/// probability `fault` (optional), with zoom, Uiso and δ2 as for clusters.
///
/// The global stage scans psize (20 values over its bounds, log-spaced, with psig = 10 % of
/// psize) and, when refined, the fault probability (0, ¼, ½, ¾, 1) at the starting zoom, Uiso
/// and δ2; the local stage (`CurveRefinement`) races the three best cells and the best cell of
/// each fault probability.
public struct EnsembleRefinement: CurveRefinement {
    /// The layer geometry (from the crystal).
    public let geometry: LayerGeometry
    /// The measured curve.
    public let data: MeasuredCurve
    /// The options as given.
    public let ensemble: EnsembleOptions
    /// The refinement options (data settings, starts, bounds).
    public var options: RefinementOptions { ensemble.refinement }
    /// The resolved data settings.
    public let settings: DataSettings
    let model: EnsembleModel
    let parameters: ParameterSet
    let observed: [Double]
    let weights: [Double]
    let rootWeights: [Double]
    /// Where the geometry came from (for the title).
    let source: String

    /// Prepares a refinement of the ensemble built of `crystal`'s double layers (zincblende or
    /// wurtzite, read from `path`).
    ///
    /// Zoom, Uiso and δ2 start (unless given) where the attenuated crystal (sphere envelope) of
    /// the same CIF refines to on the same data — a fraction of a second — since a start far from
    /// them can end in a poorer minimum of δ2; psize then starts at the crystal's particle size.
    /// Should that refinement fail, the defaults are the start (the global grid still runs).
    public init(crystal: Crystal, path: String, data: MeasuredCurve, options: EnsembleOptions = EnsembleOptions()) throws {
        let g = try LayerGeometry(crystal: crystal, path: path)
        var o = options
        if o.refinement.globalSearch, let seed = try? EnsembleRefinement.crystalStart(crystal, data: data, options: o) {
            for (k, v) in seed where o.refinement.start[k] == nil && o.refinement.start[k.shared] == nil { o.refinement.start[k] = v }
        }
        try self.init(geometry: g, source: (path as NSString).lastPathComponent, data: data, options: o)
    }

    /// Zoom (cube root of the cell volume ratio), mean Uiso, δ2 and psize of the attenuated
    /// crystal fitted over the ensemble's data range, each within the ensemble's bounds.
    static func crystalStart(_ crystal: Crystal, data: MeasuredCurve, options: EnsembleOptions) throws -> [ParameterName: Double] {
        var co = CrystalRefinementOptions()
        co.overrides = options.refinement.overrides
        co.threads = options.refinement.threads
        co.uncertainties = false
        if co.overrides.rmax == nil, let end = data.x.last { co.overrides.rmax = min(end, options.maximumDiameter) }
        let result = try CrystalRefinement(crystals: [crystal], data: data, options: co).run(keepCurves: false)
        func value(_ n: ParameterName) -> Double? { result.parameters.first { $0.name == n }?.value }
        var out = [ParameterName: Double]()
        let l = crystal.lattice
        if let a = value(.lattice(.a)), let c = value(.lattice(.c)) { out[.zoom] = pow(a * a * c / (l.a * l.a * l.c), 1.0 / 3) }
        let us = result.parameters.filter { $0.name.shared == .uiso }.map(\.value)
        if !us.isEmpty { out[.uiso] = us.reduce(0, +) / Double(us.count) }
        out[.delta2] = value(.delta2)
        out[.envelope(.psize)] = value(.envelope(.psize))
        let bounds = EnsembleOptions.defaultBounds.merging(options.refinement.bounds) { $1 }
        for (k, v) in out {
            let b = bounds[k] ?? k.defaultBounds
            out[k] = min(max(v, b.lowerBound), b.upperBound)
        }
        return out
    }

    /// Prepares a refinement of the ensemble of `geometry`.
    public init(geometry g: LayerGeometry, source: String, data: MeasuredCurve, options: EnsembleOptions = EnsembleOptions()) throws {
        let o = options.refinement
        if options.free?.contains(.fault) == true, !options.stackingFaults {
            throw RefinementError.invalidSetting(option: "--free", message: "fault is refined with --stacking-faults")
        }
        for name in Array(options.free ?? []) + Array(o.bounds.keys) + Array(o.start.keys) {
            switch name.unphased {
            case .scale, .zoom, .uiso, .elementUiso, .delta1, .delta2, .qdamp, .qbroad, .fault, .envelope(.psize), .envelope(.psig): continue
            default: throw RefinementError.invalidSetting(option: "--free/--bounds/--start", message: "\(name) is not a parameter of an ensemble (scale, zoom, uiso, uiso:<element>, delta1, delta2, qdamp, qbroad, psize, psig, fault)")
            }
        }
        guard options.maximumDiameter >= 4 * options.sizeStep, options.sizeStep > 0, options.maximumDiameter <= 400 else {
            throw RefinementError.invalidSetting(option: "--max-diameter", message: "the size grid must reach at least 4 steps and at most 400 Å (got \(options.maximumDiameter) Å, step \(options.sizeStep) Å)")
        }
        // psize stays on the size grid: the default upper bound follows a smaller --max-diameter,
        // bounds given outside the grid are refused (a zero lower bound made the grid NaN).
        let defaultSize = EnsembleOptions.defaultBounds[.envelope(.psize)]!
        let psizeBounds = o.bounds[.envelope(.psize)]
            ?? defaultSize.lowerBound...max(defaultSize.lowerBound, min(defaultSize.upperBound, options.maximumDiameter))
        guard psizeBounds.lowerBound >= options.sizeStep, psizeBounds.upperBound <= options.maximumDiameter else {
            throw RefinementError.invalidSetting(option: "--bounds", message: String(format: "psize must stay within the size grid, %g…%g Å (got %g…%g Å)",
                                                                                   options.sizeStep, options.maximumDiameter, psizeBounds.lowerBound, psizeBounds.upperBound))
        }
        var ro = o
        var free = options.free ?? [.scale, .zoom, .uiso, .delta2, .envelope(.psize), .envelope(.psig)]
        if options.free == nil, options.stackingFaults { free.insert(.fault) }
        ro.free = free
        // The size distribution shows where G(r) dies away: the default fit range runs to the end
        // of the data (at most the largest particle), not to the clusters' 20 Å.
        let end = min(data.x.last ?? Defaults.fitRange.upperBound, options.maximumDiameter)
        let points = try FitPoints(data: data, overrides: o.overrides, fitRange: Defaults.fitRange.lowerBound...max(end, Defaults.fitRange.lowerBound + 1))
        let b = EnsembleOptions.defaultBounds
        let native = g.parent == .zincblende ? 1.0 : 0.0
        let middle = (psizeBounds.lowerBound * psizeBounds.upperBound).squareRoot()
        let extra: [(name: ParameterName, start: Double, bounds: ClosedRange<Double>)] = [
            (.envelope(.psize), middle, psizeBounds),
            (.envelope(.psig), 0.15 * middle, b[.envelope(.psig)]!),
            (.fault, native, b[.fault]!)]
        let params = try ParameterSet(options: ro, elements: [g.cation, g.anion], settings: points.settings, formula: "\(g.cation.symbol)\(g.anion.symbol)", extra: extra)
        try points.check(free: params.freeIndices.count + (params.scaleIsFree ? 1 : 0), file: data.path)
        geometry = g
        self.data = data
        var e = options
        e.refinement = ro
        ensemble = e
        settings = points.settings
        parameters = params
        observed = points.observed
        weights = points.weights
        rootWeights = points.rootWeights
        self.source = source
        let (i0, i1) = (points.indices.lowerBound, points.indices.upperBound)
        model = try EnsembleModel(geometry: g, curve: data, indices: i0..<(i1 + 1), settings: points.settings,
                                  maximumDiameter: options.maximumDiameter, maximumZoom: params.all.first { $0.name == .zoom }?.upper ?? 1.15, threads: o.threads)
    }

    /// The ensemble point of a free-parameter vector.
    func point(_ v: [Double]) -> EnsemblePoint {
        let p = parameters.point(v)
        return EnsemblePoint(zoom: p.zoom, uiso: (p.uiso[0], p.uiso[1]), peakWidth: p.peakWidth, qdamp: p.qdamp,
                             sizes: LognormalSizes(psize: parameters.value(.envelope(.psize), in: v), psig: parameters.value(.envelope(.psig), in: v), step: ensemble.sizeStep),
                             fault: parameters.value(.fault, in: v))
    }

    func unscaledCurves(_ vectors: [[Double]]) throws -> [[Double]] { try model.curves(vectors.map(point)) }

    var resultModel: (title: String, formula: String, r: [Double]) {
        let g = geometry
        let faults = parameters.freeNames.contains(.fault) ? "stacking-faulted " : ""
        return (String(format: "%@ ensemble of %@%@%@ spheres (%@ layers of %@: a %.4f Å, h %.4f Å, b_z %.4f Å)", ensemble.kind.rawValue, faults,
                       g.cation.symbol, g.anion.symbol, g.parent.rawValue, source, g.a, g.h, g.bz),
                "\(g.cation.symbol)\(g.anion.symbol)", model.r)
    }

    /// Runs the refinement; `keepCurves` keeps r, Gobs and Gcalc in the result.
    public func run(keepCurves: Bool = true) throws -> RefinementResult {
        var starts = [parameters.vector]
        var gridPoints = 0
        if options.globalSearch, !parameters.freeIndices.isEmpty {
            (starts, gridPoints) = try globalStarts()
        }
        let best = try refine(from: starts)
        let v = best.parameters
        let (_, truncated) = point(v).sizes.weights(maximum: ensemble.maximumDiameter)
        var extra = [RefinementWarning]()
        if truncated > 1e-3 {
            extra.append(RefinementWarning(.ensembleTruncated, parameter: .envelope(.psize),
                                           String(format: "%.1f %% of the ensemble's scattering volume lies in particles larger than %.0f Å, left out of the model: raise --max-diameter", 100 * truncated, ensemble.maximumDiameter)))
        }
        return try finish(v, iterations: best.iterations, starts: starts.count, gridPoints: gridPoints, keepCurves: keepCurves, extraWarnings: extra)
    }

    /// Cells of the global grid along psize.
    static let sizeCells = 20

    /// The three best cells of the global grid over psize (and fault) and the starting point, and
    /// the best cell of each fault probability, as starts.
    func globalStarts() throws -> ([[Double]], Int) {
        let base = parameters.vector
        let iSize = parameters.position(of: .envelope(.psize)), iSig = parameters.position(of: .envelope(.psig)), iFault = parameters.position(of: .fault)
        guard iSize != nil || iFault != nil else { return ([base], 0) }
        var sizes = [Double?](arrayLiteral: nil), faults = [Double?](arrayLiteral: nil)
        if let i = iSize {
            let lo = parameters.lower[i], hi = parameters.upper[i]
            sizes = (0..<EnsembleRefinement.sizeCells).map { k in lo * pow(hi / lo, (Double(k) + 0.5) / Double(EnsembleRefinement.sizeCells)) }
        }
        if let i = iFault { faults = [0, 0.25, 0.5, 0.75, 1].map { parameters.lower[i] + $0 * (parameters.upper[i] - parameters.lower[i]) } }
        var cells = [[Double]]()
        for s in sizes {
            for f in faults {
                var v = base
                if let s, let i = iSize { v[i] = s; if let j = iSig { v[j] = min(max(0.1 * s, parameters.lower[j]), parameters.upper[j]) } }
                if let f, let i = iFault { v[i] = f }
                cells.append(v)
            }
        }
        cells.append(base)   // the starting point itself (the attenuated crystal's values)
        let costs = try unscaledCurves(cells).map(cost)
        let order = costs.indices.sorted { costs[$0] < costs[$1] }
        var starts = Array(order.prefix(max(1, options.globalStarts)))
        // …and the best cell of each fault probability, so every stacking regime races.
        if let i = iFault {
            for f in faults {
                if let best = order.first(where: { cells[$0][i] == f && $0 < cells.count - 1 }), !starts.contains(best) { starts.append(best) }
            }
        }
        return (starts.map { cells[$0] }, cells.count)
    }
}
