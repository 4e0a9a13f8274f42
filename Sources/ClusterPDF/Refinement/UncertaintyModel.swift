/// How standard uncertainties are estimated from a refinement.
///
/// Both start from the covariance C = s² (JᵀWJ)⁻¹ of the weighted least-squares problem, with
/// s² = χ²/(N − p) the reduced χ² (which rescales the errors to the actual misfit).
public enum UncertaintyModel: String, Codable, Sendable, CaseIterable {
    /// For G(r) sampled more finely than its Nyquist spacing π/(Qmax − Qmin) (the usual case:
    /// PDFgetX3 writes dr = 0.01 Å, 17× finer at Qmax = 19 Å⁻¹). Noise that is white in Q is then
    /// correlated in r over about π/(Qmax − Qmin), and the model's derivatives are band-limited
    /// to the same Q range, so the parameter variances are those of a pointwise fit times the
    /// oversampling ratio k = π/((Qmax − Qmin)·Δr) (at least 1): C = k · s² (JᵀWJ)⁻¹.
    /// The effective number of independent points is N/k. The default.
    case nyquist
    /// The pointwise estimate C = s² (JᵀWJ)⁻¹, right only for data whose points are independent
    /// (e.g. a curve with true independent dG sampled at or below the Nyquist spacing).
    case plain
}
