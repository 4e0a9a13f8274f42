import Foundation

/// How much of a measured G(r) lies outside the Q range [qmin, qmax] that its settings name.
///
/// A G(r) made as (2/π)∫ F(Q) sin(Qr) dQ over [qmin, qmax] (PDFgetX3, PDFgetN, …) has no Fourier
/// components below qmin or above qmax, apart from the leakage of the finite r window; nor has
/// any model computed over that range (clusters, crystals, diffpy's too). Whatever a curve holds
/// outside the range is misfit that no model can remove: with a share s of the curve's power
/// outside, Rw cannot fall below about √s. A material share means that the Q range in the header
/// (or given as an option) does not describe how the curve was made — a lower qmin in the
/// reduction, say, or a baseline added afterwards.
///
/// The power spectrum is the sine transform of G over the fit points, sampled every π/(2L)
/// (L = rmax − rmin, twice as fine as the window resolves); the band edges keep a margin of
/// 3π/L for the window's leakage. Measured on the bundled curves (r 0.5–40 Å, qmin 1 Å⁻¹): CdSe-1
/// 13.9 % below qmin, CdSe-2 2.4 %, CdSe-3 1.7 %, CdSe-4 0.5 %, bulk 0.02 %; a simulated curve 0.00 %.
public struct BandLimitCheck: Codable, Sendable, Hashable {
    /// The Q range the curve's settings name (Å⁻¹).
    public var qmin: Double, qmax: Double
    /// Leakage margin left on each side of the band (Å⁻¹): 3π/(rmax − rmin).
    public var margin: Double
    /// Share of the curve's spectral power at Q < qmin − margin.
    public var belowShare: Double
    /// Share at Q > qmax + margin (up to 6 Å⁻¹ further, or the grid's Nyquist Q π/Δr).
    public var aboveShare: Double

    /// Outside share from which the check warns: 1 % (an Rw floor of 0.1).
    public static let materialShare = 0.01

    /// The lowest Rw any model computed over [qmin, qmax] can reach, about √(outside share).
    public var rwFloor: Double { (belowShare + aboveShare).squareRoot() }

    /// The outside share reaches `materialShare`.
    public var isMaterial: Bool { belowShare + aboveShare >= BandLimitCheck.materialShare }

    /// Measures the curve `g` (Å⁻²) on the increasing grid `r` (Å) against [qmin, qmax] (Å⁻¹). Nil
    /// for fewer than 16 points, a range shorter than 1 Å, a non-finite value, a curve zero
    /// everywhere, or an empty band.
    public static func measure(r: [Double], g: [Double], qmin: Double, qmax: Double) -> BandLimitCheck? {
        let n = r.count
        guard n >= 16, g.count == n, qmax > qmin, let first = r.first, let last = r.last, last - first >= 1,
              r.allSatisfy(\.isFinite), g.allSatisfy(\.isFinite), g.contains(where: { $0 != 0 }) else { return nil }
        let length = last - first
        let margin = max(0.1, 3 * Double.pi / length)
        // Trapezoid weights: the grid need not be uniform.
        var w = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let lo = i > 0 ? r[i - 1] : r[i], hi = i < n - 1 ? r[i + 1] : r[i]
            w[i] = 0.5 * (hi - lo) * g[i]
        }
        var spacing = (1..<n).map { r[$0] - r[$0 - 1] }
        spacing.sort()
        let step = spacing[spacing.count / 2]
        guard step > 0 else { return nil }
        let dq = Double.pi / (2 * length)
        let top = min(Double.pi / step, qmax + margin + 6)
        let uniform = spacing.first! > step * (1 - 1e-6) && spacing.last! < step * (1 + 1e-6)
        let sum = SineSum(w: w, r: r, step: uniform ? step : nil)
        var below = 0.0, above = 0.0, total = 0.0
        var q = dq
        while q <= top {
            let f = sum(q)
            let p = f * f
            total += p
            if q < qmin - margin { below += p } else if q > qmax + margin { above += p }
            q += dq
        }
        guard total > 0 else { return nil }
        return BandLimitCheck(qmin: qmin, qmax: qmax, margin: margin, belowShare: below / total, aboveShare: above / total)
    }

    /// The warning for `file` when the outside share is material, else nil.
    public func warning(file: String) -> RefinementWarning? {
        guard isMaterial else { return nil }
        var parts = [String]()
        if belowShare >= BandLimitCheck.materialShare / 2 { parts.append(String(format: "%.1f %% of its spectral power below qmin %g Å⁻¹", 100 * belowShare, qmin)) }
        if aboveShare >= BandLimitCheck.materialShare / 2 { parts.append(String(format: "%.1f %% above qmax %g Å⁻¹", 100 * aboveShare, qmax)) }
        if parts.isEmpty { parts.append(String(format: "%.1f %% of its spectral power outside %g–%g Å⁻¹", 100 * (belowShare + aboveShare), qmin, qmax)) }
        return RefinementWarning(.outsideQRange, String(format: "%@: the curve has %@, outside the Q range %g–%g Å⁻¹ of the models, where no model computed over that range has any: Rw cannot fall below about %.2f. The curve was probably not transformed over that range as its settings say (check qmin and qmax in its header, or give --qmin/--qmax)",
                                                           file, parts.joined(separator: " and "), qmin, qmax, rwFloor))
    }
}
