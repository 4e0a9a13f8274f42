import ClusterPDF
import Dispatch
import Foundation

// ClusterPDF benchmarks: warm-up, repeated runs, median and spread (min–max), on this machine.
// Usage: clusterpdf-bench [case …]   cases: histogram, simulate, fit, classify, homology, powder, all
//                                    (default: all but the long ones below)
//        clusterpdf-bench histogram-1M   the 10^6-atom pair loop, then G(r) and I(Q) from it; minutes
//        clusterpdf-bench batch          1,000 curves (50 corrupted) written to a temporary folder,
//                                        classified with `cores` jobs; about two minutes

/// Prints a line unbuffered (long cases report as they go).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Median and range of `repeats` timed runs after one warm-up.
func measure(_ name: String, repeats: Int = 5, warmup: Bool = true, extra: (Double) -> String = { _ in "" }, _ body: () throws -> Void) rethrows {
    if warmup { try body() }
    var t = [Double]()
    for _ in 0..<repeats { let s = now(); try body(); t.append(now() - s) }
    t.sort()
    let med = t[t.count / 2]
    print(String(format: "%-44@ median %9.4f s  (min %.4f, max %.4f, n=%d) %@", name as NSString, med, t.first!, t.last!, repeats, extra(med) as NSString))
}

let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
let zb = try CrystalBuilder.zincblende(cation: cd, anion: se)
/// Zincblende CdSe spheres of the sizes the peers were timed at (633, 4,001, 16,527, 76,611 atoms).
func sphere(atoms target: Int) throws -> Structure {
    // Radius for the target count (density 8 atoms per a³), then nudge to the nearest shell.
    var r = pow(Double(target) * 3 / (4 * Double.pi) * pow(6.077, 3) / 8, 1.0 / 3)
    var s = try ClusterCarver.carve(zb, radius: r)
    for _ in 0..<30 where s.count != target {
        r *= pow(Double(target) / Double(s.count), 1.0 / 3)
        s = try ClusterCarver.carve(zb, radius: r)
    }
    return s
}

// `clusterpdf-bench spheres DIR`: write the benchmark spheres as XYZ (for Scripts/bench-peers), and
// the largest once more with every atom displaced (off the lattice).
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "spheres" {
    for n in [633, 4_001, 16_527, 76_611] {
        let s = try sphere(atoms: n)
        try XYZWriter.string(s).write(toFile: CommandLine.arguments[2] + "/CdSe-zb-\(s.count).xyz", atomically: true, encoding: .utf8)
        if n == 76_611 {
            // The same sphere off the lattice (like a relaxed or MD structure): every atom moved by
            // a Gaussian vector of RMS length 0.05 Å.
            let d = try StructureTransforms.jitter(s, sigma: 0.05 / 3.0.squareRoot(), seed: 76_611)
            try XYZWriter.string(d).write(toFile: CommandLine.arguments[2] + "/CdSe-zb-\(s.count)-displaced.xyz", atomically: true, encoding: .utf8)
        }
    }
    exit(0)
}

let args = Set(CommandLine.arguments.dropFirst())
func wants(_ c: String) -> Bool { args.isEmpty || args.contains(c) || args.contains("all") }
let cores = ProcessInfo.processInfo.activeProcessorCount
LinearAlgebra.useSingleThreadedBLAS()  // as the CLI does
AllocatorTuning.keepFreedMemory()  // as the CLI does
print("ClusterPDF \(ClusterPDFVersion.string) benchmarks, \(cores) cores")

if args.contains("histogram-1M") {
    // One run: the histogram (inside the calculator), then G(r) and I(Q) from it.
    let s = try sphere(atoms: 1_000_000)
    var settings = ScatteringSettings()
    settings.qmax = 25; settings.qstep = 0.01
    let pairs = Double(s.count) * Double(s.count - 1) / 2
    var t = now()
    let c = try DebyeCalculator(structure: s, settings: settings)
    let th = now() - t
    print(String(format: "pair histogram %d atoms: %.1f s, %.3g pairs/s/core", s.count, th, pairs / th / Double(cores)))
    t = now()
    _ = c.pairDistributionFunction()
    _ = c.structureFactorAndIntensity()
    print(String(format: "  then G(r) + I(Q): %.1f s (%d distance bins)", now() - t, c.histogram!.distances.map(\.count).reduce(0, +)))
}

if wants("histogram") {
    let sizes = [633, 4_001, 16_527, 76_611]
    for n in sizes {
        let s = try sphere(atoms: n)
        let kinds = AtomKinds(structure: s, displacements: DisplacementSettings())
        let pairs = Double(s.count) * Double(s.count - 1) / 2
        // The pair loop itself (these spheres are lattice cuts: the automatic choice would take
        // the lattice path from 2,000 atoms; `clusterpdf-bench lattice` compares the two).
        measure("pair histogram \(s.count) atoms", repeats: n > 20_000 ? 3 : 5, extra: { t in
            String(format: "%.3g pairs/s/core", pairs / t / Double(cores))
        }) { _ = PairHistogram(kinds: kinds, binWidth: 1e-3, threads: cores, latticePath: .never) }
        if n < 20_000 {
            measure("  same, 1 thread", extra: { t in String(format: "%.3g pairs/s", pairs / t) }) {
                _ = PairHistogram(kinds: kinds, binWidth: 1e-3, threads: 1, latticePath: .never)
            }
        } else {
            // Off the lattice: every atom displaced by 0.05 Å RMS (more distinct bins to add to).
            let d = AtomKinds(structure: try StructureTransforms.jitter(s, sigma: 0.05 / 3.0.squareRoot(), seed: 76_611), displacements: DisplacementSettings())
            measure("pair histogram \(s.count) atoms displaced", repeats: 3, extra: { t in
                String(format: "%.3g pairs/s/core", pairs / t / Double(cores))
            }) { _ = PairHistogram(kinds: d, binWidth: 1e-3, threads: cores) }
        }
    }
}

if args.contains("lattice") {
    // The two ways of counting pairs of lattice-cut particles, and what the automatic choice takes.
    let wz = try CrystalBuilder.wurtzite(cation: cd, anion: se)
    for (name, crystal) in [("zincblende", zb), ("wurtzite", wz)] {
        for radius in [12.0, 16, 20, 25, 32, 40, 50, 80, 100] {
            let s = try ClusterCarver.carve(crystal, radius: radius)
            let kinds = AtomKinds(structure: s, displacements: DisplacementSettings())
            var tl = 0.0, tp = 0.0, method = ""
            measure("\(name) sphere R \(Int(radius)) Å (\(s.count) atoms): lattice", repeats: 3, extra: { tl = $0; return "" }) {
                _ = PairHistogram(kinds: kinds, binWidth: 1e-3, threads: cores, latticePath: .always)
            }
            if s.count <= 80_000 {
                measure("  pair loop", repeats: s.count > 20_000 ? 1 : 3, extra: { tp = $0; return "" }) {
                    _ = PairHistogram(kinds: kinds, binWidth: 1e-3, threads: cores, latticePath: .never)
                }
            }
            measure("  automatic", repeats: 3, extra: { t in
                String(format: "%@%@", method, tp > 0 ? String(format: " (pair loop / lattice %.1f×)", tp / tl) : "")
            }) {
                method = PairHistogram(kinds: kinds, binWidth: 1e-3, threads: cores).method.rawValue
            }
        }
    }
}

