import Foundation

/// The non-linear parameters of a reciprocal-space model: everything but the scale and the
/// background, which enter linearly and are solved in closed form (`PatternModel.fitLinear`).
struct PatternPoint: Hashable, Sendable {
    /// Expansion of every interatomic distance.
    var zoom: Double
    /// Uiso (Å²) per element, in `PatternModel.elements` order.
    var uiso: [Double]
    /// Instrument profile of a 2θ pattern (nil: none).
    var profile: PowderProfile?
    /// Zero shift (degrees) of a 2θ pattern.
    var zero: Double

    /// The part that changes the Debye intensity (zoom and Uiso).
    var structural: [Double] { [zoom] + uiso }
}

/// A cluster's reciprocal-space curve at the points of a measured one: the evaluation half of a
/// pattern refinement. Pair distances are histogrammed once (bins of 0.002 Å, each at the mean
/// distance of its pairs); zoom and Uiso re-weight them. The Debye intensity is computed on a
/// uniform Q grid (step ≤ min(0.005, 0.25/D) Å⁻¹) and interpolated; profile, zero shift, scale
/// and background do not recompute it.
struct PatternModel: Sendable {
    /// The data.
    let data: ReciprocalData
    /// Indices of the fit points.
    let indices: Range<Int>
    /// x of the fit points (2θ in degrees or Q in Å⁻¹).
    let x: [Double]
    /// y of the fit points.
    let y: [Double]
    /// Least-squares weights of the fit points.
    let weights: [Double]
    /// Elements of the structure (order of `PatternPoint.uiso`).
    let elements: [Element]
    /// The calculator whose histogram every evaluation re-weights.
    let base: DebyeCalculator
    /// Chebyshev background basis at the fit points (one row per term).
    let backgroundBasis: [[Double]]

    init(structure: Structure, data: ReciprocalData, range: ClosedRange<Double>?, settings: ScatteringSettings,
         backgroundTerms: Int) throws {
        let c = data.curve
        let lo = range.map { r in c.x.firstIndex(where: { $0 >= r.lowerBound }) ?? c.x.count } ?? 0
        let hi = range.map { r in (c.x.lastIndex(where: { $0 <= r.upperBound }) ?? -1) + 1 } ?? c.x.count
        guard hi - lo >= 8 else {
            throw SettingsError.invalid("fewer than 8 data points in the fit range\(range.map { " \($0.lowerBound)–\($0.upperBound)" } ?? "") of \(c.path)")
        }
        self.data = data
        indices = lo..<hi
        x = Array(c.x[indices]); y = Array(c.y[indices])
        weights = data.weights(Array(indices))
        elements = structure.elements
        var s = settings
        s.mode = .histogram
        s.binWidth = 0.002
        base = try DebyeCalculator(structure: structure, settings: s)
        backgroundBasis = PowderPattern.chebyshevBasis(x, count: backgroundTerms)
    }

    /// Whether the fit points carry uncertainties (weights 1/dy²).
    var weighted: Bool { data.curve.dy != nil }

    /// Q range (Å⁻¹) the Debye intensity must cover for `p`.
    func qRange(_ p: PatternPoint) -> ClosedRange<Double> {
        guard let powder = powder(p) else { return x.first!...x.last! }
        return PowderPattern.requiredQRange(twoTheta: x.first!...x.last!, powder: powder)
    }

    /// The data's source with the point's profile and zero shift (nil on a Q axis).
    func powder(_ p: PatternPoint) -> PowderSettings? {
        guard data.kind == .pattern, var powder = data.powder else { return nil }
        powder.profile = p.profile; powder.zeroShift = p.zero
        return powder
    }

