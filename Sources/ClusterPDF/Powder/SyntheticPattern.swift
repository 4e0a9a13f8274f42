import Foundation

/// A synthetic laboratory powder pattern: the Debye pattern of a cluster with a source, profile
/// and background, scaled to a peak count and given Poisson-like noise (Gaussian with σ = √counts,
/// deterministic for a seed). Used by tests and `calibrate --mining --pattern`.
public struct SyntheticPattern: Sendable {
    /// Source, 2θ grid, profile, zero shift and background (in counts).
    public var powder = PowderSettings()
    /// Counts at the highest point of the cluster's pattern (before background).
    public var peakCounts = 2000.0
    /// Uiso of every atom (Å²).
    public var uiso = 0.01
    /// Expansion of the cluster.
    public var zoom = 1.0
    /// Cu Kα1/Kα2, 10–80° by 0.02°, constant FWHM 0.1° (η 0.5), no background.
    public init() {
        powder.secondWavelength = Anode.Cu.kAlpha2
        powder.profile = .constant(fwhm: 0.1, eta: 0.5)
    }

    /// The noisy pattern of `structure` (x: 2θ, y: counts, dy: √counts, at least 1), with a
    /// `wavelength` header; `scale` is the factor that turned Debye intensities into counts.
    public func make(_ structure: Structure, seed: UInt64, path: String = "synthetic.xye") throws -> (curve: MeasuredCurve, scale: Double) {
        var s = ScatteringSettings()
        s.displacements = DisplacementSettings(all: uiso)
        let calc = try DebyeCalculator(structure: structure.scaled(by: zoom), settings: s)
        var p = powder
        let bkg = p.background
        p.background = []
        let clean = try PowderPattern.compute(calculator: calc, powder: p)
        let scale = peakCounts / max(clean.y.max() ?? 1, 1e-300)
        let background = PowderPattern.background(clean.x, coefficients: bkg)
        var rng = SplitMix64(seed: seed)
        var y = [Double](), dy = [Double]()
        for (i, v) in clean.y.enumerated() {
            let mean = max(0, scale * v + background[i])
            let counts = max(0, (mean + mean.squareRoot() * rng.gaussian()).rounded())
            y.append(counts); dy.append(max(1, counts.squareRoot()))
        }
        var header = ["wavelength": "\(powder.wavelength)"]
        if let l2 = powder.secondWavelength { header["wavelength2"] = "\(l2)" }
        return (MeasuredCurve(path: path, x: clean.x, y: y, dy: dy, header: header, columnNames: ["2theta", "I", "dI"]), scale)
    }
}
