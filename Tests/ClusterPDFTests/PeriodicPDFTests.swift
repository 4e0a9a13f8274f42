import Foundation
import XCTest
@testable import ClusterPDF

/// Periodic G(r) against libdiffpy's PDFCalculator (fixtures in `Fixtures/periodic`, parameters in
/// each header), envelopes against their definitions, and the sine transform against direct sums.
final class PeriodicPDFTests: XCTestCase {
    /// A whole cell written as `a b c α β γ` then `El x y z occ U11 U22 U33 U12 U13 U23` (U in the
    /// CIF convention), as a P1 crystal.
    func cellCrystal(_ name: String) throws -> Crystal {
        let lines = try String(contentsOfFile: fixture("periodic/" + name), encoding: .utf8).split(separator: "\n")
        let c = lines[0].split(separator: " ").map { Double($0)! }
        let lattice = try Lattice(a: c[0], b: c[1], c: c[2], alpha: c[3], beta: c[4], gamma: c[5])
        let sites = lines.dropFirst().enumerated().map { k, line -> CrystalSite in
            let f = line.split(separator: " ")
            let v = f.dropFirst().map { Double($0)! }
            let u = AnisotropicDisplacement(u11: v[4], u22: v[5], u33: v[6], u12: v[7], u13: v[8], u23: v[9])
            let iso = v[4] == v[5] && v[5] == v[6] && v[7] == 0 && v[8] == 0 && v[9] == 0
            return CrystalSite(label: "\(f[0])\(k)", element: Element(symbol: String(f[0]))!, fractional: SIMD3(v[0], v[1], v[2]),
                               occupancy: v[3], uiso: iso ? v[4] : nil, uCIF: iso ? nil : u)
        }
        return Crystal(title: name, lattice: lattice, operations: [.identity], sites: sites)
    }

