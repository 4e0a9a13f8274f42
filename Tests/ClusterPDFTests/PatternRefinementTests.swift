import XCTest
@testable import ClusterPDF

/// Reciprocal-space data: reading 2θ patterns and I(Q)/S(Q)/F(Q), refining clusters against
/// them, classifying them, and refusing bad input.
final class PatternRefinementTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    func wurtzite(_ r: Double) throws -> Structure { try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: cd, anion: se), radius: r) }

    /// A synthetic lab pattern with known parameters: Cu Kα1/Kα2, pseudo-Voigt Caglioti profile,
    /// zero shift, background, counting noise.
    func synthetic(_ s: Structure, seed: UInt64) throws -> (SyntheticPattern, MeasuredCurve, Double) {
        var g = SyntheticPattern()
        g.zoom = 1.012; g.uiso = 0.011; g.peakCounts = 3000
        g.powder.twoThetaMin = 12; g.powder.twoThetaMax = 75; g.powder.twoThetaStep = 0.03
        g.powder.profile = PowderProfile(u: 0.01, v: -0.004, w: 0.006, eta: 0.4)
        g.powder.zeroShift = 0.04
        g.powder.background = [400, -120, 40]
        let (c, scale) = try g.make(s, seed: seed, path: "synthetic.xye")
        return (g, c, scale)
    }

    /// A pattern without a stated composition is not assumed to be CdSe: no-match, asking for
    /// --elements (the composition triage works on G(r) curves).
    func testPatternWithoutCompositionAsksForElements() throws {
        let (_, curve, _) = try synthetic(try wurtzite(6), seed: 3)
        var plain = curve
        plain.header["composition"] = nil
        var o = ClusterMiner.Options()
        o.space = .quick; o.store = CandidateStore(cache: nil); o.threads = 2
        let (c, _) = try ClusterMiner(options: o).classify(ReciprocalData(curve: plain))
        XCTAssertEqual(c.verdict, .noMatch)
        XCTAssertTrue(c.noMatchReason?.contains("--elements") ?? false, c.noMatchReason ?? "")
    }

    /// Fitted back to the parameters it was made with, each within 3 standard uncertainties
    /// (profile fixed at its true value, as an instrument file would give it).
    func testSyntheticPatternFittedBackWithinUncertainties() throws {
        let s = try wurtzite(8)
        for seed: UInt64 in [11, 12] {
            let (g, curve, scale) = try synthetic(s, seed: seed)
            var o = PatternRefinementOptions()
            o.profile = g.powder.profile
            let r = try PatternRefinement.run(structure: s, title: "wz R8", data: ReciprocalData(curve: curve), options: o)
            func check(_ n: ParameterName, _ truth: Double, sigmaBelow: Double) {
                guard let p = r.parameter(n), let sigma = p.uncertainty else { return XCTFail("\(n) has no uncertainty") }
                XCTAssertLessThan(abs(p.value - truth), 3 * sigma, "\(n) = \(p.value) ± \(sigma), true \(truth) (seed \(seed))")
                XCTAssertLessThan(sigma, sigmaBelow, "\(n) is determined (σ \(sigma))")
            }
            // The cluster was expanded by 1.012 before its pattern was computed: zoom 1.012.
            check(.zoom, g.zoom, sigmaBelow: 0.002)
            check(.uiso, g.uiso, sigmaBelow: 0.001)
            check(.zero, g.powder.zeroShift, sigmaBelow: 0.05)
            check(.scale, scale, sigmaBelow: 0.05 * scale)
            check(.background(0), 400, sigmaBelow: 20); check(.background(1), -120, sigmaBelow: 20)
            XCTAssertLessThan(r.reducedChi2, 1.3, "noise-limited fit")
            XCTAssertTrue(r.warnings.isEmpty, "\(r.warnings)")
            XCTAssertEqual(r.kind, .pattern)
            XCTAssertEqual(r.secondWavelength, Anode.Cu.kAlpha2, "the header gives λ1 and λ2")
        }
    }

    /// The result does not depend on the starting zoom and Uiso (global stage on).
    func testStartingValuesDoNotMatter() throws {
        let s = try wurtzite(7)
        let (g, curve, _) = try synthetic(s, seed: 5)
        var results = [PatternFitResult]()
        for (z, u) in [(0.9, 0.002), (1.1, 0.05)] {
            var o = PatternRefinementOptions()
            o.profile = g.powder.profile
            o.start = [.zoom: z, .uiso: u]
            results.append(try PatternRefinement.run(structure: s, title: "wz", data: ReciprocalData(curve: curve), options: o))
        }
        XCTAssertEqual(results[0].rw, results[1].rw, accuracy: 1e-6)
        XCTAssertEqual(results[0].parameter(.zoom)!.value, results[1].parameter(.zoom)!.value, accuracy: 1e-5)
    }

    /// The result does not depend on the number of threads of the Debye sums.
    func testThreadCountDoesNotMatter() throws {
        let s = try wurtzite(7)
        let (g, curve, _) = try synthetic(s, seed: 8)
        var rws = [Double](), zooms = [Double]()
        for t in [1, 2, 5] {
            var o = PatternRefinementOptions()
            o.profile = g.powder.profile
            o.scattering.threads = t
            let r = try PatternRefinement.run(structure: s, title: "wz", data: ReciprocalData(curve: curve), options: o)
            rws.append(r.rw); zooms.append(r.parameter(.zoom)!.value)
        }
        XCTAssertEqual(Set(rws).count, 1, "\(rws)")
        XCTAssertEqual(Set(zooms).count, 1, "\(zooms)")
    }

    /// I(Q) data on a Q axis: scale, zoom and Uiso come back from a noiseless Debye I(Q).
    func testIntensityOnQAxis() throws {
        let s = try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)
        var set = ScatteringSettings()
        set.displacements = DisplacementSettings(all: 0.009)
        let grid = UniformGrid(from: 1, through: 12, step: 0.02)
        let iq = try DebyeCalculator(structure: s.scaled(by: 0.985), settings: set).structureFactorAndIntensity(grid: grid).i
        let curve = MeasuredCurve(path: "t.iq", x: iq.x, y: iq.y.map { 2.5 * $0 })
        let data = try ReciprocalData(curve: curve)
        XCTAssertEqual(data.kind, .intensity)
        var o = PatternRefinementOptions()
        o.backgroundTerms = 0
        let r = try PatternRefinement.run(structure: s, title: "Cd35Se20", data: data, options: o)
        XCTAssertEqual(r.parameter(.scale)!.value, 2.5, accuracy: 0.01)
        XCTAssertEqual(r.parameter(.zoom)!.value, 0.985, accuracy: 5e-4)
        XCTAssertEqual(r.parameter(.uiso)!.value, 0.009, accuracy: 3e-4)
        XCTAssertLessThan(r.rw, 0.01)
    }

    /// F(Q) and S(Q) files are fitted with their own model (no background by default).
    func testReducedStructureFunction() throws {
        let s = try TetrahedronBuilder.build(cation: cd, anion: se, size: 4)
        var set = ScatteringSettings()
        set.displacements = DisplacementSettings(all: 0.01)
        let calc = try DebyeCalculator(structure: s, settings: set)
        let grid = UniformGrid(from: 1, through: 15, step: 0.02)
        let f = calc.reducedStructureFunction(grid: grid)
        let r = try PatternRefinement.run(structure: s, title: "t", data: ReciprocalData(curve: MeasuredCurve(path: "t.fq", x: f.x, y: f.y)), options: PatternRefinementOptions())
        XCTAssertEqual(r.kind, .reducedStructureFunction)
        XCTAssertLessThan(r.rw, 0.01)
        XCTAssertEqual(r.parameter(.scale)!.value, 1, accuracy: 0.01)
        let sq = calc.structureFactorAndIntensity(grid: grid).s
        let r2 = try PatternRefinement.run(structure: s, title: "t", data: ReciprocalData(curve: MeasuredCurve(path: "t.sq", x: sq.x, y: sq.y)), options: PatternRefinementOptions())
        XCTAssertEqual(r2.kind, .structureFactor)
        XCTAssertLessThan(r2.rw, 0.01)
    }

    /// The wavelength comes from the options or the header; without either the pattern is refused.
    func testWavelengthSources() throws {
        let text = "# wavelength = 1.5406\n# wavelength2 = 1.5444\n10 5\n10.1 6\n10.2 7\n"
        let c = try MeasuredCurveReader.parse(text: text, file: "a.xy")
        let d = try ReciprocalData(curve: c)
        XCTAssertEqual(d.powder?.wavelength, 1.5406)
        XCTAssertEqual(d.powder?.secondWavelength, 1.5444)
        XCTAssertEqual(try ReciprocalData(curve: c, wavelength: 0.7).powder?.wavelength, 0.7)
        XCTAssertEqual(try ReciprocalData(curve: c, anode: .Mo, kAlpha2: true).powder?.secondWavelength, Anode.Mo.kAlpha2)
        let bare = try MeasuredCurveReader.parse(text: "10 5\n10.1 6\n10.2 7\n", file: "b.xy")
        XCTAssertThrowsError(try ReciprocalData(curve: bare)) { e in
            XCTAssertTrue("\(e)".contains("b.xy") && "\(e)".contains("wavelength"), "\(e)")
        }
    }

    /// 2θ outside 0–180°, x that does not increase, a G(r) given as a pattern: clear errors naming
    /// file and line.
    func testBadPatternInput() throws {
        let outside = try MeasuredCurveReader.parse(text: "# wavelength = 1.54\n170 1\n179 2\n185 3\n", file: "c.xy")
        XCTAssertThrowsError(try ReciprocalData(curve: outside)) { e in
            XCTAssertEqual((e as? InputError)?.line, 4, "\(e)")
            XCTAssertTrue("\(e)".contains("c.xy:4") && "\(e)".contains("0–180"), "\(e)")
        }
        XCTAssertThrowsError(try MeasuredCurveReader.parse(text: "# wavelength = 1.54\n10 1\n12 2\n11 3\n", file: "d.xy")) { e in
            XCTAssertTrue("\(e)".contains("d.xy:4") && "\(e)".contains("does not increase"), "\(e)")
        }
        let gr = try MeasuredCurveReader.parse(text: "1 0.1\n1.1 0.2\n1.2 0.3\n", file: "e.gr")
        XCTAssertThrowsError(try ReciprocalData(curve: gr))
        let zero = try MeasuredCurveReader.parse(text: "# wavelength = 1.54\n" + (0..<20).map { "\(10 + Double($0) * 0.1) 0" }.joined(separator: "\n"), file: "z.xy")
        XCTAssertThrowsError(try PatternRefinement.run(structure: try wurtzite(5), title: "t", data: ReciprocalData(curve: zero), options: PatternRefinementOptions())) { e in
            XCTAssertTrue("\(e)".contains("zero"), "\(e)")
        }
    }

    /// Classification of synthetic lab patterns of a zincblende and a wurtzite cluster (quick
    /// candidate space; the full calibration is `calibrate --mining --pattern`).
    func testClassifiesSyntheticPatterns() throws {
        var o = ClusterMiner.Options()
        o.space = .quick
        o.store = CandidateStore(cache: nil)
        let miner = ClusterMiner(options: o)
        var rng = SplitMix64(seed: 424242)
        for k in 0..<2 {
            let (name, truth, curve) = try PatternCalibration.sample(k, rng: &rng)
            let (c, fits) = try miner.classify(ReciprocalData(curve: curve))
            XCTAssertEqual(c.verdict, truth, "\(name): \(c.probabilities ?? [:])")
            XCTAssertNotNil(c.evidence)
            XCTAssertFalse(fits.isEmpty)
            XCTAssertLessThan(c.bestRw, MiningThresholds.reciprocal.noMatchRw)
            XCTAssertEqual(c.rmin, 0); XCTAssertEqual(c.rmax, 0)
        }
    }

    /// CLI: fit a pattern with --json (stable parameter names), write the fit file and figure;
    /// a pattern without wavelength is refused and nothing is written.
    func testFitCommandOnPattern() throws {
        let dir = temporaryDirectory()
        let s = try wurtzite(7)
        let xyz = (dir as NSString).appendingPathComponent("wz.xyz")
        try XYZWriter.string(s).write(toFile: xyz, atomically: true, encoding: .utf8)
        let (_, curve, _) = try synthetic(s, seed: 3)
        var text = ""
        for i in curve.x.indices { text += "\(curve.x[i]) \(curve.y[i]) \(curve.dy![i])\n" }
        let data = (dir as NSString).appendingPathComponent("p.xye")
        try text.write(toFile: data, atomically: true, encoding: .utf8)
        let out = (dir as NSString).appendingPathComponent("fit.txt"), svg = (dir as NSString).appendingPathComponent("fit.svg")
        let run = try runCLI(["fit", xyz, data, "--anode", "Cu", "--caglioti", "0.01,-0.004,0.006", "--eta", "0.4", "--json", "-o", out, "--plot", svg])
        XCTAssertEqual(run.status, 0, run.err)
        let json = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as! [String: Any]
        XCTAssertLessThan(json["rw"] as! Double, 0.1)
        let names = (json["parameters"] as! [[String: Any]]).map { $0["name"] as! String }
        XCTAssertEqual(names, ["scale", "zoom", "uiso", "zero", "U", "V", "W", "eta", "bkg0", "bkg1", "bkg2"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: out) && FileManager.default.fileExists(atPath: svg))
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).contains("#L 2theta(deg) yobs ycalc ydiff background"))
        let out2 = (dir as NSString).appendingPathComponent("none.txt")
        let bad = try runCLI(["fit", xyz, data, "-o", out2])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("wavelength") && bad.err.contains("p.xye"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out2))
        let gOptions = try runCLI(["fit", xyz, data, "--anode", "Cu", "--rmin", "2"])
        XCTAssertNotEqual(gOptions.status, 0)
        XCTAssertTrue(gOptions.err.contains("--rmin") && gOptions.err.contains("--range"), gOptions.err)
        let crossed = try runCLI(["fit", xyz, fixture("measured/CdSe-1.gr"), "--anode", "Cu"])
        XCTAssertNotEqual(crossed.status, 0)
        XCTAssertTrue(crossed.err.contains("G(r)"), crossed.err)
    }

    /// Batch over reciprocal-space data: a good pattern gets a record with its evidence, a pattern
    /// without a wavelength an error record — and the batch goes on.
    func testBatchAcceptsPatterns() throws {
        let dir = temporaryDirectory()
        var rng = SplitMix64(seed: 99)
        let (_, truth, curve) = try PatternCalibration.sample(1, rng: &rng)
        var text = "# wavelength = \(Anode.Cu.kAlpha1)\n# wavelength2 = \(Anode.Cu.kAlpha2)\n# composition = Cd Se\n"
        for i in curve.x.indices { text += "\(curve.x[i]) \(curve.y[i]) \(curve.dy![i])\n" }
        try text.write(toFile: dir + "/good.xye", atomically: true, encoding: .utf8)
        try "10 1\n10.1 2\n10.2 3\n".write(toFile: dir + "/nowave.xy", atomically: true, encoding: .utf8)
        var o = ClusterMiner.Options()
        o.space = .quick
        o.store = CandidateStore(cache: nil)
        let out = dir + "/out.jsonl"
        let r = try BatchRunner(miner: ClusterMiner(options: o), jobs: 2).run(items: try BatchInputs.expand([dir]), output: out)
        XCTAssertEqual(r.processed, 2); XCTAssertEqual(r.failed, 1)
        let records = try BatchRunner.existingRecords(out)
        let good = records.first { $0.curve.hasSuffix("good.xye") }!, bad = records.first { $0.curve.hasSuffix("nowave.xy") }!
        XCTAssertEqual(good.classification?.verdict, truth)
        XCTAssertEqual(good.classification?.evidence?.kind, .pattern)
        XCTAssertEqual(good.classification?.evidence?.wavelengths.count, 2)
        XCTAssertTrue(bad.error?.contains("wavelength") == true, bad.error ?? "")
    }
}
