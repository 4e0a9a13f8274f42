import XCTest
@testable import ClusterPDF

final class EngineTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    func dimer(_ d: Double = 2.62) -> Structure {
        Structure(title: "dimer", atoms: [Atom(element: cd, position: .zero), Atom(element: se, position: SIMD3(d, 0, 0))])
    }

    func tetrahedron() throws -> Structure {
        try StructureReader.read(path: fixture("golden/Cd35Se20-tetrahedron.xyz")).structure
    }

    func sphere() throws -> Structure {
        try StructureReader.read(path: fixture("golden/CdSe-wurtzite-sphere-R9.xyz")).structure
    }

    /// A dimer's G(r) has its one maximum at the bond length.
    func testDimerPeakAtBondLength() throws {
        for d in [2.62, 3.1] {
            var s = ScatteringSettings()
            s.qmin = 0; s.qmax = 25; s.qdamp = 0; s.rmax = 10; s.rstep = 0.001
            let g = try DebyeCalculator(structure: dimer(d), settings: s).pairDistributionFunction()
            let imax = g.y.indices.max { g.y[$0] < g.y[$1] }!
            XCTAssertEqual(g.x[imax], d, accuracy: 0.002)
            // Analytic peak integral: ∫G dr over the peak ≈ (2/(N<f>²))·f_Cd f_Se/r ... checked via F(Q):
            // F(Q) of a dimer with U = 0 is exactly 2 f_Cd f_Se sin(Qd)/(d · 2<f>²).
        }
        var s = ScatteringSettings()
        s.displacements = DisplacementSettings(all: 0)
        let calc = try DebyeCalculator(structure: dimer(), settings: s)
        let grid = UniformGrid(start: 0.5, step: 0.5, count: 40)
        let f = calc.reducedStructureFunction(grid: grid).y
        let fcd = try ScatteringFactor(element: cd, radiation: .xray), fse = try ScatteringFactor(element: se, radiation: .xray)
        for k in 0..<grid.count {
            let q = grid[k], a = fcd.value(q: q), b = fse.value(q: q)
            let mean = (a + b) / 2
            let expected = 2 * a * b * sin(q * 2.62) / 2.62 / (2 * mean * mean)
            XCTAssertEqual(f[k], expected, accuracy: 1e-12)
        }
    }

    /// S(Q) → 1 at high Q for both radiations (the self term normalisation is right).
    func testStructureFactorTendsToOne() throws {
        for rad in Radiation.allCases {
            var s = ScatteringSettings()
            s.radiation = rad
            s.qmax = 60
            s.displacements = DisplacementSettings(all: 0.01)
            let (sq, iq) = try DebyeCalculator(structure: tetrahedron(), settings: s).structureFactorAndIntensity(grid: UniformGrid(start: 50, step: 0.5, count: 20))
            for v in sq.y { XCTAssertEqual(v, 1, accuracy: 1e-3, "\(rad)") }
            XCTAssertGreaterThan(iq.y[0], 0)
        }
        // And the Q = 0 limit: I(0) = (Σf)².
        let (_, i0) = try DebyeCalculator(structure: dimer(), settings: ScatteringSettings()).structureFactorAndIntensity(grid: UniformGrid(start: 0, step: 0.01, count: 2))
        let z = (try ScatteringFactor(element: cd, radiation: .xray).value(q: 0) + ScatteringFactor(element: se, radiation: .xray).value(q: 0))
        XCTAssertEqual(i0.y[0], z * z, accuracy: 1e-9)
        // Just above Q = 0 the intensity falls as 1 − (Qr)²/6: continuous, and decreasing.
        XCTAssertLessThan(i0.y[1], i0.y[0])
        XCTAssertEqual(i0.y[1], z * z, accuracy: 1e-3 * z * z)
    }

    /// Histogram mode agrees with exact mode within the documented bound.
    func testHistogramMatchesExactWithinBound() throws {
        let structure = try sphere()
        for w in [1e-3, 1e-2] {
            var s = ScatteringSettings()
            s.qmax = 25; s.binWidth = w
            s.mode = .exact
            let exact = try DebyeCalculator(structure: structure, settings: s)
            s.mode = .histogram
            let hist = try DebyeCalculator(structure: structure, settings: s)
            let grid = UniformGrid(start: 0.5, step: 0.05, count: 490)
            let fe = exact.reducedStructureFunction(grid: grid).y, fh = hist.reducedStructureFunction(grid: grid).y
            // Bound: each pair term sin(Qr)/r moves by at most (Q w)²/8·(1 + 2/(Q r) + 2/(Q r)²)/r
            // from binning and Q ε (1 + 1/(Q r))/r from Float32 distances (HistogramErrorBound.swift).
            let rmin = 2.5, dmax = hist.histogram!.maximumDistance
            for k in 0..<grid.count {
                let q = grid[k]
                let bound = DebyeCalculator.histogramErrorBound(q: q, binWidth: w, rmin: rmin, maxDistance: dmax) * exact.absoluteTermSum(q: q)
                XCTAssertLessThanOrEqual(abs(fe[k] - fh[k]), bound, "Q = \(q), w = \(w)")
            }
            let maxErr = zip(fe, fh).map { abs($0 - $1) }.max()!
            XCTAssertGreaterThan(maxErr, 0, "modes must differ a little; the test would otherwise prove nothing")
        }
    }

    func rotated(_ s: Structure, angle: Double, axis: SIMD3<Double>) -> Structure {
        let u = axis / simd_length(axis)
        let c = cos(angle), sn = sin(angle)
        var out = s
        for i in out.atoms.indices {
            let v = out.atoms[i].position
            out.atoms[i].position = v * c + cross(u, v) * sn + u * ((u * v).sum()) * (1 - c)
        }
        return out
    }

    /// G(r) does not change under rotation and translation of the cluster.
    func testRotationTranslationInvariance() throws {
        let base = try sphere()
        var s = ScatteringSettings()
        s.rmax = 15
        for mode in [DebyeMode.exact, .histogram] {
            s.mode = mode
            let g0 = try DebyeCalculator(structure: base, settings: s).pairDistributionFunction().y
            let moved = rotated(base, angle: 0.7, axis: SIMD3(1, 2, 3)).translated(by: SIMD3(10.3, -4.1, 7.7))
            let g1 = try DebyeCalculator(structure: moved, settings: s).pairDistributionFunction().y
            let gmax = g0.map(abs).max()!
            // Exact mode: only rounding; histogram mode: pairs may change bins (error well below the bound).
            let tol = mode == .exact ? 1e-10 : 1e-5
            XCTAssertLessThan(zip(g0, g1).map { abs($0 - $1) }.max()! / gmax, tol, "\(mode)")
        }
    }

    /// Results are bit-identical for 1, 2 and 8 threads.
    func testThreadCountInvariance() throws {
        let base = try sphere()
        for mode in [DebyeMode.exact, .histogram] {
            var results = [[Double]]()
            for t in [1, 2, 8] {
                var s = ScatteringSettings()
                s.mode = mode; s.threads = t; s.rmax = 12
                let c = try DebyeCalculator(structure: base, settings: s)
                results.append(c.pairDistributionFunction().y + c.reducedStructureFunction().y)
            }
            XCTAssertEqual(results[0], results[1], "\(mode)")
            XCTAssertEqual(results[0], results[2], "\(mode)")
        }
    }

    /// Partial PDFs add up to the total.
    func testPartialsAddUp() throws {
        var s = ScatteringSettings()
        s.rmax = 15
        s.displacements = try DisplacementSettings(parsing: "Cd=0.012,Se=0.008")
        let calc = try DebyeCalculator(structure: tetrahedron(), settings: s)
        let pairs = [ElementPair("Cd-Cd")!, ElementPair("Cd-Se")!, ElementPair("Se-Se")!]
        let g = calc.pairDistributionFunction(partials: pairs)
        XCTAssertEqual(g.columns.count, 4)
        for j in g.x.indices {
            XCTAssertEqual(g.columns[1][j] + g.columns[2][j] + g.columns[3][j], g.columns[0][j], accuracy: 1e-10)
        }
        // Cd–Se is the only partial with a peak at the bond length.
        let j = g.x.firstIndex { abs($0 - 2.63) < 0.005 }!
        XCTAssertGreaterThan(g.columns[2][j], 10 * abs(g.columns[1][j]))
    }

    /// The G(r) integral is converged in its Q step: halving the step changes nothing visible.
    func testIntegralConverged() throws {
        var s = ScatteringSettings()
        s.rmax = 20; s.qdamp = 0.04
        let calc = try DebyeCalculator(structure: tetrahedron(), settings: s)
        let (qg, _) = calc.integrationGrid
        let g = calc.pairDistributionFunction().y
        // Direct trapezoid on a 4× finer grid as an independent reference.
        let n = (qg.count - 1) * 4
        let h = (s.qmax - s.qmin) / Double(n)
        let fine = UniformGrid(start: s.qmin, step: h, count: n + 1)
        let f = calc.reducedStructureFunction(grid: fine).y
        let gmax = g.map(abs).max()!
        for j in stride(from: 0, to: g.count, by: 97) {
            let r = calc.rGrid[j]
            var acc = 0.0
            for k in 0...n { acc += (k == 0 || k == n ? 0.5 : 1) * f[k] * sin(fine[k] * r) }
            let ref = 2 / Double.pi * acc * h * exp(-0.5 * pow(s.qdamp * r, 2))
            XCTAssertEqual(g[j], ref, accuracy: 2e-5 * gmax, "r = \(r)")
        }
    }

    func testRadialDistributionIntegral() throws {
        var s = ScatteringSettings()
        s.radiation = .neutron
        s.rmax = 4; s.rstep = 0.001
        // Neutron weights of Cd and Se differ; use a Cd-only dimer for the count rule.
        let cd2 = Structure(atoms: [Atom(element: cd, position: .zero), Atom(element: cd, position: SIMD3(2.9, 0, 0))])
        let r = try DebyeCalculator(structure: cd2, settings: s).radialDistribution()
        let integral = r.y.reduce(0, +) * s.rstep
        XCTAssertEqual(integral, 1, accuracy: 1e-3, "one neighbour per atom")
    }

    func testBadSettingsAndStructures() {
        var s = ScatteringSettings()
        s.qmax = 0.5
        XCTAssertThrowsError(try DebyeCalculator(structure: dimer(), settings: s))
        XCTAssertThrowsError(try DebyeCalculator(structure: Structure(atoms: []), settings: ScatteringSettings()))
        let overlap = Structure(atoms: [Atom(element: cd, position: .zero), Atom(element: se, position: .zero)])
        XCTAssertThrowsError(try DebyeCalculator(structure: overlap, settings: ScatteringSettings())) { e in
            XCTAssertTrue("\(e)".contains("overlap") && "\(e)".contains("summing to 2.000"), "\(e)")
        }
        var n = ScatteringSettings()
        n.radiation = .neutron
        let cf = Structure(atoms: [Atom(element: Element(symbol: "Cf")!, position: .zero)])
        XCTAssertThrowsError(try DebyeCalculator(structure: cf, settings: n)) { e in XCTAssertTrue("\(e)".contains("Cf")) }
        // An ion missing from the table falls back to the neutral atom with a warning.
        let ion = Structure(atoms: [Atom(element: se, position: .zero, charge: -2), Atom(element: cd, position: SIMD3(2.6, 0, 0), charge: 2)])
        let c = try! DebyeCalculator(structure: ion, settings: ScatteringSettings())
        XCTAssertEqual(c.warnings, ["no X-ray form factor for Se2-: using neutral Se"])
    }
}
