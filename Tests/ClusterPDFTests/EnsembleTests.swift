import XCTest
@testable import ClusterPDF

/// The stacking-fault ensemble: the exact stacking average against explicit particles of every
/// stacking sequence, weighted by its probability.
final class EnsembleTests: XCTestCase {
    let geometry = try! LayerGeometry(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, a: 4.30, h: 3.51, bz: 2.63)

    func testSameSiteProbabilitiesOfThePeriodicStackings() {
        let w = StackingCorrelation.sameSiteProbabilities(alpha: 0, maxLayers: 8)
        XCTAssertEqual(w, [1, 0, 1, 0, 1, 0, 1, 0, 1])
        let z = StackingCorrelation.sameSiteProbabilities(alpha: 1, maxLayers: 8)
        XCTAssertEqual(z, [1, 0, 0, 1, 0, 0, 1, 0, 0])
    }

    func testSameSiteProbabilitiesAgainstEnumeratedSequences() {
        for alpha in [0.13, 0.5, 0.77] {
            let p = StackingCorrelation.sameSiteProbabilities(alpha: alpha, maxLayers: 9)
            for d in 1...9 {
                // Every sequence of d shifts: the first ±1 with ½, each further keeping its sign with α.
                var same = 0.0
                for bits in 0..<(1 << d) {
                    var prob = 0.5, sum = 0, last = 0
                    for k in 0..<d {
                        let s = (bits >> k) & 1 == 1 ? 1 : -1
                        if k > 0 { prob *= s == last ? alpha : 1 - alpha }
                        sum += s; last = s
                    }
                    if ((sum % 3) + 3) % 3 == 0 { same += prob }
                }
                XCTAssertEqual(p[d], same, accuracy: 1e-14, "alpha \(alpha), d \(d)")
            }
        }
    }

    /// Pair distances (rounded to 1e-7 Å) → weight, per kind pair, of explicit spheres of every
    /// stacking of the layers the sphere spans, each weighted by its probability at `alpha`.
    func explicitAverage(diameter: Double, alpha: Double) -> (pairs: [[Int: Double]], atoms: (Double, Double)) {
        let g = geometry, radius = diameter / 2, r2 = radius * radius * (1 + 1e-12)
        let kLo = Int(((-radius - g.bz) / g.h).rounded(.up)), kHi = Int((radius / g.h).rounded(.down))
        let layers = kHi - kLo + 1
        var out = [[Int: Double]](repeating: [:], count: 3)
        var nCat = 0.0, nAn = 0.0
        for start in 0..<3 {
            for bits in 0..<(1 << max(0, layers - 1)) {
                // Shifts s_k = ±1 between layers k and k + 1; probability ⅓ · ½ · Π α or 1 − α.
                var prob = 1.0 / 3, letters = [start], last = 0
                for k in 0..<(layers - 1) {
                    let s = (bits >> k) & 1 == 1 ? 1 : -1
                    prob *= k == 0 ? 0.5 : (s == last ? alpha : 1 - alpha)
                    letters.append(((letters[k] + s) % 3 + 3) % 3)
                    last = s
                }
                if prob == 0 { continue }
                var atoms = [(Int, SIMD3<Double>)]()
                for (li, k) in (kLo...kHi).enumerated() {
                    for species in 0..<2 {
                        let z = Double(k) * g.h + (species == 1 ? g.bz : 0)
                        let rho2 = (r2 - z * z) / (g.a * g.a)
                        guard rho2 >= 0 else { continue }
                        let off = Double(letters[li]) / 3
                        for m in -20...20 {
                            for n in -20...20 {
                                let x = Double(m) + off, y = Double(n) + off
                                if x * x + x * y + y * y <= rho2 {
                                    atoms.append((species, SIMD3(g.a * (x + y / 2), g.a * y * 3.0.squareRoot() / 2, z)))
                                }
                            }
                        }
                    }
                }
                nCat += prob * Double(atoms.filter { $0.0 == 0 }.count)
                nAn += prob * Double(atoms.filter { $0.0 == 1 }.count)
                for i in atoms.indices {
                    for j in (i + 1)..<atoms.count {
                        let pair = atoms[i].0 + atoms[j].0
                        let d = simd_length(atoms[i].1 - atoms[j].1)
                        out[pair][Int((d * 1e7).rounded()), default: 0] += prob
                    }
                }
            }
        }
        return (out, (nCat, nAn))
    }

