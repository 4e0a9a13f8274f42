import Foundation

/// The Q range [qmin, qmax] a G(r) was transformed over, read off its own spectrum.
///
/// A G(r) made as (2/π)∫ F(Q) sin(Qr) dQ over [qmin, qmax] has no Fourier components outside that
/// range, apart from the leakage of its finite r window. The estimate takes the sine transform of
/// the whole curve, tapered by a Hann window over its r range (leakage falling as ΔQ⁻³),
/// smooths the power spectrum over ±2π/L (L: the curve's r range) and looks for the band's edges:
/// the upper edge is where the smoothed log-power drops most steeply over a span of 2 Å⁻¹ (at
/// least a factor `minimumEdgeContrast` between the levels on either side), placed where the power
/// falls to half the level below it; the lower edge where the power rises from everything below
/// it by at least `minimumLowEdgeContrast` (searched below 4 Å⁻¹; 0 when there is no such rise). The uncertainty is the window's resolution, 2π/L, but
/// at least the spectrum's sampling.
///
/// An edge exists only where the curve holds signal or band-limited noise up to qmax: a curve whose
/// F(Q) has died out well below its qmax (large Uiso) has its edge where the signal ends, which is
/// the qmax that matters for modelling it. Curves with white noise up to their grid's Nyquist Q show
/// no upper edge, and the estimate is nil.
public struct QRangeEstimate: Codable, Sendable, Hashable {
    /// Estimated lower end (Å⁻¹); 0 when the spectrum has power down to the lowest Q.
    public var qmin: Double
    /// Estimated upper end (Å⁻¹).
    public var qmax: Double
    /// Standard uncertainties (Å⁻¹).
    public var qminUncertainty: Double, qmaxUncertainty: Double
    /// Power ratio across the upper edge (≥ `minimumEdgeContrast`).
    public var qmaxContrast: Double

    /// How far the half-power points lie outside the true band edges on average (Å⁻¹), measured on
    /// synthetic curves (`clusterpdf-bench qrange`, seed 4242: qmax +0.03…+0.40, mean +0.21;
    /// qmin −0.28…−0.14 where an edge is found) and taken off both estimates.
    public static let edgeBias = 0.2

    /// Smallest power ratio across an edge that counts as one (10, a decade).
    public static let minimumEdgeContrast = 10.0
    /// Smallest power ratio between the span above a lower edge and everything below it (100).
    public static let minimumLowEdgeContrast = 100.0

