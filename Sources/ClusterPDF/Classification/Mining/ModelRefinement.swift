import Foundation

/// The refinement of the candidates the miner keeps (generated finalists, attenuated crystals,
/// library and user models): each on one worker, generated candidates locally from their screened
/// optimum, the others with the refinement's global stage.
enum ModelRefinement {
    /// Refines `models[i]` for each index on `threads` workers.
    /// `starts` gives, per model index, starting values from which a cluster model is refined
    /// locally (no global stage): the miner's screened optimum. Other models use `o` as is.
    static func refine(_ use: [ClassifierModel], _ which: [Int], curve: MeasuredCurve, options o: RefinementOptions, threads: Int,
                       starts: [Int: [ParameterName: Double]] = [:]) throws -> [Int: RefinementResult] {
        let results = SharedBuffer<RefinementResult?>(repeating: nil, count: which.count)
        let errors = SharedBuffer<String?>(repeating: nil, count: which.count)
        let crystalOptions = ModelRefinement.crystalOptions(o)
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
}
