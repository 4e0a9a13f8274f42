import Foundation

/// Σᵢ wᵢ sin(q rᵢ) over the points of a curve, the one sum of the spectral checks of a G(r)
/// (`BandLimitCheck`, `QRangeEstimate`). On a uniform grid (`step`) sin(q rᵢ) follows the
/// recurrence s₍ᵢ₊₁₎ = 2cos(qΔr)·sᵢ − s₍ᵢ₋₁₎; elsewhere it is evaluated point by point.
struct SineSum {
    /// Weights wᵢ (Å⁻¹, e.g. trapezoid weight × G) and positions rᵢ (Å).
    let w: [Double], r: [Double]
    /// The grid step (Å) when the grid is uniform, else nil.
    let step: Double?

    /// The sum at `q` (Å⁻¹).
    func callAsFunction(_ q: Double) -> Double {
        var f = 0.0
        if let step, let first = r.first {
            let c2 = 2 * cos(q * step)
            var previous = sin(q * (first - step)), current = sin(q * first)
            for i in w.indices {
                f += w[i] * current
                let next = c2 * current - previous
                previous = current; current = next
            }
        } else {
            for i in w.indices { f += w[i] * sin(q * r[i]) }
        }
        return f
    }
}
