import Foundation

/// A model the classifier fits: a finite cluster with its structure family.
public struct ClassifierModel: Sendable {
    public var name: String
    /// Path the model was read from (recorded in results so plots can be remade).
    public var path: String
    public var family: ModelLibrary.Family
    public var structure: Structure
    public init(name: String, path: String, family: ModelLibrary.Family, structure: Structure) {
        self.name = name; self.path = path; self.family = family; self.structure = structure
    }

    /// The cluster models of a library (files read from disk).
    public static func load(_ library: ModelLibrary) throws -> [ClassifierModel] {
        try library.clusterModels.map { entry, path in
            ClassifierModel(name: entry.file, path: path, family: entry.family, structure: try StructureReader.read(path: path).structure)
        }
    }
}

/// Decision thresholds of the classifier (see `ClassifierCalibration`).
public struct ClassificationThresholds: Codable, Sendable, Hashable {
    /// |Rw(best zincblende-like) − Rw(best pseudo-wurtzite)| below this gives "ambiguous".
    public var ambiguousMargin: Double
    /// A best Rw above this gives "no-match" (nothing in the library describes the curve).
    public var noMatchRw: Double
    public init(ambiguousMargin: Double, noMatchRw: Double) {
        self.ambiguousMargin = ambiguousMargin; self.noMatchRw = noMatchRw
    }
    /// Values set by `Scripts/calibrate-classifier` (README, "Classifier calibration").
    public static let calibrated = ClassificationThresholds(ambiguousMargin: 0.02, noMatchRw: 0.59)
}

/// The refined agreement of one model with one curve.
public struct ModelScore: Codable, Sendable {
    public var model: String
    public var path: String
    public var family: String
    public var formula: String
    public var rw: Double
    public var scale: Double
    public var zoom: Double
    public var uiso: Double
    public var delta2: Double
    public var qdamp: Double
}

/// The classifier's answer for one curve.
public struct Classification: Codable, Sendable {
    public var curve: String
    /// "zincblende-like", "pseudo-wurtzite", "ambiguous" or "no-match".
    public var verdict: String
    public var bestModel: String
    public var bestRw: Double
    /// Best model of each class ("zincblende-like", "pseudo-wurtzite").
    public var bestByClass: [String: ModelScore]
    /// Rw(best zincblende-like) − Rw(best pseudo-wurtzite): positive favours pseudo-wurtzite.
    public var margin: Double?
    public var rmin: Double
    public var rmax: Double
    public var qmin: Double
    public var qmax: Double
    public var thresholds: ClassificationThresholds
    /// Every model, best first.
    public var scores: [ModelScore]
}

/// Fits a curve against every model and decides its structure family.
///
/// Each model is refined (scale in closed form; zoom, one shared Uiso and δ2 free; qdamp fixed)
/// over the fit range. Models are ranked by Rw. With the best Rw of each class (wurtzite-like and
/// pseudo-wurtzite models count as one class), the verdict is:
///   * `no-match` if the best Rw exceeds `noMatchRw`;
///   * `ambiguous` if |margin| < `ambiguousMargin`, margin = Rw(best zincblende-like) − Rw(best pseudo-wurtzite);
///   * otherwise the class of the best model.
/// When the data header names a composition (PDFgetX3 `composition = Cd Se`), only models with
/// the same elements are used.
public struct Classifier: Sendable {
    public var models: [ClassifierModel]
    public var options: RefinementOptions
    public var thresholds: ClassificationThresholds

    public init(models: [ClassifierModel], options: RefinementOptions = Classifier.defaultOptions, thresholds: ClassificationThresholds = .calibrated) {
        self.models = models; self.options = options; self.thresholds = thresholds
    }

    /// Fit range 1.5–20 Å, scale/zoom/uiso/δ2 free, qdamp 0.04.
    public static var defaultOptions: RefinementOptions {
        var o = RefinementOptions()
        o.rmin = 1.5; o.rmax = 20
        o.free = ["scale", "zoom", "uiso", "delta2"]
        o.zoomScan = 0.1
        return o
    }

