import Foundation

/// Classification by cluster mining: screens thousands of generated candidate clusters of the
/// data's binary (`CandidateSpace`) against a curve, refines the best of each family with the
/// exact engine, turns the fits into family probabilities (`MiningThresholds`) and gives a verdict
/// with its reasons, the best candidate of each family and a size range.
///
/// Stages: (1) every candidate on a coarse (U, δ2) pair × 17 zooms with the fast `ScreeningModel`;
/// (2) the best `secondPassFraction` of each family (at least `secondPassMinimum`) on the full
/// 6 × 3 (U, δ2) grid; (3) the best `finalistsPerFamily` of each family refined by least squares
/// from their screened optimum, the attenuated crystals (zincblende and wurtzite, sphere envelope)
/// and any extra models refined like `fit` does (global stage, then least squares). The
/// result depends only on the curve, the options and the candidates — never on the working directory.
public struct ClusterMiner: Sendable {
    /// Settings of the miner.
    public struct Options: Sendable {
        /// Candidate space generated for the data's binary.
        public var space = CandidateSpace.standard
        /// Refinement options of the finalists (data-setting overrides, free parameters).
        public var refinement = RefinementOptions()
        /// Decision rule.
        public var thresholds = MiningThresholds.calibrated
        /// Decision rule for reciprocal-space data (powder patterns, I(Q), S(Q), F(Q)).
        public var reciprocalThresholds = MiningThresholds.reciprocal
        /// Settings of reciprocal-space data: profile, background terms, fit range, radiation,
        /// anomalous dispersion (the finalists' refinements start from these).
        public var pattern = PatternRefinementOptions()
        /// Elements of the sample (overrides the data header's composition).
        public var elements: [Element]?
        /// Where candidate sets come from: memory, then the disk cache (default directory), then generated.
        public var store = CandidateStore(cache: CandidateCache(directory: CandidateCache.defaultDirectory))
        /// Extra models (library directories, `--add`), refined as finalists.
        public var extraModels: [ClassifierModel] = []
        /// Library directories / files the extra models came from (recorded).
        public var extraSources: [String] = []
        /// Attenuated-crystal models of the binary are refined too.
        public var includeCrystals = true
        /// Finalists refined per family.
        public var finalistsPerFamily = 3
        /// The calibration sample of the screen (`ScreenCalibration`): the best `calibrationTop`
        /// screened candidates and `calibrationSpread` more spread over the screened order.
        public var calibrationTop = 30, calibrationSpread = 50
        /// Candidates predicted within this many times the predictor's scatter (+ `rankingTolerance`)
        /// of the best are evaluated exactly (5: with 3, CdSe-2's best refined candidate was never
        /// evaluated, regret 0.0021).
        public var predictionSigmas = 5.0
        /// Candidates predicted within this of the best when no calibration could be fitted (else
        /// within 3 × its scatter) are evaluated exactly (at most `evaluationLimit` of them), and the
        /// best `evaluationPerFamily` of each family.
        public var evaluationWindow = 0.03, evaluationLimit = 150, evaluationPerFamily = 15
        /// A candidate is refined while its exact Rw at the screened optimum, less the tolerance,
        /// is below the best refined Rw. The tolerance starts here (refinement usually lowers an
        /// evaluated Rw by 0.0004–0.0006) and grows to the largest drop seen among the refined.
        public var rankingTolerance = 0.003
        /// Evaluated candidates whose exact Rw lies less than `polishWindow` above the best refined
        /// one (and the finalists) are polished by `polishIterations` least-squares iterations from
        /// the screened optimum before the adaptive refinement uses their Rw (0: no polish).
        public var polishIterations = 2
        /// See `polishIterations`.
        public var polishWindow = 0.08
        /// Per class (`Verdict.structuralClasses`, faulted candidates by their vote), the best
        /// `refinedPerClass` evaluated candidates are refined when their Rw would still give them a
        /// BIC weight of at least `classWeight` of the best refined candidate's, so that no class
        /// probability rests on the unrefined Rw of a candidate in contention.
        public var refinedPerClass = 1, classWeight = 1e-3
        /// Refinements beyond the finalists at most; reaching it leaves the ranking unsettled (noted).
        public var maximumExtraRefinements = 40
        /// Fraction of each family screened on the full grid, and its minimum count (40: with 12, a
        /// held-apart faulted curve's best candidate never reached the second pass of the quick
        /// space, regret 0.020).
        public var secondPassFraction = 0.1, secondPassMinimum = 40
        /// Two-candidate mixtures of different classes are weighed against the best single candidate
        /// (`MixtureVerdict`): nil (default) for every space but `CandidateSpace.quick`, whose few
        /// candidates leave faulted particles unmatched, so that a zincblende + wurtzite pair then
        /// fits them better than any single candidate (5 false mixtures in 30 held-apart single
        /// curves, against none in 50 with the standard space); true or false to force.
        public var checkMixtures: Bool?
        /// The rule of the `mixture` verdict.
        public var mixtureRule = MixtureRule.calibrated
        /// Candidates of a class screened against the other member's residual that are solved
        /// exactly as mixtures (`mixtureSearch`).
        public var mixtureShortlist = 4
        /// Partners of each member of the best mixture refined in each sweep of its coordinate descent.
        public var mixtureSwaps = 2
        /// Candidates listed in the result.
        public var listed = 25
        /// Worker threads.
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// Default options.
        public init() {}
    }

