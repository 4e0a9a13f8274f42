import ArgumentParser
import ClusterPDF
import Foundation

extension UncertaintyModel: ExpressibleByArgument {}

/// Data settings shared by fit, classify and batch (nil: from the data header, else `Defaults`).
struct DataSettingFlags: ParsableArguments {
    @Option(help: "Fit range start (Å) (default: \(Defaults.fitRange.lowerBound), clipped to the data).") var rmin: Double?
    @Option(help: "Fit range end (Å) (default: \(Defaults.fitRange.upperBound), clipped to the data).") var rmax: Double?
    @Option(help: "Qmin of the model (Å⁻¹) (default: data header 'qmin', else \(Defaults.qmin)).") var qmin: Double?
    @Option(help: "Qmax of the model (Å⁻¹) (default: data header 'qmax', else \(Defaults.qmax)).") var qmax: Double?
    @Option(help: "qdamp (Å⁻¹), the starting value if freed (default: data header 'qdamp', else \(Defaults.measuredQdamp)).") var qdamp: Double?
    @Option(help: "qbroad (Å⁻¹), the starting value if freed (default: data header 'qbroad', else \(Defaults.measuredQbroad)).") var qbroad: Double?
    @Option(help: "Radiation: xray or neutron (default: data header 'mode', else xray).") var radiation: Radiation?

    var overrides: SettingOverrides {
        SettingOverrides(rmin: rmin, rmax: rmax, qmin: qmin, qmax: qmax, qdamp: qdamp, qbroad: qbroad, radiation: radiation)
    }
}

/// Refinement options of fit.
struct RefinementFlags: ParsableArguments {
    @OptionGroup var data: DataSettingFlags
    @Option(help: "Free parameters, comma-separated: scale, zoom, uiso, uiso:<element>, delta1, delta2, qdamp, qbroad; crystals also a, b, c, alpha, beta, gamma, x:<site>, u11:<site>, occ:<site>, psize, erad, prad, radius, thickness, psig, phase<N>.<name> (default clusters: scale,zoom,uiso,delta2; crystals: see the README).")
    var free: String?
    @Flag(help: "Refine one Uiso per element (default: one shared).") var uisoPerElement = false
    @Option(help: "Starting zoom (used as is only with --no-global-search or when fixed).") var zoom: Double?
    @Option(help: "Starting Uiso (Å²) (as for --zoom).") var uiso: Double?
    @Option(help: "Starting δ1 (Å).") var delta1: Double?
    @Option(help: "Starting δ2 (Å²) (as for --zoom).") var delta2: Double?
    @Option(help: "Fixed scale when scale is not free.") var scale: Double?
    @Option(help: "Bounds replacing the physical defaults: name=lower:upper,… (e.g. uiso=0.001:0.05,zoom=0.9:1.1).") var bounds: String?
    @Flag(help: "Skip the global stage: one local refinement from the starting values.") var noGlobalSearch = false
    @Option(help: "Uncertainties: nyquist (corrected for oversampled G(r), default) or plain (independent points).")
    var uncertainty: UncertaintyModel = .nyquist
    @Option(help: "Worker threads.") var threads: Int?

