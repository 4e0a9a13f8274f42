import ArgumentParser
import ClusterPDF
import Foundation

struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "Follow a reaction: each frame as a mixture of end-member clusters (atom fractions with uncertainties), and how many components the frames hold.",
        discussion: "FRAMES: G(r) files or directories (every .gr/.fgr/.dat inside, sorted). Guide: docs/series.md.")
    @Argument(help: "Frames: G(r) files or directories.") var frames: [String]
    @Option(parsing: .upToNextOption, help: "End-member clusters (XYZ or CIF of a finite cluster), e.g. --models A.xyz B.xyz.") var models: [String] = []
    @Option(help: "Model-free components: auto (from the singular values) or the total number K (models included); the extra ones are resolved by MCR-ALS.") var components: String?
    @Option(help: "Write each model-free component's G(r) as DIR/component-N.gr (with the first frame's Q range and composition), to classify it.") var componentsOutput: String?
    @OptionGroup var data: DataSettingFlags
    @Flag(help: "Refine one Uiso per element for each end member (default: one shared Uiso per member).") var uisoPerElement = false
    @Flag(help: "Refine each member's zoom, Uiso and δ2 on every frame (from the shared end members) instead of sharing them across the series.") var perFrame = false
    @Flag(help: "Do not classify the model-free component curves (default: each is classified like a measured curve).") var noClassifyComponents = false
    @Flag(help: "Classify the component curves over the small candidate space (faster, coarser).") var quick = false
    @Flag(help: "Print the result as JSON.") var json = false
    @Option(help: "Header of written curves: pdfgetx3 or comment.") var header: HeaderStyle = .pdfgetx3
    @Option(name: [.customShort("o"), .long], help: "Write the JSON result to this file.") var output: String?
    @Option(help: "Write the fractions as CSV to this file.") var csv: String?
    @Option(help: "Write the figure of fractions against the frames (SVG).") var plot: String?
    @Option(help: "Write the series page (HTML): fractions, a waterfall of the frames, end members, the frame table.") var report: String?
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard !models.isEmpty || components != nil else { throw ValidationError("give the end members (--models A.xyz B.xyz), model-free components (--components auto|K), or both") }
        if let c = components, c != "auto", Int(c).map({ (1...6).contains($0) }) != true { throw ValidationError("--components takes auto or a number 1…6, got '\(c)'") }
        if componentsOutput != nil, components == nil { throw ValidationError("--components-output goes with --components") }
        if perFrame, models.isEmpty { throw ValidationError("--per-frame refines the models on every frame: give --models") }
        guard models.count <= 6 else { throw ValidationError("at most 6 models") }
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1") }
    }

    func run() throws {
        let failed = try reportingErrors { () -> Int in
            let paths = try BatchInputs.expand(frames).map(\.path)
            guard !paths.isEmpty else { throw ValidationError("no frames in \(frames.joined(separator: ", "))") }
            let loaded = try models.map { path -> SeriesModel in
                let l = try StructureReader.read(path: path)
                guard l.kind != .crystal else { throw ValidationError("\(path) is a periodic crystal; series models are finite clusters (carve one with 'clusterpdf build sphere')") }
                return SeriesModel(name: (path as NSString).lastPathComponent, structure: l.structure)
            }
            var analysis = SeriesAnalysis(models: loaded)
            analysis.refinement.overrides = data.overrides
            analysis.threads = threads
            analysis.uisoPerElement = uisoPerElement
            analysis.components = components.map { $0 == "auto" ? .auto : .count(Int($0)!) }
            analysis.perFrame = perFrame
            var result = try analysis.run(paths: paths)
            if !noClassifyComponents, result.componentCurves?.isEmpty == false, let first = paths.lazy.compactMap({ try? MeasuredCurveReader.read(path: $0) }).first {
                var o = ClusterMiner.Options()
                if quick { o.space = .quick }
                o.refinement.overrides = data.overrides
                o.threads = threads
                var header = [String: String]()
                for key in ["qmin", "qmax", "qdamp", "qbroad", "mode", "radiation", "composition"] { if let v = first.header[key] { header[key] = v } }
                result.classifyComponents(miner: ClusterMiner(options: o), header: header)
            }
            var files = [(text: String, path: String)]()
            let text = try JSONOutput.string(result)
            if let o = output { files.append((text, o)) }
            if let c = csv { files.append((result.csv, c)) }
            if let p = plot { files.append((result.plot(title: "Series: \(paths.count) frames, \(loaded.count) end members").render(), p)) }
            if let rep = report {
                let curves = paths.compactMap { p in (try? MeasuredCurveReader.read(path: p)).map { c -> (name: String, r: [Double], g: [Double]) in
                    let keep = c.x.indices.filter { c.x[$0] <= (data.rmax ?? Defaults.fitRange.upperBound) && c.x[$0] >= (data.rmin ?? Defaults.fitRange.lowerBound) }
                    return ((p as NSString).lastPathComponent, keep.map { c.x[$0] }, keep.map { c.y[$0] })
                } }
                let fall = SeriesAnalysis.Result.waterfall(frames: curves, title: "\(curves.count) frames in input order")
                files.append((result.html(title: "ClusterPDF series: \(paths.count) frames", waterfall: fall), rep))
            }
            if let dir = componentsOutput, let curves = result.componentCurves {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let first = try? MeasuredCurveReader.read(path: paths[0])
                var header: [(String, String)] = [("program", "ClusterPDF \(ClusterPDFVersion.string)"), ("source", "model-free component of \(paths.count) frames (MCR-ALS)")]
                for key in ["qmin", "qmax", "qdamp", "composition"] { if let v = first?.header[key] { header.append((key, v)) } }
                for c in curves {
                    let name = c.name.replacingOccurrences(of: " ", with: "-") + ".gr"
                    files.append((CurveWriter.string(Curve(x: c.r, columns: [c.g], labels: ["r", "G"]), header: header + [("component", c.name)], style: self.header), (dir as NSString).appendingPathComponent(name)))
                }
            }
            try AtomicFile.writeAll(files, inputs: paths + models)
            if json { print(text) } else { print(SeriesCommand.table(result), terminator: "") }
            return result.frames.filter { $0.error != nil }.count
        }
        if failed > 0 { throw ExitCode(Int32(min(failed, 250))) }
    }

    static func table(_ r: SeriesAnalysis.Result) -> String {
        var s = r.models.isEmpty ? "" : "end members (refined on the frame each dominates; shared by all frames):\n"
        for m in r.models {
            s += String(format: "  %@ (%@): zoom %.4f, Uiso %.4f Å², δ2 %.2f Å²; refined on %@ (Rw %.4f)\n",
                        m.name, m.formula, m.zoom, m.uiso, m.delta2, (m.refinedOn as NSString).lastPathComponent, m.rw)
        }
        let names = r.models.map(\.name) + (r.componentCurves ?? []).map(\.name)
        s += "frame" + (r.frames.first.map { "  \($0.xSource)" } ?? "") + "  " + names.map { "\($0) ± σ" }.joined(separator: "  ") + "  Rw\n"
        for f in r.frames {
            if let e = f.error { s += "  \(f.curve): error: \(e)\n"; continue }
            s += "  \((f.curve as NSString).lastPathComponent)  \(String(format: "%.4g", f.x))  "
            s += names.map { n in String(format: "%.3f ± %.3f%@", f.fractions[n] ?? 0, f.uncertainties[n] ?? 0, f.atBound.contains(n) ? " (AT BOUND 0)" : "") }.joined(separator: "  ")
            s += "  " + (f.rw.map { String(format: "%.4f", $0) } ?? "–") + "\n"
        }
        if r.perFrame {
            s += "members refined per frame (zoom, Uiso Å², δ2 Å²):\n"
            for f in r.frames where f.error == nil {
                s += "  \((f.curve as NSString).lastPathComponent)  " + r.models.map { m in
                    f.parameters?[m.name].map { String(format: "%@ %.4f %.4f %.2f", m.name, $0.zoom, $0.uiso, $0.delta2) } ?? "\(m.name) –"
                }.joined(separator: "  ") + "\n"
            }
        }
        for c in r.componentCurves ?? [] {
            guard let v = c.classification else { continue }
            s += "\(c.name): \(v.verdict)" + (v.family.map { String(format: " (most probable family %@, p %.3f)", $0.rawValue, v.familyProbability ?? 0) } ?? "")
                + (v.bestCandidate.isEmpty ? "" : String(format: ", best candidate %@ (Rw %.4f)", v.bestCandidate, v.rw)) + "\n"
        }
        if let e = r.componentEstimate {
            s += "components: \(e.components) (singular values " + e.singularValues.prefix(6).map { String(format: "%.3g", $0) }.joined(separator: ", ") +
                String(format: "; threshold %.3g)\n", e.threshold)
        }
        for w in r.warnings { s += "warning: \(w)\n" }
        return s
    }
}
