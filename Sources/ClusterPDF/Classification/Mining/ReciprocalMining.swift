import Foundation

extension MiningThresholds {
    /// The rule for reciprocal-space evidence: probability 0.9 as for G(r); no-match above
    /// Rwp 0.40 (a cluster pattern that fits worse than that shares little with any candidate;
    /// correct candidates of the calibration set fit synthetic lab patterns to Rwp 0.02–0.15);
    /// BIC temperature 1.
    public static let reciprocal = MiningThresholds(probability: 0.9, noMatchRw: 0.4, temperature: 1)
}

extension ClusterMiner {
    /// Classifies reciprocal-space data (a 2θ powder pattern, I(Q), S(Q) or F(Q)) with the same
    /// candidates, probabilities and verdict rule as a G(r): every candidate screened in reciprocal
    /// space (`ReciprocalScreening`), the best `finalistsPerFamily` of each family and the extra
    /// finite models refined with `PatternRefinement` (profile, zero shift, background), BIC
    /// weights with N_eff = (Qmax − Qmin)·D/π independent points (D: the best candidate's largest
    /// pair distance), thresholds `Options.reciprocalThresholds` (default `MiningThresholds.reciprocal`).
    /// Attenuated crystals are not candidates here: they have no finite Debye intensity.
    public func classify(_ data: ReciprocalData) throws -> (Classification, [PatternFitResult]) {
        let o = options
        let pattern = try o.pattern.resolved(for: data), thresholds = o.reciprocalThresholds
        let curve = data.curve
        var notes = [String]()
        let xs = curve.x.filter { pattern.range?.contains($0) ?? true }
        let qAll = data.q.enumerated().filter { pattern.range?.contains(curve.x[$0.offset]) ?? true }.map(\.element)
        let qRange = (qAll.min() ?? 0)...(qAll.max() ?? 0)
        let settings = DataSettings(rmin: Resolved(0, .data), rmax: Resolved(0, .data), qmin: Resolved(qRange.lowerBound, .data),
                                    qmax: Resolved(qRange.upperBound, .data), qdamp: Resolved(0, .default), qbroad: Resolved(0, .default),
                                    radiation: Resolved(pattern.scattering.radiation, .option),
                                    composition: curve.header["composition"].flatMap(Composition.elements(in:))?.map(\.symbol))
        var evidence = ReciprocalEvidence(kind: data.kind, xRange: (xs.first ?? 0)...(xs.last ?? 0),
                                          wavelengths: data.powder.map { p in p.lines.map(\.lambda) } ?? [], points: xs.count, effectivePoints: 0)
        func noMatch(_ reason: String) -> (Classification, [PatternFitResult]) {
            (Classification(curve: curve.path, verdict: .noMatch, bestModel: "", bestRw: 1, bestByClass: [:],
                            rmin: 0, rmax: 0, qmin: qRange.lowerBound, qmax: qRange.upperBound, settings: settings,
                            warnings: [], scores: [], probabilities: [:], families: [], candidates: [], candidatesScreened: 0, rule: thresholds,
                            library: nil, noMatchReason: reason, notes: notes, evidence: evidence), [])
        }
        let ys = curve.y.indices.filter { pattern.range?.contains(curve.x[$0]) ?? true }.map { curve.y[$0] }
        guard ys.count >= 8 else { return noMatch("fewer than 8 data points in the fit range") }
        guard ys.contains(where: { $0 != 0 }) else { return noMatch("not a diffraction curve of a solid: the intensity is zero everywhere in the fit range") }
        let cation: Element, anion: Element
        switch resolveBinary(curve, notes: &notes) {
        case .found(let c, let a): (cation, anion) = (c, a)
        case .extra: return noMatch("no generated candidate has these elements; reciprocal-space classification compares generated candidates (fit an added model with 'clusterpdf fit')")
        case .none(let reason): return noMatch(reason)
        case .unstated: return noMatch("no composition in the data header or --elements: give --elements (the composition triage works on G(r) curves)")
        }
        let set = o.store.candidates(space: o.space, cation: cation, anion: anion, threads: ProcessInfo.processInfo.activeProcessorCount)
        guard let elements = set.entries.first?.histogram.elements else { return noMatch("the candidate space is empty") }
        let nBkg = pattern.backgroundTerms ?? (data.kind == .pattern || data.kind == .intensity ? 3 : 0)
        let screening = try ReciprocalScreening(data: data, range: pattern.range, elements: elements, backgroundTerms: nBkg,
                                                radiation: pattern.scattering.radiation, dispersion: pattern.scattering.anomalous,
                                                maximumDistance: set.entries.map(\.histogram.maximumDistance).max() ?? 1)
        let screened = screening.screen(set, threads: o.threads)
        // Finalists: the best of each family, refined with the full pattern model.
        let finalists = self.finalists(set, screened)
        let extra = o.extraModels.filter { $0.crystal == nil && Set($0.structure.elements).isSubset(of: Set(elements)) }
        var jobs = [(name: String, family: ModelLibrary.Family, structure: Structure, zoom: Double, uiso: Double, candidate: Int?)]()
        for i in finalists {
            guard let s = try? set.entries[i].spec.build() else { continue }
            jobs.append((set.entries[i].spec.name, set.entries[i].family, s, screened[i].zoom, screened[i].uiso, i))
        }
        for m in extra { jobs.append((m.name, m.family, m.structure, 1, PatternRefinementOptions.defaultUiso, nil)) }
        let results = SharedBuffer<PatternFitResult?>(repeating: nil, count: jobs.count)
        let work = jobs
        ParallelBlocks.run(blocks: work.count, threads: o.threads) { k, _ in
            var po = pattern
            po.globalSearch = work[k].candidate == nil
            po.start[.zoom] = work[k].zoom; po.start[.uiso] = work[k].uiso
            po.maxIterations = 40
            po.scattering.threads = 1
            results.pointer[k] = try? PatternRefinement.run(structure: work[k].structure, title: work[k].name, data: data, options: po)
        }
        let refined = results.array
        // Scores.
        let azb = MaterialTable.zincblendeA(cation, anion) ?? (MaterialTable.wurtziteCell(cation, anion)?.a ?? 4) * 2.0.squareRoot()
        var refinedByCandidate = [Int: PatternFitResult]()
        for (k, j) in jobs.enumerated() { if let i = j.candidate, let r = refined[k] { refinedByCandidate[i] = r } }
        var scores = [CandidateScore]()
        for (i, e) in set.entries.enumerated() {
            let h = e.histogram
            var sc = CandidateScore(name: e.spec.name, family: e.family, formula: formula(h), atoms: h.atomCount, diameter: h.maximumDistance,
                                    equivalentDiameter: h.equivalentDiameter(bulkA: azb), shape: e.spec.shapeName, cubicFraction: e.cubicFraction,
                                    recipe: e.spec, duplicates: e.duplicates, rw: screened[i].rw, scale: screened[i].scale, zoom: screened[i].zoom,
                                    uiso: screened[i].uiso, delta2: 0, refined: false, freeParameters: 3 + nBkg, deltaBIC: 0, weight: 0, psize: nil)
            if let r = refinedByCandidate[i], r.rw.isFinite, r.rw <= sc.rw {
                sc.rw = r.rw; sc.scale = r.parameter(.scale)?.value ?? 0; sc.zoom = r.parameter(.zoom)?.value ?? 1
                sc.uiso = r.parameter(.uiso)?.value ?? sc.uiso; sc.refined = true; sc.freeParameters = r.freeParameters
            }
            guard sc.rw.isFinite else { continue }
            scores.append(sc)
        }
        for (k, j) in jobs.enumerated() where j.candidate == nil {
            guard let r = refined[k], r.rw.isFinite else { continue }
            scores.append(CandidateScore(name: j.name, family: j.family, formula: j.structure.formula, atoms: j.structure.count,
                                         diameter: j.structure.diameter, equivalentDiameter: j.structure.diameter, shape: "library model",
                                         cubicFraction: nil, recipe: nil, duplicates: 0, rw: r.rw, scale: r.parameter(.scale)?.value ?? 0,
                                         zoom: r.parameter(.zoom)?.value ?? 1, uiso: r.parameter(.uiso)?.value ?? 0, delta2: 0, refined: true,
                                         freeParameters: r.freeParameters, deltaBIC: 0, weight: 0, psize: nil))
        }
        guard !scores.isEmpty else { return noMatch("no candidate could be fitted to the data") }
        let bestIndex = scores.indices.min { (scores[$0].rw, scores[$0].name) < (scores[$1].rw, scores[$1].name) }!
        let nEff = PatternFitResult.effectivePoints(qRange: qRange, diameter: scores[bestIndex].diameter * scores[bestIndex].zoom, points: xs.count)
        evidence.effectivePoints = nEff
        let probabilities = MiningProbabilities(scores: scores, effectivePoints: nEff, temperature: thresholds.temperature, limits: thresholds.stackingLimits)
        scores = probabilities.scores
        let order = scores.indices.sorted { (scores[$0].rw, scores[$0].name) < (scores[$1].rw, scores[$1].name) }
        let best = scores[order[0]]
        let classP = probabilities.classProbabilities
        let (verdict, reason) = decide(best: best, classProbabilities: classP, thresholds: thresholds, statistic: "Rwp", data: "data", notes: &notes)
        notes.append(String(format: "evidence: %@ data, %d points, %.1f independent (Q %.2f–%.2f Å⁻¹); attenuated crystals are not candidates for reciprocal-space data",
                            data.kind.rawValue, xs.count, nEff, qRange.lowerBound, qRange.upperBound))
        let fits = jobs.indices.compactMap { k in refined[k].map { (k, $0) } }.sorted { ($0.1.rw, $0.0) < ($1.1.rw, $1.0) }
        var bestByClass = [Verdict: ModelScore]()
        for (k, r) in fits {
            let cls = jobs[k].family.verdictClass
            if bestByClass[cls] == nil { bestByClass[cls] = ModelScore(name: jobs[k].name, family: jobs[k].family, formula: jobs[k].structure.formula, pattern: r) }
        }
        let record = LibraryRecord(generator: CandidateSpace.version, spaceKey: set.key,
                                   hash: StableHash.hex(set.key + extra.map { $0.name + XYZWriter.string($0.structure) }.joined()),
                                   recipes: set.recipes, distinct: set.entries.count, extra: extra.count, sources: o.extraSources)
        let c = Classification(curve: curve.path, verdict: verdict, bestModel: best.name, bestRw: best.rw, bestByClass: bestByClass,
                               rmin: 0, rmax: 0, qmin: qRange.lowerBound, qmax: qRange.upperBound, settings: settings,
                               warnings: fits.first?.1.warnings ?? [], scores: fits.map { ModelScore(name: jobs[$0.0].name, family: jobs[$0.0].family, formula: jobs[$0.0].structure.formula, pattern: $0.1) },
                               probabilities: classP, families: probabilities.families, candidates: order.prefix(o.listed).map { scores[$0] },
                               candidatesScreened: set.entries.count + extra.count, rule: thresholds, library: record, noMatchReason: reason,
                               notes: notes, evidence: evidence)
        return (c, fits.map(\.1))
    }
}

extension ModelScore {
    /// The score of a model refined against reciprocal-space data.
    init(name: String, family: ModelLibrary.Family, formula: String, pattern r: PatternFitResult) {
        model = name; path = "generated:" + name; self.family = family; self.formula = formula
        rw = r.rw
        scale = r.parameter(.scale)?.value ?? 0
        zoom = r.parameter(.zoom)?.value ?? 1
        let us = r.parameters.filter { $0.name.shared == .uiso }.map(\.value)
        uiso = us.isEmpty ? 0 : us.reduce(0, +) / Double(us.count)
        delta2 = 0; qdamp = 0
        atBound = r.parameters.filter(\.atBound).map(\.name)
        psize = nil
    }
}
