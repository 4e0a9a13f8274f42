import Foundation

/// Refines a cluster model against a measured G(r).
///
/// The data settings are resolved once (`DataSettings`: option, then header, then default). The
/// scale is solved in closed form (within its bounds) at every evaluation; the other free
/// parameters are found in two stages: a deterministic global stage (`GlobalSearch`: a fixed grid
/// over zoom, Uiso and δ2 inside their bounds) and bounded Levenberg–Marquardt
/// (`LevenbergMarquardt`) from its best few points. Statistics and uncertainties come from
/// `FitStatistics` and `ParameterCovariance` (see `UncertaintyModel`); results at a limit carry
/// `RefinementWarning`s.
public struct PDFRefinement: Sendable {
    /// The model structure.
    public let structure: Structure
    /// The measured curve.
    public let data: MeasuredCurve
    /// The options as given.
    public let options: RefinementOptions
    /// The resolved data settings (fit range clipped to the data points used).
    public let settings: DataSettings
    let model: PDFModel
    let parameters: ParameterSet
    /// Observed G(r) and weights at the fit points.
    let observed: [Double]
    let weights: [Double]
    let rootWeights: [Double]

    /// Prepares a refinement; throws `RefinementError` (or a reader/settings error) naming the
    /// option or file at fault.
    public init(structure: Structure, data: MeasuredCurve, options: RefinementOptions = RefinementOptions()) throws {
        let points = try FitPoints(data: data, overrides: options.overrides, fitRange: Defaults.fitRange)
        let s = points.settings
        let params = try ParameterSet(options: options, elements: structure.elements, settings: s, formula: structure.formula)
        try points.check(free: params.freeIndices.count + (params.scaleIsFree ? 1 : 0), file: data.path)
        self.structure = structure
        self.data = data
        self.options = options
        settings = s
        parameters = params
        observed = points.observed
        weights = points.weights
        rootWeights = points.rootWeights
        let (i0, i1) = (points.indices.lowerBound, points.indices.upperBound)
        model = try PDFModel(structure: structure, curve: data, indices: i0..<(i1 + 1), settings: s, threads: options.threads)
    }

    /// The scale for an unscaled model curve: least squares Σw·Gobs·Gcalc / Σw·Gcalc² within the
    /// scale's bounds when free, else the fixed value.
    func scale(for g: [Double]) -> Double {
        let (sxy, syy) = sums(g)
        return scale(sumObsCalc: sxy, sumCalcSquared: syy)
    }

    /// Σw·Gobs·Gcalc and Σw·Gcalc² of an unscaled model curve.
    func sums(_ g: [Double]) -> (obsCalc: Double, calcSquared: Double) {
        var sxy = 0.0, syy = 0.0
        for k in g.indices { sxy += weights[k] * observed[k] * g[k]; syy += weights[k] * g[k] * g[k] }
        return (sxy, syy)
    }

    func scale(sumObsCalc sxy: Double, sumCalcSquared syy: Double) -> Double {
        guard parameters.scaleIsFree else { return parameters.fixedScale }
        return parameters.all[0].clamped(syy > 0 ? sxy / syy : 0)
    }

    /// Weighted residuals √w (Gobs − s·Gcalc) at the closed-form scale.
    func residuals(_ g: [Double]) -> [Double] {
        let s = scale(for: g)
        return g.indices.map { rootWeights[$0] * (observed[$0] - s * g[$0]) }
    }

    /// Residuals of several free-parameter vectors (one batch of model evaluations).
    func residuals(of vectors: [[Double]]) throws -> [[Double]] {
        try model.curves(vectors.map(parameters.point)).map(residuals)
    }

    /// Runs the refinement; `keepCurves` keeps r, Gobs and Gcalc in the result.
    public func run(keepCurves: Bool = true) throws -> RefinementResult {
        let lm = LevenbergMarquardt(lower: parameters.lower, upper: parameters.upper, steps: parameters.steps, maxIterations: options.maxIterations)
        var starts = [parameters.vector]
        var gridPoints = 0
        if options.globalSearch, !parameters.freeIndices.isEmpty {
            let search = try GlobalSearch(refinement: self, topCells: max(1, options.globalStarts)).run()
            starts = search.best
            gridPoints = search.gridPoints
        }
        // Several starts race: a few iterations each; then the leaders (cost within 5 % of the
        // best), one per basin, go on to convergence, and the best of them wins (ties: the
        // earlier start).
        var outcomes = [LevenbergMarquardt.Outcome]()
        if starts.count > 1 {
            var short = lm
            short.maxIterations = min(lm.maxIterations, LevenbergMarquardt.raceIterations)
            let raced = try starts.map { start in try short.minimize(from: start) { try residuals(of: $0) } }
            let leader = raced.map(\.cost).min() ?? .infinity
            for o in raced.sorted(by: { $0.cost < $1.cost }) where o.cost <= leader * 1.05 {
                if !outcomes.contains(where: { sameBasin($0.parameters, o.parameters) }) { outcomes.append(o) }
            }
        }
        var best: LevenbergMarquardt.Outcome?
        for start in outcomes.isEmpty ? starts : outcomes.map(\.parameters) {
            let outcome = try lm.minimize(from: start) { try residuals(of: $0) }
            if outcome.cost < best?.cost ?? .infinity { best = outcome }
        }
        guard let b = best else { throw SettingsError.invalid("internal: no refinement start") }
        return try finish(b.parameters, iterations: b.iterations, starts: starts.count, gridPoints: gridPoints, keepCurves: keepCurves)
    }