    /// The options.
    public var options: Options
    /// A miner with `options`.
    public init(options: Options = Options()) { self.options = options }

    /// A best Rw above this adds a low-confidence note.
    public static let lowConfidenceRw = 0.45

    /// Screened fit of one candidate.
    struct Screened: Sendable { var rw = Double.infinity, scale = 0.0, zoom = 1.0, uiso = 0.0, delta2 = 0.0 }

    /// Classifies `curve`; the refinement results of the finalists come with it (best first).
    public func classify(_ curve: MeasuredCurve) throws -> (Classification, [RefinementResult]) {
        let curve = curve.withSpectralQRange()
        let o = options
        let settings = try DataSettings.resolve(curve, overrides: o.refinement.overrides, fitRange: Defaults.fitRange)
        var notes = [String]()
        let range = settings.rmin.value...settings.rmax.value
        func noMatch(_ reason: String, library: LibraryRecord? = nil, screened: Int? = nil) -> (Classification, [RefinementResult]) {
            (Classification(curve: curve.path, verdict: .noMatch, bestModel: "", bestRw: 1, bestByClass: [:],
                            rmin: range.lowerBound, rmax: range.upperBound, qmin: settings.qmin.value, qmax: settings.qmax.value,
                            settings: settings, warnings: [], scores: [],
                            probabilities: [:], families: [], candidates: [], candidatesScreened: screened ?? 0, rule: o.thresholds,
                            library: library, noMatchReason: reason, notes: notes), [])
        }
        // Not a G(r) of a solid: nothing (or nothing finite) in the fit range.
        let inRange = zip(curve.x, curve.y).filter { range.contains($0.0) }.map(\.1)
        let peak = inRange.map(abs).max() ?? 0
        if !(peak > 0) || inRange.count < 5 {
            return noMatch("not a G(r) of a solid: the curve is zero everywhere in the fit range \(range.lowerBound)–\(range.upperBound) Å")
        }
        // Composition → the binary.
        let cation: Element, anion: Element
        // Models of a binary the generator does not know: they alone are the candidates.
        var only: [ClassifierModel]?
        switch resolveBinary(curve, notes: &notes) {
        case .found(let c, let a): (cation, anion) = (c, a)
        case .extra(let extra):
            only = extra
            let els = Array(Set(extra.flatMap(\.structure.elements))).sorted()
            (cation, anion) = (els.first { !$0.isAnionLike } ?? els[0], els.first { $0.isAnionLike } ?? els[els.count - 1])
            notes.append("the generator has no candidates for these elements: only the added models were fitted")
        case .none(let reason): return noMatch(reason)
        case .unstated: return try classifyUnstatedComposition(curve, notes: notes)
        }
        let elements = [cation, anion].sorted()
        // Candidates: the generated ones (none for `CandidateSpace.none`, a fixed model list).
        // Generation (once per run and space) uses every core: other workers wait for it anyway.
        let set = only != nil || o.space.isEmpty
            ? CandidateSet(space: .none, cation: cation, anion: anion, entries: [], recipes: 0)
            : o.store.candidates(space: o.space, cation: cation, anion: anion, threads: ProcessInfo.processInfo.activeProcessorCount)
        let extra = only ?? o.extraModels.filter { Set($0.structure.elements).isSubset(of: Set(elements)) }
        if set.entries.isEmpty, extra.isEmpty, !(o.includeCrystals && only == nil) {
            return noMatch("no model contains \(elements.map(\.symbol).joined(separator: ", ")): the model list (no generated candidates) has only "
                           + Set(o.extraModels.map { $0.structure.formula }).sorted().joined(separator: ", "))
        }
        // Screening.
        let model = ScreeningModel(curve: curve, range: range, qmin: settings.qmin.value, qmax: settings.qmax.value,
                                   qdamp: settings.qdamp.value, radiation: settings.radiation.value)
        let screened = screen(set, model: model)
        // Exact Rw at the screened optimum of the best screened candidates: the ranking that
        // chooses what to refine (the screen's own Rw is off by up to ~0.08, and not uniformly).
        let evaluated = try evaluatePromising(set, screened, curve: curve)
        let finalists = self.finalists(set, screened, evaluated: evaluated)
        var models = [ClassifierModel]()
        var modelCandidate = [Int?]()
        func addCandidate(_ i: Int) {
            guard let s = try? set.entries[i].spec.build() else { return }
            models.append(ClassifierModel(name: set.entries[i].spec.name, path: "generated:" + set.entries[i].spec.name, family: set.entries[i].family, structure: s))
            modelCandidate.append(i)
        }
        for i in finalists { addCandidate(i) }
        if o.includeCrystals, only == nil {
            for wurtzite in [false, true] {
                guard let m = try BuiltinModels.attenuatedCrystal(cation: cation, anion: anion, wurtzite: wurtzite) else { continue }
                models.append(m)
                modelCandidate.append(nil)
            }
        }
        // A library model identical to a built-in crystal (Structures/CdSe-wurtzite.cif and the
        // built-in CdSe-wurtzite.cif) is listed once, with both sources.
        var sources = [String: [String]]()
        for m in extra {
            if let k = models.indices.first(where: { modelCandidate[$0] == nil && ModelIdentity.same(models[$0], m) }) {
                sources[models[k].name, default: [models[k].path]].append(m.path)
                continue
            }
            models.append(m); modelCandidate.append(nil)
        }
        for (name, paths) in sources.sorted(by: { $0.key < $1.key }) {
            notes.append("\(name): the same structure from \(paths.joined(separator: " and ")), listed once")
        }
        var full = o.refinement
        full.threads = 1
        full.uncertainties = false
        // Generated finalists start their least squares at the screened optimum (the screening
        // already scanned 17 zooms × 6 U × 3 δ2); attenuated crystals and added models get the
        // global stage.
        func starts(_ range: Range<Int>) -> [Int: [ParameterName: Double]] {
            var out = [Int: [ParameterName: Double]]()
            for k in range { if let i = modelCandidate[k] { out[k] = [.zoom: screened[i].zoom, .uiso: screened[i].uiso, .delta2: screened[i].delta2] } }
            return out
        }
        var refined = try ModelRefinement.refine(models, Array(models.indices), curve: curve, options: full, threads: o.threads, starts: starts(models.indices))
        // Adaptive refinement: in the order of the ranking's Rw (evaluated, then polished), every
        // candidate that could still beat the best refined one (that Rw − tolerance below it) is
        // refined too. The tolerance grows to the largest drop to the refined Rw seen so far: where
        // the screened optimum lies in another basin than the refined one, refinement gains more
        // than the usual 0.0005.
        var bestRefined = refined.filter { modelCandidate[$0.key] != nil }.map(\.value.rw).min() ?? .infinity
        var tolerance = o.rankingTolerance
        // The Rw the ranking decides on: exact at the screened optimum, then polished (on a
        // thinned grid: for the decisions only; scores keep the full-grid values).
        var ranked = evaluated
        func observeGaps(_ fits: [Int: RefinementResult]) {
            for (k, r) in fits { if let i = modelCandidate[k], let e = ranked[i], r.rw.isFinite { tolerance = max(tolerance, e - r.rw) } }
        }
        var done = Set(finalists)
        // Polish: the exact Rw at the coarse screened optimum can lie far above the refined one
        // (up to 0.075 on held-apart synthetic curves), and not uniformly, so every evaluated
        // candidate that a drop of `polishWindow` could bring below the best refined Rw, and the
        // finalists (whose drops set the tolerance), get a few least-squares iterations first.
        // The polish works on every k-th point, k such that the step stays below a quarter of the
        // Nyquist step π/Qmax (a quarter of the cost; the finalists' polished-to-refined drops set
        // the tolerance, so an offset from the thinning is measured, not assumed away).
        if o.polishIterations > 0 {
            let polish = evaluated.keys.filter { done.contains($0) || ranked[$0]! - o.polishWindow < bestRefined }.sorted()
            let thin = curve.thinned(maximumStep: Double.pi / settings.qmax.value / 4)
            for (i, rw) in try evaluate(polish, set: set, screened: screened, curve: thin, iterations: o.polishIterations) {
                ranked[i] = min(ranked[i] ?? .infinity, rw)
            }
        }
        observeGaps(refined)
        let evaluationOrder = ranked.keys.sorted { (ranked[$0]!, $0) < (ranked[$1]!, $1) }
        func refineMore(_ next: [Int]) throws {
            let first = models.count
            for i in next { addCandidate(i); done.insert(i) }
            let more = try ModelRefinement.refine(models, Array(first..<models.count), curve: curve, options: full, threads: o.threads, starts: starts(first..<models.count))
            for (k, r) in more {
                refined[k] = r
                bestRefined = min(bestRefined, r.rw)
            }
            observeGaps(more)
        }
        // Every class the candidates vote for has its best `refinedPerClass` evaluated candidates
        // refined when their Rw would still give them a weight of `classWeight` of the best's: the
        // class probabilities would otherwise weigh refined Rw against merely evaluated ones (a curve of
        // a 0.34-cubic particle got pseudo-wurtzite at p 0.995 while its best 0.49-cubic candidate,
        // 0.004 above the best and never refined, had weight 0.004).
        let limits = o.thresholds.stackingLimits
        // The window: the Rw at which a candidate's BIC weight falls below `classWeight` of the
        // best's (ΔBIC = dof·((Rw/Rw_best)² − 1), weights exp(−ΔBIC/(2T))) at the calibrated
        // temperature, not the rule's: what is refined must not depend on the rule, so that
        // `calibrate --temperatures` re-derives exactly what `classify` would give.
        let dof = max(1, MiningProbabilities.effectivePoints(rmin: range.lowerBound, rmax: range.upperBound, qmax: settings.qmax.value) - 4)
        let classWindow = (1 + 2 * MiningThresholds.calibrated.temperature * log(1 / o.classWeight) / dof).squareRoot()
        var classPicks = [Int]()
        for cls in Verdict.structuralClasses {
            classPicks += evaluationOrder.filter {
                limits.verdictClass(family: set.entries[$0].family, cubicFraction: set.entries[$0].cubicFraction) == cls
                    && ranked[$0]! < bestRefined * classWindow
            }.prefix(o.refinedPerClass).filter { !done.contains($0) }
        }
        if !classPicks.isEmpty { try refineMore(classPicks) }
        let classRefinements = classPicks.count
        var settled = true
        while true {
            let next = evaluationOrder.filter { !done.contains($0) && ranked[$0]! - tolerance < bestRefined }.prefix(max(2, o.threads))
            if next.isEmpty { break }
            if done.count - finalists.count - classRefinements >= o.maximumExtraRefinements { settled = false; break }
            try refineMore(Array(next))
        }
        let ranking = RankingSummary(screened: set.entries.count, evaluated: evaluated.count, refined: done.count,
                                     tolerance: tolerance, settled: settled)
        // Scores of every candidate (refined where available).
        var scores = [CandidateScore]()
        var refinedByCandidate = [Int: RefinementResult]()
        for (k, i) in modelCandidate.enumerated() { if let i, let r = refined[k] { refinedByCandidate[i] = r } }
        let azb = MaterialTable.zincblendeA(cation, anion) ?? (MaterialTable.wurtziteCell(cation, anion)?.a ?? 4) * 2.0.squareRoot()
        for (i, e) in set.entries.enumerated() {
            let h = e.histogram
            var sc = CandidateScore(name: e.spec.name, family: e.family, formula: formula(h), atoms: h.atomCount, diameter: h.maximumDistance,
                                    equivalentDiameter: h.equivalentDiameter(bulkA: azb), shape: e.spec.shapeName, cubicFraction: e.cubicFraction,
                                    recipe: e.spec, duplicates: e.duplicates, rw: screened[i].rw, scale: screened[i].scale, zoom: screened[i].zoom,
                                    uiso: screened[i].uiso, delta2: screened[i].delta2, refined: false, rwSource: .screen, freeParameters: 4, deltaBIC: 0, weight: 0, psize: nil)
            // Not refined: the Rw the ranking used (polished where it was); refined: the
            // refinement's, when it is no worse than the full-grid evaluation it started from.
            if let e = ranked[i], e.isFinite {
                sc.rw = e; sc.rwSource = .evaluated
            }
            if let r = refinedByCandidate[i], r.rw.isFinite, r.rw <= (evaluated[i] ?? screened[i].rw) {
                sc.rw = r.rw; sc.scale = r.value(.scale) ?? 0; sc.zoom = r.value(.zoom) ?? 1; sc.uiso = r.meanUiso; sc.delta2 = r.value(.delta2) ?? 0
                sc.refined = true; sc.rwSource = .refined; sc.freeParameters = r.freeParameters
            }
            guard sc.rw.isFinite else { continue }
            scores.append(sc)
        }
        for (k, m) in models.enumerated() where modelCandidate[k] == nil {
            guard let r = refined[k], r.rw.isFinite else { continue }
            let psize = r.value(.envelope(.psize))
            scores.append(CandidateScore(name: m.name, family: m.family, formula: m.structure.formula, atoms: m.structure.count,
                                         diameter: psize ?? m.structure.diameter, equivalentDiameter: psize ?? m.structure.diameter,
                                         shape: m.crystal != nil ? "attenuated crystal (sphere)" : "library model", cubicFraction: nil, recipe: nil,
                                         duplicates: 0, rw: r.rw, scale: r.value(.scale) ?? 0, zoom: r.value(.zoom) ?? 1, uiso: r.meanUiso,
                                         delta2: r.value(.delta2) ?? 0, refined: true, rwSource: .refined, freeParameters: r.freeParameters, deltaBIC: 0, weight: 0, psize: psize))
        }
        guard !scores.isEmpty else { throw SettingsError.invalid("no candidate could be fitted to \(curve.path)") }
        let probabilities = MiningProbabilities(scores: scores, rmin: range.lowerBound, rmax: range.upperBound, qmax: settings.qmax.value,
                                                temperature: o.thresholds.temperature, limits: o.thresholds.stackingLimits)
        scores = probabilities.scores
        let order = scores.indices.sorted { (scores[$0].rw, scores[$0].name) < (scores[$1].rw, scores[$1].name) }
        let best = scores[order[0]]
        // Verdict.
        var (verdict, reason) = decide(best: best, classProbabilities: probabilities.classProbabilities, thresholds: o.thresholds,
                                       statistic: "Rw", data: "curve", notes: &notes)
        var mixture: MixtureVerdict?
        var mixtureNote: String?
        if o.checkMixtures == nil, o.space == .quick {
            mixtureNote = "mixtures not checked: the quick candidate space is too sparse for the mixture verdict (use the standard space)"
        }
        if let n = mixtureNote { notes.append(n) }
        if o.checkMixtures ?? (o.space != .quick), verdict != .noMatch {
            mixture = mixtureSearch(curve: curve, set: set, screened: screened, evaluated: evaluated, settings: settings, range: range,
                                    singleRw: best.rw, bestCluster: scores.filter { $0.recipe != nil }.min { ($0.rw, $0.name) < ($1.rw, $1.name) }, options: full)
            if let m = mixture, m.accepted { verdict = .mixture }
        }
        let classP = probabilities.classProbabilities
        let check = ClusterMiner.sizeCheck(best: best, scores: scores) { crystalName in
            // The best candidate's refined G(r), and the crystal model to refine against it.
            guard let k = models.firstIndex(where: { $0.name == crystalName && $0.crystal != nil }),
                  let fit = models.indices.first(where: { models[$0].name == best.name }).flatMap({ refined[$0] }) else { return nil }
            return ClusterMiner.envelopeDiameter(r: fit.r, g: fit.gCalculated, of: fit.model, crystal: models[k], header: curve.header,
                                                 path: curve.path, options: full)
        }
        if let check { notes.append(check.note) }
        if best.rw > ClusterMiner.lowConfidenceRw {
            notes.append(String(format: "low confidence: the best Rw is %.2f, so every candidate leaves much of the curve unexplained; the probabilities only rank candidates relative to each other", best.rw))
        }
        // Refinement results and model scores of the finalists, best first.
        let refinedOrder = refined.keys.sorted { (refined[$0]!.rw, $0) < (refined[$1]!.rw, $1) }
        let results = refinedOrder.map { refined[$0]! }
        let modelScores = refinedOrder.map { k in
            var m = ModelScore(model: models[k], result: refined[k]!)
            m.sources = sources[m.model]
            return m
        }
        var bestByClass = [Verdict: ModelScore]()
        for s in modelScores where bestByClass[s.family.verdictClass] == nil { bestByClass[s.family.verdictClass] = s }
        let warnings = results.first?.warnings ?? []
        let record = LibraryRecord(generator: CandidateSpace.version, spaceKey: set.key,
                                   hash: StableHash.hex(set.key + extra.map { $0.name + XYZWriter.string($0.structure) }.joined()),
                                   recipes: set.recipes, distinct: set.entries.count, extra: extra.count, sources: o.extraSources)
        let c = Classification(curve: curve.path, verdict: verdict, bestModel: best.name, bestRw: best.rw, bestByClass: bestByClass,
                               rmin: range.lowerBound, rmax: range.upperBound, qmin: settings.qmin.value, qmax: settings.qmax.value,
                               settings: settings, warnings: warnings, scores: modelScores,
                               probabilities: classP, families: probabilities.families, candidates: order.prefix(o.listed).map { scores[$0] },
                               candidatesScreened: set.entries.count + extra.count + (o.includeCrystals && only == nil ? 2 : 0), rule: o.thresholds,
                               library: record, noMatchReason: reason, notes: notes.isEmpty ? nil : notes, sizeCheck: check, ranking: ranking,
                               mixture: mixture)
        return (c, results)
    }

