import XCTest
@testable import ClusterPDF

/// The 707 real CIFs of `Fixtures/cif-corpus/` (COD, public domain; see its README.md) read by
/// ClusterPDF and compared with gemmi's reading (`reference.tsv`, written by
/// `Scripts/make-cif-reference`): per element, the number of unit-cell sites, the summed occupancy
/// and ten occupancy-weighted "element structure factors" Σ exp(2πi h·x).
final class CIFCorpusTests: XCTestCase {
    static let hs: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1), SIMD3(1, 1, 0), SIMD3(1, 0, 1), SIMD3(0, 1, 1),
                                      SIMD3(1, 1, 1), SIMD3(2, 1, 3), SIMD3(3, 2, 1), SIMD3(1, 3, 2)]

    /// Files whose coordinates are written as fractions ("1/4"): ClusterPDF reads them, gemmi
    /// reads them as unknown (those sites vanish from its unit cell).
    static let fractionCoordinates: Set<String> = ["tests__inputs__1100910-simple-fractions.cif", "tests__inputs__2009306-xyz-simple-fract.cif",
                                                   "tests__inputs__2011406-xy-simple-fract.cif"]

    struct Fingerprint { var count: Int; var occupancy: Double; var f: [Double] }

    static func fingerprint(_ cell: Structure) -> [String: Fingerprint] {
        var out = [String: Fingerprint]()
        guard let lattice = cell.lattice else { return out }
        for atom in cell.atoms {
            let x = lattice.fractional(atom.position)
            var fp = out[atom.element.symbol] ?? Fingerprint(count: 0, occupancy: 0, f: [Double](repeating: 0, count: 2 * hs.count))
            fp.count += 1
            fp.occupancy += atom.occupancy
            for (k, h) in hs.enumerated() {
                let phase = 2 * Double.pi * (h * x).sum()
                fp.f[2 * k] += atom.occupancy * cos(phase)
                fp.f[2 * k + 1] += atom.occupancy * sin(phase)
            }
            out[atom.element.symbol] = fp
        }
        return out
    }

    func testCorpusAgreesWithGemmi() throws {
        let dir = repoRoot + "/Tests/ClusterPDFTests/Fixtures/cif-corpus/"
        let lines = try String(contentsOfFile: dir + "reference.tsv", encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(lines.count, 707)
        var agree = 0, differ = [String](), refusedByUs = [String](), refusedByBoth = 0, onlyUs = 0, asP1 = [String]()
        var gemmiIgnoresSymmetry = [String](), fractions = 0, unnamedByGemmi = 0
        for line in lines {
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let name = cols[0]
            let ours: CIFContents
            do {
                ours = try CIFReader.read(path: dir + name)
            } catch {
                let message = "\(error)"
                XCTAssertTrue(message.contains(name), "\(name): the message must name the file: \(message)")
                if cols[1].hasPrefix("error") { refusedByBoth += 1 } else { refusedByUs.append("\(name): \(message)") }
                continue
            }
            if ours.declaresSymmetry == false || ours.operationCount == 1 {
                // Read as P1: only right when the file says P1 (or gives nothing: then it must warn — counted).
                if cols[1].hasPrefix("ok"), cols.count > 2, !["P 1", "P1", "?"].contains(cols[2]) { asP1.append("\(name) (gemmi: \(cols[2]))") }
            }
            guard cols[1].hasPrefix("ok") else { onlyUs += 1; continue }
            // gemmi found no space group where the file declares one (a symbol it does not parse,
            // a number alone): gemmi stays in P1, ClusterPDF expands. Not a disagreement about atoms.
            if cols[2] == "?", ours.declaresSymmetry, ours.operationCount > 1 { gemmiIgnoresSymmetry.append(name); continue }
            if Self.fractionCoordinates.contains(name) { fractions += 1; continue }
            var ref = [String: Fingerprint]()
            for field in cols.dropFirst(3) {
                let p = field.split(separator: " ").map(String.init)
                // gemmi and ClusterPDF both name deuterium sites D.
                let el = p[0]
                let fp = Fingerprint(count: Int(p[1])!, occupancy: Double(p[2])!, f: p.dropFirst(3).map { Double($0)! })
                ref[el] = ref[el].map { Fingerprint(count: $0.count + fp.count, occupancy: $0.occupancy + fp.occupancy, f: zip($0.f, fp.f).map { $0 + $1 }) } ?? fp
            }
            let mine = Self.fingerprint(ours.unitCell)
            var problems = [String]()
            func compare(_ el: String, _ r: Fingerprint, _ m: Fingerprint) {
                if r.count != m.count { problems.append("\(el): gemmi \(r.count) sites, ClusterPDF \(m.count)"); return }
                if abs(r.occupancy - m.occupancy) > 2e-3 * max(1, r.occupancy) { problems.append("\(el): occupancy \(r.occupancy) vs \(m.occupancy)"); return }
                let dev = zip(r.f, m.f).map { abs($0 - $1) }.max()!
                if dev > 5e-3 * max(1, r.occupancy) { problems.append("\(el): positions differ (max |ΔF| \(String(format: "%.4f", dev)))") }
            }
            if ref["X"] != nil {
                // gemmi could not name some elements (labels such as Wat1, Hw, KK without type
                // symbols): all sites together must agree, and every element gemmi names must be there.
                let total = { (d: [String: Fingerprint]) in d.values.reduce(Fingerprint(count: 0, occupancy: 0, f: [Double](repeating: 0, count: 20))) {
                    Fingerprint(count: $0.count + $1.count, occupancy: $0.occupancy + $1.occupancy, f: zip($0.f, $1.f).map { $0 + $1 }) } }
                compare("all", total(ref), total(mine))
                for (el, r) in ref where el != "X" && (mine[el]?.count ?? 0) < r.count { problems.append("\(el): gemmi \(r.count) sites, ClusterPDF \(mine[el]?.count ?? 0)") }
                unnamedByGemmi += 1
            } else {
                for el in Set(ref.keys).union(mine.keys).sorted() {
                    guard let r = ref[el], let m = mine[el] else {
                        problems.append("\(el): gemmi \(ref[el]?.count ?? 0) sites, ClusterPDF \(mine[el]?.count ?? 0)"); continue
                    }
                    compare(el, r, m)
                }
            }
            if problems.isEmpty { agree += 1 } else { differ.append("\(name): " + problems.joined(separator: "; ")) }
        }
        print("CIF corpus: \(agree) agree with gemmi (\(unnamedByGemmi) of them with elements gemmi leaves unnamed), \(differ.count) differ, \(refusedByUs.count) refused by ClusterPDF only, \(refusedByBoth) refused by both, \(onlyUs) read by ClusterPDF only, \(gemmiIgnoresSymmetry.count) declared symmetry gemmi does not apply (\(gemmiIgnoresSymmetry.joined(separator: ", "))), \(fractions) with fraction coordinates gemmi reads as unknown, \(asP1.count) read as P1 against their declaration")
        for d in differ { print("  differs: \(d)") }
        for d in refusedByUs { print("  refused: \(d)") }
        for d in asP1 { print("  as P1: \(d)") }
        XCTAssertEqual(differ, [])
        XCTAssertEqual(asP1, [])
        // Regression guards on the figures of this reading (README): no more refusals, no fewer agreements.
        // Type symbols are exact (cod-tools' unknown-elements file, type symbols 'AA' and 'EI', is
        // refused: one refusal more); centred non-standard settings are derived (one file more read,
        // agreeing): 24 and 641.
        XCTAssertLessThanOrEqual(refusedByUs.count, 24)
        XCTAssertGreaterThanOrEqual(agree, 641)
        XCTAssertEqual(gemmiIgnoresSymmetry.count, 4)
    }
}

