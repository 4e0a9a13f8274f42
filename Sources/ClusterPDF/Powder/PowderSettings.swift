import Foundation

/// Source, geometry and instrument of a powder pattern. Angles in degrees 2θ, wavelengths in Å.
public struct PowderSettings: Sendable, Hashable {
    /// Wavelength λ1 (Å).
    public var wavelength = Anode.Cu.kAlpha1
    /// Second wavelength (Kα2) and its intensity relative to the first; nil for a single line.
    public var secondWavelength: Double?
    /// Intensity of λ2 relative to λ1.
    public var secondRatio = Anode.kAlpha2Ratio
    /// First 2θ of a simulated pattern (degrees).
    public var twoThetaMin = 10.0
    /// Last 2θ of a simulated pattern (degrees).
    public var twoThetaMax = 80.0
    /// 2θ step of a simulated pattern (degrees).
    public var twoThetaStep = 0.02
    /// Monochromator 2θ_m (degrees) of the polarization factor; nil: no monochromator. X-rays only.
    public var monochromatorAngle: Double?
    /// Instrument profile (pseudo-Voigt, Caglioti FWHM); nil: no instrument broadening.
    public var profile: PowderProfile?
    /// Zero shift (degrees): a peak at 2θ_Bragg is observed at 2θ_Bragg + `zeroShift`.
    public var zeroShift = 0.0
    /// Chebyshev background coefficients b_k, added as Σ b_k T_k(ξ) with ξ = −1 … 1 across the
    /// pattern's x range (same unit as the intensity).
    public var background: [Double] = []
    /// Cu Kα1, 10–80° in steps of 0.02°, no broadening, no background.
    public init() {}

    /// Checks ranges; throws `SettingsError` naming the bad value.
    public func validate() throws {
        guard wavelength > 0, wavelength.isFinite else { throw SettingsError.invalid("wavelength must be a positive number of Å") }
        if let l2 = secondWavelength { guard l2 > 0, l2.isFinite else { throw SettingsError.invalid("second wavelength must be positive") } }
        guard secondRatio >= 0, secondRatio.isFinite else { throw SettingsError.invalid("Kα2 ratio must be ≥ 0") }
        guard twoThetaMin >= 0, twoThetaMax > twoThetaMin, twoThetaMax < 180 else { throw SettingsError.invalid("need 0 ≤ tth-min < tth-max < 180°") }
        guard twoThetaStep > 0, (twoThetaMax - twoThetaMin) / twoThetaStep <= 1e6 else { throw SettingsError.invalid("tth-step must be positive and give at most 10⁶ points") }
        if let m = monochromatorAngle { guard m.isFinite, m >= 0, m < 180 else { throw SettingsError.invalid("monochromator angle must lie in 0…180°") } }
        guard zeroShift.isFinite, abs(zeroShift) <= 5 else { throw SettingsError.invalid("zero shift must lie within ±5°") }
        guard background.allSatisfy(\.isFinite) else { throw SettingsError.invalid("background coefficients must be finite numbers") }
        try profile?.validate(over: max(0, twoThetaMin - 5)...min(179.9, twoThetaMax + 5))
    }

    /// The polarization factor at 2θ (degrees) for a radiation: (1 + cos²2θ_m cos²2θ)/(1 + cos²2θ_m)
    /// for X-rays (2θ_m = 0, i.e. (1 + cos²2θ)/2, without monochromator), 1 for neutrons.
    public func polarization(atTwoTheta tth: Double, radiation: Radiation) -> Double {
        guard radiation == .xray else { return 1 }
        let c2m = monochromatorAngle.map { pow(cos($0 * Double.pi / 180), 2) } ?? 1
        let c2 = pow(cos(tth * Double.pi / 180), 2)
        return (1 + c2m * c2) / (1 + c2m)
    }

    /// The wavelengths with their relative intensities.
    var lines: [(lambda: Double, weight: Double)] {
        [(wavelength, 1)] + (secondWavelength.map { [($0, secondRatio)] } ?? [])
    }

    /// Key/value lines describing these settings in output headers.
    func headerLines(radiation: Radiation) -> [(String, String)] {
        [("wavelength", "\(wavelength)"),
         ("kalpha2", secondWavelength.map { "\($0) (ratio \(secondRatio))" } ?? "none"),
         ("polarization", radiation == .neutron ? "none (neutrons)" : monochromatorAngle.map { "(1+cos^2 2theta_m cos^2 2theta)/(1+cos^2 2theta_m), 2theta_m = \($0) deg" } ?? "unpolarized (1+cos^2 2theta)/2"),
         ("profile", profile?.summary ?? "none"),
         ("zero", "\(zeroShift)"),
         ("background", background.isEmpty ? "none" : "Chebyshev " + background.map { "\($0)" }.joined(separator: ","))]
    }
}