    /// The verdict rule (`MiningThresholds`): no-match (with its reason) when the best candidate's
    /// `statistic` exceeds the threshold, else the most probable class if its probability reaches
    /// the threshold, else ambiguous. Adds the note that a best candidate at the edge of the
    /// candidate space gives only a lower bound of the size.
    func decide(best: CandidateScore, classProbabilities classP: [Verdict: Double], thresholds t: MiningThresholds,
                statistic: String, data: String, notes: inout [String]) -> (Verdict, String?) {
        var verdict = Verdict.ambiguous
        var reason: String?
        if !(best.rw <= t.noMatchRw) {
            verdict = .noMatch
            reason = String(format: "the best candidate (%@) has %@ %.3f, above the no-match threshold %.2f: nothing generated resembles the %@",
                            best.name, statistic, best.rw, t.noMatchRw, data)
        } else if let top = classP.max(by: { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }), top.value >= t.probability {
            verdict = top.key
        }
        if let spec = best.recipe, options.space.isLargest(spec) {
            notes.append(String(format: "the best candidate (%@, %.1f Å) is the largest of its kind in the candidate space: the particle may be larger, so its size is a lower bound", best.name, best.equivalentDiameter))
        }
        return (verdict, reason)
    }

    /// Relative difference of size above which `sizeCheck` says the cluster and the attenuated
    /// crystal disagree (the acceptance of a size: ±20 %).
    public static let sizeAgreement = 0.2

