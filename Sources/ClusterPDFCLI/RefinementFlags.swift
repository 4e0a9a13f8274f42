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

    /// The G(r)-only options given (names as typed), which reciprocal-space data cannot use.
    var realSpaceOptionsGiven: [String] {
        [("--rmin", rmin), ("--rmax", rmax), ("--qmin", qmin), ("--qmax", qmax), ("--qdamp", qdamp), ("--qbroad", qbroad)].compactMap { $0.1 == nil ? nil : $0.0 }
    }

    var overrides: SettingOverrides {
        SettingOverrides(rmin: rmin, rmax: rmax, qmin: qmin, qmax: qmax, qdamp: qdamp, qbroad: qbroad, radiation: radiation)
    }
}

/// Refinement options of fit.
struct RefinementFlags: ParsableArguments {
    @OptionGroup var data: DataSettingFlags
    @Option(help: "Free parameters, comma-separated: scale, zoom, uiso, uiso:<element>, delta1, delta2, qdamp, qbroad; crystals also a, b, c, alpha, beta, gamma, x:<site>, u11:<site>, occ:<site>, psize, erad, prad, radius, thickness, psig, phase<N>.<name> (default clusters: scale,zoom,uiso,delta2; crystals: see docs/crystals.md).")
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