    func assertMatchesExplicit(diameter: Double, alpha: Double, file: StaticString = #filePath, line: UInt = #line) {
        let sphere = FaultedSphere(geometry: geometry, diameter: diameter)
        let model = sphere.expectedPairs(alpha: alpha)
        let explicit = explicitAverage(diameter: diameter, alpha: alpha)
        XCTAssertEqual(sphere.expectedAtoms.cation, explicit.atoms.0, accuracy: 1e-9, file: file, line: line)
        XCTAssertEqual(sphere.expectedAtoms.anion, explicit.atoms.1, accuracy: 1e-9, file: file, line: line)
        for p in 0..<3 {
            var m = [Int: Double]()
            for (r, c) in model[p] { m[Int((r * 1e7).rounded()), default: 0] += c }
            m = m.filter { abs($0.value) > 1e-9 }
            let e = explicit.pairs[p].filter { abs($0.value) > 1e-9 }
            XCTAssertEqual(Set(m.keys), Set(e.keys), "kind pair \(p): the same distances", file: file, line: line)
            for (k, v) in e { XCTAssertEqual(m[k] ?? 0, v, accuracy: 1e-9 * max(1, v), "pair \(p) at r = \(Double(k) / 1e7) Å", file: file, line: line) }
            XCTAssertEqual(m.values.reduce(0, +), e.values.reduce(0, +), accuracy: 1e-8, file: file, line: line)
        }
    }

    func testWurtziteSphereEqualsTheAverageOfItsExplicitCentrings() {
        assertMatchesExplicit(diameter: 16.3, alpha: 0)
    }

    func testZincblendeSphereEqualsTheAverageOfItsExplicitCentrings() {
        assertMatchesExplicit(diameter: 16.3, alpha: 1)
    }

    func testFaultedSphereEqualsTheProbabilityWeightedSequences() {
        assertMatchesExplicit(diameter: 14.9, alpha: 0.3)
        assertMatchesExplicit(diameter: 19.7, alpha: 0.65)
    }

    func testLognormalWeightsKeepTheMeanAndAreContinuous() {
        let w = LognormalSizes(psize: 31, psig: 4).weights(maximum: 150)
        XCTAssertEqual(w.fractions.values.reduce(0, +), 1, accuracy: 1e-12)
        let mean = w.fractions.reduce(0.0) { $0 + Double($1.key) * 2 * $1.value }
        XCTAssertEqual(mean, 31, accuracy: 0.01)
        let variance = w.fractions.reduce(0.0) { $0 + pow(Double($1.key) * 2 - mean, 2) * $1.value }
        XCTAssertEqual(variance.squareRoot(), 4, accuracy: 0.1)   // the hat split adds about step²/6
        // psig = 0: one diameter shared linearly by its two grid neighbours.
        let one = LognormalSizes(psize: 31.5, psig: 0).weights(maximum: 150).fractions
        XCTAssertEqual(one[15] ?? 0, 0.25, accuracy: 1e-12)
        XCTAssertEqual(one[16] ?? 0, 0.75, accuracy: 1e-12)
        XCTAssertEqual(w.truncated, 0, accuracy: 1e-9)
        XCTAssertGreaterThan(LognormalSizes(psize: 60, psig: 20).weights(maximum: 80).truncated, 0.1)
    }
}

/// Ensemble refinements recover the parameters of synthetic ensembles.
final class EnsembleRefinementTests: XCTestCase {
    let geometry = try! LayerGeometry(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, a: 4.30, h: 3.51, bz: 2.63)
    let header = ["qmin": "1.0", "qmax": "19", "qdamp": "0.04", "qbroad": "0", "composition": "CdSe"]

