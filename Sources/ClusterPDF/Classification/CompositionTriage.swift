import Foundation

/// Which binary a G(r) without a stated composition comes from: every tabulated binary
/// (`MaterialTable.binaries`) is tried as attenuated zincblende and wurtzite crystals (sphere
/// envelope, cell, U, δ2 and size refined), and the binaries that cannot be excluded are the ones
/// the miner classifies on. Never a silent assumption.
///
/// A binary is excluded when its best crystal's Rw exceeds the best binary's by more than
/// `margin` (absolute) or when its refined cell strays more than `maximumStrain` from the tabulated
/// one (the refinement allows ±10 %, enough to fake another material's lattice). X-ray PDFs of
/// binaries with nearly the same lattice and scattering contrast (InP and CdS; CdSe and InAs)
/// cannot be told apart, and both are kept, with a note. Two binaries that fit markedly better
/// together (two-phase crystal, Rw lower by `coreShellGain`) are reported as a possible core/shell
/// or mixture.
public struct CompositionTriage: Codable, Sendable, Hashable {
    /// One binary's best crystal fit.
    public struct Evidence: Codable, Sendable, Hashable {
        /// Binary, e.g. "CdS".
        public var binary: String
        /// Rw of its better crystal (zincblende or wurtzite).
        public var rw: Double
        /// That crystal's name.
        public var model: String
        /// Refined cubic-equivalent cell over the tabulated one, − 1 (a of zincblende, a of wurtzite).
        public var strain: Double
        /// Whether the binary was kept (not excluded).
        public var kept: Bool
    }
    /// Two binaries that fit better together.
    public struct Pair: Codable, Sendable, Hashable {
        /// The binaries.
        public var binaries: [String]
        /// Rw of the two-phase crystal fit.
        public var rw: Double
        /// Refined scale fraction of the first binary's phase (0…1).
        public var firstFraction: Double
    }
    /// Every binary, best first.
    public var evidence: [Evidence]
    /// The binaries kept, best first (at most `maximumKept`).
    public var kept: [String]
    /// A two-binary fit markedly better than either alone, if any.
    public var pair: Pair?

    /// Rw margin over the best binary within which a binary is kept.
    public static let margin = 0.03
    /// Largest |refined/tabulated − 1| of the cell of a kept binary.
    public static let maximumStrain = 0.03
    /// Binaries the miner classifies on at most.
    public static let maximumKept = 2
    /// Rw drop of the two-phase fit over the best single binary that reports a pair.
    public static let coreShellGain = 0.03

    /// "CdS Rw 0.284 (kept), ZnS 0.383, CdSe 0.384 …": the evidence in one line.
    public var summary: String {
        evidence.map { e in
            String(format: "%@ Rw %.3f%@", e.binary, e.rw, e.kept ? " (kept)" : abs(e.strain) > CompositionTriage.maximumStrain ? String(format: " (cell %+.0f %%)", 100 * e.strain) : "")
        }.joined(separator: ", ")
    }

    /// The triage of `curve` with the refinement options `options` on `threads` workers.
    public static func run(_ curve: MeasuredCurve, options: RefinementOptions, threads: Int) throws -> CompositionTriage {
        var models = [ClassifierModel](), binaryOf = [String](), tabulated = [Double]()
        for (c, a) in MaterialTable.binaries {
            for wurtzite in [false, true] {
                // Binaries tabulated in one structure only (GaN, ZnO: wurtzite) give one crystal.
                guard let m = try? BuiltinModels.attenuatedCrystal(cation: c, anion: a, wurtzite: wurtzite), let l = m.structure.lattice else { continue }
                models.append(m); binaryOf.append(MaterialTable.key(c, a)); tabulated.append(l.a)
            }
        }
        var o = options
        o.threads = 1; o.uncertainties = false
        let fits = try ModelRefinement.refine(models, Array(models.indices), curve: curve, options: o, threads: threads)
        var best = [String: Evidence]()
        for (k, r) in fits where r.rw.isFinite {
            let a = r.value(.lattice(.a)) ?? tabulated[k]
            let e = Evidence(binary: binaryOf[k], rw: r.rw, model: models[k].name, strain: a / tabulated[k] - 1, kept: false)
            if e.rw < best[e.binary]?.rw ?? .infinity { best[e.binary] = e }
        }
        var evidence = best.values.sorted { ($0.rw, $0.binary) < ($1.rw, $1.binary) }
        guard let top = evidence.first(where: { abs($0.strain) <= maximumStrain }) ?? evidence.first else {
            throw SettingsError.invalid("\(curve.path): no crystal of any tabulated binary could be fitted")
        }
        var kept = [String]()
        for k in evidence.indices where kept.count < maximumKept && abs(evidence[k].strain) <= maximumStrain && evidence[k].rw <= top.rw + margin {
            evidence[k].kept = true; kept.append(evidence[k].binary)
        }
        if kept.isEmpty { kept = [top.binary]; if let k = evidence.firstIndex(of: top) { evidence[k].kept = true } }
        // Two binaries together: the best crystal of the two best plausible binaries, as two phases.
        var pair: Pair?
        let plausible = evidence.filter { abs($0.strain) <= maximumStrain }
        if plausible.count >= 2, let m1 = models.first(where: { $0.name == plausible[0].model }), let m2 = models.first(where: { $0.name == plausible[1].model }),
           let c1 = m1.crystal, let c2 = m2.crystal {
            let two = try? CrystalRefinement(crystals: [c1, c2], data: curve, options: ModelRefinement.crystalOptions(o)).run(keepCurves: false)
            if let two, two.rw.isFinite, two.rw <= plausible[0].rw - coreShellGain {
                let s1 = two.value(.phase(1, .scale)) ?? 0, s2 = two.value(.phase(2, .scale)) ?? 0
                pair = Pair(binaries: [plausible[0].binary, plausible[1].binary], rw: two.rw, firstFraction: s1 + s2 > 0 ? s1 / (s1 + s2) : 0.5)
            }
        }
        return CompositionTriage(evidence: evidence, kept: kept, pair: pair)
    }
}
