import XCTest
@testable import ClusterPDF

/// Issue 12: refinements that do not depend on their starting values, never leave their bounds
/// silently, report honest uncertainties for oversampled G(r), and resolve settings the same way
/// for fit, classify and batch.
final class TrustedRefinementTests: XCTestCase {
    /// Starting values inside the bounds (zoom 0.95/1.0/1.05 × Uiso 0.003/0.01/0.03 × δ2 0/3)
    /// give the same minimum on every measured CdSe curve, for a zincblende tetrahedron and a
    /// wurtzite sphere: Rw to 1e-4, parameters within their uncertainties.
    func testMultiStartInvarianceOnMeasuredCurves() throws {
        let models = ["Cd56Se35.xyz", "CdSe-wurtzite-R10.xyz"].map { try! StructureReader.read(path: repoRoot + "/Structures/" + $0).structure }
        for name in ["CdSe-1", "CdSe-2", "CdSe-3", "CdSe-4", "CdSe-bulk"] {
            let data = try MeasuredCurveReader.read(path: fixture("measured/\(name).gr"))
            for model in models {
                var results = [RefinementResult]()
                for zoom in [0.95, 1.0, 1.05] { for uiso in [0.003, 0.01, 0.03] { for delta2 in [0.0, 3.0] {
                    var o = RefinementOptions()
                    o.start = [.zoom: zoom, .uiso: uiso, .delta2: delta2]
                    o.threads = 1
                    results.append(try PDFRefinement(structure: model, data: data, options: o).run(keepCurves: false))
                } } }
                try assertSameMinimum(results, "\(name) / \(model.formula)")
            }
        }
    }

    /// Every library model on every measured curve: the two extreme starts give the same minimum.
    func testExtremeStartsAgreeForEveryLibraryModel() throws {
        let models = try ClassifierModel.load(ModelLibrary.load(directory: repoRoot + "/Structures"))
        XCTAssertGreaterThanOrEqual(models.count, 13)
        for name in ["CdSe-1", "CdSe-2", "CdSe-3", "CdSe-4", "CdSe-bulk"] {
            let data = try MeasuredCurveReader.read(path: fixture("measured/\(name).gr"))
            for m in models where Set(m.structure.elements.map(\.symbol)) == ["Cd", "Se"] {
                let results = try [(0.95, 0.003, 0.0), (1.05, 0.03, 3.0)].map { zoom, uiso, delta2 in
                    var o = RefinementOptions()
                    o.start = [.zoom: zoom, .uiso: uiso, .delta2: delta2]
                    o.threads = 1
                    return try PDFRefinement(structure: m.structure, data: data, options: o).run(keepCurves: false)
                }
                try assertSameMinimum(results, "\(name) / \(m.name)")
            }
        }
    }

    func assertSameMinimum(_ results: [RefinementResult], _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let ref = results[0]
        for r in results {
            XCTAssertEqual(r.rw, ref.rw, accuracy: 1e-4, label, file: file, line: line)
            for p in ref.parameters where p.free {
                let q = try XCTUnwrap(r.parameter(p.name))
                XCTAssertTrue(q.bounds.contains(q.value), "\(label): \(p.name)", file: file, line: line)
                let tol = max(p.uncertainty ?? 0, 1e-9 * abs(p.value))
                XCTAssertEqual(q.value, p.value, accuracy: tol, "\(label): \(p.name)", file: file, line: line)
            }
        }
    }

    /// Without the global stage, starting values do matter on a measured nanoparticle curve
    /// (the problem the global stage solves), and the global result is at least as good as every
    /// local one.
    func testGlobalStageIsNeverWorseThanLocalStarts() throws {
        let model = try StructureReader.read(path: repoRoot + "/Structures/Cd56Se35.xyz").structure
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-3.gr"))
        let global = try PDFRefinement(structure: model, data: data).run()
        var locals = [Double]()
        for zoom in [0.9, 1.0, 1.1] { for uiso in [0.003, 0.03] {
            var o = RefinementOptions()
            o.globalSearch = false
            o.start = [.zoom: zoom, .uiso: uiso, .delta2: 0]
            locals.append(try PDFRefinement(structure: model, data: data, options: o).run().rw)
        } }
        for rw in locals { XCTAssertLessThanOrEqual(global.rw, rw + 1e-6) }
        XCTAssertGreaterThan(locals.max()! - locals.min()!, 0.01, "local refinements land in different minima: \(locals)")
    }