    /// The size cross-check (`SizeCheck`) of `best` against the best-fitting attenuated crystal
    /// among `scores`; `envelope` gives the psize of that crystal (by name) refined against the best
    /// candidate's own G(r), or nil. Nil when the best candidate is itself an attenuated crystal or
    /// no crystal was refined.
    static func sizeCheck(best: CandidateScore, scores: [CandidateScore], envelope: (String) -> Double? = { _ in nil }) -> SizeCheck? {
        guard best.psize == nil,
              let crystal = scores.filter({ $0.psize != nil }).min(by: { ($0.rw, $0.name) < ($1.rw, $1.name) }) else { return nil }
        return SizeCheck(best: best, crystal: crystal, envelopeDiameter: envelope(crystal.name))
    }

    /// The envelope diameter of a refined cluster: psize (Å) of the attenuated `crystal` refined
    /// against the cluster's calculated G(r) `g` (Å⁻²) on the fit grid `r` (Å), as on the data (the
    /// settings of a curve with this `header`, the same `options`); nil when the refinement fails
    /// or gives no finite, positive psize.
    static func envelopeDiameter(r: [Double], g: [Double], of model: String, crystal: ClassifierModel, header: [String: String],
                                 path: String, options: RefinementOptions) -> Double? {
        guard r.count >= 5, g.count == r.count, g.allSatisfy(\.isFinite) else { return nil }
        let own = MeasuredCurve(path: path + " (G(r) of \(model))", x: r, y: g, header: header)
        guard let result = (try? ModelRefinement.refine([crystal], [0], curve: own, options: options, threads: 1))?[0], result.rw.isFinite,
              let p = result.value(.envelope(.psize)), p.isFinite, p > 0 else { return nil }
        return p
    }