    /// Rw of the model at the starting values (`options.start`, scale in closed form), without
    /// refining: one exact evaluation (the miner ranks its screened candidates by it).
    public func startingRw() throws -> Double {
        let g = try model.curves([parameters.point(parameters.vector)])[0]
        let scale = scale(for: g)
        return FitStatistics(observed: observed, calculated: g.map { $0 * scale }, weights: weights).rw
    }

    /// Two free-parameter vectors are in one basin when every parameter differs by at most 2 %
    /// of its bounds' width (a zoom within 0.006, a Uiso within 0.002 Å², a δ2 within 0.4 Å²).
    func sameBasin(_ a: [Double], _ b: [Double]) -> Bool {
        a.indices.allSatisfy { abs(a[$0] - b[$0]) <= 0.02 * min(parameters.upper[$0] - parameters.lower[$0], 1e6) }
    }

    func finish(_ v: [Double], iterations: Int, starts: Int, gridPoints: Int, keepCurves: Bool) throws -> RefinementResult {
        let g = try model.curves([parameters.point(v)])[0]
        let scale = scale(for: g)
        let gcalc = g.map { $0 * scale }
        let stats = FitStatistics(observed: observed, calculated: gcalc, weights: weights)
        var params = parameters.all
        params[0].value = scale
        for (k, i) in parameters.freeIndices.enumerated() { params[i].value = v[k] }
        let nFree = parameters.freeIndices.count + (parameters.scaleIsFree ? 1 : 0)
        let n = observed.count
        let oversampling = FitStatistics.oversampling(r: model.r, qmin: settings.qmin.value, qmax: settings.qmax.value)
        var columns: [[Double]]?
        if nFree > 0, options.uncertainties {
            // Columns ∂(√w·res)/∂p at fixed scale, the scale's own column last.
            let h = parameters.steps(v)
            let perturbed = try model.curves(parameters.freeIndices.indices.map { j in var q = v; q[j] += h[j]; return parameters.point(q) })
            columns = perturbed.enumerated().map { j, gj in gj.indices.map { -rootWeights[$0] * scale * (gj[$0] - g[$0]) / h[j] } }
            if parameters.scaleIsFree { columns?.append(g.indices.map { -rootWeights[$0] * g[$0] }) }
        }
        let order = parameters.freeIndices + (parameters.scaleIsFree ? [0] : [])
        var warnings = RefinementDiagnostics.apply(to: &params, columns: columns, order: order, stats: stats, points: n, free: nFree,
                                                   oversampling: oversampling, model: options.uncertaintyModel)
        if let band = BandLimitCheck.measure(r: model.r, g: observed, qmin: settings.qmin.value, qmax: settings.qmax.value),
           let w = band.warning(file: data.path) { warnings.append(w) }
        warnings += settings.qRangeWarnings(file: data.path)
        if !parameters.scaleIsFree {
            let (sxy, syy) = sums(g)
            let best = syy > 0 ? sxy / syy : 0
            if best <= 0 || scale / best > 2 || scale / best < 0.5 {
                warnings.append(RefinementWarning(.scaleFarFromClosedForm, parameter: .scale,
                                                  "the fixed scale \(String(format: "%.4g", scale)) is far from its least-squares value \(String(format: "%.4g", best))"))
            }
        }
        let effective = Double(n) / oversampling
        return RefinementResult(
            model: structure.title, data: data.path, formula: structure.formula, parameters: params,
            rw: stats.rw, rwUnweighted: stats.rwUnweighted, pearson: stats.pearson, chi2: stats.chi2,
            reducedChi2: stats.chi2 / Double(max(1, n - nFree)), points: n, effectivePoints: effective, oversampling: oversampling,
            uncertaintyModel: options.uncertaintyModel, freeParameters: nFree, iterations: iterations, starts: starts,
            gridPoints: gridPoints, weighted: data.dy != nil, settings: settings, warnings: warnings,
            curves: keepCurves ? FitCurves(r: model.r, gObserved: observed, gCalculated: gcalc) : nil)
    }
}
