import XCTest
@testable import ClusterPDF

final class CIFReaderTests: XCTestCase {
    func bond(_ s: Structure, _ pair: String) -> PairStatistics {
        StructureStatistics(structure: s).pairs.first { $0.pair == pair }!
    }

    func testZincblendeCIF() throws {
        let l = try StructureReader.read(path: fixture("CdSe-Zincblende.cif"))
        XCTAssertEqual(l.kind, .crystal)
        XCTAssertEqual(l.structure.formula, "Cd4Se4")
        let b = bond(l.structure, "Cd-Se")
        XCTAssertEqual(b.meanBondLength!, 6.1 * 3.0.squareRoot() / 4, accuracy: 1e-4)
        XCTAssertEqual(b.shortestDistance!, 2.641, accuracy: 5e-4)
        let st = StructureStatistics(structure: l.structure)
        XCTAssertTrue(st.coordination.allSatisfy { $0 == 4 }, "\(st.coordination)")
    }

    func testWurtziteCIF() throws {
        let l = try StructureReader.read(path: fixture("CdSe-Wurtzite.cif"))
        XCTAssertEqual(l.structure.formula, "Cd2Se2")
        XCTAssertEqual(l.operationCount(), 12)
        let st = StructureStatistics(structure: l.structure)
        XCTAssertTrue(st.coordination.allSatisfy { $0 == 4 })
        // One axial bond (u·c) and three basal ones.
        var lengths = [Double]()
        NeighborSearch(structure: l.structure, cutoff: 3.0).forEachNeighbor { i, _, d in if i == 0 { lengths.append(d) } }
        lengths.sort()
        XCTAssertEqual(lengths.count, 4)
        XCTAssertEqual(lengths[0], 2.625, accuracy: 5e-4)
        XCTAssertEqual(lengths[3], 2.632, accuracy: 5e-4)
    }

    /// The CSD-style fixture: half a molecule on a two-fold axis in P2/c, ligands on special positions.
    func testMolecularCrystalAssembly() throws {
        let l = try StructureReader.read(path: fixture("csd-style-InP.cif"))
        XCTAssertEqual(l.kind, .molecularCrystal)
        XCTAssertEqual(l.molecules?.count, 2, "Z = 2 molecules in the cell")
        let m = l.structure
        XCTAssertEqual(m.formula, "C2H8In2P2")
        XCTAssertEqual(l.molecules?[1].formula, "C2H8In2P2")
        let st = StructureStatistics(structure: m)
        func mean(_ p: String) -> Double { st.pairs.first { $0.pair == p }!.meanBondLength! }
        XCTAssertEqual(mean("In-P"), 2.524, accuracy: 2e-3)
        XCTAssertEqual(mean("In-C"), 2.150, accuracy: 2e-3)
        XCTAssertEqual(mean("C-H"), 1.090, accuracy: 2e-3)
        XCTAssertEqual(mean("P-H"), 1.420, accuracy: 2e-3)
        XCTAssertEqual(st.pairs.first { $0.pair == "In-P" }!.bondCount, 4)
        // Anisotropic U from the aniso loop, with esds stripped; Uiso kept.
        let inAtom = m.atoms.first { $0.element.symbol == "In" }!
        XCTAssertEqual(inAtom.uiso!, 0.0211, accuracy: 1e-12)
        XCTAssertNotNil(inAtom.uij)
        XCTAssertEqual(inAtom.uij!.uEquivalent, 0.0211, accuracy: 1.5e-3)
        // Each whole molecule is compact (not split across the cell).
        XCTAssertLessThan(m.diameter, 12)
    }

    func testCIFSyntax() throws {
        let text = """
        # comment
        data_first
        _cell_length_a 5
        _cell_length_b 5
        _cell_length_c 5
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        _note 'it''s quoted'
        _other "double # not a comment"
        loop_
        _atom_site_label _atom_site_type_symbol _atom_site_fract_x _atom_site_fract_y _atom_site_fract_z _atom_site_B_iso_or_equiv
        Na1 Na+ 0 0 0 0.7896
        Cl1 Cl- 0.5 0.5 0.5 ?
        data_second
        _cell_length_a 4
        _cell_length_b 4
        _cell_length_c 4
        loop_
        _atom_site_label _atom_site_fract_x _atom_site_fract_y _atom_site_fract_z
        Cu1 0 0 0
        """
        let first = try CIFReader.parse(text: text, file: "s.cif")
        XCTAssertEqual(first.unitCell.formula, "ClNa")
        XCTAssertEqual(first.unitCell.atoms[0].charge, 1)
        XCTAssertEqual(first.unitCell.atoms[0].uiso!, 0.7896 / (8 * .pi * .pi), accuracy: 1e-12)
        XCTAssertNil(first.unitCell.atoms[1].uiso)
        let second = try CIFReader.parse(text: text, file: "s.cif", options: CIFReadOptions(block: "second"))
        XCTAssertEqual(second.unitCell.formula, "Cu")
        assertInputError(try CIFReader.parse(text: text, file: "s.cif", options: CIFReadOptions(block: "third")), contains: ["no data block 'third'"])
        let blocks = try CIFParser.parse(text: text, file: "s.cif")
        XCTAssertEqual(blocks[0].items["_other"]?.text, "double # not a comment")
    }