    /// The best `finalistsPerFamily` candidates of each family (indices into `set`) by their exact
    /// Rw at the screened optimum where evaluated, else by the screen, in family order, best
    /// first; ties by index.
    func finalists(_ set: CandidateSet, _ screened: [Screened], evaluated: [Int: Double] = [:]) -> [Int] {
        var byFamily = [ModelLibrary.Family: [Int]]()
        for (i, e) in set.entries.enumerated() where screened[i].rw.isFinite { byFamily[e.family, default: []].append(i) }
        func key(_ i: Int) -> (Int, Double, Int) { evaluated[i].map { (0, $0, i) } ?? (1, screened[i].rw, i) }
        var out = [Int]()
        for fam in ModelLibrary.Family.allCases {
            guard let idx = byFamily[fam] else { continue }
            out += idx.sorted { key($0) < key($1) }.prefix(options.finalistsPerFamily)
        }
        return out
    }

    /// Exact Rw of the candidates most likely to refine best: a calibration sample (the best
    /// `calibrationTop` by the screen and `calibrationSpread` spread evenly over the screened order
    /// up to 0.15 above the best) is evaluated exactly and fits a `ScreenCalibration`; then every
    /// candidate whose predicted Rw lies within 3 × the predictor's scatter (+ `rankingTolerance`)
    /// of the best prediction is evaluated too (at most `evaluationLimit`, best first), and the best
    /// `evaluationPerFamily` predicted of each family. Without a calibration (too few candidates)
    /// the screen's order is used as is.
    func evaluatePromising(_ set: CandidateSet, _ screened: [Screened], curve: MeasuredCurve) throws -> [Int: Double] {
        let o = options
        let order = set.entries.indices.filter { screened[$0].rw.isFinite }.sorted { (screened[$0].rw, $0) < (screened[$1].rw, $1) }
        guard let bestScreened = order.first.map({ screened[$0].rw }) else { return [:] }
        let near = order.prefix { screened[$0].rw <= bestScreened + 0.15 }
        var sample = Set(order.prefix(o.calibrationTop))
        if near.count > o.calibrationTop {
            let step = Double(near.count - o.calibrationTop) / Double(max(1, o.calibrationSpread))
            for k in 0..<o.calibrationSpread { sample.insert(near[min(near.count - 1, o.calibrationTop + Int(Double(k) * step))]) }
        }
        var evaluated = try evaluate(sample.sorted(), set: set, screened: screened, curve: curve)
        func features(_ i: Int) -> [Double] {
            let h = set.entries[i].histogram
            return ScreenCalibration.features(screenedRw: screened[i].rw, atoms: h.atomCount, cationShare: h.cationShare,
                                              uiso: screened[i].uiso, delta2: screened[i].delta2)
        }
        let predicted: [Int: Double]
        var margin = o.evaluationWindow
        if let cal = ScreenCalibration(samples: evaluated.map { (features($0.key), $0.value) }) {
            predicted = Dictionary(uniqueKeysWithValues: order.map { ($0, cal.predict(features($0))) })
            margin = o.predictionSigmas * cal.scatter + o.rankingTolerance
        } else {
            predicted = Dictionary(uniqueKeysWithValues: order.map { ($0, screened[$0].rw) })
        }
        let ranked = order.sorted { (predicted[$0]!, $0) < (predicted[$1]!, $1) }
        let best = min(predicted[ranked[0]]!, evaluated.values.min() ?? .infinity)
        var chosen = Set(ranked.prefix { predicted[$0]! <= best + margin }.prefix(o.evaluationLimit))
        var perFamily = [ModelLibrary.Family: Int]()
        for i in ranked where perFamily[set.entries[i].family, default: 0] < o.evaluationPerFamily {
            chosen.insert(i); perFamily[set.entries[i].family, default: 0] += 1
        }
        let rest = chosen.subtracting(evaluated.keys).sorted()
        for (i, rw) in try evaluate(rest, set: set, screened: screened, curve: curve) { evaluated[i] = rw }
        return evaluated
    }

