import Foundation

/// A model the classifier fits: a finite cluster, or a periodic crystal as an attenuated crystal
/// (sphere envelope, size refined), with its structure family.
public struct ClassifierModel: Sendable {
    /// Name (file name in the library).
    public var name: String
    /// Path the model was read from (recorded in results so plots can be remade).
    public var path: String
    /// Its structure family.
    public var family: ModelLibrary.Family
    /// The cluster (for a crystal model, its unit cell).
    public var structure: Structure
    /// For an attenuated-crystal model, the crystal (refined with `CrystalRefinement`).
    public var crystal: Crystal?
    /// A model; with `crystal`, an attenuated crystal.
    public init(name: String, path: String, family: ModelLibrary.Family, structure: Structure, crystal: Crystal? = nil) {
        self.name = name; self.path = path; self.family = family; self.structure = structure; self.crystal = crystal
    }

    /// The models of a library (files read from disk): its clusters, and its periodic crystals
    /// as attenuated crystals.
    public static func load(_ library: ModelLibrary) throws -> [ClassifierModel] {
        try library.allModels.map { entry, path in
            let loaded = try StructureReader.read(path: path)
            let crystal = (entry.kind ?? .cluster) == .crystal ? try loaded.periodicCrystal() : nil
            return ClassifierModel(name: entry.file, path: path, family: entry.family, structure: loaded.structure, crystal: crystal)
        }
    }
}

/// Decision thresholds of the classifier (see `ClassifierCalibration`).
public struct ClassificationThresholds: Codable, Sendable, Hashable {
    /// |Rw(best zincblende-like) − Rw(best pseudo-wurtzite)| below this gives "ambiguous".
    public var ambiguousMargin: Double
    /// A best Rw above this gives "no-match" (nothing in the library describes the curve).
    public var noMatchRw: Double
    /// Thresholds of the verdict rule.
    public init(ambiguousMargin: Double, noMatchRw: Double) {
        self.ambiguousMargin = ambiguousMargin; self.noMatchRw = noMatchRw
    }
    /// The verdict rule: `no-match` above `noMatchRw`, `ambiguous` when |margin| is below
    /// `ambiguousMargin`, else the class of the best model.
    public func verdict(bestRw: Double, margin: Double?, bestClass: Verdict) -> Verdict {
        if !(bestRw <= noMatchRw) { return .noMatch }
        if let m = margin, abs(m) < ambiguousMargin { return .ambiguous }
        return bestClass
    }

    /// Values set by `Scripts/calibrate-classifier` (README, "Classifier calibration").
    public static let calibrated = ClassificationThresholds(ambiguousMargin: 0.02, noMatchRw: 0.58)
}

/// The refined agreement of one model with one curve.
public struct ModelScore: Codable, Sendable {
    /// Model name (file name in the library).
    public var model: String
    /// Where the model was read from.
    public var path: String
    /// The model's structure family.
    public var family: ModelLibrary.Family
    /// Model formula.
    public var formula: String
    /// Rw of the refinement (screened models: of the global stage's best grid point).
    public var rw: Double
    /// Refined scale.
    public var scale: Double
    /// Refined zoom.
    public var zoom: Double
    /// Refined Uiso (Å²); the mean over elements when refined per element.
    public var uiso: Double
    /// Refined δ2 (Å²).
    public var delta2: Double
    /// qdamp used (Å⁻¹).
    public var qdamp: Double
    /// Parameters of this model's refinement that ended on a bound.
    public var atBound: [ParameterName]
    /// Attenuated-crystal models: the refined particle diameter psize (Å).
    public var psize: Double?
    /// Every source of this model when two of them gave the same structure (`ModelIdentity`).
    public var sources: [String]? = nil

    init(model m: ClassifierModel, result r: RefinementResult) {
        model = m.name; path = m.path; family = m.family; formula = m.structure.formula
        rw = r.rw
        scale = r.value(.scale) ?? 0
        zoom = r.value(.zoom) ?? 1
        uiso = r.meanUiso
        delta2 = r.value(.delta2) ?? 0
        qdamp = r.value(.qdamp) ?? r.settings.qdamp.value
        atBound = r.parameters.filter(\.atBound).map(\.name)
        psize = r.value(.envelope(.psize))
    }
}

