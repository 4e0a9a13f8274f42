import XCTest
@testable import ClusterPDF

final class CLITests: XCTestCase {
    func testInfoOnCIF() throws {
        let r = try runCLI(["info", fixture("CdSe-Zincblende.cif")])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Cd4Se4"))
        XCTAssertTrue(r.out.contains("2.6414"))
        let j = try runCLI(["info", "--json", fixture("csd-style-InP.cif")])
        XCTAssertEqual(j.status, 0, j.err)
        let obj = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as! [String: Any]
        XCTAssertEqual(obj["formula"] as? String, "C2H8In2P2")
        XCTAssertEqual(obj["moleculeCount"] as? Int, 2)
    }

    func testInfoErrors() throws {
        let d = try runCLI(["info", temporaryDirectory()])
        XCTAssertEqual(d.status, 1)
        XCTAssertTrue(d.err.contains("is a directory"), d.err)
        XCTAssertFalse(d.err.contains("Fatal error"))
        let t = try runCLI(["info", writeTemporary("3\nc\nCd 0 0 0\n", name: "t.xyz")])
        XCTAssertEqual(t.status, 1)
        XCTAssertTrue(t.err.contains("t.xyz:4"), t.err)
    }

    /// `--header comment`: every header line a comment, so numpy.loadtxt and gnuplot read the
    /// columns; ClusterPDF (and PDFgui) still read the header values back.
    func testCommentHeaderLoadsInNumpy() throws {
        let dir = temporaryDirectory()
        let out = dir + "/t.gr"
        let r = try runCLI(["simulate", fixture("golden/Cd35Se20-tetrahedron.xyz"), "--qmax", "19", "--rmax", "10", "--header", "comment", "-o", out])
        XCTAssertEqual(r.status, 0, r.err)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        // numpy.loadtxt's rule: lines starting with '#' are skipped, the rest must be rows of numbers.
        var rows = 0, width: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty && !line.hasPrefix("#") {
            let v = line.split(separator: " ").map { Double($0) }
            XCTAssertFalse(v.contains(nil), "not a number row: \(line)")
            XCTAssertEqual(width ?? v.count, v.count); width = v.count; rows += 1
        }
        XCTAssertGreaterThan(rows, 100)
        let back = try MeasuredCurveReader.read(path: out)
        XCTAssertEqual(back.header["qmax"], "19.0")
        XCTAssertEqual(back.x.count, rows)
        // The real numpy, where it is installed.
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        py.arguments = ["python3", "-c", "import sys\ntry:\n import numpy\nexcept ImportError:\n sys.exit(3)\nd = numpy.loadtxt(sys.argv[1]); print(d.shape[0])", out]
        let pipe = Pipe(); py.standardOutput = pipe; py.standardError = FileHandle.nullDevice
        try py.run(); py.waitUntilExit()
        if py.terminationStatus != 3 {
            XCTAssertEqual(py.terminationStatus, 0, "numpy.loadtxt failed on the comment-header file")
            XCTAssertEqual(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), "\(rows)")
        }
        // The default stays PDFgetX3's layout.
        let plain = try runCLI(["simulate", fixture("golden/Cd35Se20-tetrahedron.xyz"), "--rmax", "5"])
        XCTAssertTrue(plain.out.contains("\nqmax = "), String(plain.out.prefix(300)))
    }

    /// `simulate A B C --plot` overlays the structures in one figure that states its settings.
    func testSimulateOverlayAndSettingsOnFigure() throws {
        let dir = temporaryDirectory()
        let tet = fixture("golden/Cd35Se20-tetrahedron.xyz")
        let small = dir + "/t4.xyz"
        XCTAssertEqual(try runCLI(["build", "tetrahedron", "--size", "4", "-o", small]).status, 0)
        let r = try runCLI(["simulate", tet, small, "--plot", dir + "/o.svg", "--qmax", "20", "--qdamp", "0.03", "--uiso", "0.008", "--rmax", "12"])
        XCTAssertEqual(r.status, 0, r.err)
        let svg = try String(contentsOfFile: dir + "/o.svg", encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "<path").count - 1, 2, "one line per structure")
        for needle in ["G(r) of 2 structures", "Cd35Se20", "Cd20Se10", "Q 1.0–20.0 Å⁻¹", "qdamp 0.03", "Uiso", "X-rays"] {
            XCTAssertTrue(svg.contains(needle), "figure lacks \(needle)")
        }
        let one = try runCLI(["simulate", tet, "--plot", dir + "/one.svg", "--qmax", "22", "-o", dir + "/one.gr"])
        XCTAssertEqual(one.status, 0, one.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/one.svg", encoding: .utf8).contains("Q 1.0–22.0 Å⁻¹"))
        let bad = try runCLI(["simulate", tet, small])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.err.contains("--plot"), bad.err)
    }

    /// `classify --plot FILE.svg` writes one figure, as fit and simulate do; a directory still
    /// takes one plot per curve.
    func testClassifyPlotFileOrDirectory() throws {
        let dir = temporaryDirectory()
        let curve = fixture("measured/CdSe-3.gr")
        let r = try runCLI(["classify", curve, "--quick", "--plot", dir + "/one.svg"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/one.svg", encoding: .utf8).hasPrefix("<svg"))
        let two = try runCLI(["classify", curve, fixture("measured/CdSe-4.gr"), "--quick", "--plot", dir + "/two.svg"])
        XCTAssertEqual(two.status, 64)
        XCTAssertTrue(two.err.contains("names one figure"), two.err)
    }

    func testSimulateOutputsAndErrors() throws {
        let dir = temporaryDirectory()
        let tet = fixture("golden/Cd35Se20-tetrahedron.xyz")
        let r = try runCLI(["simulate", tet, "--qmax", "20", "--rmax", "10", "-o", dir + "/t.gr", "--iq-output", dir + "/t.iq", "--plot", dir + "/t.svg", "--partial", "Cd-Se"])
        XCTAssertEqual(r.status, 0, r.err)
        let gr = try MeasuredCurveReader.read(path: dir + "/t.gr")
        XCTAssertEqual(gr.header["formula"], "Cd35Se20")
        XCTAssertEqual(gr.header["qmax"], "20.0")
        XCTAssertEqual(gr.columnNames, ["r(A)", "G(A^-2)", "G_Cd-Se(A^-2)"])
        XCTAssertEqual(gr.x.last!, 10, accuracy: 1e-9)
        // The file is data for `fit` and `classify` (and PDFgetX3-style readers): the radiation under
        // PDFgetX3's key `mode`, the Debye-sum method under its own; the same cluster refined against
        // it comes back with Rw ≈ 0 and scale 1.
        XCTAssertEqual(gr.header["mode"], "xray")
        XCTAssertEqual(gr.header["composition"], "Cd35Se20")
        XCTAssertNotNil(gr.header["debye_sum"])
        let back = try runCLI(["fit", tet, dir + "/t.gr", "--rmin", "1.5", "--rmax", "10", "--json"])
        XCTAssertEqual(back.status, 0, back.err)
        let fitted = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(back.out.utf8)) as? [String: Any])
        XCTAssertLessThan(try XCTUnwrap(fitted["rw"] as? Double), 1e-3)
        let iq = try MeasuredCurveReader.read(path: dir + "/t.iq")
        XCTAssertEqual(iq.header["function"], "iq")
        XCTAssertTrue(try String(contentsOfFile: dir + "/t.svg", encoding: .utf8).contains("</svg>"))
        for f in ["fq", "sq", "iq", "rdf", "xrd"] {
            let o = try runCLI(["simulate", tet, "--function", f, "-o", dir + "/x.\(f)"])
            XCTAssertEqual(o.status, 0, "\(f): \(o.err)")
            XCTAssertGreaterThan(try MeasuredCurveReader.read(path: dir + "/x.\(f)").x.count, 100)
        }
        // A crystal gives its periodic G(r) (with an envelope if asked); other functions of a
        // crystal are refused with a hint; bad settings are refused; nothing is written.
        let periodic = try runCLI(["simulate", fixture("CdSe-Zincblende.cif"), "--envelope", "sphere", "--envelope-size", "psize=30", "-o", dir + "/p.gr"])
        XCTAssertEqual(periodic.status, 0, periodic.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/p.gr", encoding: .utf8).contains("envelope = sphere psize=30.0"))
        let c = try runCLI(["simulate", fixture("CdSe-Zincblende.cif"), "--function", "fq", "-o", dir + "/c.gr"])
        XCTAssertEqual(c.status, 1)
        XCTAssertTrue(c.err.contains("build sphere"), c.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/c.gr"))
        let e = try runCLI(["simulate", fixture("CdSe-Zincblende.cif"), "--envelope", "sphere", "--envelope-size", "psize=0", "-o", dir + "/c.gr"])
        XCTAssertTrue(e.status == 1 && e.err.contains("psize"), e.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/c.gr"))
        let q = try runCLI(["simulate", tet, "--qmin", "5", "--qmax", "2", "-o", dir + "/q.gr"])
        XCTAssertEqual(q.status, 1)
        XCTAssertTrue(q.err.contains("qmax"), q.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/q.gr"))
        let p = try runCLI(["simulate", tet, "--partial", "Cd-Xx"])
        XCTAssertEqual(p.status, 64, "an invalid option is a usage error (EX_USAGE)")
        XCTAssertTrue(p.err.contains("Cd-Xx"), p.err)
        let nodir = try runCLI(["simulate", tet, "-o", dir + "/missing/dir/t.gr"])
        XCTAssertEqual(nodir.status, 1)
        XCTAssertTrue(nodir.err.contains("does not exist"), nodir.err)
    }

    func testBuildCommandsAndErrors() throws {
        let dir = temporaryDirectory()
        let t = try runCLI(["build", "tetrahedron", "--size", "5", "-o", dir + "/t.cif"])
        XCTAssertEqual(t.status, 0, t.err)
        XCTAssertEqual(try StructureReader.read(path: dir + "/t.cif").structure.formula, "Cd35Se20")
        let bad = try runCLI(["build", "tetrahedron", "--size", "1"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("size"), bad.err)
        let el = try runCLI(["build", "crystal", "--structure", "zincblende", "--cation", "Qq"])
        XCTAssertEqual(el.status, 1)
        XCTAssertTrue(el.err.contains("unknown element 'Qq'"), el.err)
        let noa = try runCLI(["build", "crystal", "--structure", "zincblende", "--cation", "Au", "--anion", "Se"])
        XCTAssertEqual(noa.status, 1)
        XCTAssertTrue(noa.err.contains("give --a"), noa.err)
        let cluster = try runCLI(["build", "sphere", fixture("golden/CdSe-dimer.xyz"), "--radius", "5"])
        XCTAssertEqual(cluster.status, 1)
        XCTAssertTrue(cluster.err.contains("no lattice"), cluster.err)
    }
}

final class FitTableTests: XCTestCase {
    /// Two-phase names are printed whole; a parameter held at a bound gets no uncertainty.
    func testParameterTableFullNamesAndNoSigmaAtBound() throws {
        var q = RefinementParameter(try ParameterName(parsing: "qdamp"), value: 0.2, free: true, bounds: 0...0.2)
        q.atBound = true; q.uncertainty = 1050
        var u = RefinementParameter(try ParameterName(parsing: "phase1.uiso:Cd"), value: 0.01, free: true, bounds: 0.0001...0.1)
        u.uncertainty = 0.002
        let d1 = RefinementParameter(try ParameterName(parsing: "phase1.delta1"), value: 0, free: false)
        let d2 = RefinementParameter(try ParameterName(parsing: "phase1.delta2"), value: 5, free: false)
        let table = RefinementParameter.table([q, u, d1, d2])
        for name in ["phase1.uiso:Cd", "phase1.delta1", "phase1.delta2"] { XCTAssertTrue(table.contains(name + " "), "\(name) cut:\n\(table)") }
        let qline = try XCTUnwrap(table.split(separator: "\n").first { $0.hasPrefix("qdamp") })
        XCTAssertFalse(qline.contains("±"), String(qline))
        XCTAssertTrue(qline.contains("AT BOUND"))
        XCTAssertTrue(table.contains("± 0.002"))
    }
}