    /// Exact Rw (the refinement's engine, fit points and closed-form scale) of each candidate in
    /// `indices` at its screened zoom, Uiso and δ2; by candidate index.
    func evaluate(_ indices: [Int], set: CandidateSet, screened: [Screened], curve: MeasuredCurve, iterations: Int = 0) throws -> [Int: Double] {
        let out = SharedBuffer<Double>(repeating: .infinity, count: indices.count)
        var options = options.refinement
        options.threads = 1; options.uncertainties = false; options.globalSearch = false
        let base = options
        ParallelBlocks.run(blocks: indices.count, threads: self.options.threads) { k, _ in
            let i = indices[k]
            var o = base
            o.start[.zoom] = screened[i].zoom; o.start[.uiso] = screened[i].uiso; o.start[.delta2] = screened[i].delta2
            guard let s = try? set.entries[i].spec.build() else { return }
            let rw: Double?
            if iterations > 0 {
                o.maxIterations = iterations
                rw = (try? PDFRefinement(structure: s, data: curve, options: o).run())?.rw
            } else {
                rw = try? PDFRefinement(structure: s, data: curve, options: o).startingRw()
            }
            guard let rw, rw.isFinite else { return }
            out.pointer[k] = rw
        }
        var result = [Int: Double]()
        for (k, i) in indices.enumerated() where out.array[k].isFinite { result[i] = out.array[k] }
        return result
    }

