import Foundation

/// Sets the classifier's thresholds from synthetic curves and reports its confusion matrix.
///
/// For every model of the library, `samples` curves are simulated from a randomly perturbed copy
/// (displacements σ 0.02–0.08 Å, Uiso 0.005–0.02 Å², δ2 0–3 Å², qdamp 0.02–0.06 Å⁻¹, expansion
/// ±2 %, Gaussian noise 1–5 % of the maximum; r = 1.5–20 Å, Q = 1–20 Å⁻¹) and classified against
/// the library *without* that model (held apart). Probes that match no model — a gold fcc
/// cluster and an amorphous CdSe-like cluster — are classified too. Thresholds:
///   * ambiguousMargin: just above the largest |ΔRw| of a wrong verdict (at least 0.02);
///   * noMatchRw: midway between the worst Rw of genuine curves and the best Rw of the probes.
public struct ClassifierCalibration: Sendable {
    /// The classification of one synthetic curve.
    public struct Sample: Codable, Sendable {
        /// The model (or probe) the curve was made from.
        public var source: String
        /// The class the curve was made from; nil for the probes (gold, amorphous).
        public var trueClass: Verdict?
        /// Rw of the best model.
        public var bestRw: Double
        /// The class of the best model.
        public var bestClass: Verdict
        /// Rw(best zincblende-like) − Rw(best pseudo-wurtzite).
        public var margin: Double?
    }
    /// The derived thresholds and the evidence behind them.
    public struct Outcome: Codable, Sendable {
        /// Thresholds derived from the samples.
        public var thresholds: ClassificationThresholds
        /// Every classified curve.
        public var samples: [Sample]
        /// confusion[true class][verdict] = count.
        public var confusion: [String: [String: Int]]
        /// Fraction of correct verdicts among the genuine curves given a class.
        public var accuracyDecided: Double
        /// Fraction of genuine curves called ambiguous.
        public var fractionAmbiguous: Double
    }

    /// The library models (each is held apart from its own curves).
    public var models: [ClassifierModel]
    /// Synthetic curves per model (and per probe).
    public var samplesPerModel: Int
    /// Seed of the random perturbations (deterministic for a given seed).
    public var seed: UInt64
    /// Worker threads.
    public var threads: Int

    /// A calibration over `models`.
    public init(models: [ClassifierModel], samplesPerModel: Int = 3, seed: UInt64 = 2026, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.models = models; self.samplesPerModel = samplesPerModel; self.seed = seed; self.threads = threads
    }

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

    /// Simulates, classifies and derives the thresholds.
    public func run() throws -> Outcome {
        var rng = SplitMix64(seed: seed)
        var jobs = [(String, Verdict?, MeasuredCurve, [ClassifierModel])]()
        for (i, m) in models.enumerated() {
            let others = models.enumerated().filter { $0.offset != i }.map(\.element)
            for _ in 0..<samplesPerModel {
                jobs.append((m.name, m.family.verdictClass, try ClassifierCalibration.simulate(m.structure, rng: &rng), others))
            }
        }
        for (name, s) in try ClassifierCalibration.probes(rng: &rng) {
            for _ in 0..<samplesPerModel { jobs.append((name, nil, try ClassifierCalibration.simulate(s, rng: &rng), models)) }
        }
        let results = SharedBuffer<Sample?>(repeating: nil, count: jobs.count)
        let failures = SharedBuffer<String?>(repeating: nil, count: jobs.count)
        let jobList = jobs
        ParallelBlocks.run(blocks: jobList.count, threads: threads) { j, _ in
            let (name, cls, curve, lib) = jobList[j]
            let o = Classifier.defaultOptions  // qdamp, qmin, qmax from the curve's header
            do {
                let (c, _) = try Classifier(models: lib, options: o, thresholds: ClassificationThresholds(ambiguousMargin: 0, noMatchRw: .infinity)).classify(curve)
                results.pointer[j] = Sample(source: name, trueClass: cls, bestRw: c.bestRw, bestClass: c.bestByClass.min { $0.value.rw < $1.value.rw }?.key ?? c.verdict, margin: c.margin)
            } catch { failures.pointer[j] = "\(error)" }
        }
        if let f = failures.array.compactMap({ $0 }).first { throw SettingsError.invalid("calibration failed: \(f)") }
        let samples = results.array.map { $0! }
        let genuine = samples.filter { $0.trueClass != nil }, probes = samples.filter { $0.trueClass == nil }
        let wrong = genuine.filter { $0.bestClass != $0.trueClass }
        var margin = max(0.02, (wrong.compactMap { $0.margin.map(abs) }.max() ?? 0) + 0.005)
        margin = (margin * 200).rounded(.up) / 200
        let worstGenuine = genuine.map(\.bestRw).max() ?? 0.5
        let bestProbe = probes.map(\.bestRw).min() ?? 1
        var noMatch = bestProbe > worstGenuine ? (worstGenuine + bestProbe) / 2 : worstGenuine * 1.1
        noMatch = (noMatch * 100).rounded() / 100
        let t = ClassificationThresholds(ambiguousMargin: margin, noMatchRw: noMatch)
        var confusion = [String: [String: Int]]()
        var decided = 0, correct = 0, ambiguous = 0
        for s in samples {
            let verdict = t.verdict(bestRw: s.bestRw, margin: s.margin, bestClass: s.bestClass)
            confusion[s.trueClass?.rawValue ?? ClassifierCalibration.noClass, default: [:]][verdict.rawValue, default: 0] += 1
            if s.trueClass != nil {
                if verdict == .ambiguous { ambiguous += 1 } else { decided += 1; if verdict == s.trueClass { correct += 1 } }
            }
        }
        return Outcome(thresholds: t, samples: samples, confusion: confusion,
                       accuracyDecided: decided > 0 ? Double(correct) / Double(decided) : 0,
                       fractionAmbiguous: genuine.isEmpty ? 0 : Double(ambiguous) / Double(genuine.count))
    }

    /// Row label of the probes that belong to neither class (Au, amorphous CdSe).
    public static let noClass = "none"

    /// The confusion matrix as a Markdown table.
    public static func table(_ o: Outcome) -> String {
        let cols = Verdict.allCases.map(\.rawValue)
        var s = "| true \\ verdict | " + cols.joined(separator: " | ") + " |\n|---|" + String(repeating: "---|", count: cols.count) + "\n"
        for row in Verdict.classes.map(\.rawValue) + [noClass] {
            guard let r = o.confusion[row] else { continue }
            s += "| \(row == noClass ? "neither (Au, amorphous)" : row) | " + cols.map { "\(r[$0] ?? 0)" }.joined(separator: " | ") + " |\n"
        }
        s += String(format: "\nthresholds: ambiguous below ΔRw %.3f, no-match above Rw %.2f; accuracy of decided verdicts %.1f %%, ambiguous %.1f %%\n",
                    o.thresholds.ambiguousMargin, o.thresholds.noMatchRw, 100 * o.accuracyDecided, 100 * o.fractionAmbiguous)
        return s
    }
}