if wants("simulate") {
    for n in [633, 4_001, 16_527, 76_611] {
        let s = try sphere(atoms: n)
        var settings = ScatteringSettings()
        settings.qmax = 25; settings.qstep = 0.01
        try measure("G(r) + I(Q) \(s.count) atoms", repeats: n > 20_000 ? 3 : 5) {
            let c = try DebyeCalculator(structure: s, settings: settings)
            _ = c.pairDistributionFunction()
            _ = c.structureFactorAndIntensity()
        }
    }
}

if wants("fit") {
    let model = try TetrahedronBuilder.build(cation: cd, anion: se, size: 6)
    var settings = ScatteringSettings()
    settings.qmin = 1; settings.qmax = 20; settings.qdamp = 0.04; settings.delta2 = 1.5
    settings.displacements = DisplacementSettings(all: 0.008)
    settings.rmin = 1; settings.rmax = 20.99; settings.rstep = 0.01  // 2,000 points
    let g = try DebyeCalculator(structure: model.scaled(by: 1.02), settings: settings).pairDistributionFunction()
    var rng = SplitMix64(seed: 1)
    var text = "qmin = 1\nqmax = 20\n#### start data\n"
    for (r, v) in zip(g.x, g.y) { text += "\(r) \(0.8 * v + 0.01 * rng.gaussian())\n" }
    let data = try MeasuredCurveReader.parse(text: text, file: "bench.gr")
    var o = RefinementOptions()
    o.overrides = SettingOverrides(rmin: 1, rmax: 21)
    let refinement = try PDFRefinement(structure: model, data: data, options: o)
    var last: RefinementResult?
    try measure("fit Cd56Se35 vs \(data.x.count) points", extra: { _ in
        last.map { String(format: "Rw %.4f, %d iterations", $0.rw, $0.iterations) } ?? ""
    }) { last = try refinement.run() }
    o.threads = 1
    let serial = try PDFRefinement(structure: model, data: data, options: o)
    try measure("  same, 1 thread") { _ = try serial.run() }
    o.globalStarts = 1
    let oneStart = try PDFRefinement(structure: model, data: data, options: o)
    try measure("  1 thread, LM from the best grid point only") { _ = try oneStart.run() }
    o.globalSearch = false
    let local = try PDFRefinement(structure: model, data: data, options: o)
    try measure("  1 thread, no global stage (local LM from zoom 1)") { _ = try local.run() }
    o.maxIterations = 0
    o.globalSearch = true
    let grid = try PDFRefinement(structure: model, data: data, options: o)
    try measure("  1 thread, global stage only (screening)") { _ = try grid.run() }
}

if wants("classify") {
    // One synthetic wurtzite-like curve (2,000 points) against the built-in default library.
    let models = try BuiltinModels.all()
    let truth = try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 9)
    var settings = ScatteringSettings()
    settings.qmin = 1; settings.qmax = 20; settings.qdamp = 0.04
    settings.displacements = DisplacementSettings(all: 0.01)
    settings.rmin = 1.5; settings.rmax = 21.49; settings.rstep = 0.01
    let g = try DebyeCalculator(structure: StructureTransforms.jitter(truth, sigma: 0.04, seed: 5), settings: settings).pairDistributionFunction()
    let curve = MeasuredCurve(path: "bench", x: g.x, y: g.y, dy: nil, header: ["qmin": "1", "qmax": "20"], columnNames: [])
    var verdict = Verdict.noMatch
    try measure("classify 1 curve vs \(models.count) models", repeats: 3, extra: { _ in verdict.rawValue }) {
        var o = ClusterMiner.Options()
        o.space = .none; o.extraModels = models; o.includeCrystals = false; o.threads = cores
        verdict = try ClusterMiner(options: o).classify(curve).0.verdict
    }
}

if args.contains("batch") {
    // 1,000 curves like Scripts/batch-acceptance's: four models, jittered (σ 0.04 Å), 1 in 20 corrupted.
    let dir = NSTemporaryDirectory() + "clusterpdf-bench-batch-\(ProcessInfo.processInfo.processIdentifier)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let models = try BuiltinModels.all()
    let sources = ["Cd35Se20.xyz", "Cd56Se35.xyz", "CdSe-wurtzite-R7.xyz", "CdSe-wurtzite-R8.xyz"].map { name in
        models.first { $0.name == name }!.structure
    }
    var settings = ScatteringSettings()
    settings.qmin = 1; settings.qmax = 20; settings.qdamp = 0.04
    settings.displacements = DisplacementSettings(all: 0.01)
    settings.rmin = 1.5; settings.rmax = 20; settings.rstep = 0.01
    var t = now()
    var items = [BatchItem]()
    for i in 0..<1_000 {
        let path = dir + String(format: "/c%04d.gr", i)
        if i % 20 == 13 {
            try "qmin = 1\n#### start data\n1.5 0.1\n1.51 nan\n".write(toFile: path, atomically: true, encoding: .utf8)
        } else {
            let s = try StructureTransforms.jitter(sources[i % 4], sigma: 0.04, seed: UInt64(i + 1))
            let g = try DebyeCalculator(structure: s, settings: settings).pairDistributionFunction()
            try AtomicFile.write(CurveWriter.string(g, header: [("composition", "Cd Se"), ("qmin", "1"), ("qmax", "20")]), to: path)
        }
        items.append(BatchItem(path: path))
    }
    print(String(format: "batch: 1,000 curves written in %.1f s", now() - t))
    t = now()
    var mo = ClusterMiner.Options()
    mo.space = .quick
    mo.store = CandidateStore(cache: nil)
    let result = try BatchRunner(miner: ClusterMiner(options: mo), jobs: cores).run(items: items, output: dir + "/out.jsonl")
    print(String(format: "batch of 1,000 curves (%d failed), quick candidate space, %d jobs: %.1f s", result.failed, cores, now() - t))
}

if args.contains("mining") {
    // Cluster mining on the measured CdSe-4 curve (r 0.5–40 Å, qdamp 0.058): candidate generation
    // (cold cache), then whole classifications with the candidates in memory and from the disk cache.
    let dir = ProcessInfo.processInfo.environment["CLUSTERPDF_MEASURED"] ?? "../shared/data/measured"
    let curve = try MeasuredCurveReader.read(path: "\(dir)/CdSe-4.gr")
    let cacheDir = NSTemporaryDirectory() + "clusterpdf-bench-cache-\(ProcessInfo.processInfo.processIdentifier)"
    defer { try? FileManager.default.removeItem(atPath: cacheDir) }
    var o = ClusterMiner.Options()
    o.refinement.overrides = SettingOverrides(rmin: 0.5, rmax: 40, qdamp: 0.058)
    o.threads = cores
    var t = now()
    let generated = CandidateCache(directory: cacheDir).candidates(space: .standard, cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, threads: cores)
    print(String(format: "mining: %d recipes → %d distinct candidates generated and cached in %.2f s", generated.set.recipes, generated.set.entries.count, now() - t))
    o.store = CandidateStore(cache: CandidateCache(directory: cacheDir))
    t = now()
    var (c, _) = try ClusterMiner(options: o).classify(curve)
    let warm = now() - t
    print(String(format: "mining: CdSe-4 classified from the disk cache in %.2f s (%d candidates, %.2f ms per candidate): %@, best %@ Rw %.4f",
                 warm, c.candidatesScreened ?? 0, 1000 * warm / Double(c.candidatesScreened ?? 1), c.verdict.rawValue, c.bestModel, c.bestRw))
    try measure("mining CdSe-4, candidates in memory", repeats: 3) { (c, _) = try ClusterMiner(options: o).classify(curve) }
}

