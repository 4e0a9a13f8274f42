import Foundation

/// Calibration of the mining classifier on held-apart synthetic curves: clusters the candidate
/// space does not contain (off-grid radii, stacking seeds ≥ 100, jitter, ±2 % expansion), with
/// random Uiso, δ2, qdamp and noise. Reports the confusion matrix of the verdicts and the
/// reliability of the class probabilities (of the verdicts given with p in a bin, how many are right).
public struct MiningCalibration: Sendable {
    /// One synthetic curve's outcome.
    public struct Sample: Codable, Sendable {
        /// What the curve was made from.
        public var source: String
        /// Its true class.
        public var trueClass: Verdict
        /// The verdict.
        public var verdict: Verdict
        /// Probability of the most probable class and that class.
        public var probability: Double
        /// The most probable class.
        public var predicted: Verdict
    }

    /// The miner calibrated (its space, thresholds).
    public var miner: ClusterMiner
    /// Number of synthetic curves.
    public var samples: Int
    /// Seed (the calibration is reproducible).
    public var seed: UInt64

    /// A calibration of `miner` on `samples` curves.
    public init(miner: ClusterMiner, samples: Int, seed: UInt64 = 2027) { self.miner = miner; self.samples = samples; self.seed = seed }

    /// A held-apart cluster of class `k % 3` (zincblende-like, pseudo-wurtzite, mixed-or-faulted).
    static func structure(_ k: Int, rng: inout SplitMix64) throws -> (String, Verdict, Structure) {
        let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
        let radius = 5.3 + 8 * rng.uniform()
        let shapes: [ParticleShape.Kind] = [.sphere, .spheroid, .hexagonalPrism, .truncatedOctahedron]
        let shape = ParticleShape(shapes[Int(rng.next() % 4)], radius: radius, aspect: 0.8 + 0.5 * rng.uniform())
        let centre = StackedClusterBuilder.Center.allCases[Int(rng.next() % 3)]
        switch k % 3 {
        case 0:
            if rng.uniform() < 0.4 {
                let n = 4 + Int(rng.next() % 5)
                return ("tetrahedron N\(n)", .zincblendeLike, try TetrahedronBuilder.build(cation: cd, anion: se, size: n))
            }
            return ("zincblende \(shape.name)", .zincblendeLike, try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(.zincblende), shape: shape, center: centre))
        case 1:
            if rng.uniform() < 0.3 {
                let l = 3 + Int(rng.next() % 4), twist = 10 + 20 * rng.uniform()
                return ("pseudo-wurtzite core L\(l) twist \(Int(twist))", .pseudoWurtzite, try PseudoWurtziteBuilder.build(cation: cd, anion: se, layers: l, ring: 6, twistDegrees: twist))
            }
            return ("wurtzite \(shape.name)", .pseudoWurtzite, try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(.wurtzite), shape: shape, center: centre))
        default:
            // Faulted with a cubic fraction between ⅓ and ⅔ inside the cut: new seeds, and a radius
            // 1 Å larger after every 10 that fail (a cut of three layers has one inner layer, so
            // it is all cubic or all hexagonal).
            var cut = shape
            var st = StackingSequence(faultedWithCubicFraction: 0.5, seed: 100 + rng.next() % 1_000_000)
            var f = StackedClusterBuilder.cubicFraction(cation: cd, anion: se, stacking: st, shape: cut, center: centre)
            var tries = 1
            while !(f > 0.33 && f < 0.67) {
                guard tries < 200 else { throw SettingsError.invalid("calibration: no faulted cut with a cubic fraction of ⅓–⅔ near \(shape.name)") }
                if tries % 10 == 0 { cut = ParticleShape(cut.kind, radius: cut.radius + 1, aspect: cut.aspect) }
                st = StackingSequence(faultedWithCubicFraction: 0.5, seed: 100 + rng.next() % 1_000_000)
                f = StackedClusterBuilder.cubicFraction(cation: cd, anion: se, stacking: st, shape: cut, center: centre)
                tries += 1
            }
            return ("faulted (cubic \(String(format: "%.2f", f))) \(cut.name)", .mixedOrFaulted,
                    try StackedClusterBuilder.build(cation: cd, anion: se, stacking: st, shape: cut, center: centre))
        }
    }

    /// A held-apart cluster of class `k % 3` (see `structure`): name, true class and structure,
    /// for benchmarks outside the library.
    public static func heldApartStructure(_ k: Int, rng: inout SplitMix64) throws -> (String, Verdict, Structure) {
        try structure(k, rng: &rng)
    }

    /// Runs the calibration with the miner's rule.
    public func run() throws -> [Sample] {
        let t = miner.options.thresholds
        return try scan(temperatures: [t.temperature], stackingLimits: [t.stackingLimits])[0].samples
    }

    /// The outcome of the calibration under one rule (BIC temperature and stacking limits).
    public struct RuleOutcome: Codable, Sendable {
        /// The BIC temperature.
        public var temperature: Double
        /// The stacking limits of faulted candidates.
        public var stackingLimits: StackingLimits
        /// Each curve's verdict and probabilities under this rule.
        public var samples: [Sample]
        /// Mean −ln p(true class) over the curves (the log-loss; lower is better calibrated).
        public var logLoss: Double
        /// Structural verdicts given and how many of them are right (`MiningCalibration.verdictCounts`).
        public var verdicts: (given: Int, right: Int) { MiningCalibration.verdictCounts(samples) }
        /// Share of the structural verdicts that are right (0…1; 0 when none was given).
        public var rightShare: Double {
            let v = verdicts
            return v.given == 0 ? 0 : Double(v.right) / Double(v.given)
        }
    }

    /// Classifies every curve once and derives the verdicts for each pair of BIC temperature and
    /// stacking limits from the same candidate scores (weights ∝ exp(−ΔBIC/2T), every candidate
    /// kept: the family priors are shared among all of a family's candidates, so dropping far
    /// ones would change the weights). Outcomes come temperature by temperature, limits by limits
    /// within each.
    public func scan(temperatures: [Double], stackingLimits: [StackingLimits]) throws -> [RuleOutcome] {
        var rng = SplitMix64(seed: seed)
        var jobs = [(String, Verdict, MeasuredCurve)]()
        for k in 0..<samples {
            let (name, cls, s) = try MiningCalibration.structure(k, rng: &rng)
            var curve = try MiningCalibration.simulate(s, rng: &rng)
            curve.header["composition"] = "Cd Se"
            jobs.append((name, cls, curve))
        }
        var all = miner
        all.options.listed = Int.max
        all.options.thresholds.temperature = 1
        var classified = [(name: String, trueClass: Verdict, result: Classification, scores: [CandidateScore])]()
        for (name, cls, curve) in jobs {
            let (c, _) = try all.classify(curve)
            classified.append((name, cls, c, c.candidates ?? []))
        }
        return temperatures.flatMap { t in stackingLimits.map { limits in
            var thresholds = miner.options.thresholds
            thresholds.temperature = t
            thresholds.stackingLimits = limits
            var out = [Sample](), loss = 0.0
            for c in classified {
                var verdict = c.result.verdict
                var probabilities = c.result.probabilities ?? [:]
                if !c.scores.isEmpty {
                    let p = MiningProbabilities(scores: c.scores, rmin: c.result.rmin, rmax: c.result.rmax, qmax: c.result.qmax,
                                                temperature: t, limits: limits)
                    probabilities = p.classProbabilities
                    let best = c.scores.min { ($0.rw, $0.name) < ($1.rw, $1.name) }!
                    var notes = [String]()
                    verdict = all.decide(best: best, classProbabilities: probabilities, thresholds: thresholds, statistic: "Rw", data: "curve", notes: &notes).0
                    // The mixture verdict does not depend on the BIC rule: it stands wherever the curve matched.
                    if c.result.mixture?.accepted == true, verdict != .noMatch { verdict = .mixture }
                }
                let top = probabilities.max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }
                out.append(Sample(source: c.name, trueClass: c.trueClass, verdict: verdict, probability: top?.value ?? 0, predicted: top?.key ?? .ambiguous))
                loss -= log(min(1, max(probabilities[c.trueClass] ?? 0, 1e-6)))  // sums may round above 1
            }
            return RuleOutcome(temperature: t, stackingLimits: limits, samples: out, logLoss: loss / Double(max(1, out.count)))
        } }
    }

    /// Structural verdicts (zincblende-like, pseudo-wurtzite, mixed-or-faulted) among `samples`
    /// and how many of them name the true class.
    public static func verdictCounts(_ samples: [Sample]) -> (given: Int, right: Int) {
        let given = samples.filter { Verdict.structuralClasses.contains($0.verdict) }
        return (given.count, given.filter { $0.verdict == $0.trueClass }.count)
    }

    /// The confusion matrix and the reliability table as text.
    public static func table(_ samples: [Sample]) -> String {
        let cols: [Verdict] = Verdict.structuralClasses + [.mixture, .ambiguous, .noMatch]
        var o = "true \\ verdict".padding(toLength: 18, withPad: " ", startingAt: 0) + cols.map { $0.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0) }.joined() + "\n"
        for t in Verdict.structuralClasses {
            o += t.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)
            o += cols.map { v in String(samples.filter { $0.trueClass == t && $0.verdict == v }.count).padding(toLength: 17, withPad: " ", startingAt: 0) }.joined() + "\n"
        }
        let (given, right) = verdictCounts(samples)
        let top = samples.filter { $0.predicted == $0.trueClass }.count
        o += String(format: "\nverdicts given: %d of %d, right: %d (%.1f %%); most probable class right: %d of %d (%.1f %%)\n",
                    given, samples.count, right, 100 * Double(right) / Double(max(1, given)), top, samples.count, 100 * Double(top) / Double(max(1, samples.count)))
        o += "\nreliability (most probable class): p range, curves, right\n"
        for (lo, hi) in [(0.0, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 0.99), (0.99, 1.01)] {
            let inBin = samples.filter { $0.probability >= lo && $0.probability < hi }
            guard !inBin.isEmpty else { continue }
            let r = inBin.filter { $0.predicted == $0.trueClass }.count
            o += String(format: "  %.2f–%.2f  %4d  %5.1f %%\n", lo, min(hi, 1), inBin.count, 100 * Double(r) / Double(inBin.count))
        }
        return o
    }
}