    /// The binary a curve's candidates are generated for.
    enum Binary {
        /// A tabulated binary.
        case found(Element, Element)
        /// Not tabulated, but extra models with these elements exist.
        case extra([ClassifierModel])
        /// Nothing to compare with; the reason.
        case none(String)
        /// No composition in the header or the options.
        case unstated
    }

    /// The elements from `--elements` or the data header's composition (ligands stripped, noted),
    /// and whether candidates can be generated for them; `.unstated` when neither gives any.
    func resolveBinary(_ curve: MeasuredCurve, notes: inout [String]) -> Binary {
        let o = options
        let elements: [Element]
        if let e = o.elements {
            elements = e.sorted()
        } else if let text = curve.header["composition"], let c = Composition.core(of: text) {
            elements = c.core
            if !c.ligand.isEmpty { notes.append("ligand atoms \(c.ligand.map(\.symbol).joined(separator: ", ")) stripped from the composition '\(text)'") }
        } else {
            return .unstated
        }
        guard elements.count == 2, let cation = elements.first(where: { !$0.isAnionLike }), let anion = elements.first(where: { $0.isAnionLike }),
              MaterialTable.isTabulated(cation, anion) else {
            let available = MaterialTable.binaries
            let availableElements = Set(available.flatMap { [$0.cation, $0.anion] }).sorted().map(\.symbol)
            let extra = o.extraModels.filter { Set($0.structure.elements) == Set(elements) }
            if extra.isEmpty {
                return .none("no candidate contains \(elements.map(\.symbol).joined(separator: ", ")): candidates are generated for the binaries "
                             + "\(available.map { MaterialTable.key($0.cation, $0.anion) }.joined(separator: ", ")) (elements \(availableElements.joined(separator: ", "))); add a model with --add or --library")
            }
            return .extra(extra)
        }
        return .found(cation, anion)
    }

    /// Classification of a curve whose composition nobody stated: `CompositionTriage` tries every
    /// tabulated binary as attenuated crystals, the miner classifies on each binary it keeps, and
    /// the best (lowest best Rw) is the answer, with the triage's evidence in `composition` and
    /// the notes.
    func classifyUnstatedComposition(_ curve: MeasuredCurve, notes: [String]) throws -> (Classification, [RefinementResult]) {
        let triage = try CompositionTriage.run(curve, options: options.refinement, threads: options.threads)
        var outcomes = [(key: String, result: (Classification, [RefinementResult]), decisive: Double)]()
        for key in triage.kept {
            guard let els = Composition.elements(in: key) else { continue }
            var miner = self
            miner.options.elements = els
            let out = try miner.classify(curve)
            outcomes.append((key, out, out.0.bestRw))
        }
        // Between binaries of like lattice and contrast (InP and CdS) a shared Uiso decides by the
        // wrong thing: the cation's larger displacements mimic a weaker cation. Each binary's best
        // cluster candidate is refined once more with one Uiso per element, and that Rw decides.
        var decisive = [String]()
        if outcomes.count > 1 {
            for k in outcomes.indices {
                let c = outcomes[k].result.0
                guard let best = c.candidates?.first(where: { $0.recipe != nil }), let spec = best.recipe, let s = try? spec.build() else { continue }
                var o = options.refinement
                o.threads = 1; o.uncertainties = false; o.globalSearch = false; o.uisoPerElement = true
                o.start[.zoom] = best.zoom; o.start[.uiso] = best.uiso; o.start[.delta2] = best.delta2
                if let r = try? PDFRefinement(structure: s, data: curve, options: o).run(keepCurves: false), r.rw.isFinite {
                    outcomes[k].decisive = min(r.rw, c.bestRw)
                    decisive.append(String(format: "%@ %.4f", outcomes[k].key, outcomes[k].decisive))
                }
            }
        }
        guard let chosenOutcome = outcomes.min(by: { ($0.decisive, $0.key) < ($1.decisive, $1.key) }) else {
            throw SettingsError.invalid("\(curve.path): the composition triage kept no binary")
        }
        var (c, results) = chosenOutcome.result
        let chosen = chosenOutcome.key
        var said = ["no composition in the data header or --elements: every tabulated binary was tried as attenuated crystals — \(triage.summary); classified on \(triage.kept.joined(separator: " and ")), best \(chosen) (give --elements to fix the composition)"]
        if outcomes.count > 1 {
            said.append("the composition is uncertain: \(triage.kept.joined(separator: " and ")) fit about equally well (an X-ray PDF tells binaries of like lattice and scattering contrast apart poorly); "
                        + "decided by each one's best candidate refined with one Uiso per element: \(decisive.joined(separator: ", "))")
        }
        if let p = triage.pair {
            said.append(String(format: "%@ and %@ together fit better than either alone (two-phase crystal Rw %.3f, %.0f %% %@ by scale): a core/shell particle or a mixture",
                               p.binaries[0], p.binaries[1], p.rw, 100 * p.firstFraction, p.binaries[0]))
        }
        c.notes = notes + said + (c.notes ?? [])
        c.composition = triage
        return (c, results)
    }

