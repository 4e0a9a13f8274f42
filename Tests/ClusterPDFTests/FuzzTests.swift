import XCTest
@testable import ClusterPDF

/// Mutation fuzzing of the readers: every mutated file either parses or throws an InputError.
final class FuzzTests: XCTestCase {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func mutate(_ s: String, _ g: inout Generator) -> String {
        var c = Array(s.unicodeScalars)
        let pieces: [String] = ["nan", "inf", "-", "'", "\"", ";", "\n;", "loop_", "_atom_site_fract_x", "1e308", "(", "?", ".", "data_", "\u{0}", "é", "999999999999999999999", "#", "\"\"\"", "0", "/", "x,y"]
        for _ in 0..<Int.random(in: 1...4, using: &g) {
            guard !c.isEmpty else { break }
            let i = Int.random(in: 0..<c.count, using: &g)
            switch Int.random(in: 0..<5, using: &g) {
            case 0: c.remove(at: i)
            case 1: c.insert(contentsOf: pieces.randomElement(using: &g)!.unicodeScalars, at: i)
            case 2: c = Array(c[..<i])  // truncate
            case 3: c[i] = Unicode.Scalar(UInt8.random(in: 32...126, using: &g))
            default:
                let j = Int.random(in: 0..<c.count, using: &g)
                c.swapAt(i, j)
            }
        }
        var out = ""
        out.unicodeScalars.append(contentsOf: c)
        return out
    }

    func fuzz(_ name: String, cases: Int, parse: (String) throws -> Void) throws {
        let text = try String(contentsOfFile: fixture(name), encoding: .utf8)
        var g = Generator(state: 12345)
        var accepted = 0, rejected = 0
        for _ in 0..<cases {
            let m = mutate(text, &g)
            do { try parse(m); accepted += 1 } catch let e as InputError {
                rejected += 1
                XCTAssertTrue(e.description.hasPrefix("fuzz."), "the message names the file: \(e)")
            } catch let e as SettingsError {
                // A calculator refusing an accepted structure (overlapping atoms, limits) is fine too.
                rejected += 1
                XCTAssertFalse(e.description.isEmpty)
            } catch {
                XCTFail("mutated \(name) raised \(type(of: error)): \(error)")
            }
        }
        XCTAssertEqual(accepted + rejected, cases)
        XCTAssertGreaterThan(rejected, 0, "the mutations never produced an invalid file")
    }

    func testFuzzCIF() throws {
        try fuzz("csd-style-InP.cif", cases: 1500) { _ = try CIFReader.parse(text: $0, file: "fuzz.cif") }
        try fuzz("CdSe-Wurtzite.cif", cases: 1000) { _ = try CIFReader.parse(text: $0, file: "fuzz.cif") }
    }

    /// Measured curves, and structures through the whole pipeline of `info` and a simulated G(r)
    /// (the calculators must refuse, never trap on, what the readers let through).
    func testFuzzCurvesAndPipeline() throws {
        try fuzz("measured/CdSe-4.gr", cases: 600) { text in
            let c = try MeasuredCurveReader.parse(text: text, file: "fuzz.gr")
            XCTAssertTrue(c.y.allSatisfy(\.isFinite) && c.x.allSatisfy(\.isFinite))
        }
        var settings = ScatteringSettings()
        settings.qmax = 10
        settings.rmax = 10
        try fuzz("golden/CdSe-wurtzite-sphere-R9.xyz", cases: 80) { text in
            let s = try XYZReader.parseFrames(text: text, file: "fuzz.xyz")[0]
            _ = StructureStatistics(structure: s)
            let g = try DebyeCalculator(structure: s, settings: settings).pairDistributionFunction()
            XCTAssertTrue(g.y.allSatisfy(\.isFinite))
        }
        try fuzz("CdSe-Zincblende.cif", cases: 400) { text in
            let c = try CIFReader.parse(text: text, file: "fuzz.cif")
            _ = StructureStatistics(structure: c.unitCell)
        }
    }

    func testFuzzXYZ() throws {
        try fuzz("golden/CdSe-wurtzite-sphere-R9.xyz", cases: 2000) { _ = try XYZReader.parseFrames(text: $0, file: "fuzz.xyz") }
    }
}