extension MiningCalibration {
    /// A synthetic curve of `s`, perturbed at random: jitter 0.02–0.08 Å, expansion ±2 %, Uiso
    /// 0.005–0.02 Å², δ2 0–3 Å², qdamp 0.02–0.06 Å⁻¹, Gaussian noise 1–5 % of the maximum; r =
    /// 1.5–20 Å, Q = 1–20 Å⁻¹ (stated in the header).
    static func simulate(_ s: Structure, rng: inout SplitMix64) throws -> MeasuredCurve {
        func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * rng.uniform() }
        let jittered = try StructureTransforms.jitter(s.scaled(by: uniform(0.98, 1.02)), sigma: uniform(0.02, 0.08), seed: rng.next())
        var set = ScatteringSettings()
        set.qmin = 1; set.qmax = 20; set.qdamp = uniform(0.02, 0.06); set.delta2 = uniform(0, 3)
        set.rmin = 1.5; set.rmax = 20; set.rstep = 0.01
        set.displacements = DisplacementSettings(all: uniform(0.005, 0.02))
        let g = try DebyeCalculator(structure: jittered, settings: set).pairDistributionFunction()
        let amp = g.y.map(abs).max()!, noise = uniform(0.01, 0.05)
        let y = g.y.map { $0 + noise * amp * rng.gaussian() }
        return MeasuredCurve(path: "synthetic", x: g.x, y: y, dy: nil, header: ["qmin": "1", "qmax": "20", "qdamp": "\(set.qdamp)"], columnNames: [])
    }

    /// Probes that belong to neither family.
    static func probes(rng: inout SplitMix64) throws -> [(String, Structure)] {
        let au = Element(symbol: "Au")!
        let fcc = Structure(atoms: [SIMD3<Double>(0, 0, 0), SIMD3(0, 0.5, 0.5), SIMD3(0.5, 0, 0.5), SIMD3(0.5, 0.5, 0)].map { Atom(element: au, position: $0 * 4.078) },
                            lattice: try Lattice(a: 4.078, b: 4.078, c: 4.078, alpha: 90, beta: 90, gamma: 90))
        let gold = try ClusterCarver.carve(fcc, radius: 9)
        // Amorphous: random close packing of Cd/Se with a 2.5 Å minimum distance in a 9 Å sphere.
        let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
        var atoms = [Atom]()
        var tries = 0
        while atoms.count < 110, tries < 200_000 {
            tries += 1
            let p = SIMD3(rng.uniform() * 18 - 9, rng.uniform() * 18 - 9, rng.uniform() * 18 - 9)
            if (p * p).sum() > 81 || atoms.contains(where: { simd_length($0.position - p) < 2.5 }) { continue }
            atoms.append(Atom(element: atoms.count % 2 == 0 ? cd : se, position: p))
        }
        return [("Au fcc cluster R=9", gold), ("amorphous CdSe", Structure(atoms: atoms))]
    }
}
