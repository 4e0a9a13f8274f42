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
    @Option(help: "Class probability needed for a verdict.")
    var probability: Double = MiningThresholds.calibrated.probability
    @Option(help: "Best Rw above which the verdict is 'no-match'.")
    var noMatchRw: Double = MiningThresholds.calibrated.noMatchRw
    @Option(help: "Cubic fractions W/Z that send faulted candidates to a class: at most W cubic votes pseudo-wurtzite, at least Z zincblende-like, in between mixed-or-faulted.")
    var stackingLimits: String = StackingLimits.calibrated.description
    @Flag(help: "Screen the small candidate space (a few hundred candidates; for quick looks and tests).")
    var quick = false
    @Option(help: "Candidate space from a JSON file (the fields of CandidateSpace; see docs/classify.md) instead of the standard one.")
    var space: String?
    @Option(help: "Directory of the candidate-histogram cache (default: $XDG_CACHE_HOME/clusterpdf or ~/.cache/clusterpdf).")
    var cache: String?
    @Flag(help: "Do not read or write the histogram cache.")
    var noCache = false
    @Option(help: "Candidates listed in the output.")
    var top: Int = 25
    @Option(help: "Reciprocal-space data: best Rwp above which the verdict is 'no-match'.")
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

extension StackingLimits {
    /// The limits of a `--stacking-limits` value ("W/Z"); a bad one is a usage error naming the option.
    init(option text: String) throws {
        do { try self.init(parsing: text) } catch { throw ValidationError("--stacking-limits: \(error)") }
    }
}
