import ArgumentParser
import ClusterPDF
import Foundation

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Refine a cluster, or one or more crystal phases, against a measured G(r); or a cluster against a powder pattern, I(Q), S(Q) or F(Q).")
    @Argument(help: "MODEL [MODEL …] DATA: a cluster (XYZ, cluster or molecular-crystal CIF), or periodic CIFs (attenuated crystals; several make several phases), then the measured G(r) (.gr, .fgr or columns r G [dr] [dG]) — or, for a cluster, a powder pattern (.xy/.xye/.chi, 2θ) or .iq/.sq/.fq.")
    var inputs: [String]
    @OptionGroup var refinement: RefinementFlags
    @OptionGroup var crystal: CrystalFlags
    @OptionGroup(title: "Reciprocal-space data") var pattern: PatternFlags
    @Option(name: .shortAndLong, help: "Write r, Gobs, Gcalc, Gdiff with all parameters to this file.") var output: String?
    @Option(help: "Header of the written fit file: pdfgetx3 (key = value lines, as PDFgui writes) or comment (# key = value: numpy.loadtxt and gnuplot skip it).")
    var header: HeaderStyle = .pdfgetx3
    @Option(help: "Write the fit figure (SVG).") var plot: String?
    @Flag(help: "Print the result as JSON (without the curves).") var json = false

    func validate() throws {
        guard inputs.count >= 2 else { throw ValidationError("give a model and the data: clusterpdf fit MODEL [MODEL …] DATA") }
    }

    func run() throws {
        try reportingErrors {
            let models = try inputs.dropLast().map { try StructureReader.read(path: $0) }
            let curve = try MeasuredCurveReader.read(path: inputs[inputs.count - 1])
            if let axis = curve.axis, axis != .r {
                try fitPattern(models: models, curve: curve)
                return
            }
            if pattern.anyGiven { throw ValidationError("--wavelength, --anode, --caglioti, --range … apply to reciprocal-space data; \(curve.path) is a G(r)") }
            var result = try ModelFit.run(models: models, data: curve, cluster: refinement.options(), crystal: crystal.options(refinement))
            try emit(fileText: result.fileText(style: header), plot: result.plot(), table: result.table()) {
                result.curves = nil
                return try JSONOutput.string(result)
            }
        }
    }

    /// Writes the fit file and figure (all or nothing), then prints the table or the JSON
    /// (`json()`, without the curves).
    func emit(fileText: String, plot svg: SVGPlot, table: String, json makeJSON: () throws -> String) throws {
        var files = [(String, String)]()
        if let o = output { files.append((fileText, o)) }
        if let p = plot { files.append((svg.render(), p)) }
        try AtomicFile.writeAll(files, inputs: inputs)
        if json { print(try makeJSON()) } else { print(table, terminator: "") }
    }

    /// A cluster against a powder pattern, I(Q), S(Q) or F(Q).
    func fitPattern(models: [LoadedStructure], curve: MeasuredCurve) throws {
        var unused = refinement.data.realSpaceOptionsGiven
        if refinement.delta1 != nil { unused.append("--delta1") }
        if refinement.delta2 != nil { unused.append("--delta2") }
        if crystal.envelopeFile != nil || crystal.fix != nil || crystal.start != nil || crystal.anisotropic { unused.append("crystal options") }
        if !unused.isEmpty {
            throw ValidationError("\(unused.joined(separator: ", ")) apply to G(r) data; \(curve.path) is reciprocal-space data (use --range lo:hi for the fit range)")
        }
        let data = try pattern.data(curve)
        var result = try ModelFit.runPattern(models: models, data: data, options: pattern.options(refinement, data: data))
        try emit(fileText: result.fileText(style: header), plot: result.plot(), table: result.table()) {
            result.curves = nil
            return try JSONOutput.string(result)
        }
    }
}