if args.contains("crystal") {
    // diffpy-cmi's nanoparticle example on the measured CdSe series (../shared/reference/
    // diffpy-cmi-CdSe-nanoparticles.md): periodic phase × sphere envelope, space-group constraints,
    // one Uiso per element, r = 0.5–40 Å, Qmin 1, Qmax 19, qdamp 0.058 fixed. Directory of the
    // data and CIFs: $CLUSTERPDF_MEASURED (default ../shared/data/measured).
    let dir = ProcessInfo.processInfo.environment["CLUSTERPDF_MEASURED"] ?? "../shared/data/measured"
    let phases = try ["Zincblende", "Wurtzite"].map { try CIFReader.read(path: "\(dir)/CdSe-\($0).cif").crystal! }
    var o = CrystalRefinementOptions()
    o.overrides = SettingOverrides(rmin: 0.5, rmax: 40, qmin: 1, qmax: 19, qdamp: 0.058, qbroad: 0)
    o.threads = cores
    for name in ["CdSe-1", "CdSe-2", "CdSe-3", "CdSe-4", "CdSe-bulk"] {
        let curve = try MeasuredCurveReader.read(path: "\(dir)/\(name).gr")
        for crystal in phases {
            var result: RefinementResult?
            try measure("\(name) \(crystal.spaceGroupName ?? "")", repeats: 3) {
                result = try CrystalRefinement(crystals: [crystal], data: curve, options: o).run(keepCurves: false)
            }
            if let r = result {
                let vals = r.parameters.filter { $0.free || $0.name == .scale }.map { "\($0.name)=\(String(format: "%.5g", $0.value))\($0.atBound ? "!" : "")" }
                print(String(format: "   Rw %.4f  ", r.rw) + vals.joined(separator: " ") + "  iter \(r.iterations) starts \(r.starts) grid \(r.gridPoints)")
            }
        }
    }
}

if args.contains("crystal-engine") {
    let dir = ProcessInfo.processInfo.environment["CLUSTERPDF_MEASURED"] ?? "../shared/data/measured"
    let crystal = try CIFReader.read(path: "\(dir)/CdSe-Wurtzite.cif").crystal!
    var s = ScatteringSettings()
    s.qmin = 1; s.qmax = 19; s.qdamp = 0.058; s.delta2 = 6; s.rmin = 0.5; s.rmax = 40; s.rstep = 0.01
    s.displacements = DisplacementSettings(all: 0.03)
    let calc = try PeriodicPDFCalculator(crystal: crystal, settings: s, envelope: .sphere(diameter: 30))
    measure("periodic G(r) wurtzite 0.5-40 A", repeats: 200) { _ = calc.pdf() }
}

if args.contains("crystal-wide") {
    // As `crystal`, with Uiso unbounded above as in diffpy-cmi (bounds uiso 1e-4…0.5 Å²).
    let dir = ProcessInfo.processInfo.environment["CLUSTERPDF_MEASURED"] ?? "../shared/data/measured"
    let phases = try ["Zincblende", "Wurtzite"].map { try CIFReader.read(path: "\(dir)/CdSe-\($0).cif").crystal! }
    var o = CrystalRefinementOptions()
    o.overrides = SettingOverrides(rmin: 0.5, rmax: 40, qmin: 1, qmax: 19, qdamp: 0.058, qbroad: 0)
    o.bounds = [.uiso: 1e-4...0.5]
    for name in ["CdSe-1"] {
        let curve = try MeasuredCurveReader.read(path: "\(dir)/\(name).gr")
        for crystal in phases {
            let r = try CrystalRefinement(crystals: [crystal], data: curve, options: o).run(keepCurves: false)
            let vals = r.parameters.filter { $0.free || $0.name == .scale }.map { "\($0.name)=\(String(format: "%.5g", $0.value))±\(String(format: "%.2g", $0.uncertainty ?? .nan))" }
            print(String(format: "%@ Rw %.4f  ", name, r.rw) + vals.joined(separator: " "))
        }
    }
}

if args.contains("crystal-one") {
    // One refinement of the reference table (CdSe-4, wurtzite), repeated, for profiling.
    let dir = ProcessInfo.processInfo.environment["CLUSTERPDF_MEASURED"] ?? "../shared/data/measured"
    let crystal = try CIFReader.read(path: "\(dir)/CdSe-Wurtzite.cif").crystal!
    var o = CrystalRefinementOptions()
    o.overrides = SettingOverrides(rmin: 0.5, rmax: 40, qmin: 1, qmax: 19, qdamp: 0.058, qbroad: 0)
    o.threads = cores
    let curve = try MeasuredCurveReader.read(path: "\(dir)/CdSe-4.gr")
    try measure("CdSe-4 wurtzite refinement", repeats: 10) {
        _ = try CrystalRefinement(crystals: [crystal], data: curve, options: o).run(keepCurves: false)
    }
}

if wants("powder") {
    // Lab powder pattern of a 122-atom wurtzite CdSe sphere (Cu Kα1/Kα2, pseudo-Voigt, 3,001
    // points): simulation, refinement (target ≤ 2 s) and classification over the standard
    // candidate space (target ≤ 10 s with a warm cache).
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
    let s = try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 9)
    var g = SyntheticPattern()
    g.powder.twoThetaMin = 15; g.powder.twoThetaMax = 75; g.powder.twoThetaStep = 0.02
    g.powder.profile = PowderProfile(u: 0.02, v: -0.01, w: 0.01, eta: 0.5)
    g.powder.background = [40, -10, 3]
    let (curve, _) = try g.make(s, seed: 1)
    let data = try ReciprocalData(curve: curve)
    try measure("powder pattern 122 atoms, 3001 points, Kα1+Kα2, pseudo-Voigt") {
        var set = ScatteringSettings(); set.displacements = DisplacementSettings(all: 0.01)
        _ = try PowderPattern.compute(calculator: DebyeCalculator(structure: s, settings: set), powder: g.powder)
    }
    var po = PatternRefinementOptions()
    po.profile = g.powder.profile
    try measure("pattern refinement 122 atoms (global stage + LM)", repeats: 3) {
        _ = try PatternRefinement.run(structure: s, title: "wz", data: data, options: po)
    }
    var mo = ClusterMiner.Options()
    mo.pattern = po
    let miner = ClusterMiner(options: mo)
    _ = try miner.classify(data)  // warm the candidate store
    try measure("classify pattern (standard space, warm)", repeats: 3, warmup: false) {
        _ = try miner.classify(data)
    }
}

if wants("homology") {
    // Alignment targets: 57 atoms vs a rotated, shuffled, jittered copy (≤ 0.2 s) and a 57-atom
    // piece found inside a 501-atom cluster (≤ 2 s).
    let big = try StructureReader.read(path: "Structures/CdSe-wurtzite-R15.xyz").structure
    let c = big.centroid
    let inner = Structure(title: "57", atoms: Array(big.atoms.sorted { simd_length($0.position - c) < simd_length($1.position - c) }.prefix(57)))
    let copy = try StructureTransforms.shuffledCopy(inner, seed: 5, jitter: 0.03).structure
    try measure("homology 57 vs 57 (whole)") {
        let a = try ClusterAligner.align(inner, copy)
        precondition(a.rmsd < 0.05)
    }
    try measure("homology 57 inside 501 (substructure)") {
        let a = try ClusterAligner.align(big, copy, options: AlignmentOptions(mode: .substructure))
        precondition(a.rmsd < 0.05 && a.matches.count == 57)
    }
    try measure("homology common substructure 57 / 501") {
        _ = try ClusterAligner.align(big, copy, options: AlignmentOptions(mode: .common))
    }
}

