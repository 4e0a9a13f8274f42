import Foundation

/// The G(r) of a periodic crystal (optionally of a nanoparticle cut from it: an envelope), as
/// diffpy.srreal's PDFCalculator and PDFgui compute it: a real-space sum of Gaussian pair peaks
/// with the −4πρ₀r baseline, band-limited to [Qmin, Qmax], damped by qdamp and multiplied by a
/// particle envelope. See `PeriodicPDFEngine` for the formula.
///
/// ```swift
/// let crystal = try CIFReader.read(path: "CdSe-Wurtzite.cif").crystal!
/// var s = ScatteringSettings(); s.qmax = 19; s.qdamp = 0.058; s.rmax = 40
/// let g = try PeriodicPDFCalculator(crystal: crystal, settings: s, envelope: .sphere(diameter: 30)).pdf()
/// ```
public struct PeriodicPDFCalculator: Sendable {
    /// The crystal.
    public let crystal: Crystal
    /// Radiation, Q range, qdamp, δ1/δ2/qbroad, r grid, displacements (per element or for all
    /// atoms they replace the file's U; `fallback` fills sites without U).
    public let settings: ScatteringSettings
    /// The particle envelope (`.none` for the bulk crystal).
    public let envelope: Envelope
    let engine: PeriodicPDFEngine

    /// A calculator; throws `SettingsError`, `EnvelopeError` or `ScatteringFactorError`.
    public init(crystal: Crystal, settings: ScatteringSettings, envelope: Envelope = .none) throws {
        try settings.validate()
        try envelope.validate()
        if case .tabulated(let t) = envelope, !t.covers(settings.rmin, settings.rmax) {
            throw EnvelopeError.invalidTable(path: t.path, "covers r = \(t.r.first ?? 0)…\(t.r.last ?? 0) Å, not the r range \(settings.rmin)…\(settings.rmax) Å")
        }
        self.crystal = crystal
        self.settings = settings
        self.envelope = envelope
        engine = try PeriodicPDFEngine(crystal: crystal, radiation: settings.radiation, qmin: settings.qmin, qmax: settings.qmax,
                                       rmin: settings.rmin, rmax: settings.rmax, step: min(settings.rstep, 0.01), dispersion: settings.anomalous)
    }

    /// G(r) (Å⁻²) on the settings' r grid.
    public func pdf() -> Curve {
        let point = CrystalPoint(crystal: crystal, displacements: settings.displacements, peakWidth: settings.peakWidth)
        let g = engine.pdf(point, pairs: engine.pairs(point))
        let grid = UniformGrid(start: 0, step: engine.step, count: g.count)
        let r = UniformGrid(from: settings.rmin, through: settings.rmax, step: settings.rstep).values
        let y = r.map { x -> Double in
            let k = x / grid.step
            let v = abs(k - k.rounded()) < 1e-6 ? g[Int(k.rounded())] : grid.interpolateCubic(g, at: x)
            return v * exp(-0.5 * settings.qdamp * settings.qdamp * x * x) * envelope.value(at: x)
        }
        return Curve(x: r, columns: [y], labels: ["r(A)", "G(A^-2)"])
    }
}
