import Foundation

/// What a refinement of one model curve against a measured G(r) shares, whatever the model (a
/// cluster, `PDFRefinement`; a particle ensemble, `EnsembleRefinement`): the scale in closed
/// form, the bounded local stage from several starts, and the result with its statistics,
/// uncertainties and warnings. A conforming type supplies the parameters, the fit points and
/// the unscaled model curves of free-parameter vectors.
protocol CurveRefinement: Sendable {
    /// The measured curve.
    var data: MeasuredCurve { get }
    /// The options as given.
    var options: RefinementOptions { get }
    /// The resolved data settings.
    var settings: DataSettings { get }
    /// The parameters.
    var parameters: ParameterSet { get }
    /// Observed G(r), weights and their square roots at the fit points.
    var observed: [Double] { get }
    var weights: [Double] { get }
    var rootWeights: [Double] { get }
    /// Unscaled model G(r) at the fit points for each free-parameter vector.
    func unscaledCurves(_ vectors: [[Double]]) throws -> [[Double]]
    /// The model's title and formula, and r of the fit points (Å).
    var resultModel: (title: String, formula: String, r: [Double]) { get }
}

extension CurveRefinement {
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
        try unscaledCurves(vectors).map(residuals)
    }

    /// Weighted cost Σw(Gobs − s·Gcalc)² of an unscaled curve at its closed-form scale.
    func cost(_ g: [Double]) -> Double { residuals(g).reduce(0) { $0 + $1 * $1 } }

    /// Bounded Levenberg–Marquardt from `starts`. Several starts race: a few iterations each;
    /// then the leaders (cost within 5 % of the best), one per basin, go on to convergence, and
    /// the best of them wins (ties: the earlier start).
    func refine(from starts: [[Double]]) throws -> LevenbergMarquardt.Outcome {
        let lm = LevenbergMarquardt(lower: parameters.lower, upper: parameters.upper, steps: parameters.steps, maxIterations: options.maxIterations)
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
        return b
    }

    /// Two free-parameter vectors are in one basin when every parameter differs by at most 2 %
    /// of its bounds' width (a zoom within 0.006, a Uiso within 0.002 Å², a δ2 within 0.4 Å²).
    func sameBasin(_ a: [Double], _ b: [Double]) -> Bool {
        a.indices.allSatisfy { abs(a[$0] - b[$0]) <= 0.02 * min(parameters.upper[$0] - parameters.lower[$0], 1e6) }
    }

    /// The result at the free-parameter vector `v`: statistics, uncertainties (one more
    /// Jacobian), warnings (`RefinementDiagnostics`, band limit, Q range, a fixed scale far from
    /// its least-squares value) and, with `keepCurves`, the curves. `extraWarnings` are the
    /// model's own.
    func finish(_ v: [Double], iterations: Int, starts: Int, gridPoints: Int, keepCurves: Bool,
                extraWarnings: [RefinementWarning] = []) throws -> RefinementResult {
        let g = try unscaledCurves([v])[0]
        let scale = scale(for: g)
        let gcalc = g.map { $0 * scale }
        let stats = FitStatistics(observed: observed, calculated: gcalc, weights: weights)
        var params = parameters.all
        params[0].value = scale
        for (k, i) in parameters.freeIndices.enumerated() { params[i].value = v[k] }
        let nFree = parameters.freeIndices.count + (parameters.scaleIsFree ? 1 : 0)
        let n = observed.count
        let m = resultModel
        let oversampling = FitStatistics.oversampling(r: m.r, qmin: settings.qmin.value, qmax: settings.qmax.value)
        var columns: [[Double]]?
        if nFree > 0, options.uncertainties {
            // Columns ∂(√w·res)/∂p at fixed scale, the scale's own column last.
            let h = parameters.steps(v)
            let perturbed = try unscaledCurves(parameters.freeIndices.indices.map { j in var q = v; q[j] += h[j]; return q })
            columns = perturbed.enumerated().map { j, gj in gj.indices.map { -rootWeights[$0] * scale * (gj[$0] - g[$0]) / h[j] } }
            if parameters.scaleIsFree { columns?.append(g.indices.map { -rootWeights[$0] * g[$0] }) }
        }
        var order = parameters.freeIndices + (parameters.scaleIsFree ? [0] : [])
        // A parameter that does not change the model at all where it ended (a distribution's
        // width at 0, say) has no uncertainty; leaving it out keeps the others' covariance
        // regular instead of withholding every uncertainty.
        var inert = [RefinementWarning]()
        if let cols = columns {
            let norms = cols.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
            let top = norms.max() ?? 0
            let keep = norms.indices.filter { norms[$0] > 1e-9 * top }
            if keep.count < cols.count, !keep.isEmpty {
                for j in norms.indices where !keep.contains(j) {
                    let p = params[order[j]]
                    inert.append(RefinementWarning(.nearSingular, parameter: p.name,
                                                   "\(p.name) = \(String(format: "%.6g", p.value)) does not change the model there: it has no uncertainty"))
                }
                columns = keep.map { cols[$0] }
                order = keep.map { order[$0] }
            }
        }
        var warnings = inert + RefinementDiagnostics.apply(to: &params, columns: columns, order: order, stats: stats, points: n, free: nFree,
                                                   oversampling: oversampling, model: options.uncertaintyModel)
        warnings += extraWarnings
        if let band = BandLimitCheck.measure(r: m.r, g: observed, qmin: settings.qmin.value, qmax: settings.qmax.value),
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
            model: m.title, data: data.path, formula: m.formula, parameters: params,
            rw: stats.rw, rwUnweighted: stats.rwUnweighted, pearson: stats.pearson, chi2: stats.chi2,
            reducedChi2: stats.chi2 / Double(max(1, n - nFree)), points: n, effectivePoints: effective, oversampling: oversampling,
            uncertaintyModel: options.uncertaintyModel, freeParameters: nFree, iterations: iterations, starts: starts,
            gridPoints: gridPoints, weighted: data.dy != nil, settings: settings, warnings: warnings,
            curves: keepCurves ? FitCurves(r: m.r, gObserved: observed, gCalculated: gcalc) : nil)
    }
}