    /// G(r) of the ensemble at `truth` (scale 0.5) on 1.5–60 Å, with deterministic noise of `noise`
    /// × its maximum, and the Rw of the truth against it.
    func synthetic(_ truth: [ParameterName: Double], noise: Double) throws -> (curve: MeasuredCurve, rw: Double) {
        let r = Array(stride(from: 1.5, through: 60.0, by: 0.02))
        let probe = MeasuredCurve(path: "probe.gr", x: r, y: r.map { sin($0) }, header: header)
        var o = EnsembleOptions()
        o.stackingFaults = true
        o.refinement.start = truth
        let ref = try EnsembleRefinement(geometry: geometry, source: "test", data: probe, options: o)
        let g = try ref.unscaledCurves([ref.parameters.vector])[0]
        let top = g.map(abs).max() ?? 1
        var rng = SplitMix64(seed: 7)
        let y = g.map { 0.5 * $0 + noise * top * (rng.uniform() * 2 - 1) }
        let rw = (zip(y, g).reduce(0) { $0 + pow($1.0 - 0.5 * $1.1, 2) } / y.reduce(0) { $0 + $1 * $1 }).squareRoot()
        return (MeasuredCurve(path: "synthetic.gr", x: r, y: y, header: header), rw)
    }

    func assertRecovers(_ truth: [ParameterName: Double], noise: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        let (data, rwTruth) = try synthetic(truth, noise: noise)
        var o = EnsembleOptions()
        o.stackingFaults = true
        let result = try EnsembleRefinement(geometry: geometry, source: "test", data: data, options: o).run(keepCurves: false)
        func value(_ n: ParameterName) -> Double { result.parameters.first { $0.name == n }!.value }
        let psize = truth[.envelope(.psize)]!, psig = truth[.envelope(.psig)]!, fault = truth[.fault]!
        XCTAssertEqual(value(.envelope(.psize)), psize, accuracy: 0.05 * psize, "mean size", file: file, line: line)
        XCTAssertEqual(value(.envelope(.psig)), psig, accuracy: 0.2 * psig, "width", file: file, line: line)
        XCTAssertEqual(value(.fault), fault, accuracy: 0.05, "fault probability", file: file, line: line)
        XCTAssertLessThanOrEqual(result.rw, rwTruth * 1.0001, "at least as good as the truth", file: file, line: line)
        for name in [ParameterName.envelope(.psize), .envelope(.psig), .fault] {
            let u = result.parameters.first { $0.name == name }?.uncertainty
            XCTAssertNotNil(u, "\(name) has an uncertainty", file: file, line: line)
            XCTAssertTrue(u.map { $0.isFinite && $0 > 0 } ?? false, file: file, line: line)
        }
    }

    func testCurvesDoNotDependOnTheThreadCount() throws {
        let r = Array(stride(from: 1.5, through: 30.0, by: 0.02))
        let probe = MeasuredCurve(path: "probe.gr", x: r, y: r.map { sin($0) }, header: header)
        let curves = try [1, 2].map { threads -> [Double] in
            var o = EnsembleOptions()
            o.stackingFaults = true
            o.refinement.threads = threads
            o.refinement.start = [.envelope(.psize): 24, .envelope(.psig): 3, .fault: 0.4, .delta2: 1.5]
            let ref = try EnsembleRefinement(geometry: geometry, source: "test", data: probe, options: o)
            return try ref.unscaledCurves([ref.parameters.vector])[0]
        }
        XCTAssertEqual(curves[0], curves[1])
        XCTAssertTrue(curves[0].allSatisfy(\.isFinite))
        XCTAssertGreaterThan(curves[0].map(abs).max() ?? 0, 0)
    }

    func testRecoversAFaultedWurtziteEnsemble() throws {
        try assertRecovers([.envelope(.psize): 28, .envelope(.psig): 4, .fault: 0.3, .uiso: 0.012, .delta2: 2], noise: 0.01)
    }

