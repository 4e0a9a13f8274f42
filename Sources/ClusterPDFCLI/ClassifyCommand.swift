import ArgumentParser
import ClusterPDF
import Foundation

/// Which candidates the classifier uses besides the generated ones.
struct LibraryOptions: ParsableArguments {
    @Option(help: "Also fit the models of this library directory (its library.json); repeatable.")
    var library: [String] = []
    @Flag(help: "Also fit the models of the user library (~/.clusterpdf/library, see `library add`).")
    var userLibrary = false
    @Option(help: "Also fit this cluster (XYZ or CIF); repeatable. Its family: --add-family.")
    var add: [String] = []
    @Option(help: "Family of the --add models: zincblende-like, wurtzite-like, pseudo-wurtzite, faulted.")
    var addFamily: ModelLibrary.Family = .pseudoWurtzite

    /// The extra models and where they came from. The working directory never adds models.
    func extraModels() throws -> (models: [ClassifierModel], sources: [String]) {
        var models = [ClassifierModel](), sources = [String]()
        var dirs = library
        if userLibrary { dirs.append(ModelLibrary.userDirectory) }
        for dir in dirs {
            guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("library.json")) else {
                throw ValidationError("\(dir) has no library.json")
            }
            models += try ClassifierModel.load(ModelLibrary.load(directory: dir))
            sources.append(dir)
        }
        for file in add {
            let loaded = try StructureReader.read(path: file)
            models.append(ClassifierModel(name: (file as NSString).lastPathComponent, path: file, family: addFamily, structure: loaded.structure))
            sources.append(file)
        }
        return (models, sources)
    }
}

/// Settings and thresholds of the classifier.
struct ClassifyFitOptions: ParsableArguments {
    @OptionGroup var data: DataSettingFlags
    @Option(help: "Elements of the sample, e.g. Cd,Se (default: the data header's composition, ligand atoms stripped).")
    var elements: String?
    @Option(help: "Class probability needed for a verdict (default: \(MiningThresholds.calibrated.probability)).")
    var probability: Double = MiningThresholds.calibrated.probability
    @Option(help: "Best Rw above which the verdict is 'no-match' (default: \(MiningThresholds.calibrated.noMatchRw)).")
    var noMatchRw: Double = MiningThresholds.calibrated.noMatchRw
    @Option(help: "Cubic fractions W/Z that send faulted candidates to a class: at most W cubic votes pseudo-wurtzite, at least Z zincblende-like, in between mixed-or-faulted (default: \(StackingLimits.calibrated)).")
    var stackingLimits: String = StackingLimits.calibrated.description
    @Flag(help: "Screen the small candidate space (a few hundred candidates; for quick looks and tests).")
    var quick = false
    @Option(help: "Candidate space from a JSON file (the fields of CandidateSpace; see the README) instead of the standard one.")
    var space: String?
    @Option(help: "Directory of the candidate-histogram cache (default: $XDG_CACHE_HOME/clusterpdf or ~/.cache/clusterpdf).")
    var cache: String?
    @Flag(help: "Do not read or write the histogram cache.")
    var noCache = false
    @Option(help: "Candidates listed in the output (default: 25).")
    var top: Int = 25
    @Option(help: "Reciprocal-space data: best Rwp above which the verdict is 'no-match' (default: \(MiningThresholds.reciprocal.noMatchRw)).")
    var noMatchRwp: Double = MiningThresholds.reciprocal.noMatchRw
    @OptionGroup(title: "Reciprocal-space data (powder patterns, I(Q), S(Q), F(Q))") var pattern: PatternFlags

    func validate() throws {
        guard probability > 0.5, probability < 1 else { throw ValidationError("--probability must be in (0.5, 1)") }
        guard noMatchRw > 0, noMatchRw.isFinite else { throw ValidationError("--no-match-rw must be positive") }
        guard noMatchRwp > 0, noMatchRwp.isFinite else { throw ValidationError("--no-match-rwp must be positive") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        _ = try StackingLimits(option: stackingLimits)
        if let e = elements { _ = try parsedElements(e) }
    }

    func parsedElements(_ text: String) throws -> [Element] {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        let els = try parts.map { p -> Element in
            guard let e = Element(symbol: p) else { throw ValidationError("--elements: '\(p)' is not an element symbol") }
            return e
        }
        guard !els.isEmpty else { throw ValidationError("--elements: give element symbols, e.g. Cd,Se") }
        return els
    }

    func miner(extra: [ClassifierModel], sources: [String], threads: Int) throws -> ClusterMiner {
        var o = ClusterMiner.Options()
        o.refinement.overrides = data.overrides
        let limits = try StackingLimits(option: stackingLimits)
        o.thresholds = MiningThresholds(probability: probability, noMatchRw: noMatchRw, temperature: MiningThresholds.calibrated.temperature, stackingLimits: limits)
        o.reciprocalThresholds = MiningThresholds(probability: probability, noMatchRw: noMatchRwp, temperature: MiningThresholds.reciprocal.temperature, stackingLimits: limits)
        o.pattern = try pattern.baseOptions(radiation: data.radiation, threads: nil, data: nil)
        o.elements = try elements.map(parsedElements)
        if let path = space {
            o.space = try CandidateSpace.load(path: path)
        } else {
            o.space = quick ? .quick : .standard
        }
        o.store = CandidateStore(cache: noCache ? nil : CandidateCache(directory: cache ?? CandidateCache.defaultDirectory))
        o.extraModels = extra
        o.extraSources = sources
        o.listed = top
        o.threads = threads
        return ClusterMiner(options: o)
    }
}

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tell zincblende-like, pseudo-wurtzite and faulted apart by cluster mining: thousands of generated candidates, a probability per family.")
    @Argument(help: "Measured G(r) files, or powder patterns (.xy/.xye/.chi, 2θ) and .iq/.sq/.fq.") var data: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var fit: ClassifyFitOptions
    @Flag(help: "Print JSON (one document: an object for one curve, an array for several).") var json = false
    @Flag(help: "Print one JSON record per line (JSON Lines), one per curve.") var jsonl = false
    @Flag(help: "Print CSV.") var csv = false
    @Option(help: "Write one overlay plot (SVG) per curve into this directory.") var plot: String?
    @Option(help: "Write a self-contained HTML report.") var report: String?
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

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
                    if let dir = plot {
                        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".svg"
                        files.append((svg.render(), (dir as NSString).appendingPathComponent(name)))
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
            if let dir = plot { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            if let r = report { files.append((ClassificationReport.html(title: "ClusterPDF classification", rows: rows, plots: plots), r)) }
            try AtomicFile.writeAll(files, inputs: data)
            return rows.filter { $0.classification == nil }.count
        }
        if failures > 0 { throw ExitCode(Int32(min(failures, 250))) }
    }
}

extension StackingLimits {
    /// The limits of a `--stacking-limits` value ("W/Z"); a bad one is a usage error naming the option.
    init(option text: String) throws {
        do { try self.init(parsing: text) } catch { throw ValidationError("--stacking-limits: \(error)") }
    }
}
