import Foundation

/// What to refine against reciprocal-space data and how.
public struct PatternRefinementOptions: Sendable {
    /// Refined parameters. Default: `scale`, `zoom`, `uiso`, `zero` (2θ patterns) and every
    /// background term; the profile (U, V, W, eta) is held unless named.
    public var free: Set<ParameterName>?
    /// Refine one Uiso per element when `uiso` is free (default: one shared value).
    public var uisoPerElement = false
    /// Starting values and values of fixed parameters (zoom 1, Uiso 0.008 Å², zero 0, background 0).
    public var start: [ParameterName: Double] = [:]
    /// Bounds replacing `ParameterName.defaultBounds`.
    public var bounds: [ParameterName: ClosedRange<Double>] = [:]
    /// Instrument profile of a 2θ pattern (its U, V, W, η are the starting/fixed values). nil:
    /// `PatternRefinementOptions.defaultProfile`, stated in the result's notes.
    public var profile: PowderProfile?
    /// Chebyshev background terms (nil: 3 for I(2θ) and I(Q), 0 for S(Q) and F(Q)).
    public var backgroundTerms: Int?
    /// Fit range in the data's x unit (degrees 2θ or Å⁻¹); nil: all points.
    public var range: ClosedRange<Double>?
    /// Scan zoom × Uiso on a fixed grid before least squares, so that the result does not depend
    /// on the starting values (default on).
    public var globalSearch = true
    /// Largest number of Levenberg–Marquardt iterations per start.
    public var maxIterations = 100
    /// Radiation, anomalous dispersion, δ1/δ2 and threads of the Debye intensity.
    public var scattering = ScatteringSettings()
    /// Apply anomalous dispersion at each 2θ pattern's own λ1 when `scattering.anomalous` is nil
    /// (classify and batch over files with different wavelengths); Q-axis data are then an error.
    public var anomalousAtWavelength = false

    /// These options for `data`: `anomalousAtWavelength` resolved to an energy.
    public func resolved(for data: ReciprocalData) throws -> PatternRefinementOptions {
        var o = self
        if anomalousAtWavelength, o.scattering.anomalous == nil {
            guard let p = data.powder else { throw SettingsError.invalid("\(data.curve.path): anomalous dispersion needs a photon energy (--energy) for Q-axis data") }
            o.scattering.anomalous = try AnomalousDispersion(wavelength: p.wavelength)
        }
        return o
    }

    /// The instrument profile assumed when none is given: constant FWHM 0.1° 2θ, η = 0.5 (a
    /// typical Bragg–Brentano diffractometer; negligible against the breadth of cluster peaks).
    public static let defaultProfile = PowderProfile.constant(fwhm: 0.1, eta: 0.5)
    /// Starting Uiso (Å²).
    public static let defaultUiso = 0.008

    /// Defaults: see each property.
    public init() {}
}