func simd_length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

/// Regret of the miner on one curve: the best generated candidate it reports against the best of
/// every candidate whose screened Rw lies within `window` of the best screened one, all refined
/// (the screen's Rw lies at most ~0.09 above the refined one on the bundled curves: screen-gap).
func regret(_ curve: MeasuredCurve, miner: ClusterMiner, window: Double) throws -> (regret: Double, line: String) {
    var t = now()
    let (c, _) = try miner.classify(curve)
    let tc = now() - t
    t = now()
    let all = try ExhaustiveRefinement.run(miner, curve: curve, window: window)
    let best = all.entries.min { $0.refinedRw < $1.refinedRw }!
    let reported = c.candidates?.first { $0.recipe != nil }
    let r = (reported?.rw ?? .infinity) - best.refinedRw
    if ProcessInfo.processInfo.environment["CLUSTERPDF_DIAGNOSE"] != nil, r > 0.002 {
        for name in Set([best.name, reported?.name ?? ""]) {
            guard let e = all.entries.first(where: { $0.name == name }) else { continue }
            let m = c.candidates?.first { $0.name == name }
            say(String(format: "  %@: screen %.4f at zoom %.4f U %.4f d2 %.2f → refined %.4f at zoom %.4f U %.4f d2 %.2f; miner %@ %.4f",
                       name, e.screenedRw, e.zoom, e.uiso, e.delta2, e.refinedRw, e.refinedZoom ?? .nan, e.refinedUiso ?? .nan,
                       e.refinedDelta2 ?? .nan, m.map { "\($0.rwSource)" } ?? "unlisted", m?.rw ?? .nan))
        }
    }
    let rk = c.ranking.map { "\($0.evaluated) evaluated, \($0.refined) refined, tolerance \(String(format: "%.4f", $0.tolerance))\($0.settled ? "" : ", unsettled")" } ?? ""
    return (r, String(format: "regret %+.4f: reported %@ Rw %.4f (%@, %.1f s); reference %@ Rw %.4f (%d refined within %.2f, %.0f s)",
                      r, reported?.name ?? "-", reported?.rw ?? .nan, rk, tc, best.name, best.refinedRw, all.entries.count, window, now() - t))
}

if args.contains("regret-measured") {
    for name in ["CdSe-bulk", "CdSe-1", "CdSe-2", "CdSe-3", "CdSe-4"] {
        let curve = try MeasuredCurveReader.read(path: "Tests/ClusterPDFTests/Fixtures/measured/\(name).gr")
        say("\(name): " + (try regret(curve, miner: ClusterMiner(), window: 0.1)).line)
    }
}

/// A realistic synthetic G(r) (per-element Uiso with the cation about 3× the anion, δ2 5–6 Å²,
/// zoom 0.99–1.0, qdamp, band-limited noise), as a curve read from a file with or without a header.
func realisticCurve(_ st: Structure, name: String, rng: inout SplitMix64, header: Bool) throws -> MeasuredCurve {
    var syn = SyntheticCurve()
    let els = st.elements
    let anion = els.first { $0.isAnionLike }!, cation = els.first { !$0.isAnionLike }!
    let u = 0.006 + 0.008 * rng.uniform()
    syn.uisoPerElement = [anion: u, cation: u * (2.5 + rng.uniform())]
    syn.delta2 = 5 + rng.uniform(); syn.zoom = 0.99 + 0.01 * rng.uniform(); syn.qdamp = 0.03 + 0.02 * rng.uniform()
    syn.qmin = 0.8 + 0.4 * rng.uniform(); syn.qmax = 16 + 8 * rng.uniform(); syn.rmax = 30
    syn.noise = 0.005 + 0.015 * rng.uniform(); syn.seed = rng.next()
    let (r, g) = try syn.curve(of: st)
    let text = syn.text(r: r, g: g, composition: header ? els.map(\.symbol).joined(separator: " ") : nil, header: header)
    return (try MeasuredCurveReader.parse(text: text, file: name)).withSpectralQRange()
}

if args.contains("regret-synthetic") {
    // Regret on held-apart realistic synthetic curves (seed CLUSTERPDF_SEED, default 12): the
    // calibration's held-apart clusters (off-grid radii and shapes, new stacking seeds) and
    // tetrahedra, with per-element Uiso, δ2, zoom and band-limited noise; half without a header.
    // The quick candidate space keeps the reference (every candidate within 0.1, refined) cheap.
    let seed = UInt64(ProcessInfo.processInfo.environment["CLUSTERPDF_SEED"] ?? "") ?? 12
    let count = Int(ProcessInfo.processInfo.environment["CLUSTERPDF_CURVES"] ?? "") ?? 50
    var rng = SplitMix64(seed: seed)
    var o = ClusterMiner.Options()
    o.space = .quick
    o.elements = [cd, se]
    if let m = Int(ProcessInfo.processInfo.environment["CLUSTERPDF_SECOND_PASS_MINIMUM"] ?? "") { o.secondPassMinimum = m }
    if ProcessInfo.processInfo.environment["CLUSTERPDF_DIAGNOSE"] != nil { o.listed = 100_000 }
    let only = Set((ProcessInfo.processInfo.environment["CLUSTERPDF_ONLY"] ?? "").split(separator: ",").compactMap { Int($0) })
    let miner = ClusterMiner(options: o)
    var regrets = [Double]()
    for k in 0..<count {
        let (name, _, st) = try MiningCalibration.heldApartStructure(k, rng: &rng)
        let curve = try realisticCurve(st, name: "\(k) \(name)", rng: &rng, header: k % 2 == 0)
        if !only.isEmpty, !only.contains(k) { continue }
        let (r, line) = try regret(curve, miner: miner, window: 0.1)
        regrets.append(r)
        say("\(k) \(name) \(k % 2 == 0 ? "header" : "bare"): " + line)
    }
    regrets.sort()
    say(String(format: "regret-synthetic: %d curves, regret ≤ 0.002 on %d; median %.4f, largest %.4f", regrets.count,
               regrets.filter { $0 <= 0.002 }.count, regrets[regrets.count / 2], regrets.last!))
}

