import XCTest
@testable import ClusterPDF

final class XYZReaderTests: XCTestCase {
    let dimer = "2\nCdSe dimer\nCd 0 0 0\nSe 2.62 0 0\n"

    func testPlainXYZ() throws {
        let s = try XYZReader.parseFrames(text: dimer, file: "d.xyz")
        XCTAssertEqual(s.count, 1)
        XCTAssertEqual(s[0].formula, "CdSe")
        XCTAssertEqual(s[0].title, "CdSe dimer")
        XCTAssertEqual(s[0].atoms[1].position, SIMD3(2.62, 0, 0))
        XCTAssertEqual(s[0].diameter, 2.62, accuracy: 1e-12)
    }

    func testMultiFrameAndFrameOption() throws {
        let text = dimer + "2\nframe 2\nCd 0 0 0\nSe 2.70 0 0\n\n"
        let path = writeTemporary(text, name: "traj.xyz")
        let frames = try XYZReader.readFrames(path: path)
        XCTAssertEqual(frames.count, 2)
        let second = try StructureReader.read(path: path, options: StructureReadOptions(frame: 2))
        XCTAssertEqual(second.structure.atoms[1].position.x, 2.70)
        XCTAssertEqual(second.frameCount, 2)
        assertInputError(try StructureReader.read(path: path, options: StructureReadOptions(frame: 3)), contains: ["frame 3", "has 2"])
    }

    func testExtendedXYZ() throws {
        let text = """
        2
        Lattice="6.1 0 0 0 6.1 0 0 0 6.1" Properties=species:S:1:pos:R:3:forces:R:3 pbc="T T T" energy=-1.5
        Cd 0 0 0 0.1 0.2 0.3
        Se 1.525 1.525 1.525 0 0 0
        """
        let s = try XYZReader.parseFrames(text: text, file: "e.xyz")[0]
        XCTAssertEqual(s.lattice?.a ?? 0, 6.1, accuracy: 1e-12)
        XCTAssertEqual(s.lattice?.gamma ?? 0, 90, accuracy: 1e-9)
        XCTAssertEqual(s.atoms[1].position.x, 1.525, accuracy: 1e-12)
        // Species in a later column.
        let t2 = "1\nProperties=pos:R:3:species:S:1\n1 2 3 Cd\n"
        let s2 = try XYZReader.parseFrames(text: t2, file: "e2.xyz")[0]
        XCTAssertEqual(s2.atoms[0].element.symbol, "Cd")
        XCTAssertEqual(s2.atoms[0].position, SIMD3(1, 2, 3))
    }

    func testRoundTrip() throws {
        let tet = try StructureReader.read(path: fixture("golden/Cd35Se20-tetrahedron.xyz")).structure
        let back = try XYZReader.parseFrames(text: XYZWriter.string(tet), file: "rt.xyz")[0]
        XCTAssertEqual(back.count, tet.count)
        for (a, b) in zip(tet.atoms, back.atoms) {
            XCTAssertEqual(a.element, b.element)
            XCTAssertLessThan(simd_length(a.position - b.position), 1e-8)
        }
        // Extended XYZ keeps the lattice.
        let zb = try StructureReader.read(path: fixture("CdSe-Zincblende.cif")).structure
        let zb2 = try XYZReader.parseFrames(text: XYZWriter.string(zb), file: "zb.xyz")[0]
        XCTAssertEqual(zb2.lattice?.a ?? 0, 6.1, accuracy: 1e-8)
        XCTAssertEqual(zb2.count, 8)
    }

    func testBadInput() {
        assertInputError(try XYZReader.parseFrames(text: "3\nc\nCd 0 0 0\nSe 1 1 1\n", file: "t.xyz"), contains: ["t.xyz:5", "file ends after 2 of 3 atoms"])
        assertInputError(try XYZReader.parseFrames(text: "1\nc\nCd 0 0 0\nSe 1 1 1\n", file: "t.xyz"), contains: ["t.xyz:4", "atom count"])
        assertInputError(try XYZReader.parseFrames(text: "2\nc\nCd 0 0 0\nSe nan 1 1\n", file: "t.xyz"), contains: ["t.xyz:4", "'nan' is not a finite number"])
        assertInputError(try XYZReader.parseFrames(text: "2\nc\nCd 0 0 0\nSe 1 inf 1\n", file: "t.xyz"), contains: ["t.xyz:4", "'inf'"])
        assertInputError(try XYZReader.parseFrames(text: "2\nc\nCd 0 0 0\nXq 1 1 1\n", file: "t.xyz"), contains: ["t.xyz:4", "unknown element 'Xq'"])
        assertInputError(try XYZReader.parseFrames(text: "0\nempty\n", file: "t.xyz"), contains: ["t.xyz:1", "empty"])
        assertInputError(try XYZReader.parseFrames(text: "two\nc\n", file: "t.xyz"), contains: ["t.xyz:1", "expected the atom count"])
        assertInputError(try XYZReader.parseFrames(text: "1\nc\nCd 0 0\n", file: "t.xyz"), contains: ["t.xyz:3", "expected 'element x y z'"])
        assertInputError(try XYZReader.parseFrames(text: "\n\n", file: "t.xyz"), contains: ["no atoms"])
        // A line of blanks and tabs inside the atom block ends the frame early (byte-level check).
        assertInputError(try XYZReader.parseFrames(text: "3\nc\nCd 0 0 0\n \t \nSe 1 1 1\n", file: "t.xyz"),
                         contains: ["t.xyz:4", "file ends after 1 of 3 atoms"])
        // An unknown label is reported at its first line, whether or not known labels came before.
        assertInputError(try XYZReader.parseFrames(text: "3\nc\nCd 0 0 0\nCd 1 0 0\nXq 1 1 1\n", file: "t.xyz"),
                         contains: ["t.xyz:5", "unknown element 'Xq'"])
        assertInputError(try StructureReader.read(path: temporaryDirectory()), contains: ["is a directory"])
        assertInputError(try StructureReader.read(path: "/nonexistent/x.xyz"), contains: ["no such file"])
        let bin = temporaryDirectory() + "/b.xyz"
        _ = FileManager.default.createFile(atPath: bin, contents: Data([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]))
        assertInputError(try StructureReader.read(path: bin), contains: ["binary file"])
        let empty = temporaryDirectory() + "/e.xyz"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        assertInputError(try StructureReader.read(path: empty), contains: ["empty"])
    }

