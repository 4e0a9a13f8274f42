import Foundation

/// X-ray tube anodes with their Kα1/Kα2 wavelengths (Å), from Hölzer et al., Phys. Rev. A 56 (1997)
/// 4554, as tabulated in International Tables for Crystallography Vol. C, Table 4.2.2.1.
public enum Anode: String, Sendable, CaseIterable {
    case Cu, Mo, Ag, Co, Cr, Fe
    /// Kα1 wavelength (Å), Hölzer et al. 1997.
    public var kAlpha1: Double {
        switch self {
        case .Cu: return 1.540562
        case .Mo: return 0.709300
        case .Ag: return 0.559407
        case .Co: return 1.788965
        case .Cr: return 2.289700
        case .Fe: return 1.936042
        }
    }
    /// Kα2 wavelength (Å), Hölzer et al. 1997.
    public var kAlpha2: Double {
        switch self {
        case .Cu: return 1.544390
        case .Mo: return 0.713590
        case .Ag: return 0.563798
        case .Co: return 1.792850
        case .Cr: return 2.293606
        case .Fe: return 1.939980
        }
    }
}

/// Settings of a simulated laboratory powder pattern. Angles in degrees 2θ, wavelengths in Å.
public struct PowderSettings: Sendable, Hashable {
    /// Wavelength λ1 (Å).
    public var wavelength = Anode.Cu.kAlpha1
    /// Second wavelength (Kα2) and its intensity relative to the first; nil for a single line.
    public var secondWavelength: Double?
    /// Intensity of λ2 relative to λ1.
    public var secondRatio = 0.5
    /// First 2θ (degrees).
    public var twoThetaMin = 10.0
    /// Last 2θ (degrees).
    public var twoThetaMax = 80.0
    /// 2θ step (degrees).
    public var twoThetaStep = 0.02
    /// Monochromator 2θ_m (degrees); nil for an unpolarized beam without monochromator.
    public var monochromatorAngle: Double?
    /// Constant Gaussian instrument FWHM (degrees 2θ).
    public var fwhm: Double?
    /// Caglioti FWHM² = U tan²θ + V tanθ + W (degrees²); used instead of `fwhm` when set.
    public var caglioti: [Double]?
    /// Cu Kα1, 10–80° in steps of 0.02°, no broadening.
    public init() {}

    /// Checks ranges; throws `SettingsError` naming the bad value.
    public func validate() throws {
        guard wavelength > 0, wavelength.isFinite else { throw SettingsError.invalid("wavelength must be positive") }
        guard twoThetaMin >= 0, twoThetaMax > twoThetaMin, twoThetaMax < 180 else { throw SettingsError.invalid("need 0 ≤ tth-min < tth-max < 180°") }
        guard twoThetaStep > 0, (twoThetaMax - twoThetaMin) / twoThetaStep <= 1e6 else { throw SettingsError.invalid("tth-step must be positive") }
        if let f = fwhm, !(f >= 0) { throw SettingsError.invalid("fwhm must be ≥ 0") }
        if let c = caglioti, c.count != 3 { throw SettingsError.invalid("Caglioti needs U,V,W") }
    }
}

/// Powder diffraction I(2θ) of a cluster from its Debye intensity.
///
///     I(2θ) = P(2θ) · [ I_Debye(Q(2θ, λ1)) + ratio · I_Debye(Q(2θ, λ2)) ],   Q = 4π sinθ / λ
///     P = (1 + cos²2θ_m · cos²2θ) / (1 + cos²2θ_m)   (2θ_m = 0 gives the unpolarized (1 + cos²2θ)/2)
///
/// The Debye equation already averages over all orientations of the cluster, which is what the
/// Lorentz factor does for Bragg peaks of a powder, so no separate Lorentz factor is applied.
/// Optionally the pattern is convolved with a Gaussian of constant or Caglioti FWHM (area kept).
/// I_Debye is computed on a uniform Q grid (step ≤ min(0.002, 0.2/D) Å⁻¹ for a cluster of
/// diameter D) and interpolated with cubic Hermite splines.
public struct PowderPattern {
    /// The powder pattern I(2θ) of `calculator`'s structure.
    public static func compute(calculator: DebyeCalculator, powder: PowderSettings) throws -> Curve {
        try powder.validate()
        let grid2t = UniformGrid(from: powder.twoThetaMin, through: powder.twoThetaMax, step: powder.twoThetaStep)
        let lambdas = [powder.wavelength] + (powder.secondWavelength.map { [$0] } ?? [])
        let qOf = { (tth: Double, l: Double) in 4 * Double.pi * sin(tth * Double.pi / 360) / l }
        let qHi = lambdas.map { qOf(powder.twoThetaMax, $0) }.max()!
        let qLo = lambdas.map { qOf(powder.twoThetaMin, $0) }.min()!
        let dq = min(0.002, 0.2 / max(1, calculator.maximumPairDistance))
        let start = max(0, qLo - 2 * dq)
        let qg = UniformGrid(from: start, through: qHi + 3 * dq, step: dq)
        let iq = calculator.structureFactorAndIntensity(grid: qg).i.y
        func interp(_ q: Double) -> Double { qg.interpolateCubic(iq, at: q) }
        let c2m = powder.monochromatorAngle.map { pow(cos($0 * Double.pi / 180), 2) } ?? 1
        var y = grid2t.values.map { tth -> Double in
            let c2 = pow(cos(tth * Double.pi / 180), 2)
            let pol = (1 + c2m * c2) / (1 + c2m)
            var v = interp(qOf(tth, lambdas[0]))
            if lambdas.count > 1 { v += powder.secondRatio * interp(qOf(tth, lambdas[1])) }
            return pol * v
        }
        if powder.fwhm != nil || powder.caglioti != nil {
            y = broaden(y, grid: grid2t, powder: powder)
        }
        return Curve(x: grid2t.values, columns: [y], labels: ["2theta(deg)", "I(a.u.)"])
    }

    static func broaden(_ y: [Double], grid: UniformGrid, powder: PowderSettings) -> [Double] {
        var out = [Double](repeating: 0, count: y.count)
        for (j, v) in y.enumerated() {
            let tth = grid[j]
            var f: Double
            if let c = powder.caglioti {
                let t = tan(tth * Double.pi / 360)
                f = (max(0, c[0] * t * t + c[1] * t + c[2])).squareRoot()
            } else { f = powder.fwhm ?? 0 }
            let sigma = f / 2.354820045
            if sigma < grid.step / 4 { out[j] += v; continue }
            let half = Int((5 * sigma / grid.step).rounded(.up))
            let lo = max(0, j - half), hi = min(y.count - 1, j + half)
            var ws = [Double](), norm = 0.0
            for i in lo...hi { let d = (grid[i] - tth) / sigma; let w = exp(-0.5 * d * d); ws.append(w); norm += w }
            for i in lo...hi { out[i] += v * ws[i - lo] / norm }
        }
        return out
    }
}