if args.contains("identity") {
    // The tetrahedron series told apart by size and termination on realistic synthetic curves
    // (seed CLUSTERPDF_SEED, default 11; seeds below 10 were used in development).
    let seed = UInt64(ProcessInfo.processInfo.environment["CLUSTERPDF_SEED"] ?? "") ?? 11
    var rng = SplitMix64(seed: seed)
    let inn = Element(symbol: "In")!, p = Element(symbol: "P")!
    var right = 0, total = 0, inSet = 0, inRange = 0
    for k in 0..<(Int(ProcessInfo.processInfo.environment["CLUSTERPDF_CURVES"] ?? "") ?? 24) {
        let (c, a) = k % 3 == 2 ? (inn, p) : (cd, se)
        let n = 4 + Int(rng.next() % 4), anionTerminated = rng.uniform() < 0.35
        let spec = CandidateSpec(cation: c, anion: a, generator: .tetrahedron(edge: n, anionTerminated: anionTerminated))
        let header = k % 2 == 0
        let curve = try realisticCurve(try spec.build(), name: spec.name + (header ? ".gr" : "-bare.gr"), rng: &rng, header: header)
        var o = ClusterMiner.Options()
        if !header { o.elements = [c, a] }
        let t = now()
        let (cl, _) = try ClusterMiner(options: o).classify(curve)
        let best = cl.candidates?.first { $0.recipe != nil }
        let ok = best?.name == spec.name
        let fam = cl.families?.first { $0.family == .zincblendeLike }
        let truth = (try? spec.build()).map { $0.count } ?? 0
        let setOK = fam.map { $0.atomRange.contains(truth) } ?? false
        total += 1; right += ok ? 1 : 0; inSet += setOK ? 1 : 0
        say(String(format: "identity %@ %@: best %@ Rw %.4f %@; zincblende-like atoms %d–%d %@; %@ p %.3f; %.1f s", spec.name, header ? "header" : "bare",
                   best?.name ?? "-", best?.rw ?? .nan, ok ? "RIGHT" : "wrong", fam?.atomRange.lowerBound ?? 0, fam?.atomRange.upperBound ?? 0,
                   setOK ? "contains truth" : "misses truth", cl.verdict.rawValue, cl.probabilities?[cl.verdict] ?? 0, now() - t))
        _ = inRange
    }
    say(String(format: "identity: %d/%d right (%.0f %%); the indistinguishable set contains the truth in %d/%d", right, total, 100 * Double(right) / Double(total), inSet, total))
}

if args.contains("gap-table") {
    // screen vs refined Rw with candidate features, as TSV (for studying the screen's error).
    for name in ["CdSe-1", "CdSe-2"] {
        let curve = try MeasuredCurveReader.read(path: "Tests/ClusterPDFTests/Fixtures/measured/\(name).gr")
        let all = try ExhaustiveRefinement.run(ClusterMiner(), curve: curve, window: 0.0, sample: 250)
        for e in all.entries {
            say(String(format: "%@\t%@\t%@\t%.5f\t%.5f\t%d\t%.3f\t%.4f\t%.2f", name, e.name, e.family.rawValue, e.screenedRw, e.refinedRw, e.atoms, e.cationShare, e.uiso, e.delta2))
        }
    }
}

if args.contains("write-synthetic") {
    // Writes the header-less realistic curves of the composition tests to /tmp (for trying by hand).
    for (binary, wz, seed) in [("CdS", true, 40), ("ZnSe", false, 41), ("InP", false, 42)] {
        let els = Composition.elements(in: binary)!
        let c = els.first { !$0.isAnionLike }!, a = els.first { $0.isAnionLike }!
        let cell = wz ? try CrystalBuilder.wurtzite(cation: c, anion: a) : try CrystalBuilder.zincblende(cation: c, anion: a)
        var s = SyntheticCurve()
        s.uisoPerElement = [a: 0.008, c: 0.02]; s.delta2 = 5; s.zoom = 0.997; s.qmin = 1; s.qmax = 20; s.noise = 0.01; s.seed = UInt64(seed)
        let (r, g) = try s.curve(of: ClusterCarver.carve(cell, radius: 11))
        try s.text(r: r, g: g, composition: nil, header: false).write(toFile: "/tmp/exp/\(binary)-bare.gr", atomically: true, encoding: .utf8)
    }
}

if args.contains("screen-gap") {
    // How far the screen's Rw lies above the refined Rw: the best 40 screened candidates and 60
    // random others of each bundled measured curve, refined.
    for name in ["CdSe-bulk", "CdSe-1", "CdSe-2", "CdSe-3", "CdSe-4"] {
        let curve = try MeasuredCurveReader.read(path: "Tests/ClusterPDFTests/Fixtures/measured/\(name).gr")
        let t = now()
        let all = try ExhaustiveRefinement.run(ClusterMiner(), curve: curve, window: 0.02, sample: 60)
        let gaps = all.entries.map { $0.screenedRw - $0.refinedRw }.filter(\.isFinite).sorted()
        let best = all.entries.min { $0.refinedRw < $1.refinedRw }!
        let bestScreen = all.entries.min { $0.screenedRw < $1.screenedRw }!
        say(String(format: "screen-gap %@: %d refined; gap min %.4f median %.4f 95%% %.4f max %.4f; best refined %@ %.4f (screened %.4f); best screened %@ %.4f → %.4f; %.0f ms/refinement; %.0f s",
                     name, all.entries.count, gaps.first!, gaps[gaps.count / 2], gaps[Int(Double(gaps.count) * 0.95)], gaps.last!,
                     best.name, best.refinedRw, best.screenedRw, bestScreen.name, bestScreen.screenedRw, bestScreen.refinedRw,
                     all.secondsPerRefinement * 1000, now() - t))
    }
}

if args.contains("refine-cost") {
    // Where a finalist's refinement spends its time: building, preparing (histogram, matrices), LM.
    let curve = try MeasuredCurveReader.read(path: "Tests/ClusterPDFTests/Fixtures/measured/CdSe-3.gr")
    for name in ["CdSe-tetrahedron-N6-cation", "CdSe-faulted-c0.5-s1-bullet-R18.00-A0.50-anion-cut", "CdSe-wurtzite-sphere-R12.00-cation-cut"] {
        let spec = CandidateSpace.spec(named: name)!
        var o = RefinementOptions(); o.globalSearch = false; o.uncertainties = false; o.threads = 1
        o.start = [.zoom: 0.997, .uiso: 0.03, .delta2: 6]
        var s: Structure! = nil
        try measure("build \(name)") { s = try spec.build() }
        try measure("  prepare (\(s.count) atoms)") { _ = try PDFRefinement(structure: s, data: curve, options: o) }
        for it in [0, 3, 10, 100] {
            var oi = o; oi.maxIterations = it
            let ri = try PDFRefinement(structure: s, data: curve, options: oi)
            var rw = 0.0
            try measure("  LM \(it) iterations", extra: { _ in String(format: "Rw %.4f", rw) }) { rw = try ri.run(keepCurves: false).rw }
        }
    }
}

if args.contains("qrange") {
    // Q range read off the spectrum of realistic synthetic curves (per-element Uiso, δ2, zoom,
    // band-limited noise), qmax 12–25 Å⁻¹: error of the estimate.
    // Seed 4242 set `QRangeEstimate.edgeBias`; other seeds (CLUSTERPDF_SEED) check it.
    var rng = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["CLUSTERPDF_SEED"] ?? "") ?? 4242)
    let tet = try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)
    let wz = try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 10)
    var worst = 0.0, worstMin = 0.0
    for k in 0..<30 {
        var syn = SyntheticCurve()
        syn.qmax = 12 + 13 * rng.uniform(); syn.qmin = [0.0, 0.5, 1.0][k % 3]
        let u = 0.005 + 0.02 * rng.uniform()
        syn.uisoPerElement = [se: u, cd: 3 * u]
        syn.delta2 = 5 + rng.uniform(); syn.zoom = 0.995; syn.qdamp = 0.03 + 0.03 * rng.uniform()
        syn.noise = [0.0, 0.005, 0.02][k % 3]; syn.seed = UInt64(k)
        syn.rmax = [20.0, 30.0, 50.0][(k / 3) % 3]
        let (r, g) = try syn.curve(of: k % 2 == 0 ? tet : wz)
        let t = now()
        let e = QRangeEstimate.estimate(r: r, g: g)
        let dt = now() - t
        let err = (e?.qmax ?? .infinity) - syn.qmax
        worst = max(worst, abs(err)); worstMin = max(worstMin, abs((e?.qmin ?? .infinity) - syn.qmin))
        print(String(format: "qrange: qmin %.2f qmax %5.2f U %.3f noise %.3f rmax %2.0f → qmin %.2f qmax %5.2f ± %.2f (contrast %.0e), error %+.2f, %.0f ms",
                     syn.qmin, syn.qmax, u, syn.noise, syn.rmax, e?.qmin ?? -1, e?.qmax ?? -1, e?.qmaxUncertainty ?? -1, e?.qmaxContrast ?? 0, err, dt * 1000))
    }
    print(String(format: "qrange: largest |error| qmax %.2f, qmin %.2f Å⁻¹", worst, worstMin))
}