    /// The allocation-free path for lines that repeat the previous label reads what the full
    /// parser reads (tabs, signs, exponents, extra columns, labels with charges) and leaves every
    /// problem to it: a bad number, an out-of-range coordinate, too few fields or a label that only
    /// starts like the previous one are reported at their line as before.
    func testRepeatedLabelLinesReadAsTheFullParserReads() throws {
        let text = "6\nc\nCd 0 0 0\nCd\t+1.5e0 -2.25E-1 3 extra\n  Cd   0x1p-2 7 8\nSe2- 1 1 1\nSe2- .5 -0. 1e2\nSe2- 4 5 6 7 8\n"
        let s = try XYZReader.parseFrames(text: text, file: "t.xyz")[0]
        XCTAssertEqual(s.atoms.map(\.position), [SIMD3(0, 0, 0), SIMD3(1.5, -0.225, 3), SIMD3(0.25, 7, 8), SIMD3(1, 1, 1), SIMD3(0.5, 0, 100), SIMD3(4, 5, 6)])
        XCTAssertEqual(s.atoms.map(\.element.symbol), ["Cd", "Cd", "Cd", "Se", "Se", "Se"])
        XCTAssertEqual(s.atoms.map(\.charge), [0, 0, 0, -2, -2, -2])
        XCTAssertEqual(s.atoms.map(\.label), ["Cd", "Cd", "Cd", "Se2-", "Se2-", "Se2-"])
        assertInputError(try XYZReader.parseFrames(text: "2\nc\nCd 0 0 0\nCd 1 1x 1\n", file: "t.xyz"), contains: ["t.xyz:4", "'1x' is not a finite number"])
        assertInputError(try XYZReader.parseFrames(text: "2\nc\nCd 0 0 0\nCd 1 nan 1\n", file: "t.xyz"), contains: ["t.xyz:4", "'nan'"])
        assertInputError(try XYZReader.parseFrames(text: "2\nc\nCd 0 0 0\nCd 1 2e7 1\n", file: "t.xyz"), contains: ["t.xyz:4", "beyond"])
        assertInputError(try XYZReader.parseFrames(text: "2\nc\nCd 0 0 0\nCd 1 2\n", file: "t.xyz"), contains: ["t.xyz:4", "expected 'element x y z'"])
        assertInputError(try XYZReader.parseFrames(text: "2\nc\nCd 0 0 0\nCdx 1 2 3\n", file: "t.xyz"), contains: ["t.xyz:4", "unknown element 'Cdx'"])
    }

    /// A misspelt element symbol is an error naming file, line and symbol, never another element
    /// (issue: `Sx` was read as sulfur); symbols with charges or numbers and atomic numbers still read.
    func testElementSymbolsAreExact() throws {
        let misspelt = ["Sx", "Xx", "Cx", "Sse", "Cdd", "Ses", "Pp", "Inn", "Se1A", "C-d", "Cd+-", "Cd2+x", "S_e", "Q", "Du"]
        for bad in misspelt {
            let xyz = "2\nt\nCd 0 0 0\n\(bad) 2.6 0 0\n"
            assertInputError(try XYZReader.parseFrames(text: xyz, file: "m.xyz"), contains: ["m.xyz:4", "unknown element '\(bad)'"])
            let cif = "data_t\n_cell_length_a 6\n_cell_length_b 6\n_cell_length_c 6\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n" +
                "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n" +
                "Cd1 Cd 0 0 0\nS1 \(bad) 0.25 0.25 0.25\n"
            assertInputError(try CIFReader.parse(text: cif, file: "m.cif"), contains: ["m.cif:", "_atom_site_type_symbol"])
        }
        let good: [(String, String, Int)] = [("Cd", "Cd", 0), ("CD", "Cd", 0), ("se", "Se", 0), ("Cd2+", "Cd", 2), ("Se2-", "Se", -2),
                                              ("O-", "O", -1), ("Fe+3", "Fe", 3), ("Na0", "Na", 0), ("D", "D", 0), ("48", "Cd", 0)]
        for (text, symbol, charge) in good {
            let s = try XYZReader.parseFrames(text: "1\nt\n\(text) 0 0 0\n", file: "g.xyz")[0]
            XCTAssertEqual(s.atoms[0].element.symbol, symbol, text)
            XCTAssertEqual(s.atoms[0].charge, charge, text)
        }
        // CIF labels stay lenient (documented): no type symbol, label Se1A → Se.
        let labelOnly = "data_t\n_cell_length_a 6\n_cell_length_b 6\n_cell_length_c 6\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n" +
            "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nSe1A 0 0 0\n"
        XCTAssertEqual(try CIFReader.parse(text: labelOnly, file: "l.cif").unitCell.atoms.first?.element.symbol, "Se")
    }
}
