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
    @OptionGroup(title: "Debye nanoparticle ensembles") var ensemble: EnsembleFlags
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
            if ensemble.kind != nil {
                try fitEnsemble(models: models, curve: curve)
                return
            }
            if models.count > 1, models.allSatisfy({ $0.kind != .crystal }) {
                try fitMixture(models: models, curve: curve)
                return
            }
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
        if ensemble.kind != nil { unused.append("--ensemble") }
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

    /// A log-normal ensemble of (stacking-faulted) spheres built of a zincblende or wurtzite
    /// crystal's double layers (docs/ensembles.md).
    func fitEnsemble(models: [LoadedStructure], curve: MeasuredCurve) throws {
        guard models.count == 1, let m = models.first, let crystal = m.crystal, m.kind == .crystal else {
            throw ValidationError("--ensemble builds its particles from one periodic CIF (zincblende or wurtzite): clusterpdf fit --ensemble lognormal [--stacking-faults] CRYSTAL.cif DATA")
        }
        if crystal.sites.isEmpty || !m.declaresSymmetry {
            throw ValidationError("\(m.path): a crystal needs its space group or symmetry operations")
        }
        var unused = [String]()
        if self.crystal.envelope != .sphere || self.crystal.envelopeFile != nil { unused.append("--envelope/--envelope-file") }
        if self.crystal.fix != nil { unused.append("--fix (use --free)") }
        if self.crystal.anisotropic { unused.append("--anisotropic") }
        if !unused.isEmpty { throw ValidationError("\(unused.joined(separator: ", ")) apply to attenuated crystals, not to --ensemble") }
        var options = try ensemble.options(refinement)
        if let s = self.crystal.start { for (k, v) in try ParameterName.values(parsing: s) { options.refinement.start[k] = v } }
        var result = try EnsembleRefinement(crystal: crystal, path: m.path, data: curve, options: options).run()
        try emit(fileText: result.fileText(style: header), plot: result.plot(), table: result.table()) {
            result.curves = nil
            return try JSONOutput.string(result)
        }
    }

    /// Several finite clusters: a mixture (atom fractions with uncertainties; docs/series.md).
    func fitMixture(models: [LoadedStructure], curve: MeasuredCurve) throws {
        var analysis = SeriesAnalysis(models: zip(inputs, models).map { SeriesModel(name: ($0.0 as NSString).lastPathComponent, structure: $0.1.structure) })
        analysis.refinement.overrides = refinement.data.overrides
        analysis.uisoPerElement = refinement.uisoPerElement
        if let t = refinement.threads { analysis.threads = t }
        let fit = try analysis.fit(curve)
        var columns = [fit.gObserved, fit.gCalculated, zip(fit.gObserved, fit.gCalculated).map { $0 - $1 }]
        var labels = ["r", "Gobs", "Gcalc", "Gdiff"]
        for m in fit.models { columns.append(fit.parts[m.name] ?? []); labels.append("G_" + m.name.replacingOccurrences(of: " ", with: "_")) }
        var header: [(String, String)] = [("program", "ClusterPDF \(ClusterPDFVersion.string)"), ("data", curve.path), ("model", "mixture of \(fit.models.count) clusters")]
        for m in fit.models {
            header.append(("fraction_\(m.name)", String(format: "%.5f +/- %.5f", fit.frame.fractions[m.name] ?? 0, fit.frame.uncertainties[m.name] ?? 0)))
            header.append(("model_\(m.name)", "\(m.formula): zoom \(m.zoom), uiso \(m.uiso), delta2 \(m.delta2)"))
        }
        let rw = fit.frame.rw.map { String(format: "%.5f", $0) } ?? "–"
        header.append(("Rw", rw))
        let text = CurveWriter.string(Curve(x: fit.r, columns: columns, labels: labels), header: header, style: self.header)
        var svg = SVGPlot(title: "Mixture fit of \((curve.path as NSString).lastPathComponent), Rw \(rw)", xLabel: "r (Å)", yLabel: "G (Å⁻²)",
                          series: [SVGPlot.Series(x: fit.r, y: fit.gObserved, label: "Gobs", color: "#1f77b4", style: .circles),
                                   SVGPlot.Series(x: fit.r, y: fit.gCalculated, label: "Gcalc", color: "#d62728")])
        let colors = ["#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
        for (k, m) in fit.models.enumerated() {
            svg.series.append(SVGPlot.Series(x: fit.r, y: fit.parts[m.name] ?? [], label: String(format: "%@ (%.3f)", m.name, fit.frame.fractions[m.name] ?? 0), color: colors[k % colors.count], style: .dashed))
        }
        var table = "mixture of \(fit.models.count) clusters against \(curve.path) (atom fractions; docs/series.md)\n"
        for m in fit.models {
            table += String(format: "  %@ (%@): fraction %.4f ± %.4f%@; zoom %.4f, Uiso %.4f Å², δ2 %.2f Å²\n", m.name, m.formula, fit.frame.fractions[m.name] ?? 0,
                            fit.frame.uncertainties[m.name] ?? 0, fit.frame.atBound.contains(m.name) ? " (AT BOUND 0)" : "", m.zoom, m.uiso, m.delta2)
        }
        table += "Rw \(rw)\n"
        try emit(fileText: text, plot: svg, table: table) {
            var light = fit
            light.r = []; light.gObserved = []; light.gCalculated = []; light.parts = [:]
            return try JSONOutput.string(light)
        }
    }
}