if args.contains("mixture-calibration") {
    // The `mixture` verdict's calibration (MixtureRule): held-apart single-structure curves
    // (off-grid clusters, stacking seeds ≥ 100, every third one relaxed by Keating's force field;
    // per-element Uiso, δ2, zoom, band-limited noise) must not give a mixture (≤ 2 %), and 50/50
    // mixtures of a zincblende-like and a pseudo-wurtzite candidate must give `mixture` with both
    // members named. Seed CLUSTERPDF_SEED (default 21; seeds below 20 were used in development),
    // CLUSTERPDF_CURVES single curves (default 50) and CLUSTERPDF_MIXTURES mixtures (default 12).
    let env = ProcessInfo.processInfo.environment
    var rng = SplitMix64(seed: UInt64(env["CLUSTERPDF_SEED"] ?? "") ?? 21)
    let singles = Int(env["CLUSTERPDF_CURVES"] ?? "") ?? 50, mixtures = Int(env["CLUSTERPDF_MIXTURES"] ?? "") ?? 12
    var o = ClusterMiner.Options()
    if env["CLUSTERPDF_QUICK"] != nil { o.space = .quick }
    let miner = ClusterMiner(options: o)
    var singleStats = [(improvement: Double, minor: Double, mixture: Bool)]()
    var screenGains = [Double](), mixtureScreenGains = [Double]()
    for k in 0..<singles {
        var (name, _, st) = try MiningCalibration.heldApartStructure(k, rng: &rng)
        if k % 3 == 2, st.count < 600 {
            st = KeatingRelaxation(bonds: KeatingRelaxation.bonds(of: st, cutoff: 3.1), bondLength: 2.63).relax(st, maxSteps: 400)
            name += " relaxed"
        }
        let curve = try realisticCurve(st, name: "single \(k) \(name)", rng: &rng, header: true)
        let t = now()
        let (c, _) = try miner.classify(curve)
        let m = c.mixture
        singleStats.append((m?.improvement ?? 0, m?.members.map(\.fraction).min() ?? 0, c.verdict == .mixture))
        screenGains.append(m?.screenImprovement ?? 0)
        say(String(format: "single %d %@: %@ (best Rw %.4f); mixture check %@: screen gain %.3f; best mixture Rw %.4f, improvement %.3f, minor %.2f; %.1f s", k, name, c.verdict.rawValue, c.bestRw,
                   m?.stage.rawValue ?? "-", m?.screenImprovement ?? .nan, m?.rw ?? .nan, m?.improvement ?? .nan, m?.members.map(\.fraction).min() ?? .nan, now() - t))
    }
    let zbSpecs = o.space.specs(cation: cd, anion: se).filter { s in
        if case .tetrahedron(let n, _) = s.generator { return (4...7).contains(n) }
        return false
    }
    let pwSpecs = o.space.specs(cation: cd, anion: se).filter { s in
        if case .pseudoWurtzite(let l, _, _, _) = s.generator { return l >= 3 }
        if case .stacked(let st, let shape, _, _) = s.generator { return st.kind == .wurtzite && shape.kind == .sphere && (6...10).contains(shape.radius) }
        return false
    }
    var detected = 0, named = 0, asGoodAsTruth = 0
    // The mixtures draw from their own generator: the same mixtures whatever the number of single curves.
    rng = SplitMix64(seed: (UInt64(env["CLUSTERPDF_SEED"] ?? "") ?? 21) &+ 7919)
    for k in 0..<mixtures {
        let a = zbSpecs[Int(rng.next() % UInt64(zbSpecs.count))], b = pwSpecs[Int(rng.next() % UInt64(pwSpecs.count))]
        var syn = SyntheticCurve()
        let u = 0.006 + 0.008 * rng.uniform()
        syn.uisoPerElement = [se: u, cd: u * (2.5 + rng.uniform())]
        syn.delta2 = 5 + rng.uniform(); syn.zoom = 0.99 + 0.01 * rng.uniform(); syn.qdamp = 0.03 + 0.02 * rng.uniform()
        syn.qmin = 0.8 + 0.4 * rng.uniform(); syn.qmax = 16 + 8 * rng.uniform(); syn.rmax = 30
        syn.noise = 0.005 + 0.015 * rng.uniform(); syn.seed = rng.next()
        let (r, g) = try syn.curve(ofMixture: [(try a.build(), 0.5), (try b.build(), 0.5)])
        let curve = try MeasuredCurveReader.parse(text: syn.text(r: r, g: g, composition: "Cd Se", header: true), file: "mixture \(k)")
        let t = now()
        if let only = env["CLUSTERPDF_ONLY"], only != "\(k)" { continue }
        let (c, _) = try miner.classify(curve)
        let m = c.mixture
        let names = Set(m?.members.map(\.name) ?? [])
        let ok = c.verdict == .mixture, right = ok && names == [a.name, b.name]
        // The true pair refined as a mixture (per-element Uiso, global search): is a miss the search's or the models'?
        var truth = SeriesAnalysis(models: [SeriesModel(name: a.name, structure: try a.build()), SeriesModel(name: b.name, structure: try b.build())])
        truth.uisoPerElement = true
        truth.threads = 2
        let trueRw = (try? truth.fit(curve))?.frame.rw ?? .nan
        let asGood = ok && (m?.rw ?? .infinity) <= trueRw + 0.005
        asGoodAsTruth += asGood ? 1 : 0
        say(String(format: "  true pair refined: Rw %.4f; reported mixture %@", trueRw, asGood ? "as good (within 0.005)" : "worse"))
        detected += ok ? 1 : 0; named += right ? 1 : 0
        mixtureScreenGains.append(m?.screenImprovement ?? 0)
        say(String(format: "mixture %d %@ + %@: %@ %@; screen gain %.3f; mixture Rw %.4f against %.4f (improvement %.3f); %@; %.1f s", k, a.name, b.name, c.verdict.rawValue,
                   right ? "BOTH RIGHT" : ok ? "members wrong" : "missed", m?.screenImprovement ?? .nan, m?.rw ?? .nan, c.bestRw, m?.improvement ?? .nan,
                   m?.members.map { String(format: "%@ %.2f±%.2f", $0.name, $0.fraction, $0.uncertainty) }.joined(separator: " + ") ?? "-", now() - t))
    }
    let falseMixtures = singleStats.filter(\.mixture).count
    let eligible = singleStats.filter { $0.minor >= o.mixtureRule.minorFraction }.map(\.improvement).sorted()
    say(String(format: "mixture-calibration: false mixtures %d of %d single curves (%.1f %%); mixtures found %d of %d, both members right %d, "
                       + "found and fitting as well as the true pair (Rw within 0.005 of its refinement) %d",
               falseMixtures, singles, 100 * Double(falseMixtures) / Double(max(1, singles)), detected, mixtures, named, asGoodAsTruth))
    say("screen gains: single curves, largest " + screenGains.sorted().suffix(5).map { String(format: "%.3f", $0) }.joined(separator: " ")
        + "; mixtures, smallest " + mixtureScreenGains.sorted().prefix(5).map { String(format: "%.3f", $0) }.joined(separator: " "))
    say("single curves' improvements with a minor fraction ≥ \(o.mixtureRule.minorFraction): " + eligible.suffix(8).map { String(format: "%.3f", $0) }.joined(separator: " "))
}

