import Foundation

/// A log-normal number distribution of particle diameters on a grid of sizes (0.2-nm steps by
/// default), with PDFgui's parameters: `psize` the mean diameter and `psig` its standard
/// deviation (Å), so σ² = ln(1 + psig²/psize²) and μ = ln psize − σ²/2.
///
/// Each grid size takes the number fraction of the diameters around it with linear (hat)
/// weights — the distribution's mass on a sub-grid (at most step/20) split between the two nearest grid
/// sizes — so the weights, and a model built on them, change continuously with psize and psig,
/// down to psig = 0 (one diameter, shared by its two neighbours on the grid).
public struct LognormalSizes: Sendable, Hashable {
    /// Mean diameter (Å).
    public var psize: Double
    /// Standard deviation of the diameters (Å).
    public var psig: Double
    /// Spacing of the size grid (Å).
    public var step: Double

    /// A distribution; `step` 2 Å (0.2 nm) unless given.
    public init(psize: Double, psig: Double, step: Double = 2) {
        self.psize = psize; self.psig = psig; self.step = step
    }

    /// Number fractions of the grid sizes (grid index k: diameter k·step), summing to 1, for
    /// diameters up to `maximum` (Å): the mass beyond it is dropped and its share of the volume
    /// (the scattering weight ∝ D³) is returned as `truncated`.
    public func weights(maximum: Double) -> (fractions: [Int: Double], truncated: Double) {
        let kMax = Int((maximum / step).rounded(.down))
        var w = [Int: Double]()
        func add(_ d: Double, _ mass: Double) {
            let x = d / step, k = Int(x.rounded(.down)), f = x - Double(k)
            if k >= 1 { w[k, default: 0] += mass * (1 - f) }
            if f > 0 { w[k + 1, default: 0] += mass * f }
        }
        var truncated = 0.0
        let s2 = log(1 + (psig * psig) / (psize * psize)), s = s2.squareRoot(), mu = log(psize) - s2 / 2
        let limit = Double(kMax) * step + step / 2
        if s < 1e-4 {
            add(psize, 1)
            truncated = psize <= limit ? 0 : 1
        } else {
            // Diameters from 6σ below the median to 6σ above the volume-weighted median (D³ n(D)
            // is log-normal with median e^(μ+3σ²)), and never beyond the grid; the volume share
            // beyond the grid is exact: 1 − Φ((ln D_max − μ − 3σ²)/σ).
            func cdf(_ d: Double, _ m: Double) -> Double { 0.5 * erfc(-(log(d) - m) / (s * 2.0.squareRoot())) }
            truncated = 1 - cdf(limit, mu + 3 * s2)
            let lo = exp(mu - 6 * s), hi = min(exp(mu + 3 * s2 + 6 * s), limit)
            if hi > lo {
                let sub = min(step / 20, (hi - lo) / 400)
                var d0 = lo, c0 = cdf(d0, mu)
                while d0 < hi {
                    let d1 = min(hi, d0 + sub), c1 = cdf(d1, mu)
                    add((d0 + d1) / 2, c1 - c0)
                    d0 = d1; c0 = c1
                }
            }
        }
        w = w.filter { $0.key <= kMax && $0.value > 0 }
        // Summed in size order: a dictionary's own order differs between instances, and with it
        // the last bits of the total.
        let total = w.keys.sorted().reduce(0.0) { $0 + w[$1]! }
        if total > 0 { for k in w.keys { w[k]! /= total } }
        return (w, max(0, truncated))
    }
}