    /// Refines the candidates `indices` of `set` from their screened optima (exact engine, local
    /// least squares, no uncertainties); results by candidate index.
    func refineCandidates(_ indices: [Int], set: CandidateSet, screened: [Screened], curve: MeasuredCurve) throws -> [Int: RefinementResult] {
        var models = [ClassifierModel](), which = [Int]()
        var starts = [Int: [ParameterName: Double]]()
        for i in indices {
            guard screened[i].rw.isFinite, let s = try? set.entries[i].spec.build() else { continue }
            starts[models.count] = [.zoom: screened[i].zoom, .uiso: screened[i].uiso, .delta2: screened[i].delta2]
            models.append(ClassifierModel(name: set.entries[i].spec.name, path: "generated:" + set.entries[i].spec.name,
                                          family: set.entries[i].family, structure: s))
            which.append(i)
        }
        var full = options.refinement
        full.threads = 1
        full.uncertainties = false
        let refined = try ModelRefinement.refine(models, Array(models.indices), curve: curve, options: full, threads: options.threads, starts: starts)
        var out = [Int: RefinementResult]()
        for (k, r) in refined { out[which[k]] = r }
        return out
    }

    /// Hill formula of a histogram's composition ("Cd35Se20").
    func formula(_ h: CandidateHistogram) -> String {
        Structure.formula(Dictionary(uniqueKeysWithValues: zip(h.elements, h.atomCounts)))
    }

    /// Screens every candidate (or the candidates `only`; the others stay unscreened, Rw ∞): pass 1
    /// on the coarse grid, pass 2 for the best of each family.
    func screen(_ set: CandidateSet, model: ScreeningModel, only: [Int]? = nil) -> [Screened] {
        let n = set.entries.count
        let subset = only ?? Array(0..<n)
        let out = SharedBuffer<Screened>(repeating: Screened(), count: n)
        let weighted = SharedBuffer<[Float]?>(repeating: nil, count: n)
        let lows = SharedBuffer<[Float]?>(repeating: nil, count: n)
        @Sendable func run(_ i: Int, grid: [(Double, Double)]) {
            guard let h = weighted.pointer[i] ?? model.weightedHistogram(set.entries[i].histogram) else { return }
            let low = lows.pointer[i] ?? model.lowQPart(h)
            weighted.pointer[i] = h; lows.pointer[i] = low
            var buffer = [Float](repeating: 0, count: model.modelCount)
            var best = out.pointer[i]
            for (u, d2) in grid {
                model.curve(h, low: low, uiso: u, delta2: d2, into: &buffer)
                let z = model.bestZoom(buffer)
                if z.rw < best.rw { best = Screened(rw: z.rw, scale: z.scale, zoom: z.zoom, uiso: u, delta2: d2) }
            }
            out.pointer[i] = best
        }
        ParallelBlocks.run(blocks: subset.count, threads: options.threads) { k, _ in run(subset[k], grid: ScreeningModel.firstPass) }
        var second = [Int]()
        var byFamily = [ModelLibrary.Family: [Int]]()
        let first = out.array
        for i in subset { byFamily[set.entries[i].family, default: []].append(i) }
        for (_, idx) in byFamily {
            let k = max(options.secondPassMinimum, Int((Double(idx.count) * options.secondPassFraction).rounded(.up)))
            second += idx.sorted { (first[$0].rw, $0) < (first[$1].rw, $1) }.prefix(k)
        }
        let secondPass = second.sorted()
        ParallelBlocks.run(blocks: secondPass.count, threads: options.threads) { k, _ in run(secondPass[k], grid: ScreeningModel.secondPass) }
        return out.array
    }
}