    /// The golden curve and its header values.
    func golden(_ name: String) throws -> (r: [Double], g: [Double], header: [String: String]) {
        let text = try String(contentsOfFile: fixture("periodic/" + name), encoding: .utf8)
        var header = [String: String](), r = [Double](), g = [Double]()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") {
                let kv = line.dropFirst().split(separator: "=", maxSplits: 1)
                if kv.count == 2 { header[kv[0].trimmingCharacters(in: .whitespaces)] = kv[1].trimmingCharacters(in: .whitespaces) }
                continue
            }
            let f = line.split(separator: " ")
            r.append(Double(f[0])!); g.append(Double(f[1])!)
        }
        return (r, g, header)
    }

    func settings(_ h: [String: String]) -> ScatteringSettings {
        var s = ScatteringSettings()
        s.radiation = h["radiation"] == "neutron" ? .neutron : .xray
        s.qmin = Double(h["qmin"]!)!; s.qmax = Double(h["qmax"]!)!; s.qdamp = Double(h["qdamp"]!)!
        s.delta1 = Double(h["delta1"]!)!; s.delta2 = Double(h["delta2"]!)!; s.qbroad = Double(h["qbroad"]!)!
        s.rmin = 0; s.rmax = 29.99; s.rstep = 0.01
        return s
    }

    /// Largest |ours − golden| over 1–30 Å, relative to max |golden|.
    func deviation(_ crystal: Crystal, golden name: String, envelope: Envelope? = nil) throws -> Double {
        let (r, g, h) = try golden(name)
        let psize = Double(h["psize"] ?? "0") ?? 0
        let ours = try PeriodicPDFCalculator(crystal: crystal, settings: settings(h), envelope: envelope ?? (psize > 0 ? .sphere(diameter: psize) : .none)).pdf()
        XCTAssertEqual(ours.x.count, r.count)
        var worst = 0.0
        let scale = g.map(abs).max()!
        for k in r.indices where r[k] >= 1 { worst = max(worst, abs(ours.y[k] - g[k])) }
        return worst / scale
    }

    func testMatchesPDFCalculatorForCdSeBothPhasesNiAndAnisotropicJadeite() throws {
        for (cell, gold) in [("wz.cell", "CdSe-wurtzite.gr"), ("zb.cell", "CdSe-zincblende.gr"), ("ni.cell", "Ni.gr"),
                             ("jd.cell", "jadeite-aniso.gr"), ("wz.cell", "CdSe-wurtzite-sphere30.gr")] {
            let d = try deviation(cellCrystal(cell), golden: gold)
            XCTAssertLessThan(d, 1e-3, gold)
            print("periodic \(gold): max deviation \(String(format: "%.2e", d)) of max|G|")
        }
    }

    func testSymmetryExpansionFromTheCIFMatchesTheExpandedCell() throws {
        // The jadeite CIF (C2/c, anisotropic U) read and expanded by ClusterPDF gives the golden
        // computed from gemmi's independent expansion.
        let contents = try CIFReader.read(path: fixture("periodic/jadeite-COD-9010373.cif"))
        let crystal = try XCTUnwrap(contents.crystal)
        XCTAssertEqual(crystal.sites.count, 6)
        XCTAssertEqual(crystal.unitCell().count, 40)
        let d = try deviation(crystal, golden: "jadeite-aniso.gr")
        XCTAssertLessThan(d, 1e-3)
    }

    func testSineTransformAgreesWithTheDirectSum() {
        let t = SineTransform(points: 50, rStep: 0.1)
        XCTAssertEqual(t.count, 64)
        let g = (0..<50).map { sin(Double($0) * 0.3) * exp(-Double($0) * 0.05) }
        let f = t.forward(g)
        for k in [0, 1, 7, 33, 63] {
            let direct = (0..<50).reduce(0.0) { $0 + g[$1] * sin(Double(k) * t.qStep * Double($1) * 0.1) } * 0.1
            XCTAssertEqual(f[k], direct, accuracy: 1e-10)
        }
        // Its own inverse (the sum is a DST-I up to normalisation).
        let back = t.inverse(f)
        for j in 1..<50 { XCTAssertEqual(back[j], g[j], accuracy: 1e-10) }
    }

    func testEnvelopesFollowTheirDefinitions() throws {
        // Sphere: γ(0) = 1, γ(d/2) = 1 − 3/4 + 1/16, 0 beyond d.
        XCTAssertEqual(Envelope.sphere(diameter: 20).value(at: 10), 0.3125, accuracy: 1e-12)
        XCTAssertEqual(Envelope.sphere(diameter: 20).value(at: 25), 0)
        // A spheroid with equal radii is the sphere; prolate and oblate are continuous at r = d and v·d.
        for r in stride(from: 0.5, through: 30, by: 2.5) {
            XCTAssertEqual(Envelope.spheroid(equatorialRadius: 10, polarRadius: 10).value(at: r), Envelope.sphere(diameter: 20).value(at: r), accuracy: 1e-12)
        }
        for (e, p) in [(10.0, 15.0), (10.0, 6.0)] {
            let env = Envelope.spheroid(equatorialRadius: e, polarRadius: p)
            for edge in [2 * e, 2 * p] { XCTAssertEqual(env.value(at: edge - 1e-7), env.value(at: edge + 1e-7), accuracy: 1e-5) }
            XCTAssertEqual(env.value(at: 1e-6), 1, accuracy: 1e-5)
        }
        // Log-normal with a tiny spread → the sphere.
        XCTAssertEqual(Envelope.lognormalSphere(diameter: 30, sigma: 1e-4).value(at: 12), Envelope.sphere(diameter: 30).value(at: 12), accuracy: 1e-4)
        XCTAssertEqual(Envelope.lognormalSphere(diameter: 30, sigma: 0).value(at: 12), Envelope.sphere(diameter: 30).value(at: 12))
        // Shell: γ → 1 at r → 0 and 0 beyond the outer diameter; a thick shell with no hole is a sphere.
        XCTAssertEqual(Envelope.shell(innerRadius: 10, thickness: 5).value(at: 1e-6), 1, accuracy: 1e-4)
        XCTAssertEqual(Envelope.shell(innerRadius: 10, thickness: 5).value(at: 31), 0)
        for r in [3.0, 8.0, 15.0] {
            XCTAssertEqual(Envelope.shell(innerRadius: 0, thickness: 10).value(at: r), Envelope.sphere(diameter: 20).value(at: r), accuracy: 1e-9)
        }
        // The shell's γ(r) equals the normalised overlap volume of the shell with its shifted copy
        // (Monte Carlo over 400k points, 3σ ≈ 0.005).
        var rng = SplitMix64(seed: 11)
        let (a, t) = (8.0, 4.0), shift = 6.0
        var inside = 0, both = 0
        for _ in 0..<400_000 {
            let p = SIMD3(Double.random(in: -12...12, using: &rng), Double.random(in: -12...12, using: &rng), Double.random(in: -12...12, using: &rng))
            let r1 = simd_length(p), r2 = simd_length(p - SIMD3(0, 0, shift))
            if r1 >= a && r1 <= a + t { inside += 1; if r2 >= a && r2 <= a + t { both += 1 } }
        }
        XCTAssertEqual(Double(both) / Double(inside), Envelope.shell(innerRadius: a, thickness: t).value(at: shift), accuracy: 0.01)
        // Sizes must be positive.
        XCTAssertThrowsError(try Envelope.sphere(diameter: 0).validate())
        XCTAssertThrowsError(try Envelope.shell(innerRadius: 5, thickness: -1).validate())
        XCTAssertThrowsError(try PeriodicPDFCalculator(crystal: cellCrystal("ni.cell"), settings: ScatteringSettings(), envelope: .sphere(diameter: -3)))
    }
}