    /// The Debye function the data kind needs (I, S − 1 or F) on a Q grid covering `range`, at
    /// the point's zoom and Uiso.
    func debyeCurve(_ p: PatternPoint, range: ClosedRange<Double>) throws -> (grid: UniformGrid, values: [Double]) {
        let d = max(1, base.maximumPairDistance * p.zoom)
        let dq = min(0.005, 0.25 / d)
        let grid = UniformGrid(from: max(0, range.lowerBound - 4 * dq), through: range.upperBound + 4 * dq, step: dq)
        let kinds = base.kinds.withUiso(Dictionary(uniqueKeysWithValues: zip(elements, p.uiso).map { ($0, $1) }))
        guard let h = base.histogram else { throw SettingsError.invalid("internal: pattern model without a histogram") }
        let calc = try DebyeCalculator(reusing: base, settings: base.settings, kinds: kinds, histogram: h.scaled(by: p.zoom))
        switch data.kind {
        case .pattern, .intensity: return (grid, calc.structureFactorAndIntensity(grid: grid).i.y)
        case .structureFactor: return (grid, calc.structureFactorAndIntensity(grid: grid).s.y.map { $0 - 1 })
        case .reducedStructureFunction: return (grid, calc.reducedStructureFunction(grid: grid).y)
        }
    }

    /// The unscaled model shape M(x) at the fit points (no background).
    func shape(_ p: PatternPoint, debye: (grid: UniformGrid, values: [Double])) -> [Double] {
        let (g, v) = debye
        guard let powder = powder(p) else { return x.map { g.interpolateCubic(v, at: $0) } }
        return PowderPattern.intensities(at: x, powder: powder, radiation: base.settings.radiation) { g.interpolateCubic(v, at: $0) }
    }

    /// The constant part of the model: 1 for S(Q) (the model is 1 + scale·(S − 1) + background).
    var offset: Double { data.kind == .structureFactor ? 1 : 0 }

    /// Closed-form weighted least squares of the linear parameters: scale (when `freeScale`,
    /// else `fixedScale`) and the free background terms (`freeBackground`; fixed terms keep
    /// `fixedBackground`). Returns the scale, the full background vector and the model.
    func fitLinear(shape m: [Double], freeScale: Bool, fixedScale: Double, freeBackground: [Bool], fixedBackground: [Double])
        -> (scale: Double, background: [Double], model: [Double]) {
        let n = x.count
        var target = y.map { $0 - offset }
        if !freeScale { for i in 0..<n { target[i] -= fixedScale * m[i] } }
        for (k, free) in freeBackground.enumerated() where !free { for i in 0..<n { target[i] -= fixedBackground[k] * backgroundBasis[k][i] } }
        var columns = [[Double]]()
        if freeScale { columns.append(m) }
        for (k, free) in freeBackground.enumerated() where free { columns.append(backgroundBasis[k]) }
        var solution = [Double](repeating: 0, count: columns.count)
        if !columns.isEmpty {
            let sw = weights.map { $0.squareRoot() }
            var a = [Double](repeating: 0, count: n * columns.count)
            for (c, col) in columns.enumerated() { for i in 0..<n { a[c * n + i] = col[i] * sw[i] } }
            let b = (0..<n).map { target[$0] * sw[$0] }
            if let s = try? LinearAlgebra.leastSquares(a, rows: n, columns: columns.count, b), s.allSatisfy(\.isFinite) { solution = s }
        }
        if freeScale, !columns.isEmpty, solution[0] < 0 {
            // A negative scale is unphysical: hold it at 0 and solve the background alone.
            return fitLinear(shape: m, freeScale: false, fixedScale: 0, freeBackground: freeBackground, fixedBackground: fixedBackground)
        }
        var idx = 0
        var scale = fixedScale
        if freeScale { scale = solution[0]; idx = 1 }
        var bkg = fixedBackground
        for (k, free) in freeBackground.enumerated() where free { bkg[k] = solution[idx]; idx += 1 }
        var model = [Double](repeating: offset, count: n)
        for i in 0..<n {
            model[i] += scale * m[i]
            for k in bkg.indices { model[i] += bkg[k] * backgroundBasis[k][i] }
        }
        return (scale, bkg, model)
    }
}
