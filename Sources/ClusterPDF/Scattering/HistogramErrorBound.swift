import Foundation

/// The error bound of histogram mode.
///
/// Binning replaces the pairs of one bin (width w) by their count at their mean distance r̄. For
/// one pair term t(r) = sin(Qr)/r the error of that replacement is ½ t''(ξ)(r − r̄)², and the
/// spread of distances within a bin has Σ(r − r̄)² ≤ n w²/4, with
/// |t''| ≤ (Q²/r)(1 + 2/(Qr) + 2/(Qr)²).
///
/// The distances themselves are computed in Float32 (see `PairHistogram`): each is off by at most
/// ε = 2⁻²¹·D + w/131072, where D is the largest pair distance (coordinates taken relative to an
/// atom of the tile, 2⁻²⁴ rounding per operation, eight operations' worth; the second term is the
/// 16-bit fixed point of the offsets). That moves t(r) by at most |t'| ε ≤ (Q/r)(1 + 1/(Qr)) ε.
/// Together:
///
///     |F_hist(Q) − F_exact(Q)| ≤ [ (Q w)²/8 · (1 + 2/(Q r_min) + 2/(Q r_min)²)
///                                 + Q ε · (1 + 1/(Q r_min)) ] · Σ_{i≠j} |f_i f_j| / (r_ij N⟨f⟩²)
///
/// (Debye–Waller factors only shrink the terms; the bound is stated for δ1 = δ2 = qbroad = 0,
/// where σ² does not vary inside a bin). For w = 1e-3 Å, Q = 25 Å⁻¹ and D = 20 Å the relative
/// factor is about 3e-4; errors of different bins have random signs, so real errors are far smaller.
extension DebyeCalculator {
    /// The relative factor in brackets above, for bin width `w` (Å), shortest distance `rmin` (Å)
    /// and largest distance `maxDistance` D (Å).
    public static func histogramErrorBound(q: Double, binWidth w: Double, rmin: Double, maxDistance: Double) -> Double {
        let x = q * rmin
        let binning = q * q * w * w / 8 * (1 + 2 / x + 2 / (x * x))
        let epsilon = PairHistogram.distanceError(maxDistance: maxDistance, binWidth: w)
        return binning + q * epsilon * (1 + 1 / x)
    }

    /// Σ_{i≠j} |occ_i occ_j f_i f_j| / (r_ij N⟨f⟩²) at Q: the scale of F(Q) the bound multiplies (O(N²)).
    public func absoluteTermSum(q: Double) -> Double {
        let w = weights(at: q)
        var acc = 0.0
        for (a, b) in kinds.pairs {
            let pa = kinds.positions[a], pb = kinds.positions[b]
            let weight = 2 * abs(kinds.kinds[a].occupancy * kinds.kinds[b].occupancy * w.f[a] * w.f[b])
            var s = 0.0
            for i in pa.indices { for j in (a == b ? i + 1 : 0)..<pb.count { s += 1 / max(DebyeCalculator.siteTolerance, simd_length(pb[j] - pa[i])) } }
            acc += weight * s
        }
        return acc / w.nMeanF2
    }
}
