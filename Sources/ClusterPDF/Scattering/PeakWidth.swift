/// The pair peak-width model of PDFfit2, PDFgui and diffpy.srreal ("jeong"):
///
///     σ²_ij = σ²_0,ij · max(0, 1 − δ1/r − δ2/r² + qbroad² r²),    σ²_0,ij = U_i + U_j (isotropic)
///
/// δ1 (Å) and δ2 (Å²) sharpen near-neighbour peaks (correlated motion); qbroad (Å⁻¹) broadens
/// peaks with r. The factor multiplies the Debye–Waller width, so parameters taken from a PDFgui
/// or diffpy-cmi refinement reproduce the same curve (libdiffpy `JeongPeakWidth`); where the
/// factor is ≤ 0 the pair is sharp (σ² = 0).
public struct PeakWidth: Sendable, Hashable, Codable {
    /// Linear sharpening δ1 (Å).
    public var delta1: Double
    /// Quadratic sharpening δ2 (Å²).
    public var delta2: Double
    /// Broadening with r, qbroad (Å⁻¹).
    public var qbroad: Double

    /// A width model; all terms default to 0 (σ² = U_i + U_j).
    public init(delta1: Double = 0, delta2: Double = 0, qbroad: Double = 0) {
        self.delta1 = delta1; self.delta2 = delta2; self.qbroad = qbroad
    }

    /// The factor 1 − δ1/r − δ2/r² + qbroad² r², clipped at 0 (and 0 at r = 0).
    @inline(__always) public func sharpening(at r: Double) -> Double {
        guard r > 0 else { return 0 }
        return max(0, 1 - delta1 / r - delta2 / (r * r) + qbroad * qbroad * r * r)
    }

    /// σ² (Å²) of a pair whose displacement along the bond sums to `uSum` (Å²), at distance r (Å).
    @inline(__always) public func sigma2(uSum: Double, r: Double) -> Double { uSum * sharpening(at: r) }
}