    func validate() throws {
        do {
            if let f = free { _ = try ParameterName.list(parsing: f) }
            if let b = bounds { _ = try ParameterName.bounds(parsing: b) }
        } catch { throw ValidationError(error.description) }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func options() throws -> RefinementOptions {
        var o = RefinementOptions()
        o.overrides = data.overrides
        o.free = try free.map { try ParameterName.list(parsing: $0) } ?? Defaults.freeParameters
        o.uisoPerElement = uisoPerElement
        let starts: [(ParameterName, Double?)] = [(.zoom, zoom), (.uiso, uiso), (.delta1, delta1), (.delta2, delta2), (.scale, scale)]
        for case let (name, v?) in starts { o.start[name] = v }
        if let b = bounds { o.bounds = try ParameterName.bounds(parsing: b) }
        o.globalSearch = !noGlobalSearch
        o.uncertaintyModel = uncertainty
        if let t = threads { o.threads = t }
        return o
    }
}

extension EnvelopeKind: ExpressibleByArgument {}

/// Options of crystal (attenuated-crystal) models.
struct CrystalFlags: ParsableArguments {
    @Option(help: "Particle envelope of crystal models: sphere, spheroid, shell, core-shell (two models: core, shell), lognormal, file, none.")
    var envelope: EnvelopeKind = .sphere
    @Option(help: "γ(r) for --envelope file: two columns r (Å) and γ.") var envelopeFile: String?
    @Option(help: "Parameters to hold at their starting values, comma-separated (e.g. delta2,phase2.psize).") var fix: String?
    @Option(help: "Starting values name=value,… (e.g. psize=30,a=4.3); without phaseN. they apply to every phase.") var start: String?
    @Flag(help: "Refine the anisotropic U each site's symmetry allows instead of one Uiso per element.") var anisotropic = false

    func validate() throws {
        do {
            if let f = fix { _ = try ParameterName.list(parsing: f) }
            if let s = start { _ = try ParameterName.values(parsing: s) }
        } catch { throw ValidationError(error.description) }
        if envelope == .file, envelopeFile == nil { throw ValidationError("--envelope file needs --envelope-file") }
    }

    func options(_ r: RefinementFlags) throws -> CrystalRefinementOptions {
        var o = CrystalRefinementOptions()
        o.overrides = r.data.overrides
        o.envelope = envelope
        if let f = envelopeFile { o.envelopeTable = try TabulatedEnvelope.read(path: f) }
        if let f = r.free { o.free = try ParameterName.list(parsing: f) }
        if let f = fix { o.fixed = try ParameterName.list(parsing: f) }
        if let s = start { o.start = try ParameterName.values(parsing: s) }
        for case let (name, v?) in [(ParameterName.uiso, r.uiso), (.delta1, r.delta1), (.delta2, r.delta2)] where o.start[name] == nil { o.start[name] = v }
        if let b = r.bounds { o.bounds = try ParameterName.bounds(parsing: b) }
        o.anisotropic = anisotropic
        o.globalSearch = !r.noGlobalSearch
        o.uncertaintyModel = r.uncertainty
        if let t = r.threads { o.threads = t }
        return o
    }
}

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Refine a cluster, or one or more crystal phases, against a measured G(r).")
    @Argument(help: "MODEL [MODEL …] DATA: a cluster (XYZ, cluster or molecular-crystal CIF), or periodic CIFs (attenuated crystals; several make several phases), then the measured G(r) (.gr, .fgr or columns r G [dr] [dG]).")
    var inputs: [String]
    @OptionGroup var refinement: RefinementFlags
    @OptionGroup var crystal: CrystalFlags
    @Option(name: .shortAndLong, help: "Write r, Gobs, Gcalc, Gdiff with all parameters to this file.") var output: String?
    @Option(help: "Write the fit figure (SVG).") var plot: String?
    @Flag(help: "Print the result as JSON (without the curves).") var json = false

    func validate() throws {
        guard inputs.count >= 2 else { throw ValidationError("give a model and the data: clusterpdf fit MODEL [MODEL …] DATA") }
    }

    func run() throws {
        try reportingErrors {
            let models = try inputs.dropLast().map { try StructureReader.read(path: $0) }
            let curve = try MeasuredCurveReader.read(path: inputs[inputs.count - 1])
            let result = try ModelFit.run(models: models, data: curve, cluster: refinement.options(), crystal: crystal.options(refinement))
            var files = [(String, String)]()
            if let o = output { files.append((result.fileText(), o)) }
            if let p = plot { files.append((result.plot().render(), p)) }
            try AtomicFile.writeAll(files)
            if json {
                var r = result
                r.curves = nil
                print(try JSONOutput.string(r))
            } else {
                print(result.table(), terminator: "")
            }
        }
    }
}
