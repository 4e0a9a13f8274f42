import XCTest
@testable import ClusterPDF

final class RefinementTests: XCTestCase {
    /// Synthetic data from a known structure and parameters (exact Debye sum, plus noise) are
    /// recovered within their uncertainties from starting values 20 % off.
    func testRecoversKnownParameters() throws {
        let model = try TetrahedronBuilder.build(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, size: 6)
        let truth = (scale: 0.8, zoom: 1.02, uiso: 0.008, delta2: 1.5)
        var s = ScatteringSettings()
        s.qmin = 1; s.qmax = 20; s.qdamp = 0.04; s.delta2 = truth.delta2
        s.displacements = DisplacementSettings(all: truth.uiso)
        s.rmin = 1.5; s.rmax = 20; s.rstep = 0.01
        s.mode = .exact
        let g = try DebyeCalculator(structure: model.scaled(by: truth.zoom), settings: s).pairDistributionFunction()
        let sigma = 0.01 * g.y.map(abs).max()!
        var rng = SplitMix64(seed: 42)
        var text = "qmin = 1\nqmax = 20\n#### start data\n#L r G dr dG\n"
        for (r, v) in zip(g.x, g.y) { text += "\(r) \(truth.scale * v + sigma * rng.gaussian()) 0 \(sigma)\n" }
        let data = try MeasuredCurveReader.parse(text: text, file: "synthetic.gr")
        var o = RefinementOptions()
        o.overrides.qdamp = 0.04
        o.uncertaintyModel = .plain  // the noise is independent from point to point here
        let result = try PDFRefinement(structure: model, data: data, options: o).run()
        XCTAssertTrue(result.weighted)
        for (name, value) in [(ParameterName.scale, truth.scale), (.zoom, truth.zoom), (.uiso, truth.uiso), (.delta2, truth.delta2)] {
            let v = result.value(name)!, u = result.uncertainty(name)!
            XCTAssertEqual(v, value, accuracy: 3 * u, "\(name): \(v) ± \(u), truth \(value)")
            XCTAssertLessThan(u, 0.05 * value, "\(name) must be well determined")
        }
        XCTAssertEqual(result.reducedChi2, 1, accuracy: 0.15, "noise model consistent")
        // A correct model leaves only the noise: Rw ≈ sqrt(N σ² / Σ Gobs²).
        let noiseRw = (Double(result.points) * sigma * sigma / result.gObserved.reduce(0) { $0 + $1 * $1 }).squareRoot()
        XCTAssertEqual(result.rw, noiseRw, accuracy: 0.1 * noiseRw)
    }

    /// The measured bulk CdSe curve: a wurtzite cluster beats a zincblende one by a wide margin,
    /// and the refined Cd–Se bond is 2.62–2.64 Å.
    /// The refinement's model (coarser fixed Q grid, 1e-3 Å histogram, cached sine matrix, cubic
    /// interpolation onto the data) matches a converged exact calculation at zooms 1 and 1.4.
    func testRefinementModelMatchesConvergedCalculation() throws {
        let model = try TetrahedronBuilder.build(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, size: 6)
        var text = "qmin = 1\nqmax = 20\n#### start data\n"
        for k in 0..<1850 { text += "\(1.5 + 0.01 * Double(k)) 1\n" }
        let data = try MeasuredCurveReader.parse(text: text, file: "grid.gr")
        var o = RefinementOptions()
        o.overrides = SettingOverrides(rmin: 1.5, rmax: 20, qdamp: 0.04)
        let refinement = try PDFRefinement(structure: model, data: data, options: o)
        for zoom in [1.0, 1.4] {
            let p = ModelPoint(zoom: zoom, uiso: [0.008, 0.008], peakWidth: PeakWidth(delta2: 1.5), qdamp: 0.04)
            let fast = try refinement.model.curves([p])[0]
            var s = ScatteringSettings()
            s.qmin = 1; s.qmax = 20; s.qdamp = 0.04; s.delta2 = 1.5
            s.displacements = DisplacementSettings(all: 0.008)
            s.rmin = 1.5; s.rmax = 1.5 + 0.01 * 1849; s.rstep = 0.01
            s.mode = .exact
            let exact = try DebyeCalculator(structure: model.scaled(by: zoom), settings: s).pairDistributionFunction().y
            let err = zip(fast, exact).map { abs($0 - $1) }.max()! / exact.map(abs).max()!
            XCTAssertLessThan(err, 2e-4, "zoom \(zoom)")
            print("refinement model vs converged G(r), zoom \(zoom): max error \(err) of the maximum")
        }
    }