if let dir = ProcessInfo.processInfo.environment["CLUSTERPDF_MIXTURE_DUMP"], args.contains("mixture-dump") {
    // Writes one 50/50 mixture curve (Cd35Se20 tetrahedron + a pseudo-wurtzite core) and its members.
    let a = CandidateSpec(cation: cd, anion: se, generator: .tetrahedron(edge: 5, anionTerminated: false))
    let b = CandidateSpec(cation: cd, anion: se, generator: .pseudoWurtzite(layers: 5, ring: 6, twist: 30, surface: SurfaceRule()))
    var syn = SyntheticCurve()
    syn.uisoPerElement = [se: 0.008, cd: 0.024]; syn.delta2 = 5.5; syn.zoom = 0.995; syn.qdamp = 0.04
    syn.qmin = 1; syn.qmax = 20; syn.rmax = 30; syn.noise = 0.01; syn.seed = 5
    let (r, g) = try syn.curve(ofMixture: [(try a.build(), 0.5), (try b.build(), 0.5)])
    try syn.text(r: r, g: g, composition: "Cd Se", header: true).write(toFile: dir + "/mix.gr", atomically: true, encoding: .utf8)
    try XYZWriter.string(try a.build()).write(toFile: dir + "/A.xyz", atomically: true, encoding: .utf8)
    try XYZWriter.string(try b.build()).write(toFile: dir + "/B.xyz", atomically: true, encoding: .utf8)
    let (r1, g1) = try syn.curve(of: try a.build())
    try syn.text(r: r1, g: g1, composition: "Cd Se", header: true).write(toFile: dir + "/single.gr", atomically: true, encoding: .utf8)
    say("wrote \(dir)/mix.gr, single.gr, A.xyz (\(a.name)), B.xyz (\(b.name))")
}

if args.contains("series") {
    // Reaction series (issue targets: 100 frames with two models ≤ 10 s, --components auto ≤ 5 s,
    // on 2 cores): a logistic conversion of the Cd35Se20 tetrahedron into a 7 Å wurtzite sphere,
    // per-element Uiso, band-limited noise 1 %, r 0.5–20 Å by 0.01 Å.
    let tet = try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)
    let wz = try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 7)
    let dir = NSTemporaryDirectory() + "clusterpdf-bench-series-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var paths = [String](), truths = [Double]()
    for n in 0..<100 {
        var syn = SyntheticCurve()
        syn.qmin = 1; syn.qmax = 20; syn.qdamp = 0.04; syn.rmin = 0.5; syn.rmax = 20; syn.rstep = 0.01
        syn.uisoPerElement = [cd: 0.012, se: 0.006]; syn.delta2 = 2; syn.noise = 0.01; syn.seed = UInt64(n + 1)
        let x = 1 / (1 + exp(-(Double(n) - 49.5) / 12))
        truths.append(x)
        let (r, g) = try syn.curve(ofMixture: [(tet, 1 - x), (wz, x)])
        let path = dir + String(format: "/frame-%03d.gr", n)
        try ("time = \(n * 30)\n" + syn.text(r: r, g: g, composition: "Cd Se", header: true)).write(toFile: path, atomically: true, encoding: .utf8)
        paths.append(path)
    }
    var a = SeriesAnalysis(models: [SeriesModel(name: "tet", structure: tet), SeriesModel(name: "wz", structure: wz)])
    a.uisoPerElement = true
    try measure("series 100 frames, 2 models (shared end members)", repeats: 3) { _ = try a.run(paths: paths) }
    // Accuracy on this series (held out: not used in development): largest deviation from the
    // true fraction and the scatter of the deviations in units of the reported σ.
    let result = try a.run(paths: paths)
    let dev = zip(result.frames, truths).compactMap { f, t in f.fractions["wz"].map { ($0 - t, f.uncertainties["wz"] ?? 0) } }
    let z = dev.filter { $0.1 > 0 }.map { $0.0 / $0.1 }
    say(String(format: "series accuracy: %d frames, largest |fraction − truth| %.4f, scatter/σ %.2f, components %d", dev.count,
               dev.map { abs($0.0) }.max() ?? .nan, (z.reduce(0) { $0 + $1 * $1 } / Double(max(1, z.count))).squareRoot(), result.components ?? -1))
    var pf = a
    pf.perFrame = true
    try measure("series 100 frames, 2 models, --per-frame", repeats: 1) { _ = try pf.run(paths: paths) }
    var free = SeriesAnalysis(models: [])
    free.components = .auto
    try measure("series 100 frames, --components auto", repeats: 3) { _ = try free.run(paths: paths) }
    var o = ClusterMiner.Options()
    o.space = .quick
    try measure("series 100 frames, --components auto, components classified (quick space)", repeats: 1) {
        var r = try free.run(paths: paths)
        r.classifyComponents(miner: ClusterMiner(options: o), header: try MeasuredCurveReader.read(path: paths[0]).header)
    }
}

