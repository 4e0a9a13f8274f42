import ArgumentParser
import ClusterPDF
import Foundation

/// Options of a refinement shared by fit and classify.
struct RefinementFlags: ParsableArguments {
    @Option(help: "Fit range start (Å).") var rmin: Double?
    @Option(help: "Fit range end (Å).") var rmax: Double?
    @Option(help: "Free parameters, comma-separated: scale, zoom, uiso, delta1, delta2, qdamp, qbroad.")
    var free: String = "scale,zoom,uiso,delta2"
    @Flag(help: "Refine one Uiso per element (default: one shared).") var uisoPerElement = false
    @Option(help: "Starting zoom (isotropic expansion).") var zoom: Double = 1
    @Option(help: "Starting Uiso (Å²).") var uiso: Double = 0.01
    @Option(help: "Starting δ2 (Å²).") var delta2: Double = 0
    @Option(help: "qdamp (Å⁻¹), starting value if freed.") var qdamp: Double = 0.04
    @Option(help: "qbroad (Å⁻¹), starting value if freed.") var qbroad: Double = 0
    @Option(help: "Fixed scale when scale is not free.") var scale: Double?
    @Option(help: "Qmin of the model (default: data header qmin, else 1).") var qmin: Double?
    @Option(help: "Qmax of the model (default: data header qmax, else 25).") var qmax: Double?
    @Option(help: "Radiation: xray or neutron.") var radiation: Radiation = .xray
    @Option(help: "Zoom scan half-width before least squares (0 = off).") var zoomScan: Double = 0.25
    @Option(help: "Worker threads.") var threads: Int?

    func options() -> RefinementOptions {
        var o = RefinementOptions()
        o.rmin = rmin; o.rmax = rmax
        o.free = Set(free.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        o.uisoPerElement = uisoPerElement
        o.zoom = zoom; o.uiso = uiso; o.delta2 = delta2; o.qdamp = qdamp; o.qbroad = qbroad; o.scale = scale
        o.qmin = qmin; o.qmax = qmax; o.radiation = radiation; o.zoomScan = zoomScan
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
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let loaded = try StructureReader.read(path: model)
            guard loaded.kind != .crystal else {
                throw ValidationError("\(model) is a periodic crystal: fit a finite cluster (clusterpdf build sphere \(model) --radius 15)")
            }
            let curve = try MeasuredCurveReader.read(path: data)
            let result = try PDFRefinement(structure: loaded.structure, data: curve, options: refinement.options()).run()
            if let o = output { try AtomicFile.write(result.fileText(), to: o) }
            if let p = plot { try AtomicFile.write(result.plot().render(), to: p) }
            if json {
                var r = result
                r.r = []; r.gObserved = []; r.gCalculated = []
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(r), as: UTF8.self))
            } else {
                print(result.table(), terminator: "")
            }
        }
    }
}
