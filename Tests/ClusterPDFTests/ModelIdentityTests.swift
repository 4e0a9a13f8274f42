import XCTest
@testable import ClusterPDF

/// The same structure from two sources is recognised (and listed once by the miner); different
/// structures are not.
final class ModelIdentityTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    func testCrystalsFromLibraryAndBuiltIn() throws {
        let library = try ClassifierModel.load(ModelLibrary.load(directory: repoRoot + "/Structures"))
        let wzFile = try XCTUnwrap(library.first { $0.name == "CdSe-wurtzite.cif" })
        let zbFile = try XCTUnwrap(library.first { $0.name == "CdSe-zincblende.cif" })
        let wz = try XCTUnwrap(BuiltinModels.attenuatedCrystal(cation: cd, anion: se, wurtzite: true))
        let zb = try XCTUnwrap(BuiltinModels.attenuatedCrystal(cation: cd, anion: se, wurtzite: false))
        XCTAssertTrue(ModelIdentity.same(wzFile, wz))
        XCTAssertTrue(ModelIdentity.same(zbFile, zb))
        XCTAssertFalse(ModelIdentity.same(wzFile, zb))
        let cds = try XCTUnwrap(BuiltinModels.attenuatedCrystal(cation: cd, anion: Element(symbol: "S")!, wurtzite: true))
        XCTAssertFalse(ModelIdentity.same(wz, cds))
    }

    func testClustersByTheirDistances() throws {
        let t = try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)
        let copy = try StructureTransforms.shuffledCopy(t, seed: 3).structure
        func model(_ s: Structure, _ name: String) -> ClassifierModel { ClassifierModel(name: name, path: name, family: .zincblendeLike, structure: s) }
        XCTAssertTrue(ModelIdentity.same(model(t, "a"), model(copy, "b")), "a shuffled, moved copy is the same cluster")
        let jittered = try StructureTransforms.jitter(t, sigma: 0.05, seed: 4)
        XCTAssertFalse(ModelIdentity.same(model(t, "a"), model(jittered, "c")))
        let other = try TetrahedronBuilder.build(cation: se, anion: cd, size: 5, a: 6.077)
        XCTAssertFalse(ModelIdentity.same(model(t, "a"), model(other, "d")))
    }

    /// With the bundled library added, the built-in and library crystals are refined and listed once.
    func testMinerListsIdenticalModelsOnce() throws {
        var o = ClusterMiner.Options()
        o.space = .quick; o.store = CandidateStore(cache: nil); o.threads = 2
        o.extraModels = try ClassifierModel.load(ModelLibrary.load(directory: repoRoot + "/Structures"))
        let (c, _) = try ClusterMiner(options: o).classify(try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr")))
        let names = c.scores.map(\.model)
        XCTAssertEqual(names.count, Set(names).count, "\(names)")
        let wz = try XCTUnwrap(c.scores.first { $0.model == "CdSe-wurtzite.cif" })
        XCTAssertEqual(wz.sources?.count, 2)
        XCTAssertTrue(c.notes?.contains { $0.contains("listed once") } ?? false)
    }
}
