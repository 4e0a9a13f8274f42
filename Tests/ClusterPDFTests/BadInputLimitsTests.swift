import XCTest
@testable import ClusterPDF

/// Input that used to crash or hang the program: each is now a clear error naming the file (and
/// line), with a non-zero exit and nothing written.
final class BadInputLimitsTests: XCTestCase {
    func testHugeCountsCoordinatesAndCellsAreErrors() throws {
        // An atom count far beyond the file (used to abort allocating 14 PB).
        assertInputError(try XYZReader.parseFrames(text: "99999999999999\n\nCd 0 0 0\n", file: "h.xyz"), contains: ["h.xyz:1", "only 2 lines follow"])
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
