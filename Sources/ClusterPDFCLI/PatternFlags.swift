import ArgumentParser
import ClusterPDF

/// Options of reciprocal-space data (2θ powder patterns, I(Q), S(Q), F(Q)) for fit and classify.
struct PatternFlags: ParsableArguments {
    @Option(help: "2θ data: wavelength (Å), overriding the header's 'wavelength'.") var wavelength: Double?
    @Option(help: "2θ data: X-ray anode (Cu, Mo, Ag, Co, Cr, Fe) for the Kα1 wavelength (Hölzer 1997).") var anode: Anode?
    @Flag(help: "2θ data: add the anode's Kα2 line (ratio 0.5).") var kalpha2 = false
    @Option(help: "2θ data: monochromator angle 2θm (degrees) of the polarization factor.") var monochromator: Double?
    @Option(help: "2θ data: instrument Caglioti U,V,W (degrees²) (default: constant FWHM 0.1°, stated in the output).") var caglioti: String?
    @Option(help: "2θ data: constant instrument FWHM (degrees).") var fwhm: Double?
    @Option(help: "2θ data: Lorentzian fraction η of the pseudo-Voigt (default 0.5).") var eta: Double?
    @Option(help: "2θ data: starting zero shift (degrees).") var zero: Double?
    @Option(help: "Chebyshev background terms (default 3 for I(2θ) and I(Q), 0 for S(Q), F(Q)).") var backgroundTerms: Int?
    @Option(help: "Fit range of reciprocal-space data, lo:hi in the data's unit (2θ degrees or Å⁻¹).") var range: String?
    @Flag(help: "X-rays: anomalous dispersion f′, f″ (xraylib) at the wavelength, or at --energy.") var anomalous = false
    @Option(help: "Photon energy (keV) of the anomalous corrections.") var energy: Double?

    func validate() throws {
        if let c = caglioti, c.split(separator: ",").compactMap({ Double($0.trimmingCharacters(in: .whitespaces)) }).count != 3 { throw ValidationError("--caglioti needs three numbers U,V,W") }
        if fwhm != nil, caglioti != nil { throw ValidationError("give either --fwhm or --caglioti, not both") }
        if let b = backgroundTerms, !(0...12).contains(b) { throw ValidationError("--background-terms must be 0…12") }
        if range != nil, (try? parsedRange()) == nil { throw ValidationError("--range needs lo:hi with lo < hi, e.g. 15:70") }
        if energy != nil, !anomalous { throw ValidationError("--energy sets the energy of the anomalous corrections: add --anomalous") }
    }

    /// Whether any option only meaningful for reciprocal-space data was given.
    var anyGiven: Bool {
        wavelength != nil || anode != nil || kalpha2 || monochromator != nil || caglioti != nil || fwhm != nil || eta != nil
            || zero != nil || backgroundTerms != nil || range != nil || anomalous || energy != nil
    }

    func parsedRange() throws -> ClosedRange<Double>? {
        guard let r = range else { return nil }
        let parts = r.split(separator: ":").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let a = parts[0], let b = parts[1], a.isFinite, b.isFinite, a < b else { throw ValidationError("--range needs lo:hi with lo < hi") }
        return a...b
    }

    /// Reads and checks the data file.
    func data(_ curve: MeasuredCurve) throws -> ReciprocalData {
        try ReciprocalData(curve: curve, wavelength: wavelength, anode: anode, kAlpha2: kalpha2, monochromator: monochromator)
    }

    /// Source of 2θ patterns (batch).
    var source: PatternSource { PatternSource(wavelength: wavelength, anode: anode, kAlpha2: kalpha2, monochromator: monochromator) }

    /// Settings shared by fit, classify and batch: profile, background, range, radiation, anomalous
    /// dispersion. `data` (when known) checks that 2θ-only options go with a 2θ pattern.
    func baseOptions(radiation: Radiation?, threads: Int?, data: ReciprocalData?) throws -> PatternRefinementOptions {
        var o = PatternRefinementOptions()
        if let z = zero { o.start[.zero] = z }
        o.backgroundTerms = backgroundTerms
        o.range = try parsedRange()
        if let f = fwhm { o.profile = .constant(fwhm: f, eta: eta ?? 0.5) }
        if let c = caglioti {
            let v = c.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            o.profile = PowderProfile(u: v[0], v: v[1], w: v[2], eta: eta ?? 0.5)
        } else if let e = eta, fwhm == nil {
            var p = PatternRefinementOptions.defaultProfile; p.eta = e; o.profile = p
        }
        if let data, data.kind != .pattern, o.profile != nil || zero != nil {
            throw ValidationError("--caglioti, --fwhm, --eta and --zero describe a 2θ pattern; \(data.curve.path) is on a Q axis")
        }
        o.scattering.radiation = radiation ?? (data?.curve.header["radiation"]?.lowercased().hasPrefix("n") == true ? .neutron : .xray)
        if anomalous {
            if let e = energy ?? data?.powder.map({ AnomalousDispersion.hcKeVAngstrom / $0.wavelength }) ?? wavelength.map({ AnomalousDispersion.hcKeVAngstrom / $0 }) ?? anode.map({ AnomalousDispersion.hcKeVAngstrom / $0.kAlpha1 }) {
                o.scattering.anomalous = try AnomalousDispersion(energy: e)
            } else if data == nil {
                o.anomalousAtWavelength = true  // each 2θ file's own wavelength (classify, batch)
            } else {
                throw ValidationError("--anomalous on Q-axis data needs --energy (keV)")
            }
        }
        if let t = threads { o.scattering.threads = t }
        try o.scattering.validate()
        return o
    }

    /// The refinement options for `data`, on top of the shared refinement flags.
    func options(_ refinement: RefinementFlags, data: ReciprocalData) throws -> PatternRefinementOptions {
        var o = try baseOptions(radiation: refinement.data.radiation, threads: refinement.threads, data: data)
        if let f = refinement.free { o.free = try ParameterName.list(parsing: f) }
        o.uisoPerElement = refinement.uisoPerElement
        if let z = refinement.zoom { o.start[.zoom] = z }
        if let u = refinement.uiso { o.start[.uiso] = u }
        if let s = refinement.scale { o.start[.scale] = s }
        if let b = refinement.bounds { o.bounds = try ParameterName.bounds(parsing: b) }
        o.globalSearch = !refinement.noGlobalSearch
        return o
    }
}
