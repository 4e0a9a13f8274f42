import Foundation

/// The reference the miner's ranking is measured against: the candidates of the space refined from
/// their screened optima (all of them, slow: an hour per curve with the standard space; or those
/// whose screened Rw lies within `window` of the best, plus a random sample of the others, which
/// measures how far the screen's Rw lies from the refined one).
public struct ExhaustiveRefinement: Sendable {
    /// One candidate: its name, family, screened Rw and refined Rw.
    public struct Entry: Sendable {
        /// Candidate name.
        public var name: String
        /// Family.
        public var family: ModelLibrary.Family
        /// Rw of the screen and of the full refinement.
        public var screenedRw: Double, refinedRw: Double
        /// Atoms, cation share, and the screened Uiso (Å²) and δ2 (Å²).
        public var atoms: Int, cationShare: Double, uiso: Double, delta2: Double
        /// The screened zoom, and the refined zoom, Uiso (Å², mean) and δ2 (Å²); nil when the
        /// refinement failed.
        public var zoom: Double, refinedZoom: Double?, refinedUiso: Double?, refinedDelta2: Double?
    }
    /// The candidates refined, in the set's order.
    public var entries: [Entry]
    /// Seconds per refinement (wall time × threads / count).
    public var secondsPerRefinement: Double

    /// Refines the candidates of `miner`'s space for the binary of `curve` (header or options) whose
    /// screened Rw is within `window` of the best screened one, and `sample` others drawn at random
    /// (`seed`). The screen is the miner's, with every candidate on the full (U, δ2) grid.
    public static func run(_ miner: ClusterMiner, curve: MeasuredCurve, window: Double = .infinity, sample: Int = 0,
                           seed: UInt64 = 1) throws -> ExhaustiveRefinement {
        let curve = curve.withSpectralQRange()
        let o = miner.options
        let settings = try DataSettings.resolve(curve, overrides: o.refinement.overrides, fitRange: Defaults.fitRange)
        var notes = [String]()
        guard case .found(let cation, let anion) = miner.resolveBinary(curve, notes: &notes) else {
            throw SettingsError.invalid("no generated candidates for \(curve.path)")
        }
        let set = o.store.candidates(space: o.space, cation: cation, anion: anion, threads: o.threads)
        let range = settings.rmin.value...settings.rmax.value
        let model = ScreeningModel(curve: curve, range: range, qmin: settings.qmin.value, qmax: settings.qmax.value,
                                   qdamp: settings.qdamp.value, radiation: settings.radiation.value)
        var all = miner
        all.options.secondPassFraction = 1
        let screened = all.screen(set, model: model)
        let best = screened.map(\.rw).min() ?? .infinity
        var chosen = set.entries.indices.filter { screened[$0].rw <= best + window }
        var others = set.entries.indices.filter { !(screened[$0].rw <= best + window) }
        var rng = SplitMix64(seed: seed)
        for _ in 0..<min(sample, others.count) { chosen.append(others.remove(at: Int(rng.next() % UInt64(others.count)))) }
        chosen.sort()
        let t0 = Date()
        let refined = try miner.refineCandidates(chosen, set: set, screened: screened, curve: curve)
        let dt = Date().timeIntervalSince(t0)
        let entries = chosen.map { i in
            Entry(name: set.entries[i].spec.name, family: set.entries[i].family, screenedRw: screened[i].rw,
                  refinedRw: min(screened[i].rw, refined[i]?.rw ?? .infinity), atoms: set.entries[i].histogram.atomCount,
                  cationShare: set.entries[i].histogram.cationShare,
                  uiso: screened[i].uiso, delta2: screened[i].delta2, zoom: screened[i].zoom,
                  refinedZoom: refined[i]?.value(.zoom), refinedUiso: refined[i]?.meanUiso, refinedDelta2: refined[i]?.value(.delta2))
        }
        return ExhaustiveRefinement(entries: entries, secondsPerRefinement: dt * Double(o.threads) / Double(max(1, chosen.count)))
    }
}
