/// The one home of ClusterPDF's default settings. Every command and the Swift API take their
/// defaults from here; a value in the data header overrides a default, and an explicit option
/// overrides both (see `DataSettings.resolve`).
public enum Defaults {
    /// Lower end of the Q range of the G(r) transform (Å⁻¹) when neither an option nor the data
    /// header gives one.
    public static let qmin = 1.0
    /// Largest |coordinate| (Å) a structure may have: readers and calculators refuse larger ones
    /// (a cluster is nanometres wide; 10⁶ Å is a tenth of a millimetre).
    public static let maximumCoordinate = 1e6
    /// Shortest and longest cell edge (Å) a lattice may have (real cells: 2–1,000 Å).
    public static let cellLengthRange: ClosedRange<Double> = 0.5...100_000
    /// Upper end of the Q range (Å⁻¹) when neither an option nor the data header gives one.
    public static let qmax = 25.0
    /// Instrumental damping qdamp (Å⁻¹) assumed for measured data whose header does not give it
    /// (a typical rapid-acquisition synchrotron value); also `simulate`'s default, so that simulated
    /// curves look like measured ones. `ScatteringSettings` itself defaults to no damping.
    public static let measuredQdamp = 0.04
    /// Instrumental broadening qbroad (Å⁻¹) of measured data whose header does not give it.
    public static let measuredQbroad = 0.0
    /// Radiation of measured data whose header does not say (`mode = xray|neutron`).
    public static let radiation = Radiation.xray
    /// Fit range (Å) of `fit`, `classify` and `batch`, clipped to the data: from the first
    /// interatomic distances to where a 1–3 nm cluster's G(r) has died out.
    public static let fitRange: ClosedRange<Double> = 1.5...20
    /// Fit range (Å) of crystal (attenuated-crystal) models, clipped to the data: their G(r)
    /// extends as far as the particle, and diffpy-cmi's nanoparticle example fits to 40 Å.
    public static let crystalFitRange: ClosedRange<Double> = 1.5...40
    /// Parameters refined by default.
    public static let freeParameters: Set<ParameterName> = [.scale, .zoom, .uiso, .delta2]
    /// Starting (and, when fixed, used) values of the refinable parameters: zoom 1, Uiso 0.01 Å²,
    /// δ1 0 Å, δ2 0 Å². The scale starts at its closed-form least-squares value.
    public static let startingValues: [ParameterName: Double] = [.zoom: 1, .uiso: 0.01, .delta1: 0, .delta2: 0]
}
