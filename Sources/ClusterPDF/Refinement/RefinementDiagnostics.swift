import Foundation

/// What every refinement reports after its minimum is found: uncertainties from the covariance
/// of the weighted residuals (scaled by `UncertaintyModel`), and the warnings a referee would ask
/// about — singular or strongly correlated parameters, values at bounds, too few independent
/// points, no agreement with the data. Shared by cluster and crystal refinements.
enum RefinementDiagnostics {
    /// Sets `uncertainty` and `atBound` of `params` and returns the warnings.
    /// - Parameters:
    ///   - columns: ∂(√w·residual)/∂p for the parameters `order` (indices in `params`), or nil
    ///     when uncertainties are not wanted.
    ///   - stats: agreement at the minimum.
    ///   - points: number of fit points N; `free`: free parameters p (scales included).
    ///   - oversampling: π/((Qmax − Qmin)·Δr) of the fit points.
    static func apply(to params: inout [RefinementParameter], columns: [[Double]]?, order: [Int], stats: FitStatistics,
                      points n: Int, free nFree: Int, oversampling: Double, model: UncertaintyModel) -> [RefinementWarning] {
        var warnings = [RefinementWarning]()
        if let columns, !columns.isEmpty {
            let k = model == .nyquist ? oversampling : 1
            let factor = stats.chi2 / Double(max(1, n - nFree)) * k
            let cov = ParameterCovariance(columns: columns, factor: factor)
            for (c, i) in order.enumerated() { params[i].uncertainty = cov.sigmas[c] }
            if cov.singular {
                warnings.append(RefinementWarning(.nearSingular, "the covariance matrix is singular: the data do not determine every free parameter (\(order.map { "\(params[$0].name)" }.joined(separator: ", "))); uncertainties are not given"))
            }
            for (a, b, c) in cov.strongCorrelations {
                warnings.append(RefinementWarning(.strongCorrelation, parameter: params[order[a]].name,
                                                  "\(params[order[a]].name) and \(params[order[b]].name) are correlated (ρ = \(String(format: "%.4f", c))): the data determine only a combination of them"))
            }
        }
        for i in params.indices where params[i].free && params[i].isAtBound(params[i].value) {
            params[i].atBound = true
            let p = params[i]
            let atLower = abs(p.value - p.lower) <= abs(p.value - p.upper)
            let side = atLower ? "lower" : "upper", bound = atLower ? p.lower : p.upper
            warnings.append(RefinementWarning(.atBound, parameter: p.name,
                                              "\(p.name) = \(String(format: "%.6g", p.value)) \(p.name.unit) is at its \(side) bound \(ParameterName.format(bound)): the data push it outside the physical range, so the model is probably inadequate"))
        }
        let effective = Double(n) / oversampling
        if effective < 2 * Double(nFree) {
            warnings.append(RefinementWarning(.fewIndependentPoints,
                                              "only \(String(format: "%.1f", effective)) independent points (Nyquist) for \(nFree) free parameters: widen the fit range"))
        }
        if stats.pearson <= 0 {
            warnings.append(RefinementWarning(.noAgreement, "the model does not correlate with the data (Pearson r = \(String(format: "%.3f", stats.pearson)))"))
        }
        return warnings
    }
}
