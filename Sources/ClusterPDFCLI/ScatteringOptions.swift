import ArgumentParser
import ClusterPDF

/// The options of a total-scattering calculation (simulate), turned into `ScatteringSettings`.
struct ScatteringOptions: ParsableArguments {
    @Option(help: "Radiation: xray or neutron.")
    var radiation: Radiation = .xray
    @Option(help: "Lower Q of the G(r) transform (Å⁻¹).")
    var qmin: Double = Defaults.qmin
    @Option(help: "Upper Q (Å⁻¹).")
    var qmax: Double = Defaults.qmax
    @Option(help: "Q step of I(Q), S(Q), F(Q) output (Å⁻¹).")
    var qstep: Double = 0.01
    @Option(help: "G(r) damping exp(−(qdamp·r)²/2) (Å⁻¹).")
    var qdamp: Double = Defaults.measuredQdamp
    @Option(help: "Peak broadening growing with r (Å⁻¹).")
    var qbroad: Double = 0
    @Option(help: "Correlated-motion term δ1 (Å).")
    var delta1: Double = 0
    @Option(help: "Correlated-motion term δ2 (Å²).")
    var delta2: Double = 0
    @Option(help: "Uiso in Å²: one value, or per element 'Cd=0.012,Se=0.009' (default: from the file, else 0.005).")
    var uiso: String?
    @Option(help: "r grid start (Å).")
    var rmin: Double = 0
    @Option(help: "r grid end (Å).")
    var rmax: Double = 30
    @Option(help: "r grid step (Å).")
    var rstep: Double = 0.01
    @Flag(help: "Apply the Lorch window to F(Q) before the transform.")
    var lorch = false
    @Option(help: "Debye sum: auto, exact or histogram.")
    var mode: DebyeMode = .auto
    @Option(help: "Histogram bin width (Å).")
    var binWidth: Double = 1e-3
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?
    @Flag(help: "X-rays: add anomalous dispersion f′, f″ (xraylib) at --energy, or for xrd at the wavelength λ1.")
    var anomalous = false
    @Option(help: "Photon energy (keV) of the anomalous corrections (with --anomalous).")
    var energy: Double?

    /// The settings; `wavelength` (Å, powder patterns) gives the anomalous energy when --energy is absent.
    func settings(wavelength: Double? = nil) throws -> ScatteringSettings {
        var s = ScatteringSettings()
        s.radiation = radiation
        s.qmin = qmin; s.qmax = qmax; s.qstep = qstep; s.qdamp = qdamp; s.qbroad = qbroad
        s.delta1 = delta1; s.delta2 = delta2
        s.rmin = rmin; s.rmax = rmax; s.rstep = rstep
        s.lorch = lorch; s.mode = mode; s.binWidth = binWidth
        if let t = threads { s.threads = t }
        if let u = uiso { s.displacements = try DisplacementSettings(parsing: u) }
        if energy != nil, !anomalous { throw ValidationError("--energy sets the energy of the anomalous corrections: add --anomalous") }
        if anomalous {
            guard let e = energy ?? wavelength.map({ AnomalousDispersion.hcKeVAngstrom / $0 }) else {
                throw ValidationError("--anomalous needs the photon energy: give --energy (keV)")
            }
            s.anomalous = try AnomalousDispersion(energy: e)
        }
        try s.validate()
        return s
    }
}
