import XCTest
@testable import ClusterPDF

/// Input that used to crash or hang the program: each is now a clear error naming the file (and
/// line), with a non-zero exit and nothing written.
final class BadInputLimitsTests: XCTestCase {
    func testHugeCountsCoordinatesAndCellsAreErrors() throws {
        // An atom count far beyond the file (used to abort allocating 14 PB).
        assertInputError(try XYZReader.parseFrames(text: "99999999999999\n\nCd 0 0 0\n", file: "h.xyz"), contains: ["h.xyz:1", "the file has only"])
        // Coordinates beyond ±10⁶ Å (used to trap in the neighbour search and the Q grid).
        assertInputError(try XYZReader.parseFrames(text: "2\n\nCd 0 0 0\nSe 1e300 0 0\n", file: "b.xyz"), contains: ["b.xyz:4", "beyond"])
        // A 10⁻⁵ Å cell (used to take 7 GB and minutes).
        let tiny = "data_x\n_cell_length_a 1e-5\n_cell_length_b 1e-5\n_cell_length_c 1e-5\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCd 0 0 0\n"
        assertInputError(try CIFReader.parse(text: tiny, file: "t.cif"), contains: ["t.cif:2", "cell length a"])
        let far = tiny.replacingOccurrences(of: "1e-5", with: "5").replacingOccurrences(of: "Cd 0 0 0", with: "Cd 1e9 0 0")
        assertInputError(try CIFReader.parse(text: far, file: "f.cif"), contains: ["f.cif:10", "out of range"])
        // The library refuses such structures too (API users bypass the readers).
        let s = Structure(atoms: [Atom(element: Element(symbol: "Cd")!, position: SIMD3(0, 0, 0)), Atom(element: Element(symbol: "Se")!, position: SIMD3(1e30, 0, 0))])
        assertError(SettingsError.self, try DebyeCalculator(structure: s, settings: ScatteringSettings()), contains: ["beyond"])
        _ = StructureStatistics(structure: s)  // must not trap
    }

    /// Fit-range errors found by Scripts/fuzz name the data file.
    /// Temperatures of the calibration scan must be positive numbers; a bad one is an error that
    /// names it, before any curve is classified.
    func testCalibrationTemperaturesAreChecked() throws {
        for bad in ["0", "1,-2", "x", "nan"] {
            let r = try runCLI(["calibrate", "--mining", "--quick", "--samples", "1", "--temperatures", bad])
            XCTAssertNotEqual(r.status, 0, bad)
            XCTAssertTrue(r.err.contains("--temperatures"), r.err)
        }
    }

    /// Stacking limits (calibrate's scan and classify) must be W/Z pairs with 0 ≤ W < Z ≤ 1; a bad
    /// one is an error that names the option and the value, before any curve is classified.
    func testStackingLimitsAreChecked() throws {
        for bad in ["0.8/0.2", "0.2", "0.2/0.8,", "-1/0.5", "a/b"] {
            var r = try runCLI(["calibrate", "--mining", "--quick", "--samples", "1", "--stacking-limits", bad])
            XCTAssertNotEqual(r.status, 0, bad)
            XCTAssertTrue(r.err.contains("--stacking-limits") && r.err.contains("stacking limits"), r.err)
            r = try runCLI(["classify", repoRoot + "/Tests/ClusterPDFTests/Fixtures/measured/CdSe-4.gr", "--stacking-limits", bad])
            XCTAssertNotEqual(r.status, 0, bad)
            XCTAssertTrue(r.err.contains("--stacking-limits"), r.err)
            XCTAssertTrue(r.out.isEmpty, "nothing classified: \(r.out.prefix(200))")
        }
    }