    func testRecoversANearlyCubicBroadEnsemble() throws {
        try assertRecovers([.envelope(.psize): 36, .envelope(.psig): 8, .fault: 0.8, .uiso: 0.008, .delta2: 1, .zoom: 1.01], noise: 0.01)
    }
}

/// The command line of ensemble fits: what it refuses, and the geometry it reads from CIFs.
final class EnsembleCommandTests: XCTestCase {
    func testRefusesEnsembleOptionsWhereTheyDoNotApply() throws {
        let data = fixture("measured/CdSe-3.gr")
        let alone = try runCLI(["fit", "--stacking-faults", fixture("CdSe-Wurtzite.cif"), data])
        XCTAssertNotEqual(alone.status, 0)
        XCTAssertTrue(alone.err.contains("--stacking-faults needs --ensemble lognormal"), alone.err)
        let cluster = try runCLI(["fit", "--ensemble", "lognormal", repoRoot + "/Structures/Cd35Se20.xyz", data])
        XCTAssertNotEqual(cluster.status, 0)
        XCTAssertTrue(cluster.err.contains("one periodic CIF"), cluster.err)
        let faultFree = try runCLI(["fit", "--ensemble", "lognormal", "--free", "scale,fault", fixture("CdSe-Wurtzite.cif"), data])
        XCTAssertNotEqual(faultFree.status, 0)
        XCTAssertTrue(faultFree.err.contains("fault is refined with --stacking-faults"), faultFree.err)
        let pattern = writeTemporary((0..<200).map { "\(10 + 0.2 * Double($0)) \(100 + $0 % 7)" }.joined(separator: "\n") + "\n", name: "pattern.xy")
        let powder = try runCLI(["fit", "--ensemble", "lognormal", fixture("CdSe-Wurtzite.cif"), pattern])
        XCTAssertNotEqual(powder.status, 0)
        XCTAssertTrue(powder.err.contains("--ensemble"), powder.err)
    }

    func testRefusesSizesOffTheGridWithoutWritingAFile() throws {
        let out = temporaryDirectory() + "/fit.fgr"
        let zero = try runCLI(["fit", "--ensemble", "lognormal", "--bounds", "psize=0:80", fixture("CdSe-Wurtzite.cif"), fixture("measured/CdSe-3.gr"), "-o", out, "--json"])
        XCTAssertNotEqual(zero.status, 0)
        XCTAssertTrue(zero.err.contains("psize must stay within the size grid"), zero.err)
        XCTAssertTrue(zero.out.isEmpty, zero.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let tiny = try runCLI(["fit", "--ensemble", "lognormal", "--max-diameter", "2", fixture("CdSe-Wurtzite.cif"), fixture("measured/CdSe-3.gr"), "-o", out])
        XCTAssertNotEqual(tiny.status, 0)
        XCTAssertTrue(tiny.err.contains("--max-diameter must be between"), tiny.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testGeometryOfTheZincblendeAndWurtziteCIFs() throws {
        let w = try StructureReader.read(path: fixture("CdSe-Wurtzite.cif"))
        let gw = try LayerGeometry(crystal: XCTUnwrap(w.crystal), path: "w")
        XCTAssertEqual(gw.a, 4.3, accuracy: 1e-12); XCTAssertEqual(gw.h, 3.5, accuracy: 1e-12)
        XCTAssertEqual(gw.bz, 0.375 * 7.0, accuracy: 1e-9)
        XCTAssertEqual(gw.parent, .wurtzite)
        let z = try StructureReader.read(path: fixture("CdSe-Zincblende.cif"))
        let gz = try LayerGeometry(crystal: XCTUnwrap(z.crystal), path: "z")
        XCTAssertEqual(gz.a, 6.1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(gz.h, 6.1 / 3.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(gz.bz, 0.75 * gz.h, accuracy: 1e-12)
        XCTAssertEqual(gz.parent, .zincblende)
        XCTAssertEqual(gz.cation, Element(symbol: "Cd")); XCTAssertEqual(gz.anion, Element(symbol: "Se"))
    }
}
