import XCTest
@testable import ClusterPDF

final class BuilderTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!, inn = Element(symbol: "In")!, p = Element(symbol: "P")!

    func testTetrahedraCountsAndCoordination() throws {
        for (n, formula) in [(5, "Cd35Se20"), (6, "Cd56Se35"), (7, "Cd84Se56")] {
            let t = try TetrahedronBuilder.build(cation: cd, anion: se, size: n)
            XCTAssertEqual(t.formula, formula)
            XCTAssertEqual(t.composition[cd], n * (n + 1) * (n + 2) / 6)
            let st = StructureStatistics(structure: t)
            XCTAssertEqual(st.coordinationHistogram[se], [4: (n - 1) * n * (n + 1) / 6], "every anion is 4-coordinated")
            let bond = st.pairs.first { $0.pair == "Cd-Se" }!
            XCTAssertEqual(bond.meanBondLength!, 6.077 * 3.0.squareRoot() / 4, accuracy: 1e-9)
            XCTAssertEqual(bond.shortestDistance!, 6.077 * 3.0.squareRoot() / 4, accuracy: 1e-9)
        }
        let t6 = try TetrahedronBuilder.build(cation: cd, anion: se, size: 6)
        XCTAssertEqual(StructureStatistics(structure: t6).coordinationHistogram[cd], [1: 4, 2: 24, 3: 24, 4: 4])
        let inp = try TetrahedronBuilder.build(cation: inn, anion: p, size: 5)
        XCTAssertEqual(inp.formula, "In35P20")
        XCTAssertEqual(StructureStatistics(structure: inp).pairs.first { $0.pair == "In-P" }!.meanBondLength!, 5.869 * 3.0.squareRoot() / 4, accuracy: 1e-9)
    }

    /// The builder reproduces the reference tetrahedron of the golden set (same positions as a set).
    func testTetrahedronMatchesGoldenStructure() throws {
        let built = try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)
        let golden = try StructureReader.read(path: fixture("golden/Cd35Se20-tetrahedron.xyz")).structure
        func key(_ a: Atom) -> String { String(format: "%@ %.4f %.4f %.4f", a.element.symbol, a.position.x, a.position.y, a.position.z) }
        XCTAssertEqual(Set(built.atoms.map(key)), Set(golden.atoms.map(key)))
    }

    func testBulkCellsReadBackWithRightBonds() throws {
        let zb = try CrystalBuilder.zincblende(cation: cd, anion: se)
        let wz = try CrystalBuilder.wurtzite(cation: cd, anion: se)
        let zbBond: Double = 6.077 * 3.0.squareRoot() / 4
        let wzAxial: Double = 0.375 * 7.011
        let wzBasal: Double = (4.3 * 4.3 / 3 + 0.125 * 7.011 * 0.125 * 7.011).squareRoot()
        let cases: [(Structure, [Double])] = [(zb, [zbBond]), (wz, [wzAxial, wzBasal])]
        for (s, expected) in cases {
            let back = try StructureReader.read(path: writeTemporary(CIFWriter.string(s), name: "cell.cif"))
            XCTAssertEqual(back.kind, .crystal)
            var d = Set<Int>()
            NeighborSearch(structure: back.structure, cutoff: 3).forEachNeighbor { _, _, r in d.insert(Int((r * 1e4).rounded())) }
            XCTAssertEqual(d.sorted(), expected.map { Int(($0 * 1e4).rounded()) }.sorted())
            XCTAssertTrue(StructureStatistics(structure: back.structure).coordination.allSatisfy { $0 == 4 })
        }
    }

    /// Carving gives the number of atoms a brute-force count gives.
    func testCarvingCounts() throws {
        let zb = try CrystalBuilder.zincblende(cation: cd, anion: se)
        let a = 6.077
        for r in [4.0, 6.0, 9.5, 12.0] {
            // Brute force in units of a/4: cations at fcc points, anions at +(1,1,1).
            var expected = 0
            let m = Int(r / a * 4) + 2
            for x in -m...m { for y in -m...m { for z in -m...m {
                let fccCation = x % 2 == 0 && y % 2 == 0 && z % 2 == 0 && (x + y + z) % 4 == 0
                let xs = x - 1, ys = y - 1, zs = z - 1
                let anion = xs % 2 == 0 && ys % 2 == 0 && zs % 2 == 0 && (xs + ys + zs) % 4 == 0
                if (fccCation || anion) && Double(x * x + y * y + z * z) * a * a / 16 <= r * r + 1e-9 { expected += 1 }
            } } }
            let s = try ClusterCarver.carve(zb, radius: r)
            XCTAssertEqual(s.count, expected, "R = \(r)")
        }
        // Wurtzite sphere R = 9 Å about a Cd gives the 122 atoms of the golden set.
        let wz = try ClusterCarver.carve(try CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 9)
        XCTAssertEqual(wz.count, 122)
        XCTAssertEqual(wz.formula, "Cd57Se65")
        let stoich = try ClusterCarver.carve(try CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 9, stoichiometric: true)
        XCTAssertEqual(stoich.composition[cd], stoich.composition[se])
        XCTAssertEqual(stoich.count, 114)
        XCTAssertThrowsError(try ClusterCarver.carve(wz, radius: 5), "a cluster has no lattice")
    }

    func testSwapScalesToTargetBond() throws {
        let inp = try TetrahedronBuilder.build(cation: inn, anion: p, size: 5)
        let cdse = try StructureTransforms.swap(inp, map: StructureTransforms.parseMap("In=Cd,P=Se"))
        XCTAssertEqual(cdse.formula, "Cd35Se20")
        XCTAssertEqual(StructureTransforms.meanCationAnionBond(cdse)!, 6.077 * 3.0.squareRoot() / 4, accuracy: 1e-9)
        let custom = try StructureTransforms.swap(inp, map: ["In": "Cd", "P": "Se"].reduce(into: [Element: Element]()) { $0[Element(symbol: $1.key)!] = Element(symbol: $1.value)! }, bond: 2.7)
        XCTAssertEqual(StructureTransforms.meanCationAnionBond(custom)!, 2.7, accuracy: 1e-9)
        XCTAssertThrowsError(try StructureTransforms.parseMap("In->Cd"))
    }

    /// Core extraction on a hand-made case: a ligated cluster loses ligands and its 1-bonded cations.
    func testCoreExtraction() throws {
        // The CSD-style fixture: In2P2 ring with methyls and P–H: In bonded to 2 P.
        let mol = try StructureReader.read(path: fixture("csd-style-InP.cif")).structure
        let bare = try StructureTransforms.core(mol, drop: Set(["C", "H"].map { Element(symbol: $0)! }))
        XCTAssertEqual(bare.formula, "In2P2")
        XCTAssertEqual(try StructureTransforms.core(mol, drop: Set(["C", "H"].map { Element(symbol: $0)! }), minCoordination: 2).formula, "In2P2")
        XCTAssertEqual(try StructureTransforms.core(mol, drop: Set(["C", "H"].map { Element(symbol: $0)! }), minCoordination: 3).formula, "P2")
        // Tetrahedron: cations with < 3 anion neighbours are the 4 vertices and 18 edge atoms.
        let t = try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)
        XCTAssertEqual(try StructureTransforms.core(t, drop: [], minCoordination: 3).formula, "Cd13Se20")
    }

    func testJitterIsDeterministic() throws {
        let t = try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)
        let a = try StructureTransforms.jitter(t, sigma: 0.05, seed: 7), b = try StructureTransforms.jitter(t, sigma: 0.05, seed: 7)
        XCTAssertEqual(XYZWriter.string(a), XYZWriter.string(b))
        XCTAssertNotEqual(XYZWriter.string(a), XYZWriter.string(try StructureTransforms.jitter(t, sigma: 0.05, seed: 8)))
        let rms = (zip(a.atoms, t.atoms).map { simd_length_squared($0.position - $1.position) }.reduce(0, +) / Double(t.count) / 3).squareRoot()
        XCTAssertEqual(rms, 0.05, accuracy: 0.01)
    }
}