    /// The estimate for the curve `g` (Å⁻²) on the increasing grid `r` (Å); nil when the curve is
    /// too short (< 64 points or < 5 Å), not finite, zero, or shows no upper band edge.
    public static func estimate(r: [Double], g: [Double]) -> QRangeEstimate? {
        let n = r.count
        guard n >= 64, g.count == n, let first = r.first, let last = r.last, last - first >= 5,
              r.allSatisfy(\.isFinite), g.allSatisfy(\.isFinite), g.contains(where: { $0 != 0 }) else { return nil }
        let length = last - first
        var spacing = (1..<n).map { r[$0] - r[$0 - 1] }
        spacing.sort()
        let step = spacing[spacing.count / 2]
        guard step > 0, spacing.first! > 0 else { return nil }
        let uniform = spacing.first! > step * (1 - 1e-6) && spacing.last! < step * (1 + 1e-6)
        // Hann-tapered, trapezoid-weighted samples.
        var w = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let lo = i > 0 ? r[i - 1] : r[i], hi = i < n - 1 ? r[i + 1] : r[i]
            let s = sin(Double.pi * (r[i] - first) / length)
            w[i] = 0.5 * (hi - lo) * g[i] * s * s
        }
        let resolution = 2 * Double.pi / length
        let dq = min(0.02, resolution / 4)
        let top = min(Double.pi / step, 100)
        let count = Int(top / dq)
        guard count > 64 else { return nil }
        let sum = SineSum(w: w, r: r, step: uniform ? step : nil)
        var power = [Double](repeating: 0, count: count)
        for k in 0..<count {
            let q = Double(k + 1) * dq
            let f = sum(q)
            power[k] = f * f
        }
        let q = (0..<count).map { Double($0 + 1) * dq }
        // Smoothed power (running mean over ±resolution) and its log.
        let half = max(1, Int((resolution / dq).rounded()))
        var prefix = [0.0]
        for p in power { prefix.append(prefix.last! + p) }
        let smooth = (0..<count).map { k -> Double in
            let a = max(0, k - half), b = min(count - 1, k + half)
            return (prefix[b + 1] - prefix[a]) / Double(b - a + 1)
        }
        let peak = smooth.max() ?? 0
        guard peak > 0 else { return nil }
        // Below 10⁻¹² of the peak power (10⁻⁶ in amplitude, the precision of a file's digits) the
        // spectrum is rounding: clamped there, so that the edge is not sought in the rounding.
        let floor = peak * 1e-12
        let logP = smooth.map { log10(max($0, floor)) }
        var logPrefix = [0.0]
        for v in logP { logPrefix.append(logPrefix.last! + v) }
        func meanLog(_ a: Int, _ b: Int) -> Double { (logPrefix[b + 1] - logPrefix[a]) / Double(b - a + 1) }
        let span = max(2 * half, Int((2.0 / dq).rounded()))
        // Upper edge: the largest drop of the mean log-power from [k − span, k) to (k, k + span].
        var bestDrop = -Double.infinity, edge = -1
        let startK = max(span, Int((2.0 / dq).rounded()))
        if startK < count - span - 1 {
            for k in startK..<(count - span - 1) {
                let drop = meanLog(k - span, k - 1) - meanLog(k + 1, k + span)
                if drop > bestDrop { bestDrop = drop; edge = k }
            }
        }
        guard edge >= 0, bestDrop >= log10(minimumEdgeContrast) else { return nil }

        // Half-power point: the last Q near the edge where the smoothed power is at least half the
        // level just below the edge (median over the span below, free of the leakage skirt).
        let below = Array(smooth[max(0, edge - span)..<max(1, edge - half)]).sorted()
        let level = below[below.count / 2]
        var k = min(count - 1, edge + 2 * half)
        while k > max(0, edge - 2 * half), smooth[k] < 0.5 * level { k -= 1 }
        let qmax = q[k] - QRangeEstimate.edgeBias
        // Lower edge: the largest rise below 4 Å⁻¹ from everything below it to the span above it, at
        // least `minimumLowEdgeContrast` (a G(r) transformed from Q = 0 has its strongest power,
        // the particle's small-angle scattering, at the lowest Q).
        let lowSpan = max(2 * half, Int((0.5 / dq).rounded()))
        var bestRise = -Double.infinity, low = -1
        let lowTop = min(Int(4.0 / dq), k - lowSpan - 1)
        if lowTop > half {
            for j in half..<lowTop {
                let rise = meanLog(j + 1, j + lowSpan) - meanLog(0, j - 1)
                if rise > bestRise { bestRise = rise; low = j }
            }
        }
        var qmin = 0.0
        if low >= 0, bestRise >= log10(minimumLowEdgeContrast) {
            // Placed on the unsmoothed spectrum (the Hann window alone spreads the edge by about
            // ±2π/L): the first Q where the power reaches half the median level of the span above.
            let above = Array(power[min(count - 1, low + half)...min(count - 1, low + lowSpan)]).sorted()
            let lv = above[above.count / 2]
            var j = max(0, low - 2 * half)
            while j < low + 2 * half, power[j] < 0.5 * lv { j += 1 }
            qmin = q[j] + QRangeEstimate.edgeBias
        }
        let u = max(resolution, dq)
        return QRangeEstimate(qmin: qmin, qmax: qmax, qminUncertainty: 2 * u, qmaxUncertainty: u, qmaxContrast: pow(10, bestDrop))
    }
}
