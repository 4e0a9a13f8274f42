/// The values of every model quantity at which a cluster's G(r) is evaluated (scale apart, which
/// is applied afterwards).
struct ModelPoint: Sendable, Hashable {
    /// Isotropic expansion of all distances.
    var zoom: Double
    /// Uiso (Å²) of each element, in the order of `PDFModel.elements`.
    var uiso: [Double]
    /// δ1, δ2, qbroad.
    var peakWidth: PeakWidth
    /// Instrumental damping (Å⁻¹).
    var qdamp: Double
}