    /// Every refined value lies inside its bounds; every free parameter on a bound is flagged
    /// (atBound, a warning) in the result, the table and --json.
    func testBoundsAreRespectedAndFlagged() throws {
        let model = try StructureReader.read(path: repoRoot + "/Structures/Cd56Se35.xyz").structure
        for name in ["CdSe-1", "CdSe-2", "CdSe-bulk"] {
            let data = try MeasuredCurveReader.read(path: fixture("measured/\(name).gr"))
            let r = try PDFRefinement(structure: model, data: data).run()
            for p in r.parameters {
                XCTAssertTrue(p.bounds.contains(p.value), "\(name): \(p.name) = \(p.value) outside \(p.bounds)")
                let onBound = p.free && (abs(p.value - p.lower) < 1e-9 || abs(p.value - p.upper) < 1e-9)
                XCTAssertEqual(p.atBound, onBound, "\(name): \(p.name)")
                XCTAssertEqual(r.warnings.contains { $0.kind == .atBound && $0.parameter == p.name }, onBound, "\(name): \(p.name)")
            }
        }
        // CdSe-1 (the smallest particles) pushes Uiso of the tetrahedron far up (0.096 Å²); with
        // Uiso bounded at 0.03 Å² it ends on the bound, and every output says so.
        let args = ["fit", repoRoot + "/Structures/Cd56Se35.xyz", fixture("measured/CdSe-1.gr"), "--bounds", "uiso=0.001:0.03"]
        let out = try runCLI(args + ["--json"])
        XCTAssertEqual(out.status, 0, out.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any])
        let params = try XCTUnwrap(json["parameters"] as? [[String: Any]])
        let uiso = try XCTUnwrap(params.first { $0["name"] as? String == "uiso" })
        XCTAssertEqual(uiso["atBound"] as? Bool, true)
        XCTAssertEqual(uiso["value"] as? Double ?? 0, 0.03, accuracy: 1e-12)
        XCTAssertEqual(uiso["upper"] as? Double, 0.03)
        let warnings = try XCTUnwrap(json["warnings"] as? [[String: Any]])
        XCTAssertTrue(warnings.contains { $0["kind"] as? String == "atBound" && $0["parameter"] as? String == "uiso" })
        XCTAssertNil(json["curves"], "--json omits the curves")
        let text = try runCLI(args)
        XCTAssertTrue(text.out.contains("AT BOUND") && text.out.contains("warning: uiso"), text.out)
        // A narrower user bound is respected and flagged too.
        var o = RefinementOptions()
        o.bounds = [.uiso: 0.001...0.02]
        let narrow = try PDFRefinement(structure: model, data: MeasuredCurveReader.read(path: fixture("measured/CdSe-1.gr")), options: o).run()
        XCTAssertEqual(narrow.value(.uiso)!, 0.02, accuracy: 1e-12)
        XCTAssertTrue(narrow.parameter(.uiso)!.atBound)
        // The classifier carries the best model's warnings into its text, JSON and HTML report.
        let models = [ClassifierModel(name: "Cd56Se35.xyz", path: "z", family: .zincblendeLike, structure: model)]
        let curve = try MeasuredCurveReader.read(path: fixture("measured/CdSe-1.gr"))
        let (c, _) = try modelListMiner(models, refinement: o).classify(curve)
        XCTAssertTrue(c.warnings.contains { $0.kind == .atBound && $0.parameter == .uiso })
        XCTAssertEqual(c.scores[0].atBound, [.uiso])
        XCTAssertTrue(ClassificationReport.text(c).contains("warning (best model): uiso"))
        let html = ClassificationReport.html(title: "t", rows: [(curve.path, c, nil)], plots: [curve.path: "<svg></svg>"])
        XCTAssertTrue(html.contains("class=\"warning\">warning (best model): uiso"), html)
        XCTAssertTrue(html.contains("qmax 19.0 (header)"))
        XCTAssertTrue(try JSONOutput.string(c).contains("\"atBound\""))
    }

    /// Parameters the data cannot tell apart are reported: for a dimer, Uiso, δ1 and δ2 enter only
    /// through the one pair width 2U(1 − δ1/r − δ2/r²).
    func testDegenerateParametersAreReported() throws {
        let dimer = Structure(atoms: [Atom(element: Element(symbol: "Cd")!, position: .zero),
                                      Atom(element: Element(symbol: "Se")!, position: SIMD3(2.62, 0, 0))])
        var s = ScatteringSettings()
        s.qmin = 1; s.qmax = 20; s.qdamp = 0.04
        s.displacements = DisplacementSettings(all: 0.01)
        s.rmin = 1; s.rmax = 6; s.rstep = 0.01
        let g = try DebyeCalculator(structure: dimer, settings: s).pairDistributionFunction()
        let data = MeasuredCurve(path: "dimer.gr", x: g.x, y: g.y, header: ["qmin": "1", "qmax": "20", "qdamp": "0.04"])
        var o = RefinementOptions()
        o.free = [.scale, .zoom, .uiso, .delta1, .delta2]
        o.overrides = SettingOverrides(rmin: 1, rmax: 6)
        let r = try PDFRefinement(structure: dimer, data: data, options: o).run()
        XCTAssertTrue(r.warnings.contains { $0.kind == .nearSingular || $0.kind == .strongCorrelation }, "\(r.warnings)")
    }

    /// A fixed scale far from its least-squares value is reported.
    func testFixedScaleFarFromClosedFormIsReported() throws {
        let model = try StructureReader.read(path: repoRoot + "/Structures/CdSe-wurtzite-R10.xyz").structure
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr"))
        var o = RefinementOptions()
        o.free = [.zoom, .uiso, .delta2]
        o.start = [.scale: 10]
        let r = try PDFRefinement(structure: model, data: data, options: o).run()
        XCTAssertEqual(r.value(.scale), 10)
        XCTAssertTrue(r.warnings.contains { $0.kind == .scaleFarFromClosedForm }, "\(r.warnings)")
    }

    /// Synthetic G(r) of a known cluster with noise added in Q (so correlated in r) on a grid
    /// 17× finer than π/(Qmax − Qmin): the reported (Nyquist) uncertainties of zoom and Uiso agree
    /// within a factor 2 with the scatter of the refined values over 24 noise realisations, while
    /// the plain pointwise estimate is several times too small.
    func testUncertaintiesAreCalibratedForOversampledData() throws {
        let model = try TetrahedronBuilder.build(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, size: 5)
        let truth = (scale: 0.9, zoom: 1.01, uiso: 0.008, delta2: 1.0)
        var s = ScatteringSettings()
        s.qmin = 1; s.qmax = 20; s.qdamp = 0.04; s.delta2 = truth.delta2
        s.displacements = DisplacementSettings(all: truth.uiso)
        s.rmin = 1.5; s.rmax = 20; s.rstep = 0.01
        let clean = try DebyeCalculator(structure: model.scaled(by: truth.zoom), settings: s).pairDistributionFunction()
        let r = clean.x
        let amplitude = clean.y.map(abs).max()!
        // White noise in F(Q) on [Qmin, Qmax], transformed like the data: band-limited in r.
        let dq = 0.02
        let qs = Array(stride(from: s.qmin + dq / 2, to: s.qmax, by: dq))
        let sines = qs.map { q in r.map { sin(q * $0) } }
        let damping = r.map { exp(-0.5 * pow(0.04 * $0, 2)) }
        var rng = SplitMix64(seed: 2026)
        var zooms = [Double](), uisos = [Double](), sigZ = [Double](), sigU = [Double](), plainZ = [Double](), plainU = [Double]()
        for _ in 0..<24 {
            var noise = [Double](repeating: 0, count: r.count)
            for k in qs.indices {
                let n = rng.gaussian()
                for j in r.indices { noise[j] += n * sines[k][j] }
            }
            let norm = noise.map { $0 * $0 }.reduce(0, +) / Double(r.count)
            let scaleNoise = 0.02 * amplitude / norm.squareRoot()
            var text = "qmin = 1\nqmax = 20\nqdamp = 0.04\n#### start data\n"
            for j in r.indices { text += "\(r[j]) \(truth.scale * clean.y[j] + scaleNoise * noise[j] * damping[j])\n" }
            let data = try MeasuredCurveReader.parse(text: text, file: "noisy.gr")
            var o = RefinementOptions()
            o.threads = 1
            let fit = try PDFRefinement(structure: model, data: data, options: o).run(keepCurves: false)
            XCTAssertGreaterThan(fit.oversampling, 10)
            zooms.append(fit.value(.zoom)!); uisos.append(fit.value(.uiso)!)
            sigZ.append(fit.uncertainty(.zoom)!); sigU.append(fit.uncertainty(.uiso)!)
            o.uncertaintyModel = .plain
            let plain = try PDFRefinement(structure: model, data: data, options: o).run(keepCurves: false)
            plainZ.append(plain.uncertainty(.zoom)!); plainU.append(plain.uncertainty(.uiso)!)
        }
        func sd(_ x: [Double]) -> Double {
            let m = x.reduce(0, +) / Double(x.count)
            return (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
        }
        func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
        let ratioZ = median(sigZ) / sd(zooms), ratioU = median(sigU) / sd(uisos)
        print(String(format: "uncertainty calibration: zoom σ_reported/σ_scatter = %.2f (plain %.2f), Uiso %.2f (plain %.2f)",
                     ratioZ, median(plainZ) / sd(zooms), ratioU, median(plainU) / sd(uisos)))
        for (name, ratio) in [("zoom", ratioZ), ("uiso", ratioU)] {
            XCTAssertGreaterThan(ratio, 0.5, name)
            XCTAssertLessThan(ratio, 2, name)
        }
        XCTAssertLessThan(median(plainZ) / sd(zooms), 0.5, "the pointwise estimate is too small for oversampled data")
        XCTAssertEqual(zooms.reduce(0, +) / 24, truth.zoom, accuracy: 3 * sd(zooms))
    }

    /// Data settings: option, then header, then default, each with its source; fit, classify and
    /// batch resolve them alike.
    func testHeaderSettingsAreUsedEverywhere() throws {
        let base = try String(contentsOfFile: fixture("measured/CdSe-bulk.gr"), encoding: .utf8)
        let text = base.replacingOccurrences(of: "qmax = 19", with: "qmax = 19\nqdamp = 0.06\nqbroad = 0.01")
        let path = writeTemporary(text, name: "CdSe-bulk-qdamp.gr")
        let curve = try MeasuredCurveReader.read(path: path)
        let d = try DataSettings.resolve(curve)
        XCTAssertEqual(d.qdamp, Resolved(0.06, .header))
        XCTAssertEqual(d.qbroad, Resolved(0.01, .header))
        XCTAssertEqual(d.qmax, Resolved(19, .header))
        XCTAssertEqual(d.radiation, Resolved(.xray, .default))
        XCTAssertEqual(d.rmin, Resolved(1.5, .default))
        XCTAssertEqual(try DataSettings.resolve(curve, overrides: SettingOverrides(qdamp: 0.05)).qdamp, Resolved(0.05, .option))
        let neutron = try MeasuredCurveReader.parse(text: "mode = neutron\n1 0\n2 1\n3 0\n", file: "n.gr")
        XCTAssertEqual(try DataSettings.resolve(neutron).radiation, Resolved(.neutron, .header))
        assertInputError(try DataSettings.resolve(MeasuredCurveReader.parse(text: "mode = electron\n1 0\n2 1\n", file: "e.gr")), contains: ["e.gr", "mode = electron"])
        assertRefinementError(try DataSettings.resolve(MeasuredCurveReader.parse(text: "qdamp = 2\n1 0\n2 1\n", file: "q.gr")), contains: ["q.gr", "qdamp"])

        let model = try StructureReader.read(path: repoRoot + "/Structures/CdSe-wurtzite-R10.xyz").structure
        let fit = try PDFRefinement(structure: model, data: curve).run()
        XCTAssertEqual(fit.value(.qdamp), 0.06)
        XCTAssertEqual(fit.value(.qbroad), 0.01)
        XCTAssertEqual(fit.settings.qdamp.source, .header)
        // The header's qdamp changes the result (it is really used).
        let plainCurve = try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr"))
        XCTAssertNotEqual(try PDFRefinement(structure: model, data: plainCurve).run().rw, fit.rw)

        let models = [ClassifierModel(name: "CdSe-wurtzite-R10.xyz", path: "w", family: .wurtziteLike, structure: model),
                      ClassifierModel(name: "Cd56Se35.xyz", path: "z", family: .zincblendeLike,
                                      structure: try StructureReader.read(path: repoRoot + "/Structures/Cd56Se35.xyz").structure)]
        let (c, _) = try modelListMiner(models).classify(curve)
        XCTAssertEqual(c.settings.qdamp, Resolved(0.06, .header))
        XCTAssertEqual(c.bestByClass[.pseudoWurtzite]!.qdamp, 0.06)
        // fit and classify give the same Rw for the same model and curve.
        XCTAssertEqual(c.bestByClass[.pseudoWurtzite]!.rw, fit.rw, accuracy: 1e-9)

        let out = temporaryDirectory() + "/b.jsonl"
        var mo = ClusterMiner.Options()
        mo.space = CandidateSpace(stackings: [], shapes: [], radii: [], centers: [], surfaces: [], tetrahedronEdges: [5],
                                  coreLayers: [], coreRings: [], coreTwists: [])
        mo.extraModels = models; mo.includeCrystals = false; mo.store = CandidateStore(cache: nil)
        _ = try BatchRunner(miner: ClusterMiner(options: mo), jobs: 1).run(items: BatchInputs.expand([path]), output: out)
        let record = try XCTUnwrap(BatchRunner.existingRecords(out).first?.classification)
        XCTAssertEqual(record.settings.qdamp, Resolved(0.06, .header))
        XCTAssertEqual(try XCTUnwrap(record.scores.first { $0.model == "CdSe-wurtzite-R10.xyz" }).rw, fit.rw, accuracy: 1e-9)

        let cli = try runCLI(["fit", repoRoot + "/Structures/CdSe-wurtzite-R10.xyz", path, "--json"])
        XCTAssertEqual(cli.status, 0, cli.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(cli.out.utf8)) as? [String: Any])
        let q = try XCTUnwrap((json["settings"] as? [String: Any])?["qdamp"] as? [String: Any])
        XCTAssertEqual(q["source"] as? String, "header")
        XCTAssertEqual(q["value"] as? Double, 0.06)
        XCTAssertEqual(json["rw"] as? Double ?? 0, fit.rw, accuracy: 1e-9)
        let flagged = try runCLI(["fit", repoRoot + "/Structures/CdSe-wurtzite-R10.xyz", path, "--qdamp", "0.05"])
        XCTAssertTrue(flagged.out.contains("qdamp 0.05 (option)"), flagged.out)
        let classify = try runCLI(["classify", path, "--library", repoRoot + "/Structures", "--json", "--quick"])
        XCTAssertEqual(classify.status, 0, classify.err)
        XCTAssertTrue(classify.out.contains("\"source\" : \"header\""), classify.out)
    }

    /// Bad refinement options give a clear error naming the option, a non-zero exit and no file.
    func testBadOptionsNameTheOptionAndWriteNothing() throws {
        let dir = temporaryDirectory()
        let model = repoRoot + "/Structures/Cd35Se20.xyz", data = fixture("measured/CdSe-bulk.gr")
        let cases: [([String], [String])] = [
            (["--free", "scale,zoom,bogus"], ["unknown parameter 'bogus'", "--free"]),
            (["--free", "scale,uiso:Zn"], ["uiso:Zn", "no such element"]),
            (["--bounds", "uiso=0.1:0.01"], ["--bounds", "uiso"]),
            (["--bounds", "uiso=abc:0.1"], ["--bounds", "not a number"]),
            (["--bounds", "zoom=0.9:inf"], ["--bounds", "finite"]),
            (["--bounds", "uiso=-0.01:0.05"], ["--bounds", "not negative"]),
            (["--bounds", "delta2=nan:1"], ["--bounds", "not a number"]),
            (["--bounds", "nonsense"], ["--bounds", "name=lower:upper"]),
            (["--no-global-search", "--uiso", "0.5"], ["uiso = 0.5", "--uiso", "outside its bounds"]),
            (["--zoom", "2"], ["zoom = 2", "outside its bounds"]),
            (["--free", "scale,zoom", "--uiso", "nan"], ["uiso = nan", "outside its bounds"]),
            (["--rmin", "2", "--rmax", "2.02"], ["--rmin/--rmax", "3 data points", "free parameters"]),
            (["--rmin", "70", "--rmax", "80"], ["--rmin/--rmax", "no data"]),
            (["--qmax", "0.5"], ["--qmax"]),
        ]
        for (args, fragments) in cases {
            let out = dir + "/fit.gr"
            let r = try runCLI(["fit", model, data, "-o", out, "--plot", dir + "/fit.svg"] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            for f in fragments { XCTAssertTrue(r.err.contains(f), "\(args): '\(r.err)' lacks '\(f)'") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/fit.svg"), "\(args)")
        }
        // An all-zero curve: a clear message, nothing written.
        let zero = writeTemporary((0..<500).map { "\(1 + 0.01 * Double($0)) 0" }.joined(separator: "\n"), name: "zero.gr")
        let r = try runCLI(["fit", model, zero, "-o", dir + "/z.gr"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("zero.gr") && r.err.contains("zero everywhere"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/z.gr"))
    }

    /// Parameter names round-trip through text and JSON; per-element Uiso is refined and
    /// reported by element, and the classifier accepts it (it used to crash).
    func testParameterNamesAndPerElementUiso() throws {
        for text in ["scale", "zoom", "uiso", "uiso:Cd", "delta1", "delta2", "qdamp", "qbroad"] {
            XCTAssertEqual(try ParameterName(parsing: text).description, text)
        }
        XCTAssertEqual(try ParameterName(parsing: "uiso_Se"), .elementUiso(Element(symbol: "Se")!))
        XCTAssertEqual(try ParameterName.list(parsing: "scale, zoom,,uiso"), [.scale, .zoom, .uiso])
        XCTAssertEqual(try ParameterName.bounds(parsing: "delta2=:8")[.delta2], 0...8)
        let p = RefinementParameter(.elementUiso(Element(symbol: "Cd")!), value: 0.01, free: true)
        let back = try JSONDecoder().decode(RefinementParameter.self, from: JSONEncoder().encode(p))
        XCTAssertEqual(back, p)
        let scale = RefinementParameter(.scale, value: 1, free: true)
        XCTAssertTrue(try JSONOutput.string(scale).contains("\"upper\" : null"), "an open bound is null in JSON")

        let model = try StructureReader.read(path: repoRoot + "/Structures/CdSe-wurtzite-R10.xyz").structure
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr"))
        var o = RefinementOptions()
        o.uisoPerElement = true
        let r = try PDFRefinement(structure: model, data: data, options: o).run()
        XCTAssertNil(r.parameter(.uiso))
        let cd = try XCTUnwrap(r.parameter(.elementUiso(Element(symbol: "Cd")!))), se = try XCTUnwrap(r.parameter(.elementUiso(Element(symbol: "Se")!)))
        XCTAssertTrue(cd.free && se.free)
        XCTAssertNotEqual(cd.value, se.value)
        let models = [ClassifierModel(name: "w", path: "w", family: .wurtziteLike, structure: model)]
        let (c, _) = try modelListMiner(models, refinement: o).classify(data)
        XCTAssertEqual(c.scores[0].uiso, (cd.value + se.value) / 2, accuracy: 1e-6)
    }
}