/// The reader's documented rules on hand-made cases (each tied to a corpus failure it fixes).
final class CIFReaderRulesTests: XCTestCase {
    static func cif(_ sym: String = "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,z'\n'-x,-y,-z'\n", atoms: String, extraColumns: [String] = [], head: String = "") -> String {
        """
        \(head)data_t
        _cell_length_a 10
        _cell_length_b 11
        _cell_length_c 12
        _cell_angle_alpha 90
        _cell_angle_beta 100
        _cell_angle_gamma 90
        \(sym)
        loop_
        _atom_site_label
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        \(extraColumns.map { "_atom_site_" + $0 }.joined(separator: "\n"))
        \(atoms)

        """
    }

    func testLabelsWaterDeuteriumAndDummies() throws {
        let c = try CIFReader.parse(text: Self.cif(atoms: "Wat1 0.1 0.2 0.3\nOW2 0.2 0.2 0.3\nHw1 0.3 0.1 0.1\nD1 0.4 0.1 0.1\nDy1 0.0 0.0 0.0"), file: "w.cif")
        XCTAssertEqual(c.unitCell.composition[Element(symbol: "O")!], 4, "Wat and OW are water oxygens, not tungsten/osmium")
        let h = c.unitCell.composition[Element(symbol: "H")!] ?? 0, d = c.unitCell.composition[Element.deuterium] ?? 0
        XCTAssertEqual(h + d, 4, "Hw is hydrogen, D deuterium")
        XCTAssertGreaterThan(d, 0, "D is deuterium")
        XCTAssertEqual(c.unitCell.composition[Element(symbol: "Dy")!], 1, "Dy is dysprosium, not deuterium")
        XCTAssertNil(c.unitCell.composition[Element(symbol: "W")!])
        XCTAssertTrue(c.notes.contains { $0.contains("water labels (Wat…, OW…) read as O") }, "\(c.notes)")
        XCTAssertTrue(c.notes.contains { $0.contains("deuterium") })
        for dummy in ["Q1", "Du1", "X", "M1"] {
            assertInputError(try CIFReader.parse(text: Self.cif(atoms: "O1 0.1 0.2 0.3\n\(dummy) 0.2 0.2 0.3"), file: "d.cif"), contains: ["d.cif:", "dummy atom"])
        }
    }