if args.contains("misspecified") {
    // Groundwork for honest probabilities (issue 31, item 5): the classifier on curves made from
    // structures outside its candidate space, each misspecified one way (k % 5): relaxed by
    // Keating's force field; ligated (an O atom 2.2 Å outward from every under-coordinated
    // cation); surface disorder (atoms with fewer than 4 neighbours displaced by 0.15 Å RMS);
    // a smooth baseline (5 % of the peak, period ~30 Å); a low Q range (Qmax 12–14 Å⁻¹);
    // surface-enhanced Uiso (atoms with fewer than 4 neighbours at 2.5× their element's Uiso).
    // Prints the confusion matrix, the reliability of the verdicts given and of the most probable
    // class, and the confident wrong verdicts.
    // Seed CLUSTERPDF_SEED (default 31; 41 held apart), CLUSTERPDF_CURVES (default 30).
    let env = ProcessInfo.processInfo.environment
    var rng = SplitMix64(seed: UInt64(env["CLUSTERPDF_SEED"] ?? "") ?? 31)
    let count = Int(env["CLUSTERPDF_CURVES"] ?? "") ?? 30
    let only = Set((env["CLUSTERPDF_ONLY"] ?? "").split(separator: ",").compactMap { Int($0) })
    var mo = ClusterMiner.Options()
    mo.listed = 1_000_000  // every candidate, to re-derive the probabilities at other temperatures
    let miner = ClusterMiner(options: mo)
    let temperatures = (env["CLUSTERPDF_TEMPERATURES"] ?? "1").split(separator: ",").compactMap { Double($0) }
    var byTemperature = [Double: [(p: Double, right: Bool, verdict: Verdict, truth: Verdict, pTrue: Double)]]()
    let o = Element(symbol: "O")!
    var rows = [(p: Double, right: Bool, verdict: Verdict, truth: Verdict, kind: String)]()
    var given = [(p: Double, right: Bool)]()
    func neighbours(_ s: Structure) -> [[Int]] {
        var n = [[Int]](repeating: [], count: s.count)
        for i in s.atoms.indices { for j in s.atoms.indices where j != i {
            let d = s.atoms[i].position - s.atoms[j].position
            if (d * d).sum() < 3.1 * 3.1 { n[i].append(j) }
        } }
        return n
    }
    for k in 0..<count {
        var (name, truth, st) = try MiningCalibration.heldApartStructure(k, rng: &rng)
        guard st.count < 700 else { continue }
        let kinds = ["relaxed", "ligated", "surface disorder", "baseline", "low Q", "surface Uiso"]
        let kind = kinds[k % kinds.count]
        var syn = SyntheticCurve()
        let u = 0.006 + 0.008 * rng.uniform()
        syn.uisoPerElement = [se: u, cd: u * (2.5 + rng.uniform()), o: 0.03]
        syn.delta2 = 5 + rng.uniform(); syn.zoom = 0.99 + 0.01 * rng.uniform(); syn.qdamp = 0.03 + 0.02 * rng.uniform()
        syn.qmin = 0.8 + 0.4 * rng.uniform(); syn.qmax = 16 + 8 * rng.uniform(); syn.rmax = 30
        syn.noise = 0.005 + 0.015 * rng.uniform(); syn.seed = rng.next()
        let nb = neighbours(st)
        switch k % kinds.count {
        case 5:
            for i in st.atoms.indices { st.atoms[i].uiso = (syn.uisoPerElement[st.atoms[i].element] ?? u) * (nb[i].count < 4 ? 2.5 : 1) }
            syn.uisoPerElement = [:]
        case 0: st = KeatingRelaxation(bonds: KeatingRelaxation.bonds(of: st, cutoff: 3.1), bondLength: 2.63).relax(st, maxSteps: 400)
        case 1:
            let centre = st.atoms.reduce(SIMD3<Double>(0, 0, 0)) { $0 + $1.position } / Double(st.count)
            for i in st.atoms.indices where !st.atoms[i].element.isAnionLike && nb[i].count < 4 {
                let d = st.atoms[i].position - centre
                let len = (d * d).sum().squareRoot()
                if len > 0 { st.atoms.append(Atom(element: o, position: st.atoms[i].position + d / len * 2.2)) }
            }
        case 2:
            for i in st.atoms.indices where nb[i].count < 4 {
                st.atoms[i].position += SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * (0.15 / 3.0.squareRoot())
            }
        case 4: syn.qmax = 12 + 2 * rng.uniform()
        default: break
        }
        var (r, g) = try syn.curve(of: st)
        if k % kinds.count == 3 {
            let amp = g.map(abs).max() ?? 0
            let phase = 6.3 * rng.uniform()
            g = zip(r, g).map { $1 + 0.05 * amp * sin($0 / 5 + phase) }
        }
        let curve = try MeasuredCurveReader.parse(text: syn.text(r: r, g: g, composition: "Cd Se", header: true), file: "\(k) \(name) \(kind)")
        if !only.isEmpty, !only.contains(k) { continue }
        let (c, _) = try miner.classify(curve)
        let top = (c.probabilities ?? [:]).max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }
        let right = top?.key == truth
        rows.append((top?.value ?? 0, right, c.verdict, truth, kind))
        for t in temperatures {
            guard let p = c.classProbabilities(temperature: t, limits: miner.options.thresholds.stackingLimits),
                  let tt = p.max(by: { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }) else { continue }
            let v: Verdict = c.verdict == .mixture || c.verdict == .noMatch ? c.verdict : (tt.value >= miner.options.thresholds.probability ? tt.key : .ambiguous)
            byTemperature[t, default: []].append((tt.value, tt.key == truth, v, truth, p[truth] ?? 0))
        }
        if Verdict.structuralClasses.contains(c.verdict) { given.append((c.probabilities?[c.verdict] ?? 0, c.verdict == truth)) }
        if !only.isEmpty {
            for f in c.families ?? [] { say("  family \(f.family.rawValue) p \(String(format: "%.3f", f.probability))") }
            for sc in (c.candidates ?? []).prefix(12) {
                say(String(format: "  %@ %@ cubic %@ Rw %.4f (%@) weight %.3f", sc.name, sc.family.rawValue, sc.cubicFraction.map { String(format: "%.2f", $0) } ?? "-", sc.rw, "\(sc.rwSource)", sc.weight))
            }
        }
        say(String(format: "%2d %@ (%@): true %@, verdict %@, most probable %@ p %.3f %@", k, name, kind, truth.rawValue, c.verdict.rawValue,
                   top?.key.rawValue ?? "-", top?.value ?? 0, right ? "" : "WRONG"))
    }
    let classes = Verdict.structuralClasses
    let columns = classes + [.mixture, .ambiguous, .noMatch]
    say("confusion: true \\ verdict | " + columns.map(\.rawValue).joined(separator: " | "))
    for t in classes {
        say("  \(t.rawValue) | " + columns.map { v in "\(rows.filter { $0.truth == t && $0.verdict == v }.count)" }.joined(separator: " | "))
    }
    for (title, sample) in [("verdicts given (p of the verdict)", given), ("most probable class", rows.map { ($0.p, $0.right) })] {
        say("reliability, \(title): p range | curves | right")
        for (lo, hi) in [(0.0, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 0.99), (0.99, 1.01)] {
            let inBin = sample.filter { $0.p >= lo && $0.p < hi }
            guard !inBin.isEmpty else { continue }
            let right = inBin.filter(\.right).count
            say(String(format: "  %.2f–%.2f | %d | %d (%.0f %%), mean p %.3f", lo, min(hi, 1), inBin.count, right,
                       100 * Double(right) / Double(inBin.count), inBin.map(\.p).reduce(0, +) / Double(inBin.count)))
        }
    }
    for kind in Set(rows.map(\.kind)).sorted() {
        let k = rows.filter { $0.kind == kind }
        say("  \(kind): \(k.filter(\.right).count) of \(k.count) most probable class right")
    }
    let confidentWrong = rows.filter { $0.p >= 0.99 && !$0.right }
    say("misspecified: \(rows.count) curves, most probable class right \(rows.filter(\.right).count); confident (p ≥ 0.99) wrong: \(confidentWrong.count)"
        + (confidentWrong.isEmpty ? "" : " (" + confidentWrong.map { "\($0.kind): \($0.truth.rawValue) called \($0.verdict.rawValue)" }.joined(separator: "; ") + ")"))
    for t in temperatures {
        let r = byTemperature[t] ?? []
        let given = r.filter { Verdict.structuralClasses.contains($0.verdict) }
        let bins = [(0.9, 0.99), (0.99, 1.01)].map { lo, hi -> String in
            let b = given.filter { $0.p >= lo && $0.p < hi }
            return String(format: "p %.2f–%.2f: %d of %d right", lo, min(hi, 1), b.filter { $0.verdict == $0.truth }.count, b.count)
        }
        let logLoss = r.map { -log(max($0.pTrue, 1e-6)) }.reduce(0, +) / Double(max(1, r.count))
        say(String(format: "temperature %.2f: %d verdicts given, %d right; ", t, given.count, given.filter { $0.verdict == $0.truth }.count)
            + bins.joined(separator: "; ") + String(format: "; confident wrong %d; log-loss %.3f",
                                                     given.filter { $0.p >= 0.99 && $0.verdict != $0.truth }.count, logLoss))
    }
}
