import XCTest
@testable import ClusterPDF

/// The committed Structures/ files are exactly what their recorded build commands produce.
final class StructuresLibraryTests: XCTestCase {
    func testCommittedStructuresAreReproducible() throws {
        let dir = repoRoot + "/Structures"
        let lib = try ModelLibrary.load(directory: dir)
        XCTAssertGreaterThanOrEqual(lib.models.count, 20)
        let tmp = temporaryDirectory()
        for m in lib.models {
            guard let cmd = m.command else { XCTFail("\(m.file) has no command"); continue }
            var args = cmd.split(separator: " ").map(String.init)
            XCTAssertEqual(args.removeFirst(), "clusterpdf")
            args = args.map { $0.hasPrefix("Structures/") ? dir + "/" + $0.dropFirst("Structures/".count) : $0 }
            // Write to a temporary file instead of the committed one.
            let o = args.firstIndex(of: "-o")!
            args[o + 1] = tmp + "/" + m.file
            let r = try runCLI(args)
            XCTAssertEqual(r.status, 0, "\(cmd): \(r.err)")
            let built = try String(contentsOfFile: tmp + "/" + m.file, encoding: .utf8)
            let committed = try String(contentsOfFile: dir + "/" + m.file, encoding: .utf8)
            XCTAssertEqual(built, committed, "\(m.file) differs from `\(cmd)`")
            let loaded = try StructureReader.read(path: dir + "/" + m.file)
            XCTAssertEqual(loaded.structure.formula, m.formula)
            XCTAssertEqual(loaded.structure.count, m.atoms)
        }
        XCTAssertTrue(lib.clusterModels.contains { $0.entry.family == .zincblendeLike })
        XCTAssertTrue(lib.clusterModels.contains { $0.entry.family == .wurtziteLike })
    }

    func testLibraryAdd() throws {
        let dir = temporaryDirectory() + "/lib"
        let e = try ModelLibrary.add(file: fixture("csd-style-InP.cif"), family: .pseudoWurtzite, directory: dir, literature: "test")
        XCTAssertEqual(e.formula, "C2H8In2P2")
        let lib = try ModelLibrary.load(directory: dir)
        XCTAssertEqual(lib.models.count, 1)
        XCTAssertEqual(lib.clusterModels.first?.entry.family, .pseudoWurtzite)
        XCTAssertEqual(try StructureReader.read(path: lib.clusterModels[0].path).structure.formula, "C2H8In2P2")
        // Adding again replaces the entry.
        try ModelLibrary.add(file: fixture("csd-style-InP.cif"), family: .pseudoWurtzite, directory: dir)
        XCTAssertEqual(try ModelLibrary.load(directory: dir).models.count, 1)
        XCTAssertThrowsError(try ModelLibrary.add(file: fixture("CdSe-Zincblende.cif"), family: .zincblendeLike, directory: dir))
        // Via the CLI.
        let r = try runCLI(["library", "add", fixture("golden/CdSe-dimer.xyz"), "--family", "zincblende-like", "--library", dir])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try ModelLibrary.load(directory: dir).models.count, 2)
    }

    /// The documented path from a CSD CIF to a swapped core, run on the CSD-style fixture.
    func testCoreSwapChainOnFixture() throws {
        let tmp = temporaryDirectory()
        var r = try runCLI(["build", "core", fixture("csd-style-InP.cif"), "--drop", "C,H,O", "-o", tmp + "/core.xyz"])
        XCTAssertEqual(r.status, 0, r.err)
        r = try runCLI(["build", "swap", tmp + "/core.xyz", "--map", "In=Cd,P=Se", "-o", tmp + "/cdse.xyz"])
        XCTAssertEqual(r.status, 0, r.err)
        let s = try StructureReader.read(path: tmp + "/cdse.xyz").structure
        XCTAssertEqual(s.formula, "Cd2Se2")
        XCTAssertEqual(StructureTransforms.meanCationAnionBond(s)!, 6.077 * 3.0.squareRoot() / 4, accuracy: 1e-6)
    }
}
