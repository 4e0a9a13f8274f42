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
    @Option(help: "Free parameters, comma-separated: scale, zoom, uiso, uiso:<element>, delta1, delta2, qdamp, qbroad.")
    var free: String = "scale,zoom,uiso,delta2"
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
            _ = try ParameterName.list(parsing: free)
            if let b = bounds { _ = try ParameterName.bounds(parsing: b) }
        } catch { throw ValidationError(error.description) }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func options() throws -> RefinementOptions {
        var o = RefinementOptions()
        o.overrides = data.overrides
        o.free = try ParameterName.list(parsing: free)
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

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Refine a cluster model against a measured G(r).")
    @Argument(help: "Model structure (XYZ, or CIF of a molecular crystal).") var model: String
    @Argument(help: "Measured G(r) (.gr, .fgr or plain columns r G [dr] [dG]).") var data: String
    @OptionGroup var refinement: RefinementFlags
    @Option(name: .shortAndLong, help: "Write r, Gobs, Gcalc, Gdiff with all parameters to this file.") var output: String?
    @Option(help: "Write the fit figure (SVG).") var plot: String?
    @Flag(help: "Print the result as JSON (without the curves).") var json = false

    func run() throws {
        try reportingErrors {
            let loaded = try StructureReader.read(path: model)
            guard loaded.kind != .crystal else {
                throw ValidationError("\(model) is a periodic crystal: fit a finite cluster (clusterpdf build sphere \(model) --radius 15)")
            }
            let curve = try MeasuredCurveReader.read(path: data)
            let result = try PDFRefinement(structure: loaded.structure, data: curve, options: refinement.options()).run()
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
