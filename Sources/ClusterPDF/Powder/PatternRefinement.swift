import Foundation

/// Refines a cluster against reciprocal-space data (a 2θ powder pattern, I(Q), S(Q) or F(Q)) with
/// the typed-parameter machinery of the G(r) refinements: bounds, a deterministic global stage,
/// bounded Levenberg–Marquardt, uncertainties from the covariance and warnings at limits.
///
/// Model (2θ):  y(2θ) = scale · PowderPattern(zoom, Uiso; λ's, polarization, profile U,V,W,η, zero) + Σ b_k T_k
/// Model (Q):   y(Q) = [1 +] scale · {I(Q) | S(Q) − 1 | F(Q)} + Σ b_k T_k
///
/// Scale and background are linear and solved in closed form at every trial point (variable
/// projection); the least squares run over the non-linear parameters only. Uncertainties come
/// from the full Jacobian (all free parameters) × reduced χ², as Rietveld programs report them:
/// the noise of counted intensities is independent from point to point, unlike that of a G(r).
public enum PatternRefinement {
    /// Refines `structure` against `data`.
    public static func run(structure: Structure, title: String, data: ReciprocalData, options given: PatternRefinementOptions) throws -> PatternFitResult {
        let started = Date()
        let o = try given.resolved(for: data)
        let nBkg = o.backgroundTerms ?? (data.kind == .pattern || data.kind == .intensity ? 3 : 0)
        guard (0...12).contains(nBkg) else { throw SettingsError.invalid("background terms must be 0…12, got \(nBkg)") }
        let model = try PatternModel(structure: structure, data: data, range: o.range, settings: o.scattering, backgroundTerms: nBkg)
        guard model.y.contains(where: { $0 != 0 }) else { throw InputError(file: data.curve.path, "every intensity in the fit range is zero: nothing to fit") }
        let isPattern = data.kind == .pattern
        let profile0 = o.profile ?? PatternRefinementOptions.defaultProfile
        if isPattern { try profile0.validate(over: max(0.01, model.x.first! - 5)...min(179.9, model.x.last! + 5)) }

        // Every parameter, free or fixed, with its start.
        var names: [ParameterName] = [.scale, .zoom]
        names += o.uisoPerElement ? model.elements.map { .elementUiso($0) } : [.uiso]
        if isPattern { names += [.zero, .profileU, .profileV, .profileW, .eta] }
        names += (0..<nBkg).map { .background($0) }
        let free = o.free ?? Set([.scale, .zoom, .uiso] + (isPattern ? [.zero] : []) + (0..<nBkg).map { ParameterName.background($0) })
        let known = Set(names.map(\.shared))
        for f in free where !known.contains(f.shared) && !names.contains(f) {
            throw RefinementError.invalidSetting(option: "--free", message: "'\(f)' is not a parameter of this model (\(names.map(\.description).joined(separator: ", ")))")
        }
        func startValue(_ n: ParameterName) -> Double {
            if let v = o.start[n] { return v }
            switch n {
            case .scale: return 1
            case .zoom: return 1
            case .uiso: return PatternRefinementOptions.defaultUiso
            case .elementUiso: return o.start[.uiso] ?? PatternRefinementOptions.defaultUiso
            case .zero: return 0
            case .profileU: return profile0.u
            case .profileV: return profile0.v
            case .profileW: return profile0.w
            case .eta: return profile0.eta
            default: return 0
            }
        }
        var params = names.map { n -> RefinementParameter in
            let isFree = free.contains(n) || free.contains(n.shared)
            var p = RefinementParameter(n, value: startValue(n), free: isFree, bounds: o.bounds[n] ?? o.bounds[n.shared])
            p.value = p.clamped(p.value)
            return p
        }
        func index(_ n: ParameterName) -> Int? { params.firstIndex { $0.name == n } }
        let nonlinear = params.indices.filter { i in
            if case .background = params[i].name { return false }
            return params[i].free && params[i].name != .scale
        }
        let uisoIdx = o.uisoPerElement ? model.elements.map { index(.elementUiso($0))! } : model.elements.map { _ in index(.uiso)! }
        let bkgIdx = (0..<nBkg).map { index(.background($0))! }
        let scaleIdx = index(.scale)!

        func point(_ values: [Double]) -> PatternPoint {
            func v(_ n: ParameterName) -> Double { values[index(n)!] }
            return PatternPoint(zoom: v(.zoom), uiso: uisoIdx.map { values[$0] },
                                profile: isPattern ? PowderProfile(u: v(.profileU), v: v(.profileV), w: v(.profileW), eta: v(.eta)) : nil,
                                zero: isPattern ? v(.zero) : 0)
        }
        // Full vectors from the non-linear subset.
        let base = params.map(\.value)
        func full(_ nl: [Double], from b: [Double] = base) -> [Double] {
            var f = b
            for (c, i) in nonlinear.enumerated() { f[i] = nl[c] }
            return f
        }
        var cache = [[Double]: (grid: UniformGrid, values: [Double])]()
        func evaluate(_ values: [Double]) throws -> (model: [Double], scale: Double, background: [Double], shape: [Double]) {
            let p = point(values)
            if let prof = p.profile, (0...16).contains(where: { prof.fwhmSquared(atTwoTheta: model.x.first! + Double($0) / 16 * (model.x.last! - model.x.first!)) <= 0 }) {
                return ([Double](repeating: .greatestFiniteMagnitude.squareRoot() / 1e10, count: model.x.count), 0, [], [])
            }
            let need = model.qRange(p)
            let key = p.structural
            let d: (grid: UniformGrid, values: [Double])
            if let c = cache[key], c.grid.start <= need.lowerBound, c.grid.last >= need.upperBound { d = c } else {
                d = try model.debyeCurve(p, range: need)
                if cache.count > 64 { cache.removeAll() }
                cache[key] = d
            }
            let m = model.shape(p, debye: d)
            let lin = model.fitLinear(shape: m, freeScale: params[scaleIdx].free, fixedScale: params[scaleIdx].value,
                                      freeBackground: bkgIdx.map { params[$0].free }, fixedBackground: bkgIdx.map { params[$0].value })
            return (lin.model, lin.scale, lin.background, m)
        }
        let sw = model.weights.map { $0.squareRoot() }
        func residuals(_ values: [Double]) throws -> [Double] {
            let e = try evaluate(values)
            return model.y.indices.map { sw[$0] * (model.y[$0] - e.model[$0]) }
        }

        // Global stage: zoom × Uiso grid (fixed, inside the bounds), best three cells start LM.
        var starts = [nonlinear.map { base[$0] }]
        var gridPoints = 0
        let zoomI = index(.zoom)!
        let freeZoom = params[zoomI].free, freeU = uisoIdx.contains { params[$0].free }
        if o.globalSearch, freeZoom || freeU {
            let zooms = freeZoom ? stride(from: 0.94, through: 1.0601, by: 0.02).map { params[zoomI].clamped($0) } : [base[zoomI]]
            let us: [Double?] = freeU ? [0.002, 0.005, 0.01, 0.02] : [nil]
            var scored = [(cost: Double, nl: [Double])]()
            for z in Array(Set(zooms)).sorted() {
                for u in us {
                    var v = base
                    v[zoomI] = z
                    if let u { for i in Set(uisoIdx) where params[i].free { v[i] = params[i].clamped(u) } }
                    let r = try residuals(v)
                    scored.append((LevenbergMarquardt.cost(r), nonlinear.map { v[$0] }))
                    gridPoints += 1
                }
            }
            starts = scored.sorted { $0.cost < $1.cost }.prefix(3).map(\.nl)
        }
        let lm = LevenbergMarquardt(lower: nonlinear.map { params[$0].lower }, upper: nonlinear.map { params[$0].upper },
                                    steps: { p in p.map { max(1e-7, 1e-4 * abs($0)) } }, maxIterations: o.maxIterations)
        var best: LevenbergMarquardt.Outcome?
        for s in starts {
            let out = try lm.minimize(from: s) { batch in try batch.map { try residuals(full($0)) } }
            if best == nil || out.cost < best!.cost - 1e-12 * max(1, best!.cost) { best = out }
        }
        var values = full(best!.parameters)
        let final = try evaluate(values)
        values[scaleIdx] = final.scale
        for (k, i) in bkgIdx.enumerated() { values[i] = final.background[k] }
        for i in params.indices { params[i].value = values[i] }

        // Uncertainties: the Jacobian of √w·model over every free parameter.
        let freeOrder = params.indices.filter { params[$0].free }
        var columns = [[Double]]()
        for i in freeOrder {
            if i == scaleIdx { columns.append(zip(final.shape, sw).map { $0 * $1 }); continue }
            if let k = bkgIdx.firstIndex(of: i) { columns.append(zip(model.backgroundBasis[k], sw).map { $0 * $1 }); continue }
            let h = max(1e-7, 1e-4 * abs(values[i]))
            var v = values; v[i] = min(params[i].upper, values[i] + h)
            var vm = values; vm[i] = max(params[i].lower, values[i] - h)
            let up = try evaluate(v).shape, down = try evaluate(vm).shape
            let span = v[i] - vm[i]
            columns.append(model.y.indices.map { sw[$0] * final.scale * (up[$0] - down[$0]) / span })
        }
        let stats = FitStatistics(observed: model.y, calculated: final.model, weights: model.weights)
        let qs = data.kind == .pattern ? model.x.map { 4 * Double.pi * sin($0 * Double.pi / 360) / data.powder!.wavelength } : model.x
        let effective = PatternFitResult.effectivePoints(qRange: qs.first!...qs.last!, diameter: model.base.maximumPairDistance * values[zoomI], points: model.x.count)
        var warnings = RefinementDiagnostics.apply(to: &params, columns: columns, order: freeOrder, stats: stats, points: model.x.count,
                                                   free: freeOrder.count, oversampling: Double(model.x.count) / effective, model: .plain)
        var notes = [String]()
        if isPattern, o.profile == nil { notes.append("instrument profile not given: assumed \(PatternRefinementOptions.defaultProfile.summary); give --caglioti or --fwhm and --eta for your diffractometer") }
        if let src = data.wavelengthSource { notes.append("wavelength \(data.powder!.wavelength) Å from \(src)") }
        if o.scattering.anomalous == nil, o.scattering.radiation == .xray, isPattern { notes.append("anomalous dispersion off (add --anomalous for f′, f″ at the wavelength)") }
        if !model.weighted { notes.append(data.kind == .pattern || data.kind == .intensity ? "no uncertainties in the data: weights 1/y (counting statistics)" : "no uncertainties in the data: unweighted") }
        let background = model.x.indices.map { j in bkgIdx.indices.reduce(0.0) { $0 + values[bkgIdx[$1]] * model.backgroundBasis[$1][j] } }
        warnings = warnings.filter { !($0.kind == .atBound && { if case .background = $0.parameter { return true }; return false }($0)) }
        return PatternFitResult(
            model: title, data: data.curve.path, formula: structure.formula, kind: data.kind,
            wavelength: data.powder?.wavelength, secondWavelength: data.powder?.secondWavelength,
            parameters: params, rw: stats.rw, rwUnweighted: stats.rwUnweighted, pearson: stats.pearson, chi2: stats.chi2,
            reducedChi2: stats.chi2 / Double(max(1, model.x.count - freeOrder.count)), points: model.x.count,
            effectivePoints: effective, freeParameters: freeOrder.count, iterations: best!.iterations, starts: starts.count,
            gridPoints: gridPoints, weighted: model.weighted, anomalous: o.scattering.anomalous?.description,
            radiation: o.scattering.radiation, warnings: warnings, notes: notes, seconds: Date().timeIntervalSince(started),
            curves: PatternFitCurves(x: model.x, yObserved: model.y, yCalculated: final.model, background: background.map { $0 + model.offset }))
    }
}
