import CXraylib
import Foundation

/// Anomalous (resonant) dispersion corrections of X-ray form factors at one photon energy:
/// f(Q, E) = f₀(Q) + f′(E) + i f″(E) (electrons).
///
/// The values come from xraylib (Schoonjans et al., Spectrochim. Acta B 66 (2011) 776; Debian
/// `libxrl-dev`), functions `Fi` (f′) and `Fii`. xraylib returns f″ with a negative sign (its
/// convention f = f₀ + f′ − i f″); ClusterPDF reports the absorptive part as the usual positive
/// f″ = −Fii. Only the product Re(f_i f_j*) = (f₀ᵢ + f′ᵢ)(f₀ⱼ + f′ⱼ) + f″ᵢ f″ⱼ enters the Debye sum,
/// so the sign convention does not change any result.
public struct AnomalousDispersion: Sendable, Hashable, CustomStringConvertible {
    /// Photon energy (keV).
    public let energy: Double
    /// hc = 12.398 419 843 320 026 keV·Å (CODATA 2018).
    public static let hcKeVAngstrom = 12.398419843320026
    /// Energies xraylib tabulates f′/f″ for (keV).
    public static let energyRange: ClosedRange<Double> = 1...200

    /// Corrections at a photon energy (keV).
    public init(energy: Double) throws {
        guard energy.isFinite, AnomalousDispersion.energyRange.contains(energy) else {
            throw SettingsError.invalid("anomalous-scattering energy \(energy) keV is outside xraylib's range 1–200 keV")
        }
        self.energy = energy
    }

    /// Corrections at a wavelength (Å): E = hc/λ.
    public init(wavelength: Double) throws {
        guard wavelength.isFinite, wavelength > 0 else { throw SettingsError.invalid("wavelength must be positive, got \(wavelength)") }
        try self.init(energy: AnomalousDispersion.hcKeVAngstrom / wavelength)
    }

    /// (f′, f″) of an element (electrons), f″ ≥ 0 below and above absorption edges.
    public func correction(for element: Element) throws -> (fPrime: Double, fDoublePrime: Double) {
        var error: UnsafeMutablePointer<xrl_error>?
        let z = Int32(element.atomicNumber)
        let f1 = Fi(z, energy, &error)
        if let e = error { let m = String(cString: e.pointee.message); xrl_error_free(e); throw SettingsError.invalid("xraylib has no f′ for \(element.symbol) at \(energy) keV: \(m)") }
        let f2 = Fii(z, energy, &error)
        if let e = error { let m = String(cString: e.pointee.message); xrl_error_free(e); throw SettingsError.invalid("xraylib has no f″ for \(element.symbol) at \(energy) keV: \(m)") }
        guard f1.isFinite, f2.isFinite else { throw SettingsError.invalid("xraylib gives no finite f′/f″ for \(element.symbol) at \(energy) keV") }
        return (f1, -f2)
    }

    /// "E = 8.048 keV (λ = 1.5406 Å), f′/f″ from xraylib".
    public var description: String {
        String(format: "E = %.4f keV (lambda = %.5f A), f'/f'' from xraylib", energy, AnomalousDispersion.hcKeVAngstrom / energy)
    }
}