    func testDisorderKeepsTheChosenGroupOfEachAssembly() throws {
        let rows = "C1 0.1 0.1 0.1 . .\nC2 0.2 0.1 0.1 A 1\nC3 0.3 0.1 0.1 A 2\nC4 0.1 0.3 0.1 B 2\nC5 0.1 0.4 0.1 B 3\nC6 0.1 0.1 0.4 . -1\nC7 0.1 0.1 0.45 . 2"
        let c = try CIFReader.parse(text: Self.cif("", atoms: rows, extraColumns: ["disorder_assembly", "disorder_group"]), file: "g.cif")
        // Kept: C1 (no group), C2 (A: 1), C4 (B: 2, the lowest of B), C6 (assembly ".": |−1| = 1).
        XCTAssertEqual(Set(c.unitCell.atoms.map(\.label)), ["C1", "C2", "C4", "C6"])
        XCTAssertTrue(c.notes.contains { $0.contains("disorder: kept group") && $0.contains("3 site(s)") }, "\(c.notes)")
        // An absurd group number is not a trap.
        let huge = try CIFReader.parse(text: Self.cif("", atoms: "C1 0.1 0.1 0.1 . -9223372036854775808", extraColumns: ["disorder_assembly", "disorder_group"]), file: "h.cif")
        XCTAssertEqual(huge.unitCell.count, 1)
    }

