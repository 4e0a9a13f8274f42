import XCTest
@testable import ClusterPDF

/// The lattice path (site-occupancy autocorrelation by FFT) against the Float64 pair loop.
final class LatticePairHistogramTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    /// 24 lattice-cut particles: zincblende and wurtzite spheres about an atom, the origin and a
    /// void; cubes, octahedra and tetrahedra; the builder's tetrahedra; 4H, 6H and faulted stackings
    /// in hexagonal prisms, bullets, spheroids, cuboctahedra and truncated octahedra about cations,
    /// anions and bonds; trimmed surfaces; random vacancies; InP and ZnS; a three-kind alloy; a
    /// rotated, moved copy. Each is on a grid, and its lattice histogram is the Float64 pair
    /// loop's, bin for bin: the same counts and the same mean distances.
    func testLatticePathEqualsPairLoopOnLatticeCutParticles() throws {
        let zb = try CrystalBuilder.zincblende(cation: cd, anion: se)
        let wz = try CrystalBuilder.wurtzite(cation: cd, anion: se)
        var particles: [(String, Structure)] = [
            ("zb sphere atom", try ClusterCarver.carve(zb, radius: 11)),
            ("zb sphere origin", try ClusterCarver.carve(zb, radius: 12.5, center: .origin)),
            ("zb sphere void", try ClusterCarver.carve(zb, radius: 10, center: .void)),
            ("wz sphere", try ClusterCarver.carve(wz, radius: 12)),
            ("wz sphere void", try ClusterCarver.carve(wz, radius: 11, center: .void)),
            ("zb cube", try ClusterCarver.carve(zb, radius: 9, shape: .cube)),
            ("zb octahedron", try ClusterCarver.carve(zb, radius: 13, shape: .octahedron)),
            ("zb tetrahedron cut", try ClusterCarver.carve(zb, radius: 16, shape: .tetrahedron)),
            ("Cd35Se20", try TetrahedronBuilder.build(cation: cd, anion: se, size: 3)),
            ("Cd84Se56", try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)),
            ("4H prism", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(.polytype4H),
                                                         shape: ParticleShape(.hexagonalPrism, radius: 10, aspect: 1.2))),
            ("6H bullet anion", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(.polytype6H),
                                                                shape: ParticleShape(.bullet, radius: 9, aspect: 0.8), center: .anion)),
            ("faulted spheroid bond", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(faultedWithCubicFraction: 0.4, seed: 3),
                                                                      shape: ParticleShape(.spheroid, radius: 10, aspect: 1.5), center: .bond)),
            ("faulted sphere", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(faultedWithCubicFraction: 0.7, seed: 9),
                                                               shape: ParticleShape(.sphere, radius: 13))),
            ("zb cuboctahedron", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(.zincblende),
                                                                 shape: ParticleShape(.cuboctahedron, radius: 12))),
            ("wz truncated octahedron trimmed", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(.wurtzite),
                                                                               shape: ParticleShape(.truncatedOctahedron, radius: 12),
                                                                               surface: SurfaceRule(minimumBonds: 2))),
            ("faulted stoichiometric", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(faultedWithCubicFraction: 0.5, seed: 21),
                                                                       shape: ParticleShape(.sphere, radius: 11), surface: SurfaceRule(minimumBonds: 2, stoichiometric: true))),
            ("InP sphere", try ClusterCarver.carve(try CrystalBuilder.zincblende(cation: Element(symbol: "In")!, anion: Element(symbol: "P")!), radius: 12)),
            ("ZnS wurtzite sphere", try ClusterCarver.carve(try CrystalBuilder.wurtzite(cation: Element(symbol: "Zn")!, anion: Element(symbol: "S")!), radius: 11)),
        ]
        // Random vacancies (15 %) in a sphere and in a faulted particle.
        var rng = SplitMix64(seed: 5)
        for (name, base) in [("zb sphere vacancies", try ClusterCarver.carve(zb, radius: 13)),
                             ("faulted vacancies", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(faultedWithCubicFraction: 0.3, seed: 4),
                                                                                   shape: ParticleShape(.sphere, radius: 12)))] {
            var s = base
            s.atoms = s.atoms.filter { _ in rng.uniform() > 0.15 }
            particles.append((name, s))
        }
        // A Cd/Zn alloy: three kinds on two sublattices.
        var alloy = try ClusterCarver.carve(zb, radius: 12)
        for i in alloy.atoms.indices where alloy.atoms[i].element == cd && rng.uniform() < 0.3 { alloy.atoms[i].element = Element(symbol: "Zn")! }
        particles.append(("CdZnSe alloy", alloy))
        // A rotated and moved copy (the grid is found in any orientation).
        particles.append(("zb sphere rotated", rotated(try ClusterCarver.carve(zb, radius: 10), angle: 0.83, axis: SIMD3(1, -2, 0.5)).translated(by: SIMD3(3.3, -1.7, 12.9))))
        // The same particle in a cell of its own: a hexagonal prism of 4H about an anion.
        particles.append(("4H spheroid anion", try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(.polytype4H),
                                                                                shape: ParticleShape(.spheroid, radius: 9, aspect: 0.7), center: .anion)))
        XCTAssertGreaterThanOrEqual(particles.count, 20)
        var lattice = PairHistogram.Tuning()
        lattice.lattice = .always
        var pairs = PairHistogram.Tuning()
        pairs.lattice = .never
        pairs.forceFloat64 = true
        for (name, s) in particles {
            let kinds = AtomKinds(structure: s, displacements: DisplacementSettings())
            XCTAssertNotNil(SiteGrid.detect(kinds), name)
            let a = PairHistogram(kinds: kinds, binWidth: 1e-3, threads: 2, tuning: lattice)
            let b = PairHistogram(kinds: kinds, binWidth: 1e-3, threads: 2, tuning: pairs)
            XCTAssertEqual(a.method, .lattice, name)
            XCTAssertEqual(b.method, .pairLoopFloat64, name)
            XCTAssertEqual(a.counts, b.counts, name)
            XCTAssertEqual(a.distances, b.distances, name)
            XCTAssertEqual(a.pairCount, Double(s.count * (s.count - 1) / 2), name)
        }
    }

    /// Atoms off the lattice (displaced by 0.01 Å, or a Keating-relaxed core) have no grid, and
    /// the calculator then uses the pair loop.
    func testNoGridOffTheLattice() throws {
        let zb = try CrystalBuilder.zincblende(cation: cd, anion: se)
        let s = try StructureTransforms.jitter(try ClusterCarver.carve(zb, radius: 14), sigma: 0.01, seed: 1)
        let kinds = AtomKinds(structure: s, displacements: DisplacementSettings())
        XCTAssertNil(SiteGrid.detect(kinds))
        var t = PairHistogram.Tuning()
        t.lattice = .always
        XCTAssertEqual(PairHistogram(kinds: kinds, binWidth: 1e-3, threads: 2, tuning: t).method, .pairLoop)
        // A 2e-6 Å tolerance: 1e-5 Å off is off the grid.
        var nudged = try ClusterCarver.carve(zb, radius: 9)
        nudged.atoms[7].position.x += 1e-5
        XCTAssertNil(SiteGrid.detect(AtomKinds(structure: nudged, displacements: DisplacementSettings())))
    }

    /// A large lattice-cut particle takes the lattice path by itself; its G(r) and F(Q) are the
    /// Float64 pair loop's, and the default Float32 loop's within its error bound; the result does
    /// not depend on the thread count.
    func testCalculatorChoosesLatticePathAndAgrees() throws {
        let s = try ClusterCarver.carve(try CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 40)
        XCTAssertGreaterThan(s.count, 3_000)
        var settings = ScatteringSettings()
        settings.qmax = 20; settings.rmax = 20
        settings.displacements = DisplacementSettings(all: 0.006)
        let fast = try DebyeCalculator(structure: s, settings: settings)
        XCTAssertEqual(fast.histogram?.method, .lattice)
        settings.threads = 1
        let one = try DebyeCalculator(structure: s, settings: settings)
        XCTAssertEqual(one.histogram?.counts, fast.histogram?.counts)
        XCTAssertEqual(one.histogram?.distances, fast.histogram?.distances)
        var calc = fast
        var t = PairHistogram.Tuning()
        t.lattice = .never
        t.forceFloat64 = true
        calc.histogram = PairHistogram(kinds: fast.kinds, binWidth: settings.binWidth, threads: 2, tuning: t)
        XCTAssertEqual(calc.histogram?.method, .pairLoopFloat64)
        XCTAssertEqual(fast.pairDistributionFunction().columns[0], calc.pairDistributionFunction().columns[0])
        XCTAssertEqual(fast.reducedStructureFunction().columns[0], calc.reducedStructureFunction().columns[0])
        // The default Float32 loop differs by its own distance error only: within the documented
        // histogram error bound (twice: both are compared with the exact sum).
        t.forceFloat64 = false
        calc.histogram = PairHistogram(kinds: fast.kinds, binWidth: settings.binWidth, threads: 2, tuning: t)
        XCTAssertEqual(calc.histogram?.method, .pairLoop)
        let grid = UniformGrid(start: 5, step: 5, count: 4)
        let f1 = fast.reducedStructureFunction(grid: grid).columns[0], f2 = calc.reducedStructureFunction(grid: grid).columns[0]
        for k in 0..<grid.count {
            let q = grid[k]
            let bound = 2 * DebyeCalculator.histogramErrorBound(q: q, binWidth: settings.binWidth, rmin: 2.5, maxDistance: 80) * fast.absoluteTermSum(q: q)
            XCTAssertLessThan(abs(f1[k] - f2[k]), bound, "Q \(q)")
            XCTAssertGreaterThan(abs(f1[k] - f2[k]), 0, "Q \(q): the two loops differ in the last bits")
        }
    }

    /// The Hermite basis of a few generators: the lattice of (2,0,0), (0,3,0), (1,1,1), (0,0,2)
    /// has determinant 2 (index 2 in Z³), and every generator is a member.
    func testHermiteBasis() {
        var h = HermiteBasis()
        for v in [[2, 0, 0], [0, 3, 0], [1, 1, 1], [0, 0, 2], [4, 6, 2]] { h.insert(v) }
        XCTAssertEqual(h.rank, 3)
        let r = h.rows
        let det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0])
        XCTAssertEqual(abs(det), 2)
        XCTAssertEqual(HermiteBasis.extendedGCD(12, -18).0, 6)
    }

    func rotated(_ s: Structure, angle: Double, axis: SIMD3<Double>) -> Structure {
        let k = axis / simd_length(axis)
        var out = s
        for i in out.atoms.indices {
            let v = out.atoms[i].position
            out.atoms[i].position = v * cos(angle) + cross(k, v) * sin(angle) + k * (k * v).sum() * (1 - cos(angle))
        }
        return out
    }
}
