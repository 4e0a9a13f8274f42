import ArgumentParser
import ClusterPDF
import Foundation

extension ScatteringFunction: ExpressibleByArgument {}

extension Radiation: ExpressibleByArgument {}
extension DebyeMode: ExpressibleByArgument {}
extension Anode: ExpressibleByArgument {}

/// Options of the Debye / G(r) calculation shared by simulate, fit and classify.
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

    func settings() throws -> ScatteringSettings {
        var s = ScatteringSettings()
        s.radiation = radiation
        s.qmin = qmin; s.qmax = qmax; s.qstep = qstep; s.qdamp = qdamp; s.qbroad = qbroad
        s.delta1 = delta1; s.delta2 = delta2
        s.rmin = rmin; s.rmax = rmax; s.rstep = rstep
        s.lorch = lorch; s.mode = mode; s.binWidth = binWidth
        if let t = threads { s.threads = t }
        if let u = uiso { s.displacements = try DisplacementSettings(parsing: u) }
        try s.validate()
        return s
    }
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute G(r), F(Q), S(Q), I(Q), R(r) or a powder pattern of a cluster (Debye equation).",
        discussion: "Writes PDFgetX3-style files (key = value header, '#### start data', '#L' column names) that PDFgui and diffpy read.")

    @OptionGroup var input: StructureInput
    @Option(name: .long, help: "Function: gr, fq, sq, iq, rdf or xrd.")
    var function: ScatteringFunction = .gr
    @OptionGroup var scattering: ScatteringOptions
    @Option(help: "Partial PDF of an element pair, e.g. Cd-Se (repeatable).")
    var partial: [String] = []
    @Option(help: "X-ray anode for xrd: Cu, Mo, Ag, Co, Cr, Fe (Kα1).")
    var anode: Anode = .Cu
    @Option(help: "Wavelength for xrd (Å); overrides --anode.")
    var wavelength: Double?
    @Flag(help: "Add the anode's Kα2 line at half the Kα1 intensity.")
    var kalpha2 = false
    @Option(help: "Monochromator angle 2θm (degrees) for the polarization factor.")
    var monochromator: Double?
    @Option(help: "Gaussian instrument FWHM (degrees 2θ).")
    var fwhm: Double?
    @Option(help: "Caglioti U,V,W (degrees²) for the instrument FWHM.")
    var caglioti: String?
    @Option(help: "2θ start (degrees).")
    var tthMin: Double = 10
    @Option(help: "2θ end (degrees).")
    var tthMax: Double = 80
    @Option(help: "2θ step (degrees).")
    var tthStep: Double = 0.02
    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?
    @Option(help: "Also write an SVG plot to this file.")
    var plot: String?
    @Option(help: "With --function gr: also write I(Q) (0…qmax by qstep) to this file, from the same pair histogram.")
    var iqOutput: String?

    func validate() throws {
        if kalpha2, wavelength != nil { throw ValidationError("--kalpha2 takes the doublet of --anode; it cannot be combined with --wavelength") }
        if let c = caglioti, c.split(separator: ",").compactMap({ Double($0) }).count != 3 { throw ValidationError("--caglioti needs three numbers U,V,W") }
        if iqOutput != nil, function != .gr { throw ValidationError("--iq-output goes with --function gr") }
        for p in partial where ElementPair(p) == nil { throw ValidationError("--partial '\(p)' is not an element pair like Cd-Se") }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try input.load()
            guard loaded.kind != .crystal else {
                throw ValidationError("\(input.file) is a periodic crystal (its unit cell), not a finite cluster: carve one first with 'clusterpdf build sphere \(input.file) --radius 10'")
            }
            var job = Simulation(structure: loaded.structure, path: loaded.path, function: function, settings: try scattering.settings())
            job.partials = partial.compactMap(ElementPair.init)
            job.powder.wavelength = wavelength ?? anode.kAlpha1
            if kalpha2 { job.powder.secondWavelength = anode.kAlpha2 }
            job.powder.monochromatorAngle = monochromator
            job.powder.fwhm = fwhm
            job.powder.caglioti = caglioti.map { $0.split(separator: ",").compactMap { Double($0) } }
            job.powder.twoThetaMin = tthMin; job.powder.twoThetaMax = tthMax; job.powder.twoThetaStep = tthStep
            job.alsoIntensity = iqOutput != nil
            let out = try job.run()
            for w in out.warnings { warn("warning: \(w)") }
            let text = CurveWriter.string(out.curve, header: out.header)
            var files = [(text: String, path: String)]()
            if let o = output { files.append((text, o)) }
            if let p = plot { files.append((out.plot.render(), p)) }
            if let path = iqOutput, let iq = out.intensity { files.append((CurveWriter.string(iq.curve, header: iq.header), path)) }
            try AtomicFile.writeAll(files)
            if output == nil { print(text, terminator: "") }
        }
    }
}