    func testRoundTripCrystalAndCluster() throws {
        for name in ["CdSe-Zincblende.cif", "csd-style-InP.cif", "golden/Cd35Se20-tetrahedron.xyz"] {
            let s = try StructureReader.read(path: fixture(name)).structure
            let text = CIFWriter.string(s)
            let back = try StructureReader.read(path: writeTemporary(text, name: "rt.cif"))
            XCTAssertEqual(back.structure.count, s.count, name)
            XCTAssertEqual(back.structure.formula, s.formula, name)
            // The same atoms (a crystal is written in its space group, so they may come back in
            // another order, or as another image of the cell).
            for a in s.atoms {
                let nearest = back.structure.atoms.filter { $0.element == a.element }.map { b -> Double in
                    guard let l = s.lattice else { return simd_length(a.position - b.position) }
                    var d = l.fractional(a.position - b.position)
                    d -= d.rounded(.toNearestOrEven)
                    return simd_length(l.cartesian(d))
                }.min() ?? .infinity
                XCTAssertLessThan(nearest, 1e-6, name)
            }
            // Writing again gives the same text.
            XCTAssertEqual(CIFWriter.string(back.structure).split(separator: "\n").dropFirst(), text.split(separator: "\n").dropFirst(), name)
        }
    }

    func testBadCIF() {
        let good = try! String(contentsOfFile: fixture("CdSe-Zincblende.cif"), encoding: .utf8)
        // A loop with a missing value.
        let missing = good.replacingOccurrences(of: "Se1  Se\t0.25\t0.25\t0.25", with: "Se1  Se\t0.25\t0.25")
        XCTAssertNotEqual(missing, good, "fixture changed: update the test")
        assertInputError(try CIFReader.parse(text: missing, file: "m.cif"), contains: ["m.cif:", "value is missing"])
        // Zero-volume cell.
        let flat = good.replacingOccurrences(of: "_cell_angle_gamma", with: "_cell_angle_gamma 180 #")
        assertInputError(try CIFReader.parse(text: flat, file: "z.cif"), contains: ["z.cif", "cell"])
        let zero = good.replacingOccurrences(of: "_cell_length_a", with: "_cell_length_a 0 #")
        assertInputError(try CIFReader.parse(text: zero, file: "z.cif"), contains: ["positive"])
        // Unknown element and NaN coordinate.
        let unknown = good.replacingOccurrences(of: "Cd1  Cd", with: "Qq1  Qq")
        assertInputError(try CIFReader.parse(text: unknown, file: "u.cif"), contains: ["u.cif:", "type symbol 'Qq' of atom site 'Qq1' is not an element symbol", "_atom_site_type_symbol"])
        let nan = good.replacingOccurrences(of: "Se1  Se\t0.25\t0.25\t0.25", with: "Se1  Se\t0.25\tnan\t0.25")
        assertInputError(try CIFReader.parse(text: nan, file: "n.cif"), contains: ["n.cif:", "not a finite number"])
        assertInputError(try CIFReader.parse(text: "_cell_length_a 4\n", file: "x.cif"), contains: ["before any data_ block"])
        assertInputError(try CIFReader.parse(text: "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n", file: "x.cif"), contains: ["no atom sites"])
        assertInputError(try CIFReader.parse(text: "data_x\n_cell_length_a 4\n", file: "x.cif"), contains: ["missing cell parameter _cell_length_b"])
        assertInputError(try CIFReader.parse(text: "data_x\n_a 'open\n", file: "x.cif"), contains: ["x.cif:2", "unterminated"])
        assertInputError(try CIFReader.parse(text: "data_x\n;\nnever closed\n", file: "x.cif"), contains: ["x.cif:2", "never closed"])
        let badop = good.replacingOccurrences(of: "'+x,+y,+z'", with: "'+x,+y,+q'")
        XCTAssertNotEqual(badop, good)
        assertInputError(try CIFReader.parse(text: badop, file: "o.cif"), contains: ["o.cif:14", "symmetry operation"])
    }
}

extension LoadedStructure {
    func operationCount() -> Int {
        (try? CIFReader.read(path: path).operationCount) ?? 0
    }
}