    /// Elements named by a composition string such as "Cd Se", "CdSe" or "Cd1.0 Se1.0".
    public static func elements(inComposition text: String) -> Set<Element>? {
        var out = Set<Element>()
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c.isUppercase {
                var sym = String(c)
                let n = text.index(after: i)
                if n < text.endIndex, text[n].isLowercase { sym.append(text[n]) }
                if let e = Element(symbol: sym) { out.insert(e) } else if let e = Element(symbol: String(c)) { out.insert(e) }
            }
            i = text.index(after: i)
        }
        return out.isEmpty ? nil : out
    }

    /// Models usable for `curve` (composition filter).
    public func candidates(for curve: MeasuredCurve) throws -> [ClassifierModel] {
        guard let comp = curve.header["composition"].flatMap(Classifier.elements(inComposition:)) else { return models }
        let use = models.filter { Set($0.structure.elements) == comp }
        guard !use.isEmpty else {
            throw InputError(file: curve.path, "no model in the library has the data's elements (\(comp.sorted().map(\.symbol).joined(separator: " ")))")
        }
        return use
    }

    /// Models whose screened Rw is within this of their class's best are refined to convergence.
    public static let screeningWindow = 0.05

    /// Refines `models[i]` for each index on `threads` workers.
    func refine(_ use: [ClassifierModel], _ which: [Int], curve: MeasuredCurve, options o: RefinementOptions, threads: Int) throws -> [Int: RefinementResult] {
        let results = SharedBuffer<RefinementResult?>(repeating: nil, count: which.count)
        let errors = SharedBuffer<String?>(repeating: nil, count: which.count)
        ParallelBlocks.run(blocks: which.count, threads: threads) { k, _ in
            do { results.pointer[k] = try PDFRefinement(structure: use[which[k]].structure, data: curve, options: o).run() } catch {
                errors.pointer[k] = "\(error)"
            }
        }
        if let e = errors.array.compactMap({ $0 }).first { throw SettingsError.invalid(e) }
        return Dictionary(uniqueKeysWithValues: zip(which, results.array.map { $0! }))
    }

    /// Classifies one curve, fitting the models on `threads` Dispatch workers.
    ///
    /// Two stages: every model is screened with three Levenberg–Marquardt iterations; then the
    /// models within `screeningWindow` of their class's best screened Rw are refined to
    /// convergence. Verdict and margin come from converged fits; the other models' Rw are the
    /// screened values (upper bounds).
    public func classify(_ curve: MeasuredCurve, threads: Int = 1) throws -> (Classification, [RefinementResult]) {
        let use = try candidates(for: curve)
        guard !use.isEmpty else { throw SettingsError.invalid("the model library is empty") }
        var screen = options
        screen.threads = 1
        screen.maxIterations = min(3, options.maxIterations)
        screen.uncertainties = false
        var fitsByIndex = try refine(use, Array(use.indices), curve: curve, options: screen, threads: threads)
        var classBest = [String: Double]()
        for (i, r) in fitsByIndex { classBest[use[i].family.verdictClass] = min(classBest[use[i].family.verdictClass] ?? .infinity, r.rw) }
        let finalists = use.indices.filter { fitsByIndex[$0]!.rw <= classBest[use[$0].family.verdictClass]! + Classifier.screeningWindow }
        var full = options
        full.threads = 1
        full.uncertainties = false
        for (i, r) in try refine(use, finalists, curve: curve, options: full, threads: threads) where r.rw <= fitsByIndex[i]!.rw {
            fitsByIndex[i] = r
        }
        let fits = use.indices.map { fitsByIndex[$0]! }
        var scores = zip(use, fits).map { m, r in
            ModelScore(model: m.name, path: m.path, family: m.family.rawValue, formula: m.structure.formula, rw: r.rw,
                       scale: r.value("scale")!, zoom: r.value("zoom")!, uiso: r.value("uiso")!, delta2: r.value("delta2")!, qdamp: r.value("qdamp")!)
        }
        let order = scores.indices.sorted { scores[$0].rw < scores[$1].rw || (scores[$0].rw == scores[$1].rw && $0 < $1) }
        scores = order.map { scores[$0] }
        let ordered = order.map { fits[$0] }
        var bestByClass = [String: ModelScore]()
        for s in scores {
            let cls = ModelLibrary.Family(rawValue: s.family)!.verdictClass
            if bestByClass[cls] == nil { bestByClass[cls] = s }
        }
        let best = scores[0]
        var margin: Double?
        if let zb = bestByClass["zincblende-like"], let pw = bestByClass["pseudo-wurtzite"] { margin = zb.rw - pw.rw }
        let verdict: String
        if best.rw > thresholds.noMatchRw { verdict = "no-match" } else if let m = margin, abs(m) < thresholds.ambiguousMargin {
            verdict = "ambiguous"
        } else { verdict = ModelLibrary.Family(rawValue: best.family)!.verdictClass }
        let f = fits[0]
        return (Classification(curve: curve.path, verdict: verdict, bestModel: best.model, bestRw: best.rw, bestByClass: bestByClass,
                               margin: margin, rmin: f.rmin, rmax: f.rmax, qmin: f.qmin, qmax: f.qmax, thresholds: thresholds, scores: scores),
                ordered)
    }
}
