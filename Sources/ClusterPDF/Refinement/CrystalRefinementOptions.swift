import Foundation

/// What to refine in a crystal (attenuated-crystal) model and how. Data settings (fit range,
/// Q range, qdamp, qbroad, radiation) are in `overrides`: what is nil there comes from the data
/// header or `Defaults` (fit range `Defaults.crystalFitRange`).
public struct CrystalRefinementOptions: Sendable {
    /// Explicit data settings (nil: from the data header, else `Defaults`).
    public var overrides = SettingOverrides()
    /// Default fit range (Å) where `overrides` gives none, clipped to the data.
    public var fitRange = Defaults.crystalFitRange
    /// The particle envelope of every phase (`core-shell`: the first phase is the core, the
    /// second the shell).
    public var envelope = EnvelopeKind.sphere
    /// γ(r) for `envelope == .file`.
    public var envelopeTable: TabulatedEnvelope?
    /// Refined parameters; nil: the defaults of a crystal model — each phase's scale, the cell
    /// parameters and coordinates the space group leaves free (one coordinate per polar axis is
    /// held so that the origin does not float), one Uiso per element (or the allowed U
    /// components with `anisotropic`), δ2 and the envelope sizes. A name without a `phaseN.`
    /// prefix applies to every phase; `uiso` means every element's Uiso.
    public var free: Set<ParameterName>?
    /// Parameters removed from the free set (e.g. `delta2` to hold it).
    public var fixed: Set<ParameterName> = []
    /// Starting values (and values of fixed parameters); without a phase prefix they apply to
    /// every phase. Missing: the CIF's values, Uiso 0.01 Å² where the CIF gives none, δ2 = 0,
    /// a 40 Å particle (`EnvelopeParameter.startingValue`).
    public var start: [ParameterName: Double] = [:]
    /// Bounds replacing the defaults (cell lengths ±10 % and angles ±10° of the CIF values,
    /// coordinates ±0.1, `ParameterName.defaultBounds` otherwise).
    public var bounds: [ParameterName: ClosedRange<Double>] = [:]
    /// Refine the anisotropic U allowed by each site's symmetry instead of one Uiso per element.
    public var anisotropic = false
    /// Run the deterministic global stage (a grid over Uiso, δ2 and the envelope sizes) before
    /// least squares, so that the result does not depend on the starting values (default on).
    public var globalSearch = true
    /// How uncertainties are estimated (default: corrected for oversampled G(r)).
    public var uncertaintyModel = UncertaintyModel.nyquist
    /// Largest number of Levenberg–Marquardt iterations per start.
    public var maxIterations = 100
    /// Compute standard uncertainties.
    public var uncertainties = true
    /// Worker threads; results do not depend on it.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    /// Default options: sphere envelope, the crystal model's default free parameters.
    public init() {}
}

/// One phase of a crystal refinement's result.
public struct PhaseResult: Codable, Sendable, Hashable {
    /// Title of the crystal (CIF data block).
    public var name: String
    /// Formula of the cell contents.
    public var formula: String
    /// Space group as read (name) or "P1" when the CIF gives only x,y,z.
    public var spaceGroup: String
    /// The particle envelope.
    public var envelope: EnvelopeKind
    /// The refined scale of the phase.
    public var scale: Double
    /// Its share of the total scale, s_p/Σs (for one phase 1): with data normalised per atom,
    /// the fraction of the sample's scattering from this phase.
    public var fraction: Double
    /// Notes on the constraints (e.g. a coordinate held because the group is polar).
    public var notes: [String]
}