/// Cell angles outside (0°, 180°) and angle triples that give no cell are errors naming the item.
final class CellAngleTests: XCTestCase {
    func cif(alpha: String, beta: String, gamma: String) -> String {
        """
        data_bad
        _cell_length_a 4.3
        _cell_length_b 4.3
        _cell_length_c 7.0
        _cell_angle_alpha \(alpha)
        _cell_angle_beta \(beta)
        _cell_angle_gamma \(gamma)
        _symmetry_space_group_name_H-M 'P 1'
        loop_
        _atom_site_label
        _atom_site_type_symbol
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        Cd1 Cd 0 0 0
        Se1 Se 0.33 0.67 0.37

        """
    }

    func testBadAnglesAreRefused() {
        for (a, b, g, fragment) in [("90", "90", "190", "gamma = 190"), ("90", "180", "90", "beta = 180"),
                                    ("30", "40", "100", "give no cell"), ("120", "120", "120", "give no cell")] {
            let path = writeTemporary(cif(alpha: a, beta: b, gamma: g), name: "bad-angle.cif")
            assertInputError(try StructureReader.read(path: path), contains: ["bad-angle.cif", "_cell", fragment])
        }
        XCTAssertThrowsError(try Lattice(a: 4, b: 4, c: 4, alpha: 90, beta: 90, gamma: 190))
        XCTAssertNoThrow(try Lattice(a: 4.3, b: 4.3, c: 7, alpha: 90, beta: 90, gamma: 120))
        XCTAssertNoThrow(try Lattice(a: 5, b: 5, c: 5, alpha: 60, beta: 60, gamma: 60), "a primitive fcc cell")
    }
}

final class SpaceGroupSettingTests: XCTestCase {
    /// A centred space group in a setting spglib's database lacks ('A -1'), named without
    /// operations: derived from its primitive counterpart and the centring, with a note — the same
    /// atoms as when the file lists the operations.
    func testNonStandardCentredSettingIsDerivedNotRefused() throws {
        let ops = try XCTUnwrap(SpaceGroup.resolve(symbol: "A -1"))
        XCTAssertEqual(ops.operations.count, 4)  // 1, -1, and both shifted by (0, 1/2, 1/2)
        XCTAssertNotNil(ops.note)
        XCTAssertNil(SpaceGroup.resolve(symbol: "P -1")?.note, "database groups carry no note")
        XCTAssertNil(SpaceGroup.resolve(symbol: "Q -1"), "not a lattice letter")
        let cell = "data_t\n_cell_length_a 7\n_cell_length_b 8\n_cell_length_c 9\n_cell_angle_alpha 80\n_cell_angle_beta 85\n_cell_angle_gamma 95\n"
        let sites = "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCd1 Cd 0.1 0.2 0.3\nSe1 Se 0.3 0.1 0.15\n"
        let named = try CIFReader.parse(text: cell + "_symmetry_space_group_name_H-M 'A -1'\n" + sites, file: "a.cif")
        let listed = try CIFReader.parse(text: cell + "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n-x,-y,-z\nx,y+1/2,z+1/2\n-x,-y+1/2,-z+1/2\n" + sites, file: "b.cif")
        XCTAssertEqual(named.unitCell.count, 8)
        XCTAssertEqual(named.unitCell.count, listed.unitCell.count)
        func key(_ s: Structure) -> [String] { s.atoms.map { String(format: "%@ %.4f %.4f %.4f", $0.element.symbol, $0.position.x, $0.position.y, $0.position.z) }.sorted() }
        XCTAssertEqual(key(named.unitCell), key(listed.unitCell))
        XCTAssertTrue(named.notes.contains { $0.contains("non-standard setting") }, "\(named.notes)")
    }
}

final class SpaceGroupTagTests: XCTestCase {
    /// A space group named with the dotted DDLm/mmCIF tags and no operations is applied, never P1.
    func testDottedSpaceGroupTagsAreRead() throws {
        let cell = "data_t\n_cell_length_a 7\n_cell_length_b 8\n_cell_length_c 9\n_cell_angle_alpha 90\n_cell_angle_beta 100\n_cell_angle_gamma 90\n"
        let sites = "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCd1 Cd 0.1 0.2 0.3\n"
        for tag in ["_space_group.name_H-M_alt 'P 1 21/n 1'", "_symmetry.space_group_name_H-M 'P 1 21/n 1'", "_space_group.name_Hall '-P 2yn'", "_space_group.IT_number 14"] {
            let c = try CIFReader.parse(text: cell + tag + "\n" + sites, file: "d.cif")
            XCTAssertEqual(c.unitCell.count, 4, tag)
            XCTAssertTrue(c.declaresSymmetry, tag)
        }
    }
}
