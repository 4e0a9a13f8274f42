import Foundation

/// The instrument profile of a laboratory diffractometer: a pseudo-Voigt whose FWHM follows
/// Caglioti's law, as Rietveld programs define it (GSAS type 2, FullProf Npr = 5 with constant η):
///
///     H(2θ)² = U tan²θ + V tanθ + W                          (degrees² of 2θ)
///     pV(x) = η L(x; H) + (1 − η) G(x; H),   x = 2θ − 2θ_peak  (per degree, unit area)
///     G = (2/H) √(ln 2/π) exp(−4 ln 2 x²/H²),   L = (2/(πH)) / (1 + 4x²/H²)
///
/// The profile is cut at ±`reach(fwhm:)` (4 H for a Gaussian, 20 H with a Lorentzian part) and
/// renormalised analytically to unit area over that window, so a peak keeps its area.
public struct PowderProfile: Sendable, Hashable {
    /// Caglioti U (degrees²).
    public var u: Double
    /// Caglioti V (degrees²).
    public var v: Double
    /// Caglioti W (degrees²).
    public var w: Double
    /// Lorentzian fraction η of the pseudo-Voigt, 0 (Gaussian) … 1 (Lorentzian).
    public var eta: Double

    /// A profile from U, V, W (degrees²) and η.
    public init(u: Double, v: Double, w: Double, eta: Double = 0) {
        self.u = u; self.v = v; self.w = w; self.eta = eta
    }

    /// A profile of constant FWHM (degrees 2θ): U = V = 0, W = FWHM².
    public static func constant(fwhm: Double, eta: Double = 0) -> PowderProfile {
        PowderProfile(u: 0, v: 0, w: fwhm * fwhm, eta: eta)
    }

    /// Checks that U, V, W, η are finite, 0 ≤ η ≤ 1, and H² > 0 over `range` (degrees 2θ).
    public func validate(over range: ClosedRange<Double>) throws {
        guard [u, v, w, eta].allSatisfy(\.isFinite) else { throw SettingsError.invalid("profile U, V, W and eta must be finite numbers") }
        guard (0...1).contains(eta) else { throw SettingsError.invalid("profile eta must lie in 0…1, got \(eta)") }
        for k in 0...20 {
            let t = range.lowerBound + Double(k) / 20 * (range.upperBound - range.lowerBound)
            guard fwhmSquared(atTwoTheta: t) > 0 else {
                throw SettingsError.invalid(String(format: "Caglioti U,V,W = %g,%g,%g give FWHM² ≤ 0 at 2θ = %.2f°", u, v, w, t))
            }
        }
    }

    /// H² (degrees²) at 2θ (degrees).
    public func fwhmSquared(atTwoTheta tth: Double) -> Double {
        let t = tan(tth * Double.pi / 360)
        return u * t * t + v * t + w
    }

    /// H (degrees) at 2θ (degrees); 0 where H² ≤ 0.
    public func fwhm(atTwoTheta tth: Double) -> Double { max(0, fwhmSquared(atTwoTheta: tth)).squareRoot() }

    /// Half-width (degrees) of the window the profile is summed over.
    public func reach(fwhm h: Double) -> Double { (eta > 0 ? 20 : 4) * h }

    /// The profile (per degree) at offset x (degrees) from a peak of FWHM h, unit area over ±reach.
    @inline(__always) public func density(_ x: Double, fwhm h: Double) -> Double {
        uncut(x, fwhm: h) / windowArea
    }

    /// The profile before the window's renormalisation (divide by `windowArea`).
    @inline(__always) func uncut(_ x: Double, fwhm h: Double) -> Double {
        let z2 = 4 * x * x / (h * h)
        let g = (2 / h) * 0.46971863934982566 * exp(-0.69314718055994531 * z2)  // √(ln2/π), ln 2
        let l = 2 / (Double.pi * h) / (1 + z2)
        return eta * l + (1 - eta) * g
    }

    /// Area of the uncut profile inside ±reach: η (2/π) atan(2·reach/H) + (1 − η) erf(√ln2 · 2·reach/H).
    var windowArea: Double {
        let k = eta > 0 ? 20.0 : 4.0
        return eta * (2 / Double.pi) * atan(2 * k) + (1 - eta) * erf(log(2).squareRoot() * 2 * k)
    }

    /// "pseudo-Voigt, Caglioti U,V,W = …, eta = …".
    public var summary: String {
        String(format: "pseudo-Voigt, Caglioti U,V,W = %g,%g,%g deg^2, eta = %g (cut at %d FWHM)", u, v, w, eta, eta > 0 ? 20 : 4)
    }
}
