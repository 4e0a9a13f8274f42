import Foundation

/// The error bound of histogram mode.
///
/// Binning replaces the pairs of one bin (width w) by their count at their mean distance r̄. For
/// one pair term t(r) = sin(Qr)/r the error of that replacement is ½ t''(ξ)(r − r̄)², and the
/// spread of distances within a bin has Σ(r − r̄)² ≤ n w²/4, so with
/// |t''| ≤ (Q²/r)(1 + 2/(Qr) + 2/(Qr)²):
///
///     |F_hist(Q) − F_exact(Q)| ≤ (Q w)²/8 · (1 + 2/(Q r_min) + 2/(Q r_min)²) · Σ_{i≠j} |f_i f_j| / (r_ij N⟨f⟩²)
///
/// (Debye–Waller factors only shrink the terms; the bound is stated for δ1 = δ2 = qbroad = 0,
/// where σ² does not vary inside a bin). For w = 1e-3 Å and Q = 25 Å⁻¹ the relative factor is
/// about 8e-5; errors of different bins have random signs, so real errors are far smaller.
extension DebyeCalculator {
    /// The relative factor (Q w)²/8 · (1 + 2/(Q r_min) + 2/(Q r_min)²).
    public static func histogramErrorBound(q: Double, binWidth w: Double, rmin: Double) -> Double {
        let x = q * rmin
        return q * q * w * w / 8 * (1 + 2 / x + 2 / (x * x))
    }

    /// Σ_{i≠j} |occ_i occ_j f_i f_j| / (r_ij N⟨f⟩²) at Q: the scale of F(Q) the bound multiplies (O(N²)).
    public func absoluteTermSum(q: Double) -> Double {
        let w = weights(at: q)
        var acc = 0.0
        for (a, b) in kinds.pairs {
            let pa = kinds.positions[a], pb = kinds.positions[b]
            let weight = 2 * abs(kinds.kinds[a].occupancy * kinds.kinds[b].occupancy * w.f[a] * w.f[b])
            var s = 0.0
            for i in pa.indices { for j in (a == b ? i + 1 : 0)..<pb.count { s += 1 / simd_length(pb[j] - pa[i]) } }
            acc += weight * s
        }
        return acc / w.nMeanF2
    }
}
