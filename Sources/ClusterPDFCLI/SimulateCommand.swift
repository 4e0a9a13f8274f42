import ArgumentParser
import ClusterPDF
import Foundation

extension ScatteringFunction: ExpressibleByArgument {}

extension Radiation: ExpressibleByArgument {}
extension DebyeMode: ExpressibleByArgument {}
extension Anode: ExpressibleByArgument {}

/// Options of the Debye / G(r) calculation shared by simulate, fit and classify.
extension HeaderStyle: ExpressibleByArgument {}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute G(r), F(Q), S(Q), I(Q), R(r) or a powder pattern of a cluster (Debye equation).",
        discussion: "Writes PDFgetX3-style files (key = value header, '#### start data', '#L' column names) that PDFgui and diffpy read.")

    @OptionGroup var input: StructureInput
    @Argument(help: "More structures: their curves are overlaid with the first in --plot.")
    var more: [String] = []
    @Option(name: .long, help: "Function: gr, fq, sq, iq, rdf or xrd.")
    var function: ScatteringFunction = .gr
    @OptionGroup var scattering: ScatteringOptions
    @Option(help: "Partial PDF of an element pair, e.g. Cd-Se (repeatable).")
    var partial: [String] = []
    @Option(help: "X-ray anode for xrd: Cu, Mo, Ag, Co, Cr, Fe (Kα1).")
    var anode: Anode = .Cu
    @Option(help: "Wavelength for xrd (Å); overrides --anode.")
    var wavelength: Double?
    @Flag(help: "Add the anode's Kα2 line at half the Kα1 intensity (Hölzer et al. 1997 wavelengths).")
    var kalpha2 = false
    @Option(help: "Monochromator angle 2θm (degrees) for the polarization factor (X-rays only).")
    var monochromator: Double?
    @Option(help: "Constant instrument FWHM (degrees 2θ).")
    var fwhm: Double?
    @Option(help: "Caglioti U,V,W (degrees²): FWHM² = U tan²θ + V tanθ + W.")
    var caglioti: String?
    @Option(help: "Lorentzian fraction η of the pseudo-Voigt profile (0 = Gaussian … 1).")
    var eta: Double = 0
    @Option(help: "Zero shift (degrees): peaks appear at 2θ + zero.")
    var zeroShift: Double = 0
    @Option(help: "Chebyshev background coefficients b0,b1,… over the 2θ range.")
    var background: String?
    @Option(help: "2θ start (degrees).")
    var tthMin: Double = 10
    @Option(help: "2θ end (degrees).")
    var tthMax: Double = 80
    @Option(help: "2θ step (degrees).")
    var tthStep: Double = 0.02
    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?
    @Option(help: "Header of the written curve: pdfgetx3 (key = value lines, as PDFgetX3 writes) or comment (# key = value: numpy.loadtxt and gnuplot skip it).")
    var header: HeaderStyle = .pdfgetx3
    @Option(help: "Also write an SVG plot to this file.")
    var plot: String?
    @Option(help: "With --function gr: also write I(Q) (0…qmax by qstep) to this file, from the same pair histogram.")
    var iqOutput: String?
    @Option(help: "Periodic crystals (CIF of a solid): particle envelope sphere, spheroid, shell, lognormal or file (default none: the bulk).")
    var envelope: EnvelopeKind = .none
    @Option(help: "Envelope sizes (Å): psize=30 (sphere, lognormal with psig=5), erad=,prad= (spheroid), radius=,thickness= (shell).")
    var envelopeSize: String?
    @Option(help: "γ(r) for --envelope file: two columns r (Å) and γ.")
    var envelopeFile: String?

    func validate() throws {
        if !more.isEmpty {
            guard plot != nil else { throw ValidationError("several structures are compared in one figure: give --plot FILE.svg (and one structure per -o)") }
            if output != nil || iqOutput != nil { throw ValidationError("-o and --iq-output write one structure's curve; with several structures give --plot only") }
        }
        if kalpha2, wavelength != nil { throw ValidationError("--kalpha2 takes the doublet of --anode; it cannot be combined with --wavelength") }
        if let c = caglioti, c.split(separator: ",").compactMap({ Double($0) }).count != 3 { throw ValidationError("--caglioti needs three numbers U,V,W") }
        if fwhm != nil, caglioti != nil { throw ValidationError("give either --fwhm or --caglioti, not both") }
        if let b = background, b.split(separator: ",").contains(where: { Double($0.trimmingCharacters(in: .whitespaces)) == nil }) { throw ValidationError("--background needs numbers b0,b1,…") }
        if function != .xrd, fwhm != nil || caglioti != nil || background != nil || zeroShift != 0 || kalpha2 || monochromator != nil {
            throw ValidationError("--fwhm, --caglioti, --background, --zero-shift, --kalpha2 and --monochromator describe a powder pattern: add --function xrd")
        }
        if iqOutput != nil, function != .gr { throw ValidationError("--iq-output goes with --function gr") }
        for p in partial where ElementPair(p) == nil { throw ValidationError("--partial '\(p)' is not an element pair like Cd-Se") }
        if envelope == .coreShell { throw ValidationError("--envelope core-shell needs two phases: use 'clusterpdf fit CORE.cif SHELL.cif DATA --envelope core-shell'") }
        if envelope == .file, envelopeFile == nil { throw ValidationError("--envelope file needs --envelope-file") }
        do { _ = try envelopeSizes() } catch { throw ValidationError("\(error)") }
    }

    /// The sizes given with --envelope-size.
    func envelopeSizes() throws -> [EnvelopeParameter: Double] {
        var out = [EnvelopeParameter: Double]()
        for (name, v) in try ParameterName.values(parsing: envelopeSize ?? "") {
            guard case .envelope(let e) = name, envelope.parameters.contains(e) else {
                throw SettingsError.invalid("--envelope-size: '\(name)' is not a size of the \(envelope.rawValue) envelope (\(envelope.parameters.map(\.rawValue).joined(separator: ", ")))")
            }
            out[e] = v
        }
        return out
    }

    func run() throws {
        try reportingErrors {
            if !more.isEmpty { return try overlay() }
            let loaded = try input.load()
            let out = try simulate(loaded)
            let text = CurveWriter.string(out.curve, header: out.header, style: header)
            var files = [(text: String, path: String)]()
            if let o = output { files.append((text, o)) }
            if let p = plot { files.append((out.plot.render(), p)) }
            if let path = iqOutput, let iq = out.intensity { files.append((CurveWriter.string(iq.curve, header: iq.header, style: header), path)) }
            try AtomicFile.writeAll(files, inputs: [input.file])
            if output == nil { print(text, terminator: "") }
        }
    }

    /// Several structures: their curves overlaid in one figure (the comparison chemists draw most).
    func overlay() throws {
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
        var figure: SVGPlot?
        for (i, path) in ([input.file] + more).enumerated() {
            var one = input
            one.file = path
            let out = try simulate(try one.load())
            let name = (path as NSString).lastPathComponent
            let series = SVGPlot.Series(x: out.curve.x, y: out.curve.columns[0], label: "\(name) (\(out.header.first { $0.0 == "formula" }?.1 ?? ""))",
                                        color: colors[i % colors.count])
            if figure == nil {
                let what = [ScatteringFunction.gr: "G(r)", .fq: "F(Q)", .sq: "S(Q)", .iq: "I(Q)", .rdf: "R(r)", .xrd: "Powder patterns"][function] ?? "Curves"
                figure = SVGPlot(title: "\(what) of \(more.count + 1) structures", xLabel: out.plot.xLabel, yLabel: out.plot.yLabel, series: [])
                figure?.subtitle = out.plot.subtitle
            }
            figure?.series.append(series)
        }
        try AtomicFile.writeAll([(figure!.render(), plot!)], inputs: [input.file] + more)
        print("wrote \(plot!) (\(more.count + 1) structures overlaid)")
    }

    /// One structure's curve, figure and header.
    func simulate(_ loaded: LoadedStructure) throws -> Simulation.Output {
            let lambda1 = wavelength ?? anode.kAlpha1
            var job = Simulation(structure: loaded.structure, path: loaded.path, function: function,
                                 settings: try scattering.settings(wavelength: function == .xrd ? lambda1 : nil))
            if loaded.kind == .crystal { job.crystal = try loaded.periodicCrystal() }
            job.envelope = envelope.envelope(phase: 0, values: try envelopeSizes(), table: try envelopeFile.map(TabulatedEnvelope.read))
            job.partials = partial.compactMap(ElementPair.init)
            job.powder.wavelength = lambda1
            if kalpha2 { job.powder.secondWavelength = anode.kAlpha2 }
            job.powder.monochromatorAngle = monochromator
            if let f = fwhm { job.powder.profile = .constant(fwhm: f, eta: eta) }
            if let c = caglioti.map({ $0.split(separator: ",").compactMap { Double($0) } }) { job.powder.profile = PowderProfile(u: c[0], v: c[1], w: c[2], eta: eta) }
            job.powder.zeroShift = zeroShift
            job.powder.background = background.map { $0.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } } ?? []
            job.powder.twoThetaMin = tthMin; job.powder.twoThetaMax = tthMax; job.powder.twoThetaStep = tthStep
            job.alsoIntensity = iqOutput != nil
            let out = try job.run()
            for w in out.warnings { warn("warning: \(w)") }
            return out
    }
}