    func testFitRangeErrorsNameTheFile() throws {
        let model = repoRoot + "/Structures/Cd35Se20.xyz"
        let short = writeTemporary("0.5 0.1\n0.6 0.2\n0.7 0.1\n", name: "short.gr")
        var r = try runCLI(["fit", model, short])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("short.gr") && r.err.contains("empty fit range"), r.err)
        let few = writeTemporary("1.0 0.1\n2.0 0.5\n30.0 0.1\n", name: "few.gr")
        r = try runCLI(["fit", model, few, "--rmax", "10"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("few.gr") && r.err.contains("fewer than the"), r.err)
    }

    func testNULByteAfterTheFirstBlockIsAnError() throws {
        var lines = ["1000", ""]
        for i in 0..<1000 { lines.append(String(format: "Cd %.4f 0.0 0.0", 3.0 * Double(i))) }
        var text = lines.joined(separator: "\n") + "\n"
        let cut = text.range(of: "Cd 2700.0000")!.lowerBound
        text.insert("\0", at: text.index(cut, offsetBy: 5))
        XCTAssertGreaterThan(text.utf8.count, 8192)
        let path = writeTemporary(text, name: "nul.xyz")
        assertInputError(try StructureReader.read(path: path), contains: ["nul.xyz:903", "NUL byte"])
        let out = temporaryDirectory() + "/x.gr"
        let r = try runCLI(["simulate", path, "-o", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}

/// Element-pair partials of every function where they are defined.
final class PartialFunctionTests: XCTestCase {
    func testPartialsSumToTheTotals() throws {
        let s = try StructureReader.read(path: repoRoot + "/Structures/Cd35Se20.xyz").structure
        var settings = ScatteringSettings()
        settings.displacements = DisplacementSettings(all: 0.005)
        settings.qmax = 15
        let calc = try DebyeCalculator(structure: s, settings: settings)
        let pairs = ["Cd-Cd", "Cd-Se", "Se-Se"].map { ElementPair($0)! }
        let (sq, iq) = calc.structureFactorAndIntensity()
        let parts = pairs.map { calc.partialStructureFactorAndIntensity($0) }
        let grid = calc.outputQGrid
        for k in stride(from: 0, to: grid.count, by: 37) {
            let self2 = calc.weights(at: grid[k]).nMeanSquare
            let sumI = parts.map { $0.i[k] }.reduce(0, +), sumS = parts.map { $0.s[k] }.reduce(0, +)
            XCTAssertEqual(iq.y[k] - sumI, self2, accuracy: 1e-8 * iq.y.map(abs).max()!, "Q = \(grid[k])")
            if grid[k] > 0 { XCTAssertEqual(sq.y[k] - 1, sumS, accuracy: 1e-9 * max(1, abs(sq.y[k]))) }
        }
        // R(r): the pair terms add up to the total.
        let r = calc.radialDistribution(), rp = pairs.map { calc.radialDistribution(partial: $0).y }
        for j in stride(from: 0, to: r.x.count, by: 50) { XCTAssertEqual(r.y[j], rp.map { $0[j] }.reduce(0, +), accuracy: 1e-9 * max(1, abs(r.y[j]))) }
        // The CLI: partial columns for iq, a clear error for a pair the structure lacks or for xrd.
        let dir = temporaryDirectory()
        var out = try runCLI(["simulate", repoRoot + "/Structures/Cd35Se20.xyz", "--function", "sq", "--partial", "Cd-Se", "-o", dir + "/s.sq"])
        XCTAssertEqual(out.status, 0, out.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/s.sq", encoding: .utf8).contains("S_Cd-Se"))
        out = try runCLI(["simulate", repoRoot + "/Structures/Cd35Se20.xyz", "--partial", "Cd-Te", "-o", dir + "/t.gr"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.err.contains("no Te"), out.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/t.gr"))
        out = try runCLI(["simulate", repoRoot + "/Structures/Cd35Se20.xyz", "--function", "xrd", "--partial", "Cd-Se", "-o", dir + "/x.xy"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.err.contains("no element-pair partials"), out.err)
    }
}

/// `info --atoms`: what the reader understood, atom by atom.
final class InfoAtomsTests: XCTestCase {
    func testInfoListsTheAtomsAsRead() throws {
        let r = try runCLI(["info", repoRoot + "/Structures/CdSe-wurtzite.cif", "--atoms", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let obj = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let atoms = obj["atomList"] as! [[String: Any]]
        XCTAssertEqual(atoms.count, 4)
        let se = atoms.first { ($0["element"] as? String) == "Se" }!
        let f = se["fractional"] as! [Double]
        XCTAssertEqual(f[2].truncatingRemainder(dividingBy: 0.5), 0.375, accuracy: 1e-6)
        XCTAssertEqual(se["occupancy"] as? Double, 1)
        let text = try runCLI(["info", repoRoot + "/Structures/Cd35Se20.xyz", "--atoms"])
        XCTAssertTrue(text.out.contains("atoms as read:") && text.out.contains("  55  "), text.out)
        XCTAssertFalse(text.out.contains("-0.0000"))
        // Without --atoms no list (the JSON key is absent).
        let plain = try runCLI(["info", repoRoot + "/Structures/Cd35Se20.xyz", "--json"])
        XCTAssertFalse(plain.out.contains("atomList"))
    }
}

/// Mixed-occupancy sites: two species on one position, occupancies summing to at most 1.
final class MixedSiteTests: XCTestCase {
    /// I(Q) of a cluster with one Cd/Zn 0.5/0.5 site is the mean of the all-Cd and the Zn-substituted
    /// clusters, exactly (pair terms linear in each occupancy, self term Σ occ f², no Cd–Zn pair on
    /// the site), in both evaluation modes; overlapping atoms whose occupancies exceed 1 are refused.
    func testMixedSiteIsTheAverageOfItsConfigurations() throws {
        let base = try StructureReader.read(path: repoRoot + "/Structures/Cd35Se20.xyz").structure
        let cd = Element(symbol: "Cd")!, zn = Element(symbol: "Zn")!
        let k = base.atoms.firstIndex { $0.element == cd }!
        var withZn = base
        withZn.atoms[k].element = zn
        var mixed = base
        mixed.atoms[k].occupancy = 0.5
        var partner = base.atoms[k]
        partner.element = zn
        partner.occupancy = 0.5
        mixed.atoms.append(partner)
        for mode in [DebyeMode.exact, .histogram] {
            var s = ScatteringSettings()
            s.mode = mode
            s.qmax = 12
            s.displacements = DisplacementSettings(all: 0.006)
            let i1 = try DebyeCalculator(structure: base, settings: s).structureFactorAndIntensity().i.y
            let i2 = try DebyeCalculator(structure: withZn, settings: s).structureFactorAndIntensity().i.y
            let im = try DebyeCalculator(structure: mixed, settings: s).structureFactorAndIntensity().i.y
            let scale = i1.map(abs).max()!
            for q in stride(from: 0, to: im.count, by: 20) {
                XCTAssertEqual(im[q], (i1[q] + i2[q]) / 2, accuracy: (mode == .exact ? 1e-10 : 1e-6) * scale, "\(mode) Q index \(q)")
            }
        }
        var over = mixed
        over.atoms[over.atoms.count - 1].occupancy = 0.8
        assertError(SettingsError.self, try DebyeCalculator(structure: over, settings: ScatteringSettings()), contains: ["overlap", "1.300", "at most 1"])
    }

    /// A CIF with a Cd/Zn 0.5/0.5 site: read, reported with its occupancy formula, carved into a
    /// cluster whose XYZ keeps the occupancies (extended XYZ column), simulated.
    func testMixedSiteFromCIFThroughXYZ() throws {
        let cif = """
        data_CdZnSe
        _cell_length_a 5.9
        _cell_length_b 5.9
        _cell_length_c 5.9
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        _symmetry_space_group_name_H-M 'F -4 3 m'
        loop_
        _atom_site_label
        _atom_site_type_symbol
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        _atom_site_occupancy
        Cd1 Cd 0 0 0 0.5
        Zn1 Zn 0 0 0 0.5
        Se1 Se 0.25 0.25 0.25 1

        """
        let path = writeTemporary(cif, name: "mixed.cif")
        var r = try runCLI(["info", path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Cd4Se4Zn4 (sites); Cd2Se4Zn2 (occupancies)"), r.out)
        let dir = temporaryDirectory()
        r = try runCLI(["build", "sphere", path, "--radius", "7", "-o", dir + "/s.xyz"])
        XCTAssertEqual(r.status, 0, r.err)
        let sphere = try StructureReader.read(path: dir + "/s.xyz").structure
        XCTAssertTrue(sphere.atoms.filter { $0.element.symbol != "Se" }.allSatisfy { $0.occupancy == 0.5 })
        XCTAssertEqual(XYZWriter.string(sphere), try String(contentsOfFile: dir + "/s.xyz", encoding: .utf8), "occupancies round-trip")
        r = try runCLI(["simulate", dir + "/s.xyz", "-o", dir + "/s.gr"])
        XCTAssertEqual(r.status, 0, r.err)
    }
}

/// "-" for standard input and output; devices and pipes are written into, never replaced.
final class StandardStreamsTests: XCTestCase {
    func run(_ args: [String], stdin: String) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = executableURL
        p.arguments = args
        let i = Pipe(), o = Pipe(), e = Pipe()
        p.standardInput = i; p.standardOutput = o; p.standardError = e
        try p.run()
        i.fileHandleForWriting.write(Data(stdin.utf8))
        try i.fileHandleForWriting.close()
        let od = o.fileHandleForReading.readDataToEndOfFile(), ed = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: od, as: UTF8.self), String(decoding: ed, as: UTF8.self))
    }

    func testDashReadsStandardInputAndWritesStandardOutput() throws {
        let xyz = try String(contentsOfFile: repoRoot + "/Structures/Cd35Se20.xyz", encoding: .utf8)
        var r = try run(["info", "-"], stdin: xyz)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("file:       <stdin>") && r.out.contains("Cd35Se20"), r.out)
        r = try run(["simulate", "-", "-o", "-"], stdin: xyz)
        XCTAssertEqual(r.status, 0, r.err)
        let curve = try MeasuredCurveReader.parse(text: r.out, file: "stdout.gr")
        XCTAssertGreaterThan(curve.x.count, 100)
        // Errors in standard input are named <stdin> with the line.
        r = try run(["info", "-"], stdin: "2\n\nCd 0 0 0\nSe 1 x 0\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("<stdin>:4"), r.err)
    }

    func testAnOutputNeverReplacesAnInput() throws {
        let dir = temporaryDirectory()
        let xyz = dir + "/in.xyz"
        try FileManager.default.copyItem(atPath: repoRoot + "/Structures/Cd35Se20.xyz", toPath: xyz)
        let before = try String(contentsOfFile: xyz, encoding: .utf8)
        for args in [["simulate", xyz, "-o", dir + "/./in.xyz"], ["build", "jitter", xyz, "--sigma", "0.1", "-o", xyz],
                     ["homology", xyz, repoRoot + "/Structures/Cd35Se20.xyz", "-o", xyz]] {
            let r = try runCLI(args)
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertTrue(r.err.contains("it is an input of this command"), r.err)
        }
        XCTAssertEqual(try String(contentsOfFile: xyz, encoding: .utf8), before)
    }

    func testAFIFOIsWrittenIntoNotReplaced() throws {
        let dir = temporaryDirectory()
        let fifo = dir + "/out.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A reader drains the FIFO while clusterpdf writes into it.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        let o = Pipe()
        reader.standardOutput = o
        try reader.run()
        let r = try runCLI(["simulate", repoRoot + "/Structures/Cd35Se20.xyz", "-o", fifo])
        let got = String(decoding: o.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reader.waitUntilExit()
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(got.contains("formula = Cd35Se20"))
        var st = stat()
        XCTAssertEqual(stat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "the FIFO is still a FIFO")
    }
}

/// Standard output that cannot be written (a pipe closed by the reader, a full disk) is an error
/// with a message and exit status 1, not a silent death by SIGPIPE.
final class ClosedPipeTests: XCTestCase {
    func testClosedPipeGivesMessageAndStatus() throws {
        let p = Process()
        p.executableURL = executableURL
        p.arguments = ["simulate", repoRoot + "/Structures/Cd35Se20.xyz", "--function", "xrd", "--tth-min", "5", "--tth-max", "120", "--tth-step", "0.0002"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        try out.fileHandleForReading.close()  // the reader goes away (like `| head`)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "not killed by SIGPIPE")
        XCTAssertEqual(p.terminationStatus, 1)
        XCTAssertTrue(message.contains("cannot write to standard output"), message)
    }

    func testFullDiskOnStandardOutput() throws {
        // Our own "full" device node (char 1:7, like /dev/full) in a temporary directory, never the system's.
        let node = temporaryDirectory() + "/full"
        guard mknod(node, mode_t(S_IFCHR | 0o666), dev_t((1 << 8) | 7) /* makedev(1, 7) */) == 0, let full = FileHandle(forWritingAtPath: node) else {
            throw XCTSkip("cannot make a device node here (needs root)")
        }
        defer { try? full.close(); unlink(node) }
        let p = Process()
        p.executableURL = executableURL
        p.arguments = ["info", repoRoot + "/Structures/Cd35Se20.xyz"]
        let err = Pipe()
        p.standardOutput = full; p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1)
        XCTAssertTrue(message.contains("cannot write to standard output") && message.contains("No space"), message)
    }
}

/// PDFfit2 .stru, PDB and mmCIF files are read by their format (never parsed as small-molecule CIF
/// or XYZ); other formats are recognised and refused with what to do.
final class OtherFormatsTests: XCTestCase {
    /// A wurtzite CdSe .stru as PDFgui writes it (all four atoms of the cell): the same crystal and
    /// periodic G(r) as the CIF, the space group found by spglib.
    func testStruReadAsCrystal() throws {
        var atoms = ""
        for (el, z) in [("CD", 0.0), ("CD", 0.5), ("SE", 0.375), ("SE", 0.875)] {
            let (x, y) = z == 0.0 || z == 0.375 ? (1.0 / 3, 2.0 / 3) : (2.0 / 3, 1.0 / 3)
            atoms += String(format: "%@ %.8f %.8f %.8f 1.0000\n 0 0 0 0\n 0.0100 0.0100 0.0100\n 0 0 0\n 0 0 0\n 0 0 0\n", el, x, y, z)
        }
        let text = "title  CdSe wurtzite\nformat pdffit\nscale  1.000000\nsharp  0.0, 0.0, 1.0, 3.5\nspcgr  P63mc\ncell   4.300, 4.300, 7.011, 90.0, 90.0, 120.0\ndcell  0,0,0,0,0,0\nncell  1, 1, 1, 4\natoms\n" + atoms
        let loaded = try StructureReader.read(path: writeTemporary(text, name: "phase.stru"))
        XCTAssertEqual(loaded.kind, .crystal)
        XCTAssertEqual(loaded.structure.count, 4)
        XCTAssertEqual(loaded.crystal?.spaceGroupName?.replacingOccurrences(of: " ", with: "").lowercased().hasPrefix("p6_3mc") == true
                       || loaded.crystal?.spaceGroupName?.replacingOccurrences(of: " ", with: "").lowercased().hasPrefix("p63mc") == true, true,
                       "\(loaded.crystal?.spaceGroupName ?? "nil")")
        XCTAssertEqual(loaded.crystal?.sites.count, 2, "two sites after symmetrizing")
        XCTAssertTrue(loaded.notes.contains { $0.contains("spglib") && $0.contains("P63mc") }, "\(loaded.notes)")
        XCTAssertEqual(loaded.structure.atoms[0].uiso ?? 0, 0.01, accuracy: 1e-12)
        assertInputError(try StructureReader.read(path: writeTemporary("format pdffit\ncell 4.3, 4.3, 7.0, 90, 90, 120\nncell 2, 2, 1, 16\natoms\n", name: "s.stru")), contains: ["s.stru:3", "supercell"])
        assertInputError(try StructureReader.read(path: writeTemporary("format pdffit\ncell 4.3, 4.3\n", name: "c.stru")), contains: ["c.stru:2", "cell"])
        assertInputError(try StructureReader.read(path: writeTemporary("format pdffit\ncell 4.3, 4.3, 7, 90, 90, 120\natoms\nQQ 0 0 0 1\n", name: "a.stru")), contains: ["a.stru:4", "atom line"])
    }

    /// PDB: ATOM/HETATM records as a finite cluster, element from columns 77–78 or the atom name,
    /// Uiso = B/8π²; a real CRYST1 cell is noted, not used; bad coordinates are named by line.
    func testPDBReadAsCluster() throws {
        let pdbText = """
        CRYST1    4.300    4.300    7.011  90.00  90.00 120.00 P 63 m c
        ATOM      1 CD   CDS A   1       0.000   2.482   0.000  1.00  0.79          CD
        HETATM    2 SE   CDS A   1       0.000   2.482   2.629  1.00  0.79          SE
        ATOM      3 CD1  CDS A   1       2.150   1.241   3.506  0.50  0.00
        END
        """
        for name in ["x.pdb", "noext"] {
            let loaded = try StructureReader.read(path: writeTemporary(pdbText, name: name))
            XCTAssertEqual(loaded.kind, .cluster)
            XCTAssertEqual(Set(loaded.structure.elements.map(\.symbol)), ["Cd", "Se"])
            XCTAssertEqual(loaded.structure.count, 3)
            XCTAssertEqual(loaded.structure.atoms[1].position.z, 2.629, accuracy: 1e-12)
            XCTAssertEqual(loaded.structure.atoms[0].uiso ?? 0, 0.79 / (8 * Double.pi * Double.pi), accuracy: 1e-12)
            XCTAssertEqual(loaded.structure.atoms[2].occupancy, 0.5)
            XCTAssertTrue(loaded.notes.contains { $0.contains("CRYST1") })
        }
        let bad = "ATOM      1 CD   CDS A   1       0.000   abcde   0.000  1.00  0.00          CD\n"
        assertInputError(try StructureReader.read(path: writeTemporary(bad, name: "b.pdb")), contains: ["b.pdb:1", "coordinates"])
        // mmCIF: the atom_site loop as a cluster, first model only; never the small-molecule CIF path.
        let mm = "data_1ABC\n_cell.length_a 4.3\nloop_\n_atom_site.group_PDB\n_atom_site.id\n_atom_site.type_symbol\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n_atom_site.occupancy\n_atom_site.B_iso_or_equiv\n_atom_site.pdbx_PDB_model_num\n"
            + "HETATM 1 CD 0 0 0 1.0 0.79 1\nHETATM 2 SE 0 0 2.63 1.0 0.79 1\nHETATM 3 SE 9 9 9 1.0 0.79 2\n"
        let m = try StructureReader.read(path: writeTemporary(mm, name: "m.cif"))
        XCTAssertEqual(m.kind, .cluster); XCTAssertEqual(m.structure.count, 2)
        XCTAssertEqual(m.structure.atoms[1].position.z, 2.63)
        XCTAssertTrue(m.notes.contains { $0.contains("first") } && m.notes.contains { $0.contains("_cell") }, "\(m.notes)")
        let badmm = "data_x\nloop_\n_atom_site.group_PDB\n_atom_site.type_symbol\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\nATOM QQ 0 0 0\n"
        assertInputError(try StructureReader.read(path: writeTemporary(badmm, name: "q.cif")), contains: ["q.cif", "element"])
    }
}
