import ArgumentParser
import ClusterPDF
import Foundation

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tell zincblende-like, pseudo-wurtzite and faulted apart by cluster mining: thousands of generated candidates, a probability per family.")
    @Argument(help: "Measured G(r) files, or powder patterns (.xy/.xye/.chi, 2θ) and .iq/.sq/.fq.") var data: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var fit: ClassifyFitOptions
    @Flag(help: "Print JSON (one document: an object for one curve, an array for several).") var json = false
    @Flag(help: "Print one JSON record per line (JSON Lines), one per curve.") var jsonl = false
    @Flag(help: "Print CSV.") var csv = false
    @Option(help: "Overlay plot (SVG): a FILE.svg for one curve (as fit and simulate take), or a directory for one plot per curve.") var plot: String?
    @Option(help: "Write a self-contained HTML report.") var report: String?
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    /// `--plot FILE.svg` names the figure of a single curve; anything else is a directory.
    var plotIsFile: Bool { plot?.lowercased().hasSuffix(".svg") == true }

    func validate() throws {
        if plotIsFile, data.count > 1 { throw ValidationError("--plot \(plot!) names one figure, but \(data.count) curves are given: give a directory for one plot per curve") }
    }

    func run() throws {
        let failures = try reportingErrors { () -> Int in
            let (extra, sources) = try library.extraModels()
            let miner = try fit.miner(extra: extra, sources: sources, threads: threads)
            var rows = [(curve: String, classification: Classification?, error: String?)]()
            var plots = [String: String]()
            var files = [(text: String, path: String)]()
            for (n, path) in data.enumerated() {
                do {
                    let curve = try MeasuredCurveReader.read(path: path)
                    var svg: SVGPlot
                    if let axis = curve.axis, axis != .r {
                        let unused = fit.data.realSpaceOptionsGiven
                        if !unused.isEmpty { throw ValidationError("\(unused.joined(separator: ", ")) apply to G(r) data; \(path) is reciprocal-space data (use --range lo:hi)") }
                        let (c, fits) = try miner.classify(fit.pattern.data(curve))
                        rows.append((path, c, nil))
                        guard plot != nil || report != nil else { continue }
                        svg = fits.first?.plot(title: "\((path as NSString).lastPathComponent): \(c.verdict.rawValue), best \(c.bestModel)")
                            ?? SVGPlot(title: "\(path): \(c.verdict.rawValue)", xLabel: "x", yLabel: "y", series: [])
                    } else {
                        if fit.pattern.anyGiven { throw ValidationError("--wavelength, --anode, --caglioti, --range … apply to reciprocal-space data; \(path) is a G(r)") }
                        let (c, fits) = try miner.classify(curve)
                        rows.append((path, c, nil))
                        guard plot != nil || report != nil else { continue }
                        svg = ClassificationReport.overlay(curve: curve, classification: c, results: fits)
                    }
                    svg.identifier = "curve\(n)"
                    plots[path] = svg.render()
                    if let target = plot {
                        if plotIsFile {
                            files.append((svg.render(), target))
                        } else {
                            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".svg"
                            files.append((svg.render(), (target as NSString).appendingPathComponent(name)))
                        }
                    }
                } catch {
                    warn("error: \(error)")
                    rows.append((path, nil, "\(error)"))
                }
            }
            let done = rows.compactMap(\.classification)
            if jsonl {
                print(try done.map(JSONOutput.compactString).joined(separator: "\n"))
            } else if json {
                // One JSON document: an object for one curve, an array for several.
                print(data.count == 1 ? try done.first.map(JSONOutput.string) ?? "" : try JSONOutput.string(done))
            } else if csv {
                print(([ClassificationReport.csvHeader] + done.map(ClassificationReport.csvRow)).joined(separator: "\n"))
            } else {
                print(done.map(ClassificationReport.text).joined(separator: "\n"))
            }
            if let dir = plot, !plotIsFile { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            if let r = report { files.append((ClassificationReport.html(title: "ClusterPDF classification", rows: rows, plots: plots), r)) }
            try AtomicFile.writeAll(files, inputs: data)
            return rows.filter { $0.classification == nil }.count
        }
        if failures > 0 { throw ExitCode(Int32(min(failures, 250))) }
    }
}
