import Foundation

/// A realistic synthetic G(r) of a cluster, made the way a measured curve is: the Debye G(r) over
/// [qmin, qmax] with per-element Uiso, δ2, zoom and qdamp, plus noise that is band-limited like a
/// real reduction's (Gaussian noise in F(Q) on [qmin, qmax], its standard deviation growing in
/// proportion to Q, sine-transformed), written with or without a PDFgetX3-style header.
///
/// Used for the tests and benchmarks of Q-range estimation, identity and calibration; the seed
/// makes every curve reproducible.
public struct SyntheticCurve: Sendable {
    /// Per-element Uiso (Å²); elements missing get `uiso`.
    public var uisoPerElement: [Element: Double] = [:]
    /// Uiso (Å²) of elements not in `uisoPerElement`.
    public var uiso = 0.01
    /// δ2 (Å²) of the correlated-motion peak sharpening.
    public var delta2 = 0.0
    /// Zoom (isotropic expansion) applied to the structure.
    public var zoom = 1.0
    /// Q range (Å⁻¹) of the transform.
    public var qmin = 1.0, qmax = 25.0
    /// Instrumental damping (Å⁻¹).
    public var qdamp = 0.04
    /// Radiation.
    public var radiation = Radiation.xray
    /// r grid (Å).
    public var rmin = 0.01, rmax = 30.0, rstep = 0.01
    /// RMS of the noise relative to the largest |G| (0: none).
    public var noise = 0.0
    /// Seed of the noise.
    public var seed: UInt64 = 1
    /// A recipe with the defaults above.
    public init() {}

    /// The G(r) of `structure` (x: r in Å, y: G in Å⁻²).
    public func curve(of structure: Structure) throws -> (r: [Double], g: [Double]) {
        var s = ScatteringSettings()
        s.qmin = qmin; s.qmax = qmax; s.qdamp = qdamp; s.delta2 = delta2; s.radiation = radiation
        s.displacements = DisplacementSettings(perElement: uisoPerElement, all: nil, fallback: uiso)
        s.rmin = rmin; s.rmax = rmax; s.rstep = rstep
        s.threads = 1
        var st = structure
        if zoom != 1 { for k in st.atoms.indices { st.atoms[k].position *= zoom } }
        let c = try DebyeCalculator(structure: st, settings: s).pairDistributionFunction()
        var g = c.y
        addNoise(to: &g, r: c.x)
        return (c.x, g)
    }

    /// The G(r) of a mixture of clusters with atom fractions `members[k].fraction` (summing to 1):
    /// G = Σ_k x_k (⟨f⟩_k²/⟨f⟩²) G_k, ⟨f⟩ = Σ_k x_k ⟨f⟩_k (f at Q = 0; the rule of `SeriesAnalysis`),
    /// each G_k with this recipe's settings; the noise is added once, to the mixture.
    public func curve(ofMixture members: [(structure: Structure, fraction: Double)]) throws -> (r: [Double], g: [Double]) {
        var quiet = self
        quiet.noise = 0
        let parts = try members.map { try quiet.curve(of: $0.structure) }
        let f = members.map { SeriesAnalysis.weight($0.structure, radiation: radiation).squareRoot() }
        let mean = zip(members, f).reduce(0.0) { $0 + $1.0.fraction * $1.1 }
        guard let first = parts.first, mean > 0 else { return ([], []) }
        var g = [Double](repeating: 0, count: first.g.count)
        for (k, p) in parts.enumerated() {
            let w = members[k].fraction * f[k] * f[k] / (mean * mean)
            for i in g.indices { g[i] += w * p.g[i] }
        }
        addNoise(to: &g, r: first.r)
        return (first.r, g)
    }

    /// Adds `noise` × max|G| of band-limited noise (`bandLimitedNoise`, scaled to unit RMS) to `g` on `r`.
    func addNoise(to g: inout [Double], r: [Double]) {
        guard noise > 0 else { return }
        let amp = g.map(abs).max() ?? 0
        let n = bandLimitedNoise(r: r)
        let rms = (n.reduce(0) { $0 + $1 * $1 } / Double(max(1, n.count))).squareRoot()
        if rms > 0 { for i in g.indices { g[i] += noise * amp * n[i] / rms } }
    }

    /// Unit-free noise: (2/π) Σ n(Q) sin(Q r) ΔQ over [qmin, qmax], n(Q) Gaussian with σ ∝ Q.
    func bandLimitedNoise(r: [Double]) -> [Double] {
        var rng = SplitMix64(seed: seed)
        let dq = 0.01
        let count = max(1, Int(((qmax - qmin) / dq).rounded()))
        var out = [Double](repeating: 0, count: r.count)
        for k in 0..<count {
            let q = qmin + (Double(k) + 0.5) * dq
            let a = rng.gaussian() * q
            // sin(q r_i) by recurrence on the uniform grid.
            let step = r.count > 1 ? r[1] - r[0] : 0
            let c2 = 2 * cos(q * step)
            var previous = sin(q * ((r.first ?? 0) - step)), current = sin(q * (r.first ?? 0))
            for i in r.indices {
                out[i] += a * current
                let next = c2 * current - previous
                previous = current; current = next
            }
        }
        return out
    }

    /// The curve as the text of a `.gr` file: with `header`, a PDFgetX3-style header naming the Q
    /// range, qdamp, radiation and `composition`; without, two bare columns.
    public func text(r: [Double], g: [Double], composition: String?, header: Bool) -> String {
        var out = ""
        if header {
            out += "[PDFgetX3]\nqmin = \(qmin)\nqmax = \(qmax)\nqdamp = \(qdamp)\nmode = \(radiation.rawValue)\n"
            if let composition { out += "composition = \(composition)\n" }
            out += "#### start data\n#L r(Å) G(Å^-2)\n"
        }
        for (x, y) in zip(r, g) { out += String(format: "%.4f %.6e\n", x, y) }
        return out
    }
}
