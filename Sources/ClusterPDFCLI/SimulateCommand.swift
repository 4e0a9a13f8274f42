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

    func run() throws {
        let (text, svg) = try reportingErrors { () -> (String, String?) in
            let loaded = try input.load()
            guard loaded.kind != .crystal else {
                throw ValidationError("\(input.file) is a periodic crystal (its unit cell), not a finite cluster: carve one first with 'clusterpdf build sphere \(input.file) --radius 10'")
            }
            let settings = try scattering.settings()
            let pairs = try partial.map { p -> ElementPair in
                guard let e = ElementPair(p) else { throw ValidationError("--partial '\(p)' is not an element pair like Cd-Se") }
                return e
            }
            let calc = try DebyeCalculator(structure: loaded.structure, settings: settings)
            for w in calc.warnings { warn("warning: \(w)") }
            var header: [(String, String)] = [
                ("program", "ClusterPDF \(ClusterPDFVersion.string)"),
                ("structure", loaded.path),
                ("formula", loaded.structure.formula),
                ("atoms", "\(loaded.structure.count)"),
                ("function", function.rawValue),
                ("radiation", settings.radiation == .xray ? "xray (Waasmaier-Kirfel 1995 form factors)" : "neutron (coherent scattering lengths b_c)"),
            ]
            let curve: Curve
            var yLabel = "", xLabel = "", title = ""
            switch function {
            case .gr, .rdf:
                header += [("qmin", "\(settings.qmin)"), ("qmax", "\(settings.qmax)"), ("qdamp", "\(settings.qdamp)"), ("qbroad", "\(settings.qbroad)"),
                           ("delta1", "\(settings.delta1)"), ("delta2", "\(settings.delta2)"), ("uiso", settings.displacements.summary),
                           ("rmin", "\(settings.rmin)"), ("rmax", "\(settings.rmax)"), ("rstep", "\(settings.rstep)"),
                           ("lorch", "\(settings.lorch)"), ("mode", calc.effectiveMode.rawValue)]
                if calc.effectiveMode == .histogram { header.append(("binwidth", "\(settings.binWidth)")) }
                if function == .gr {
                    curve = calc.pairDistributionFunction(partials: pairs)
                    header.append(("definition", "G(r) = (2/pi) integral_qmin^qmax F(Q) sin(Qr) dQ * exp(-(qdamp r)^2/2), finite cluster (no -4 pi rho0 r term)"))
                    (xLabel, yLabel, title) = ("r (Å)", "G (Å⁻²)", "G(r) of \(loaded.structure.formula)")
                } else {
                    curve = calc.radialDistribution()
                    header.append(("definition", "R(r) = (1/N) sum_{i!=j} w_ij Gauss(r - r_ij, sigma_ij), w_ij = f_i(0) f_j(0)/<f(0)>^2"))
                    (xLabel, yLabel, title) = ("r (Å)", "R (Å⁻¹)", "R(r) of \(loaded.structure.formula)")
                }
            case .fq, .sq, .iq:
                header += [("qmax", "\(settings.qmax)"), ("qstep", "\(settings.qstep)"), ("qbroad", "\(settings.qbroad)"),
                           ("delta1", "\(settings.delta1)"), ("delta2", "\(settings.delta2)"), ("uiso", settings.displacements.summary),
                           ("mode", calc.effectiveMode.rawValue)]
                if function == .fq {
                    var c = calc.reducedStructureFunction()
                    for p in pairs { c.columns.append(calc.reducedStructureFunction(partial: p).y); c.labels.append("F_\(p)(A^-1)") }
                    curve = c
                    header.append(("definition", "F(Q) = Q[S(Q) - 1], S(Q) = I(Q)/(N<f>^2) - (<f^2> - <f>^2)/<f>^2"))
                    (xLabel, yLabel, title) = ("Q (Å⁻¹)", "F (Å⁻¹)", "F(Q) of \(loaded.structure.formula)")
                } else {
                    let (s, i) = calc.structureFactorAndIntensity()
                    curve = function == .sq ? s : i
                    header.append(("definition", function == .sq ? "S(Q) = I(Q)/(N<f>^2) - (<f^2> - <f>^2)/<f>^2" : "I(Q) = sum_i sum_j f_i f_j exp(-Q^2 s2_ij/2) sin(Q r_ij)/(Q r_ij)"))
                    (xLabel, yLabel, title) = ("Q (Å⁻¹)", function == .sq ? "S" : "I", "\(function == .sq ? "S" : "I")(Q) of \(loaded.structure.formula)")
                }
            case .xrd:
                var p = PowderSettings()
                p.wavelength = wavelength ?? anode.kAlpha1
                if kalpha2 {
                    guard wavelength == nil else { throw ValidationError("--kalpha2 takes the doublet of --anode; it cannot be combined with --wavelength") }
                    p.secondWavelength = anode.kAlpha2
                }
                p.monochromatorAngle = monochromator
                p.fwhm = fwhm
                if let c = caglioti {
                    let v = c.split(separator: ",").compactMap { Double($0) }
                    guard v.count == 3 else { throw ValidationError("--caglioti needs three numbers U,V,W") }
                    p.caglioti = v
                }
                p.twoThetaMin = tthMin; p.twoThetaMax = tthMax; p.twoThetaStep = tthStep
                curve = try PowderPattern.compute(calculator: calc, powder: p)
                header += [("wavelength", "\(p.wavelength)"), ("kalpha2", p.secondWavelength.map { "\($0) (ratio 0.5)" } ?? "none"),
                           ("polarization", p.monochromatorAngle.map { "monochromator 2theta_m = \($0) deg" } ?? "unpolarized (1+cos^2 2theta)/2"),
                           ("broadening", p.caglioti.map { "Caglioti U,V,W = \($0)" } ?? p.fwhm.map { "Gaussian FWHM \($0) deg" } ?? "none"),
                           ("uiso", settings.displacements.summary), ("mode", calc.effectiveMode.rawValue)]
                (xLabel, yLabel, title) = ("2θ (degrees)", "I (a.u.)", "Powder pattern of \(loaded.structure.formula), λ = \(p.wavelength) Å")
            }
            let text = CurveWriter.string(curve, header: header)
            if let path = iqOutput {
                guard function == .gr else { throw ValidationError("--iq-output goes with --function gr") }
                let iq = calc.structureFactorAndIntensity().i
                try AtomicFile.write(CurveWriter.string(iq, header: header.filter { !["function", "definition", "rmin", "rmax", "rstep"].contains($0.0) } + [("function", "iq"), ("qstep", "\(settings.qstep)")]), to: path)
            }
            var svg: String?
            if plot != nil {
                let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"]
                let series = curve.columns.enumerated().map { i, col in
                    SVGPlot.Series(x: curve.x, y: col, label: curve.labels[i + 1], color: colors[i % colors.count])
                }
                svg = SVGPlot(title: title, xLabel: xLabel, yLabel: yLabel, series: series).render()
            }
            return (text, svg)
        }
        try reportingErrors {
            if let o = output { try AtomicFile.write(text, to: o) } else { print(text, terminator: "") }
            if let p = plot, let s = svg { try AtomicFile.write(s, to: p) }
        }
    }
}
