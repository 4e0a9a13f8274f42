/// The kind of size distribution of a Debye nanoparticle ensemble (`fit --ensemble`).
public enum EnsembleKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Log-normal number distribution of sphere diameters (`LognormalSizes`).
    case lognormal
}

/// Options of an ensemble refinement (`EnsembleRefinement`).
public struct EnsembleOptions: Sendable {
    /// The size distribution.
    public var kind = EnsembleKind.lognormal
    /// Data settings, free parameters, starts, bounds, threads, as for clusters. `free` nil
    /// means the ensemble's default: scale, zoom, uiso, delta2, psize, psig, and fault with
    /// `stackingFaults`.
    public var refinement = RefinementOptions()
    /// The free parameters as given (nil: the default above).
    public var free: Set<ParameterName>?
    /// Refine the stacking-fault probability (else it is held at the crystal's own stacking:
    /// 0 for wurtzite, 1 for zincblende).
    public var stackingFaults = false
    /// Largest particle diameter of the size grid (Å); the distribution's mass beyond it is
    /// dropped, with a warning when it carries more than 0.1 % of the scattering volume.
    public var maximumDiameter = 120.0
    /// Spacing of the size grid (Å): 2 Å = 0.2 nm.
    public var sizeStep = 2.0

    /// Default options.
    public init() {}

    /// Default bounds of the ensemble parameters: psize 10…80 Å, psig 1…25 Å (the size grid's
    /// 2 Å steps resolve no narrower distribution; a width on its lower bound means "narrower
    /// than the grid resolves"), fault 0…1.
    public static let defaultBounds: [ParameterName: ClosedRange<Double>] = [.envelope(.psize): 10...80, .envelope(.psig): 1...25, .fault: 0...1]
}