    func testUnknownRowsFractionsAndIncompleteOperationLists() throws {
        // A row of "?" is no atom (skipped, noted); "1/4" is a coordinate.
        let c = try CIFReader.parse(text: Self.cif("", atoms: "Na1 1/4 0.5 3/4\n? ? ? ?"), file: "f.cif")
        XCTAssertEqual(c.unitCell.count, 1)
        XCTAssertEqual(c.unitCell.lattice!.fractional(c.unitCell.atoms[0].position).x, 0.25, accuracy: 1e-12)
        XCTAssertTrue(c.notes.contains { $0.contains("unknown coordinates") })
        // Three operations of Pna21 without the identity (COD 8103382): completed to the group.
        let ops = "loop_\n_symmetry_equiv_pos_as_xyz\n'1/2-x, 1/2+y, 1/2+z'\n'1/2+x, 1/2-y, z'\n'-x, -y, 1/2+z'\n"
        let p = try CIFReader.parse(text: Self.cif(ops, atoms: "Li1 0.1862 0.6849 0.252").replacingOccurrences(of: "_cell_angle_beta 100", with: "_cell_angle_beta 90"), file: "p.cif")
        XCTAssertEqual(p.operationCount, 4)
        XCTAssertEqual(p.unitCell.count, 4)
        XCTAssertTrue(p.notes.contains { $0.contains("no identity") })
    }

    func testSpaceGroupSpellingsAndCellMismatch() throws {
        for (symbol, count) in [("P2(1)/c", 4), ("P2_1/n", 4), ("P 21/a", 4), ("P m 3 m", 48), ("F d 3 m", 192), ("F d -3 m {origin @ centre (-3m)}", 192)] {
            var text = Self.cif("_symmetry_space_group_name_H-M '\(symbol)'\n", atoms: "Si1 0.1234 0.2345 0.3456")
            if count > 4 { text = text.replacingOccurrences(of: "_cell_length_b 11", with: "_cell_length_b 10").replacingOccurrences(of: "_cell_length_c 12", with: "_cell_length_c 10").replacingOccurrences(of: "_cell_angle_beta 100", with: "_cell_angle_beta 90") }
            let c = try CIFReader.parse(text: text, file: "s.cif")
            XCTAssertEqual(c.operationCount, count, symbol)
        }
        // Diamond's origin choice 2 puts Si at 1/8: 8 atoms, not 16 (the choice is read from the remark).
        let diamond = "data_d\n_cell_length_a 5.43\n_cell_length_b 5.43\n_cell_length_c 5.43\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_space_group_name_H-M 'F d -3 m {origin @ centre (-3m)}'\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nSi1 0.125 0.125 0.125\n"
        XCTAssertEqual(try CIFReader.parse(text: diamond, file: "d.cif").unitCell.count, 8)
        // A primitive rhombohedral cell with Fd-3m's operations (COD test Si2.cif): refused, not expanded into nonsense.
        let si2 = diamond.replacingOccurrences(of: "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90", with: "_cell_angle_alpha 60\n_cell_angle_beta 60\n_cell_angle_gamma 60")
        assertInputError(try CIFReader.parse(text: si2, file: "si2.cif"), contains: ["si2.cif:", "do not fit the cell"])
    }

    func testCIF1BracketsAndTripleQuotes() throws {
        // CIF 1.1: "[" starts an ordinary value, ''' is part of a label; CIF 2.0 keeps lists.
        let c = try CIFReader.parse(text: Self.cif(atoms: "C1''' 0.1 0.2 0.3").replacingOccurrences(of: "data_t\n", with: "data_t\n_chemical_formula_moiety [CdCl2(C8N4H10)]n\n"), file: "b.cif")
        XCTAssertEqual(c.unitCell.count, 2)
        XCTAssertEqual(c.unitCell.atoms[0].label, "C1'''")
        // An unclosed triple quote in a CIF 2.0 file: a clear error (each line is searched once;
        // 200,000 lines used to take minutes).
        let long = "#\\#CIF_2.0\ndata_x\n_a '''never closed\n" + String(repeating: "some text line\n", count: 200_000)
        assertInputError(try CIFReader.parse(text: long, file: "q.cif"), contains: ["q.cif:3", "never closed"])
    }
}