    func testMeasuredBulkCdSePrefersWurtzite() throws {
        let data = try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr"))
        XCTAssertEqual(data.headerNumber("qmax"), 19)
        let o = RefinementOptions()  // default fit range 1.5–20 Å
        var rw = [String: Double]()
        for family in ["zincblende", "wurtzite"] {
            let model = try StructureReader.read(path: repoRoot + "/Structures/CdSe-\(family)-R15.xyz").structure
            let r = try PDFRefinement(structure: model, data: data, options: o).run()
            rw[family] = r.rw
            let bond = StructureTransforms.meanCationAnionBond(model)! * r.value(.zoom)!
            XCTAssertEqual(bond, 2.63, accuracy: 0.01, "\(family) refined Cd–Se bond")
        }
        XCTAssertLessThan(rw["wurtzite"]!, 0.38)
        XCTAssertGreaterThan(rw["zincblende"]!, 0.55)
        XCTAssertGreaterThan(rw["zincblende"]! - rw["wurtzite"]!, 0.2)
    }

    /// Rw from the fit file agrees with an independent computation (Scripts/check-rw.py).
    func testRwAgreesWithIndependentScript() throws {
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try XCTSkipIf(python == nil, "python3 not installed")
        let out = temporaryDirectory() + "/fit.gr"
        let r = try runCLI(["fit", repoRoot + "/Structures/CdSe-wurtzite-R10.xyz", fixture("measured/CdSe-bulk.gr"), "--rmin", "1.5", "--rmax", "20", "-o", out, "--plot", out + ".svg"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Rw"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python!)
        p.arguments = [repoRoot + "/Scripts/check-rw.py", out]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run(); p.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        var values = [String: Double]()
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2 { values[kv[0]] = Double(kv[1]) }
        }
        XCTAssertNotNil(values["Rw_independent"])
        XCTAssertEqual(values["Rw_independent"]!, values["Rw_reported"]!, accuracy: 1e-3)
        let svg = try String(contentsOfFile: out + ".svg", encoding: .utf8)
        XCTAssertTrue(svg.contains("<svg") && svg.contains("Rw = ") && svg.contains("<circle"))
    }

    func testBadDataAndNoPartialOutput() throws {
        assertInputError(try MeasuredCurveReader.parse(text: "1 2\n2 x\n", file: "d.gr"), contains: ["d.gr:2", "expected numbers"])
        assertInputError(try MeasuredCurveReader.parse(text: "1 2\n2 nan\n", file: "d.gr"), contains: ["d.gr:2", "NaN"])
        assertInputError(try MeasuredCurveReader.parse(text: "1 2\n2 3 4\n", file: "d.gr"), contains: ["d.gr:2", "columns"])
        assertInputError(try MeasuredCurveReader.parse(text: "1 2\n0.5 3\n", file: "d.gr"), contains: ["d.gr:2", "does not increase"])
        assertInputError(try MeasuredCurveReader.parse(text: "# only a header\n", file: "d.gr"), contains: ["no data"])
        // Rows on the byte-level fast path: leading blanks, tabs and commas; a garbled row is quoted
        // without its indentation; a row of dashes before the data is header text.
        let spaced = try MeasuredCurveReader.parse(text: "-----\n  1\t2\n 2,3\n+3 4\n", file: "s.gr")
        XCTAssertEqual(spaced.x, [1, 2, 3])
        XCTAssertEqual(spaced.y, [2, 3, 4])
        assertInputError(try MeasuredCurveReader.parse(text: "1 2\n  \t2 oops\n", file: "d.gr"), contains: ["d.gr:2", "found '2 oops'"])
        assertInputError(try MeasuredCurveReader.parse(text: "1 2\n-2.5e\n", file: "d.gr"), contains: ["d.gr:2", "expected numbers"])
        let plain = try MeasuredCurveReader.parse(text: "# r G dG\n1 2 0.1\n2 3 0.1\n3 4 0.1\n", file: "p.dat")
        XCTAssertEqual(plain.dy!, [0.1, 0.1, 0.1])
        // The CLI: a garbled data file gives a clear error, exit 1 and no output file.
        let dir = temporaryDirectory()
        let bad = writeTemporary("qmin = 1\n#### start data\n1.0 0.5\n1.01 garbage\n", name: "bad.gr")
        let r = try runCLI(["fit", repoRoot + "/Structures/Cd35Se20.xyz", bad, "-o", dir + "/fit.gr"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("bad.gr:4"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/fit.gr"))
        // The same for classify and for a structure file cut short inside its atom block.
        let c = try runCLI(["classify", bad, "--library", repoRoot + "/Structures", "--csv"])
        XCTAssertEqual(c.status, 1)
        XCTAssertTrue(c.err.contains("bad.gr:4"), c.err)
        let cut = writeTemporary("3\ncut\nCd 0 0 0\n\t\nSe 1 1 1\n", name: "cut.xyz")
        let s = try runCLI(["simulate", cut, "-o", dir + "/cut.gr"])
        XCTAssertEqual(s.status, 1)
        XCTAssertTrue(s.err.contains("cut.xyz:4") && s.err.contains("file ends after 1 of 3 atoms"), s.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/cut.gr"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/fit.gr"))
        // A periodic CIF is refined as an attenuated crystal; a non-positive particle size is refused.
        let crystal = try runCLI(["fit", repoRoot + "/Structures/CdSe-zincblende.cif", fixture("measured/CdSe-bulk.gr"), "--start", "psize=-3",
                                  "--no-global-search", "-o", dir + "/fit.gr"])
        XCTAssertEqual(crystal.status, 1)
        XCTAssertTrue(crystal.err.contains("psize"), crystal.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/fit.gr"))
        let unknown = try runCLI(["fit", repoRoot + "/Structures/Cd35Se20.xyz", fixture("measured/CdSe-bulk.gr"), "--free", "scale,bogus"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.err.contains("unknown parameter 'bogus'") && unknown.err.contains("--free"), unknown.err)
    }
}

final class MeasuredCurveAxisTests: XCTestCase {
    func testAxisDetection() throws {
        let two = "# PDFgetX3-style\n#L 2theta I\n10 5\n10.02 6\n"
        XCTAssertEqual(try MeasuredCurveReader.parse(text: two, file: "a.dat").axis, .twoTheta)
        XCTAssertEqual(try MeasuredCurveReader.parse(text: "#L Q(A^-1) I\n1 2\n2 3\n", file: "a.xy").axis, .q)
        XCTAssertEqual(try MeasuredCurveReader.parse(text: "1 2\n2 3\n", file: "a.xye").axis, .twoTheta)
        XCTAssertEqual(try MeasuredCurveReader.parse(text: "1 2\n2 3\n", file: "a.fq").axis, .q)
        XCTAssertEqual(try MeasuredCurveReader.parse(text: "1 2\n2 3\n", file: "a.fgr").axis, .r)
        XCTAssertNil(try MeasuredCurveReader.parse(text: "1 2\n2 3\n", file: "a.dat").axis)
        XCTAssertEqual(try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr")).axis, .r)
        let xy = writeTemporary("1 2\n2 3\n", name: "p.xy")
        XCTAssertEqual(try MeasuredCurveReader.read(path: xy, axis: .q).axis, .q, "an explicit axis wins")
        // PDFgui .fgr: '#' header, four columns r, G, dr, dG.
        let fgr = try MeasuredCurveReader.parse(text: "# PDFgui fit\n##### start data\n#L r(Å) G(Å^-2) dr(Å) dG(Å^-2)\n1.0 0.5 0 0.01\n1.01 0.6 0 0.02\n", file: "f.fgr")
        XCTAssertEqual(fgr.dy!, [0.01, 0.02])
        XCTAssertEqual(fgr.axis, .r)
        let model = try TetrahedronBuilder.build(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, size: 5)
        let iq = try MeasuredCurveReader.parse(text: (0..<50).map { "\(1 + Double($0) * 0.1) 1" }.joined(separator: "\n"), file: "x.iq")
        assertRefinementError(try PDFRefinement(structure: model, data: iq), contains: ["x.iq", "not r"])
    }
}