/// The classifier's answer for one curve.
public struct Classification: Codable, Sendable {
    /// Path of the curve.
    public var curve: String
    /// The verdict.
    public var verdict: Verdict
    /// Name of the best model.
    public var bestModel: String
    /// Its Rw.
    public var bestRw: Double
    /// Best model of each class (`zincblende-like`, `pseudo-wurtzite`).
    public var bestByClass: [Verdict: ModelScore]
    /// Rw(best zincblende-like) − Rw(best pseudo-wurtzite): positive favours pseudo-wurtzite.
    public var margin: Double?
    /// Fit range start (Å).
    public var rmin: Double
    /// Fit range end (Å).
    public var rmax: Double
    /// Q range of the models (Å⁻¹).
    public var qmin: Double
    /// Upper end of the Q range (Å⁻¹).
    public var qmax: Double
    /// The data settings used, each with its source.
    public var settings: DataSettings
    /// The thresholds of the model-list classifier's Rw-margin rule (`Classifier`); nil for a
    /// mining classification, whose rule and numbers are in `rule` (one document, one rule).
    public var thresholds: ClassificationThresholds?
    /// Warnings of the best model's refinement (parameters at bounds, …).
    public var warnings: [RefinementWarning]
    /// Every model, best first (mining: the refined finalists).
    public var scores: [ModelScore]
    /// Mining: probability of each class (`zincblende-like`, `pseudo-wurtzite`, `mixed-or-faulted`).
    public var probabilities: [Verdict: Double]? = nil
    /// Mining: each family's probability, best candidate and size range, most probable first.
    public var families: [FamilySummary]? = nil
    /// Mining: the best candidates (all families), best first.
    public var candidates: [CandidateScore]? = nil
    /// Mining: number of distinct candidates screened.
    public var candidatesScreened: Int? = nil
    /// Mining: the rule and its numbers.
    public var rule: MiningThresholds? = nil
    /// Mining: where the candidates came from.
    public var library: LibraryRecord? = nil
    /// Why the verdict is no-match (always set for no-match from the miner).
    public var noMatchReason: String? = nil
    /// Notes on the input (ligand atoms stripped from the composition, assumed composition, …).
    public var notes: [String]? = nil
    /// Reciprocal-space evidence (a powder pattern, I(Q), S(Q) or F(Q)); nil for a G(r). For
    /// such data `rmin` = `rmax` = 0 (no r range) and `qmin`/`qmax` are the data's Q range.
    public var evidence: ReciprocalEvidence? = nil
    /// Mining: the best candidate's size against the best attenuated crystal's psize on the same
    /// curve (also one of the `notes`); nil when a crystal is the best model or none was refined.
    public var sizeCheck: SizeCheck? = nil
    /// Mining: how many candidates were screened, evaluated exactly and refined to find the best.
    public var ranking: RankingSummary? = nil
    /// Mining without a stated composition: the binaries tried and kept (`CompositionTriage`).
    public var composition: CompositionTriage? = nil
    /// Mining: the best two-candidate mixture of different classes and whether it is the verdict
    /// (`accepted`); nil when not checked (fewer than one refined cluster per class).
    public var mixture: MixtureVerdict? = nil
}

/// What reciprocal-space data a classification rests on.
public struct ReciprocalEvidence: Codable, Sendable, Hashable {
    /// xrd, iq, sq or fq.
    public var kind: ReciprocalKind
    /// x range of the fit points (2θ in degrees or Q in Å⁻¹).
    public var xRange: ClosedRange<Double>
    /// λ1 and λ2 (Å) of a 2θ pattern.
    public var wavelengths: [Double]
    /// Fit points and independent points (Q range × largest pair distance of the best candidate / π).
    public var points: Int, effectivePoints: Double
}

/// Fits a curve against every model and decides its structure family.
///
/// Each model is refined with the same settings resolution as `fit` (`DataSettings`: options,
/// then the data header, then `Defaults`; scale, zoom, one Uiso and δ2 free). Models are ranked
/// by Rw. With the best Rw of each class (wurtzite-like and pseudo-wurtzite models count as one
/// class), the verdict is:
///   * `no-match` if the best Rw exceeds `noMatchRw`;
///   * `ambiguous` if |margin| < `ambiguousMargin`, margin = Rw(best zincblende-like) − Rw(best pseudo-wurtzite);
///   * otherwise the class of the best model.
/// When the data header names a composition (PDFgetX3 `composition = Cd Se`), only models with
/// the same elements are used.
public struct Classifier: Sendable {
    /// The candidate models.
    public var models: [ClassifierModel]
    /// Refinement options of every model (the same as `fit`'s by default).
    public var options: RefinementOptions
    /// Thresholds of the verdict rule.
    public var thresholds: ClassificationThresholds

    /// A classifier over `models`.
    public init(models: [ClassifierModel], options: RefinementOptions = Classifier.defaultOptions, thresholds: ClassificationThresholds = .calibrated) {
        self.models = models; self.options = options; self.thresholds = thresholds
    }

    /// The options of `fit` (`Defaults`): scale, zoom, uiso and δ2 free, global search on.
    public static var defaultOptions: RefinementOptions { RefinementOptions() }

    /// Models usable for `curve` (composition filter).
    public func candidates(for curve: MeasuredCurve) throws -> [ClassifierModel] {
        guard let comp = curve.header["composition"].flatMap(Composition.elements(in:)) else { return models }
        let use = models.filter { $0.structure.elements == comp }
        guard !use.isEmpty else {
            throw InputError(file: curve.path, "no model in the library has the data's elements (\(comp.map(\.symbol).joined(separator: " ")))")
        }
        return use
    }

    /// Models whose screened Rw is within this of their class's best are refined to convergence.
    public static let screeningWindow = 0.05

