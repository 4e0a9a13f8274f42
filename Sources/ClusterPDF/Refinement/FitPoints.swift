/// The measured points a refinement fits: the data settings resolved (`DataSettings.resolve`), the
/// fit range clipped to the data points inside it, and the observed G(r) with its weights
/// (1/dG² when the data give dG, else 1). Shared by cluster and crystal refinements.
struct FitPoints: Sendable {
    /// The resolved settings, rmin/rmax moved onto the first and last point used.
    let settings: DataSettings
    /// Indices of the fit points in the data.
    let indices: ClosedRange<Int>
    /// Observed G(r), weights and their square roots at the fit points.
    let observed: [Double]
    let weights: [Double]
    let rootWeights: [Double]
    /// The fit range as resolved, before clipping (for messages).
    let requested: ClosedRange<Double>

    /// Resolves the settings and selects the points; throws for a curve that is not G(r) and for
    /// a fit range without data points.
    init(data: MeasuredCurve, overrides: SettingOverrides, fitRange: ClosedRange<Double>) throws {
        if let axis = data.axis, axis != .r { throw RefinementError.notPairDistribution(file: data.path, axis: axis) }
        var s = try DataSettings.resolve(data, overrides: overrides, fitRange: fitRange)
        let lo = s.rmin.value, hi = s.rmax.value
        guard let i0 = data.x.firstIndex(where: { $0 >= lo - 1e-9 }), let i1 = data.x.lastIndex(where: { $0 <= hi + 1e-9 }), i1 >= i0 else {
            throw RefinementError.emptyRange(file: data.path, rmin: lo, rmax: hi, dataStart: data.x.first ?? 0, dataEnd: data.x.last ?? 0)
        }
        s.rmin.value = data.x[i0]; s.rmax.value = data.x[i1]
        settings = s
        indices = i0...i1
        requested = lo...hi
        observed = Array(data.y[i0...i1])
        weights = (i0...i1).map { i in data.dy.map { 1 / ($0[i] * $0[i]) } ?? 1 }
        rootWeights = weights.map { $0.squareRoot() }
    }

    /// Throws unless there are more points than free parameters (and at least three) and the
    /// curve is not zero everywhere.
    func check(free nFree: Int, file: String) throws {
        guard indices.count > max(nFree, 2) else {
            throw RefinementError.tooFewPoints(file: file, points: indices.count, free: nFree, rmin: requested.lowerBound, rmax: requested.upperBound)
        }
        guard observed.contains(where: { $0 != 0 }) else {
            throw RefinementError.degenerateData(file: file, reason: "G(r) is zero everywhere in r = \(requested.lowerBound)…\(requested.upperBound) Å: there is nothing to fit")
        }
    }
}
