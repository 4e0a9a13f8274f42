import XCTest
@testable import ClusterPDF

/// Reaction series: synthetic conversions with known fractions, band-limited noise as in measured
/// curves, per-element Uiso; fractions, their uncertainties and the component count.
final class SeriesTests: XCTestCase {
    static let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    /// End members: the Cd35Se20 tetrahedron (zincblende), a 7 Å wurtzite sphere and a 6 Å
    /// zincblende sphere (for a third component).
    static func members() throws -> [Structure] {
        [try TetrahedronBuilder.build(cation: cd, anion: se, size: 5),
         try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 7),
         try ClusterCarver.carve(CrystalBuilder.zincblende(cation: cd, anion: se), radius: 6)]
    }

    /// Writes `fractions.count` frames mixing `structures` with the given atom fractions per frame
    /// (the mixture rule of SeriesAnalysis), band-limited noise of 1 % of the largest |G| (synchrotron G(r) of
    /// clusters); returns the paths.
    static func write(_ structures: [Structure], fractions: [[Double]], noise: Double = 0.01) throws -> [String] {
        var recipe = SyntheticCurve()
        recipe.qmin = 1; recipe.qmax = 20; recipe.qdamp = 0.04; recipe.rmin = 0.5; recipe.rmax = 20; recipe.rstep = 0.01
        recipe.uisoPerElement = [cd: 0.012, se: 0.006]; recipe.delta2 = 2
        let curves = try structures.map { try recipe.curve(of: $0) }
        let dir = temporaryDirectory()
        var paths = [String]()
        // The physics of a mixture with atom fractions x_k: G = Σ x_k (⟨f⟩_k²/⟨f⟩²) G_k, ⟨f⟩ = Σ x_k ⟨f⟩_k.
        let fbar = structures.map { SeriesAnalysis.weight($0, radiation: .xray).squareRoot() }
        for (n, x) in fractions.enumerated() {
            var g = [Double](repeating: 0, count: curves[0].g.count)
            let fmix = zip(x, fbar).reduce(0) { $0 + $1.0 * $1.1 }
            for (k, c) in curves.enumerated() { for i in g.indices { g[i] += x[k] * fbar[k] * fbar[k] / (fmix * fmix) * c.g[i] } }
            var noisy = recipe
            noisy.seed = UInt64(1000 + n)
            let e = noisy.bandLimitedNoise(r: curves[0].r)
            let amp = g.map(abs).max() ?? 1, rms = (e.reduce(0) { $0 + $1 * $1 } / Double(e.count)).squareRoot()
            for i in g.indices { g[i] += noise * amp * e[i] / rms }
            let path = dir + String(format: "/frame-%03d.gr", n)
            var text = recipe.text(r: curves[0].r, g: g, composition: "Cd Se", header: true)
            text = "time = \(Double(n) * 30)\n" + text
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        return paths
    }

    func testTwoComponentConversionFractionsAndUncertainties() throws {
        let m = try Self.members()
        // Logistic conversion tetrahedron → wurtzite sphere over 40 frames.
        let truth = (0..<40).map { n -> Double in 1 / (1 + exp(-(Double(n) - 19.5) / 5)) }
        let paths = try Self.write([m[0], m[1]], fractions: truth.map { [1 - $0, $0] })
        var a = SeriesAnalysis(models: [SeriesModel(name: "tet", structure: m[0]), SeriesModel(name: "wz", structure: m[1])])
        a.threads = 2
        a.uisoPerElement = true
        let r = try a.run(paths: paths)
        XCTAssertEqual(r.frames.count, 40)
        var z = [Double]()
        for (f, t) in zip(r.frames, truth) {
            let got = try XCTUnwrap(f.fractions["wz"]), s = try XCTUnwrap(f.uncertainties["wz"])
            XCTAssertEqual(got, t, accuracy: 0.03, "\(f.curve)")
            XCTAssertEqual((f.fractions["tet"] ?? 0) + got, 1, accuracy: 1e-9)
            if s > 0 { z.append((got - t) / s) }
            XCTAssertEqual(f.xSource, "time")
        }
        let scatter = (z.reduce(0) { $0 + $1 * $1 } / Double(z.count)).squareRoot()
        print("series: scatter/σ = \(scatter) over \(z.count) frames; components \(r.components ?? -1)")
        XCTAssertGreaterThan(scatter, 0.5); XCTAssertLessThan(scatter, 2)
        XCTAssertEqual(r.components, 2)
        // The outputs.
        XCTAssertTrue(r.csv.hasPrefix("curve,x,x_source,rw,fraction_tet,sigma_tet,fraction_wz,sigma_wz,error"))
        XCTAssertTrue(r.plot(title: "t").render().contains("atom fraction"))
        let curves = try paths.map { p -> (name: String, r: [Double], g: [Double]) in let c = try MeasuredCurveReader.read(path: p); return ((p as NSString).lastPathComponent, c.x, c.y) }
        let page = r.html(title: "series", waterfall: SeriesAnalysis.Result.waterfall(frames: curves, title: "frames"))
        for needle in ["Fractions", "End members", "frame-000.gr", "frame-039.gr", "2 components in the frames", "offset per frame", "Fit residuals"] {
            XCTAssertTrue(page.contains(needle), "series page lacks \(needle)")
        }
        XCTAssertFalse(page.contains("href="), "the page links nowhere")
    }

    func testComponentCountOneAndThree() throws {
        let m = try Self.members()
        let one = try Self.write([m[0]], fractions: (0..<12).map { _ in [1] })
        let r1 = try SeriesAnalysis(models: [SeriesModel(name: "tet", structure: m[0])]).run(paths: one)
        XCTAssertEqual(r1.components, 1)
        // A → B → C: B rises and falls.
        let abc = (0..<21).map { n -> [Double] in
            let t = Double(n) / 20
            let a = max(0, 1 - 2 * t), c = max(0, 2 * t - 1)
            return [a, 1 - a - c, c]
        }
        let three = try Self.write(m, fractions: abc)
        let r3 = try SeriesAnalysis(models: [SeriesModel(name: "tet", structure: m[0])]).run(paths: three)
        XCTAssertEqual(r3.components, 3)
        XCTAssertTrue(r3.warnings.contains { $0.contains("3 independent components") }, "\(r3.warnings)")
    }

    func testUnreadableFrameIsAnErrorEntry() throws {
        let m = try Self.members()
        var paths = try Self.write([m[0], m[1]], fractions: [[1, 0], [0.5, 0.5], [0, 1]])
        let bad = writeTemporary("not a curve\n", name: "bad.gr")
        paths.insert(bad, at: 1)
        let r = try SeriesAnalysis(models: [SeriesModel(name: "tet", structure: m[0]), SeriesModel(name: "wz", structure: m[1])]).run(paths: paths)
        XCTAssertEqual(r.frames.count, 4)
        XCTAssertNotNil(r.frames[1].error)
        XCTAssertTrue(r.frames[1].error?.contains("bad.gr") ?? false)
        XCTAssertEqual(r.frames[2].fractions["wz"] ?? -1, 0.5, accuracy: 0.05)
        XCTAssertEqual(r.frames[0].atBound, ["wz"])
    }

    func testMixtureSolverIsExactOnNoiseFreeData() throws {
        let c1 = (0..<50).map { sin(Double($0) / 5) }, c2 = (0..<50).map { cos(Double($0) / 7) }
        let y = zip(c1, c2).map { 0.3 * $0 + 0.7 * $1 }
        let s = try MixtureSolver.solve(columns: [c1, c2], y: y)
        XCTAssertEqual(s.amplitudes[0], 0.3, accuracy: 1e-10); XCTAssertEqual(s.amplitudes[1], 0.7, accuracy: 1e-10)
        // A negative best amplitude is held at 0.
        let neg = try MixtureSolver.solve(columns: [c1, c2], y: zip(c1, c2).map { -0.2 * $0 + 0.7 * $1 })
        XCTAssertEqual(neg.amplitudes[0], 0); XCTAssertTrue(neg.atZero[0]); XCTAssertGreaterThan(neg.amplitudes[1], 0)
        // Weights: a component scattering four times as strongly per atom has a quarter of the atoms.
        let f = MixtureSolver.fractions(s, weights: [1, 4])
        XCTAssertEqual(f.values[0], 0.3 / (0.3 + 0.7 / 4), accuracy: 1e-10)
    }

    /// `fit A.xyz B.xyz DATA` with clusters: a mixture fit with fractions, a fit file and JSON.
    func testFitOfTwoClustersIsAMixture() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let frame = root + "/Examples/series/frame-10.gr"
        let truth = try XCTUnwrap(try MeasuredCurveReader.read(path: frame).headerNumber("true_fraction_wz"))
        let dir = temporaryDirectory()
        let r = try runCLI(["fit", root + "/Structures/Cd35Se20.xyz", root + "/Structures/CdSe-wurtzite-R7.xyz", frame, "--uiso-per-element",
                            "-o", dir + "/mix.fgr", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let fractions = try XCTUnwrap((obj["frame"] as? [String: Any])?["fractions"] as? [String: Double])
        XCTAssertEqual(try XCTUnwrap(fractions["CdSe-wurtzite-R7.xyz"]), truth, accuracy: 0.03)
        let back = try MeasuredCurveReader.read(path: dir + "/mix.fgr")
        XCTAssertEqual(back.columnNames.prefix(4), ["r", "Gobs", "Gcalc", "Gdiff"])
        XCTAssertNotNil(back.header["fraction_cdse-wurtzite-r7.xyz"], "\(back.header.keys.sorted())")
    }

    /// Model-free: an A → B → C series resolved into 3 components (auto), and with A and C known
    /// plus one unknown intermediate; fractions against the truth's scattering shares within ±0.05.
    func testModelFreeComponentsAndAnUnknownIntermediate() throws {
        let m = try Self.members()
        let abc = (0..<21).map { n -> [Double] in
            let t = Double(n) / 20
            let a = max(0, 1 - 2 * t), c = max(0, 2 * t - 1)
            return [a, 1 - a - c, c]
        }
        let paths = try Self.write(m, fractions: abc)
        let w = m.map { SeriesAnalysis.weight($0, radiation: .xray) }
        let shares = abc.map { x -> [Double] in let s = zip(x, w).map { $0 * $1 }; let t = s.reduce(0, +); return s.map { $0 / t } }
        var free = SeriesAnalysis(models: [])
        free.components = .auto
        let r = try free.run(paths: paths)
        XCTAssertEqual(r.components, 3)
        XCTAssertEqual(r.componentCurves?.count, 3)
        // Components come unordered: match each to the true share it follows best.
        let names = ["component 1", "component 2", "component 3"]
        for truth in 0..<3 {
            let best = names.min { a, b in
                zip(r.frames, shares).reduce(0) { $0 + abs(($1.0.fractions[a] ?? 0) - $1.1[truth]) } < zip(r.frames, shares).reduce(0) { $0 + abs(($1.0.fractions[b] ?? 0) - $1.1[truth]) }
            }!
            for (f, s) in zip(r.frames, shares) { XCTAssertEqual(f.fractions[best] ?? -1, s[truth], accuracy: 0.05, "\(best) vs truth \(truth) in \(f.curve)") }
        }
        // Known end members A and C, one unknown intermediate.
        var mixed = SeriesAnalysis(models: [SeriesModel(name: "A", structure: m[0]), SeriesModel(name: "C", structure: m[2])])
        mixed.components = .count(3)
        mixed.uisoPerElement = true
        let r2 = try mixed.run(paths: paths)
        // The known members within ±0.05; the unknown intermediate rises and falls with its
        // largest share at the middle frame (measured: within 0.054 of its true share, the known
        // members' small misfits leaking into it — documented in docs/series.md).
        var worst = 0.0
        for (f, s) in zip(r2.frames, shares) {
            XCTAssertEqual(f.fractions["A"] ?? -1, s[0], accuracy: 0.05)
            XCTAssertEqual(f.fractions["C"] ?? -1, s[2], accuracy: 0.05)
            worst = max(worst, abs((f.fractions["component 1"] ?? -1) - s[1]))
        }
        let b = r2.frames.map { $0.fractions["component 1"] ?? 0 }
        XCTAssertEqual(b.indices.max { b[$0] < b[$1] }!, 10, accuracy: 1)
        XCTAssertLessThan(worst, 0.06)
        print("series: known A and C + unknown intermediate: largest intermediate deviation \(worst)")
    }

    /// A bad frame among good ones: `series --json` stays valid JSON (no NaN), the frame is an
    /// error entry with no Rw, the exit status counts it, and every output is written whole.
    func testBadFrameKeepsJSONValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let bad = writeTemporary("garbage\n", name: "bad.gr")
        let out = temporaryDirectory() + "/s.json"
        let frames = (0..<4).map { root + String(format: "/Examples/series/frame-%02d.gr", $0) } + [bad]
        let r = try runCLI(["series"] + frames + ["--models", root + "/Structures/Cd35Se20.xyz", root + "/Structures/CdSe-wurtzite-R7.xyz", "--json", "-o", out])
        XCTAssertEqual(r.status, 1, r.err)
        for text in [r.out, try String(contentsOfFile: out, encoding: .utf8)] {
            let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let last = try XCTUnwrap((obj["frames"] as? [[String: Any]])?.last)
            XCTAssertTrue((last["error"] as? String)?.contains("bad.gr") ?? false)
            XCTAssertNil(last["rw"])
        }
        // Refused before any work: no output file.
        let none = temporaryDirectory() + "/none.json"
        let v = try runCLI(["series"] + frames + ["--components", "9", "-o", none])
        XCTAssertEqual(v.status, 64)
        XCTAssertTrue(v.err.contains("--components"), v.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: none))
    }

    /// The same fractions whatever the thread count and the working directory.
    func testThreadCountDoesNotChangeTheResult() throws {
        let m = try Self.members()
        let paths = try Self.write([m[0], m[1]], fractions: [[1, 0], [0.7, 0.3], [0.2, 0.8], [0, 1]])
        var one = SeriesAnalysis(models: [SeriesModel(name: "tet", structure: m[0]), SeriesModel(name: "wz", structure: m[1])])
        one.threads = 1
        var two = one
        two.threads = 2
        let a = try one.run(paths: paths), b = try two.run(paths: paths)
        for (x, y) in zip(a.frames, b.frames) { XCTAssertEqual(x.fractions["wz"] ?? -1, y.fractions["wz"] ?? -2, accuracy: 1e-9) }
        // --per-frame fits the frames in parallel: the same per-frame results.
        one.perFrame = true; two.perFrame = true
        let c = try one.run(paths: paths), d = try two.run(paths: paths)
        XCTAssertEqual(try JSONOutput.string(c.frames), try JSONOutput.string(d.frames))
    }

    /// `--per-frame` without models is refused before any work, naming the option; no output file.
    func testPerFrameWithoutModelsIsRefused() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let out = temporaryDirectory() + "/none.json"
        let r = try runCLI(["series", root + "/Examples/series", "--components", "auto", "--per-frame", "-o", out])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.contains("--per-frame"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// `perFrame`: the members' zoom follows a thermal expansion that changes from frame to frame
    /// (zoom 0.990 → 1.010 over 6 frames): refined per frame it is tracked within 0.002 and the
    /// fractions stay within ±0.03, while shared parameters fit the outer frames worse.
    func testPerFrameParametersFollowAnExpansion() throws {
        let m = try Self.members()
        let dir = temporaryDirectory()
        var paths = [String](), zooms = [Double](), truth = [Double]()
        for n in 0..<6 {
            var syn = SyntheticCurve()
            syn.qmin = 1; syn.qmax = 20; syn.qdamp = 0.04; syn.rmin = 0.5; syn.rmax = 20; syn.rstep = 0.01
            syn.uisoPerElement = [Self.cd: 0.012, Self.se: 0.006]; syn.delta2 = 2
            syn.zoom = 0.99 + 0.004 * Double(n); syn.noise = 0.01; syn.seed = UInt64(50 + n)
            let x = 0.2 + 0.12 * Double(n)
            let (r, g) = try syn.curve(ofMixture: [(m[0], 1 - x), (m[1], x)])
            let path = dir + "/frame-\(n).gr"
            try ("temperature = \(300 + 20 * n)\n" + syn.text(r: r, g: g, composition: "Cd Se", header: true)).write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path); zooms.append(syn.zoom); truth.append(x)
        }
        var a = SeriesAnalysis(models: [SeriesModel(name: "tet", structure: m[0]), SeriesModel(name: "wz", structure: m[1])])
        a.uisoPerElement = true
        let shared = try a.run(paths: paths)
        a.perFrame = true
        let free = try a.run(paths: paths)
        XCTAssertTrue(free.perFrame)
        for (k, f) in free.frames.enumerated() {
            XCTAssertEqual(f.xSource, "temperature")
            XCTAssertEqual(f.fractions["wz"] ?? -1, truth[k], accuracy: 0.03, f.curve)
            let p = try XCTUnwrap(f.parameters?["tet"]), q = try XCTUnwrap(f.parameters?["wz"])
            XCTAssertEqual(p.zoom, zooms[k], accuracy: 0.002, "tet zoom in \(f.curve)")
            XCTAssertEqual(q.zoom, zooms[k], accuracy: 0.002, "wz zoom in \(f.curve)")
        }
        // The outer frames are fitted better with their own zoom.
        for k in [0, 5] { XCTAssertLessThan(free.frames[k].rw ?? 1, (shared.frames[k].rw ?? 0) - 0.005, "frame \(k)") }
        XCTAssertTrue(free.csv.split(separator: "\n")[0].contains("zoom_tet"))
        XCTAssertNil(shared.frames[0].parameters)
        // Residuals of every frame for the heat map of the series page (not in the JSON).
        XCTAssertEqual(free.residuals?.residuals.count, 6)
        XCTAssertFalse(try JSONOutput.string(free).contains("residuals"))
        let page = free.html(title: "t", waterfall: nil)
        XCTAssertTrue(page.contains("Fit residuals") && page.contains("<rect"), "series page lacks the residual heat map")
    }

    /// Model-free components are classified like measured curves: the two components of a
    /// tetrahedron → wurtzite-sphere conversion come out zincblende-like and pseudo-wurtzite.
    func testComponentCurvesAreClassified() throws {
        let m = try Self.members()
        let truth = (0..<12).map { n -> Double in 1 / (1 + exp(-(Double(n) - 5.5) / 1.5)) }
        let paths = try Self.write([m[0], m[1]], fractions: truth.map { [1 - $0, $0] })
        var free = SeriesAnalysis(models: [])
        free.components = .auto
        var r = try free.run(paths: paths)
        XCTAssertEqual(r.components, 2)
        var o = ClusterMiner.Options()
        o.space = .quick
        o.store = CandidateStore(cache: nil)
        o.threads = 2
        let header = try MeasuredCurveReader.read(path: paths[0]).header
        r.classifyComponents(miner: ClusterMiner(options: o), header: header)
        let verdicts = Set((r.componentCurves ?? []).compactMap { $0.classification?.verdict })
        XCTAssertEqual(verdicts, [.zincblendeLike, .pseudoWurtzite], "\((r.componentCurves ?? []).map { ($0.name, $0.classification?.bestCandidate ?? "") })")
        let tet = try XCTUnwrap(r.componentCurves?.first { $0.classification?.verdict == .zincblendeLike }?.classification)
        XCTAssertTrue(tet.bestCandidate.contains("tetrahedron-N5-cation"), tet.bestCandidate)
        XCTAssertTrue(r.html(title: "t", waterfall: nil).contains("model-free component"))
    }
}