    /// Refines `models[i]` for each index on `threads` workers.
    /// `starts` gives, per model index, starting values from which a cluster model is refined
    /// locally (no global stage): the miner's screened optimum. Other models use `o` as is.
    static func refine(_ use: [ClassifierModel], _ which: [Int], curve: MeasuredCurve, options o: RefinementOptions, threads: Int,
                       starts: [Int: [ParameterName: Double]] = [:]) throws -> [Int: RefinementResult] {
        let results = SharedBuffer<RefinementResult?>(repeating: nil, count: which.count)
        let errors = SharedBuffer<String?>(repeating: nil, count: which.count)
        let crystalOptions = Classifier.crystalOptions(o)
        ParallelBlocks.run(blocks: which.count, threads: threads) { k, _ in
            do {
                let m = use[which[k]]
                if let c = m.crystal {
                    results.pointer[k] = try CrystalRefinement(crystals: [c], data: curve, options: crystalOptions).run()
                } else if let start = starts[which[k]] {
                    var local = o
                    local.globalSearch = false
                    for (name, v) in start { local.start[name] = v }
                    results.pointer[k] = try PDFRefinement(structure: m.structure, data: curve, options: local).run()
                } else {
                    results.pointer[k] = try PDFRefinement(structure: m.structure, data: curve, options: o).run()
                }
            } catch {
                errors.pointer[k] = "\(error)"
            }
        }
        if let e = errors.array.compactMap({ $0 }).first { throw SettingsError.invalid(e) }
        var out = [Int: RefinementResult]()
        for (i, r) in zip(which, results.array) { if let r { out[i] = r } }
        return out
    }

    /// The options of attenuated-crystal candidates: the cluster options' data settings and fit
    /// range (every model is judged on the same points), sphere envelope, default free parameters.
    static func crystalOptions(_ o: RefinementOptions) -> CrystalRefinementOptions {
        var c = CrystalRefinementOptions()
        c.overrides = o.overrides
        c.fitRange = Defaults.fitRange
        c.envelope = .sphere
        c.globalSearch = o.globalSearch
        c.maxIterations = o.maxIterations
        c.uncertainties = o.uncertainties
        c.uncertaintyModel = o.uncertaintyModel
        c.threads = o.threads
        return c
    }

    /// Classifies one curve, fitting the models on `threads` Dispatch workers.
    ///
    /// Two stages: every model is screened by the global stage of its refinement (grid only);
    /// then the models within `screeningWindow` of their class's best screened Rw are refined to
    /// convergence (global stage + Levenberg–Marquardt). Verdict and margin come from converged
    /// fits; the other models' Rw are the screened values (upper bounds).
    public func classify(_ curve: MeasuredCurve, threads: Int = 1) throws -> (Classification, [RefinementResult]) {
        let use = try candidates(for: curve)
        guard !use.isEmpty else { throw SettingsError.invalid("the model library is empty") }
        var screen = options
        screen.threads = 1
        screen.maxIterations = 0
        screen.uncertainties = false
        var fitsByIndex = try Classifier.refine(use, Array(use.indices), curve: curve, options: screen, threads: threads)
        var classBest = [Verdict: Double]()
        for (i, r) in fitsByIndex { classBest[use[i].family.verdictClass] = min(classBest[use[i].family.verdictClass] ?? .infinity, r.rw) }
        let finalists = use.indices.filter { i in
            guard let r = fitsByIndex[i], let b = classBest[use[i].family.verdictClass] else { return false }
            return r.rw <= b + Classifier.screeningWindow
        }
        var full = options
        full.threads = 1
        full.uncertainties = false
        for (i, r) in try Classifier.refine(use, finalists, curve: curve, options: full, threads: threads) where r.rw <= fitsByIndex[i]?.rw ?? .infinity {
            fitsByIndex[i] = r
        }
        let indices = use.indices.filter { fitsByIndex[$0] != nil }
        let order = indices.sorted { a, b in
            let ra = fitsByIndex[a]?.rw ?? .infinity, rb = fitsByIndex[b]?.rw ?? .infinity
            return ra < rb || (ra == rb && a < b)
        }
        guard let first = order.first, let f = fitsByIndex[first] else { throw SettingsError.invalid("no model could be refined") }
        let ordered = order.compactMap { fitsByIndex[$0] }
        let scores = order.compactMap { i in fitsByIndex[i].map { ModelScore(model: use[i], result: $0) } }
        var bestByClass = [Verdict: ModelScore]()
        for s in scores where bestByClass[s.family.verdictClass] == nil { bestByClass[s.family.verdictClass] = s }
        let best = scores[0]
        var margin: Double?
        if let zb = bestByClass[.zincblendeLike], let pw = bestByClass[.pseudoWurtzite] { margin = zb.rw - pw.rw }
        let verdict = thresholds.verdict(bestRw: best.rw, margin: margin, bestClass: best.family.verdictClass)
        return (Classification(curve: curve.path, verdict: verdict, bestModel: best.model, bestRw: best.rw, bestByClass: bestByClass,
                               margin: margin, rmin: f.rmin, rmax: f.rmax, qmin: f.qmin, qmax: f.qmax, settings: f.settings,
                               thresholds: thresholds, warnings: f.warnings, scores: scores),
                ordered)
    }
}
