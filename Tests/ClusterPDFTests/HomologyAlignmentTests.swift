import XCTest
@testable import ClusterPDF

/// Alignment with atom assignment: analytic cases, symmetric clusters, element maps and scale,
/// substructures, common substructures, mirror images, and calculate_rmsd's reordering methods.
final class HomologyAlignmentTests: XCTestCase {
    func library(_ name: String) throws -> Structure { try StructureReader.read(path: repoRoot + "/Structures/" + name).structure }

    /// A uniformly random rotation (unit quaternion from four Gaussians).
    static func randomRotation(_ rng: inout SplitMix64) -> [[Double]] {
        func gauss() -> Double {
            let u = max(Double.random(in: 0..<1, using: &rng), 1e-300), v = Double.random(in: 0..<1, using: &rng)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        var q = (0..<4).map { _ in gauss() }
        let n = q.map { $0 * $0 }.reduce(0, +).squareRoot()
        q = q.map { $0 / n }
        let (a, b, c, d) = (q[0], q[1], q[2], q[3])
        return [[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                [2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)],
                [2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d]]
    }

    /// A copy of `s` rotated, translated, scaled by `scale`, elements mapped, atoms shuffled and
    /// each atom displaced by a random vector of RMS length `jitter` Å. `order[k]` is the index in
    /// `s` of the copy's atom k.
    static func transformedCopy(_ s: Structure, seed: UInt64, jitter: Double = 0.03, scale: Double = 1,
                                map: [Element: Element] = [:], mirror: Bool = false) -> (copy: Structure, order: [Int]) {
        var rng = SplitMix64(seed: seed)
        let r = randomRotation(&rng)
        let shift = SIMD3<Double>(Double.random(in: -5...5, using: &rng), Double.random(in: -5...5, using: &rng), Double.random(in: -5...5, using: &rng))
        let order = Array(s.atoms.indices).shuffled(using: &rng)
        let sigma = jitter / 3.0.squareRoot()
        func gauss() -> Double {
            let u = max(Double.random(in: 0..<1, using: &rng), 1e-300), v = Double.random(in: 0..<1, using: &rng)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        var atoms = [Atom]()
        for k in order {
            var atom = s.atoms[k]
            var p = atom.position
            if mirror { p.x = -p.x }
            let rp = SIMD3(r[0][0] * p.x + r[0][1] * p.y + r[0][2] * p.z, r[1][0] * p.x + r[1][1] * p.y + r[1][2] * p.z,
                           r[2][0] * p.x + r[2][1] * p.y + r[2][2] * p.z)
            atom.position = rp * scale + shift + SIMD3(gauss(), gauss(), gauss()) * sigma
            atom.element = map[atom.element] ?? atom.element
            atoms.append(atom)
        }
        return (Structure(title: "copy", atoms: atoms), order)
    }

    /// True when `perm` (index in s → index in s) preserves every interatomic distance of s: the
    /// assignment is correct up to the cluster's own symmetry.
    static func isAutomorphism(_ perm: [Int: Int], of s: Structure, tolerance: Double = 1e-3) -> Bool {
        let keys = Array(perm.keys)
        for x in keys { for y in keys where y > x {
            let d0 = simd_length(s.atoms[x].position - s.atoms[y].position)
            let d1 = simd_length(s.atoms[perm[x]!].position - s.atoms[perm[y]!].position)
            if abs(d0 - d1) > tolerance || s.atoms[x].element != s.atoms[perm[x]!].element { return false }
        } }
        return true
    }

    // MARK: building blocks

    func testHungarianEqualsBruteForce() {
        var rng = SplitMix64(seed: 7)
        for (n, m) in [(5, 5), (4, 7), (6, 6), (1, 3)] {
            let cost = (0..<(n * m)).map { _ in Double.random(in: 0..<10, using: &rng) }
            let sol = LinearAssignment.solve(cost: cost, rows: n, columns: m)
            XCTAssertEqual(Set(sol).count, n)
            let total = sol.enumerated().map { cost[$0.offset * m + $0.element] }.reduce(0, +)
            // Brute force over injective maps.
            var best = Double.infinity
            func go(_ row: Int, _ used: Set<Int>, _ acc: Double) {
                if row == n { best = min(best, acc); return }
                for c in 0..<m where !used.contains(c) { go(row + 1, used.union([c]), acc + cost[row * m + c]) }
            }
            go(0, [], 0)
            XCTAssertEqual(total, best, accuracy: 1e-9, "\(n)x\(m)")
        }
    }

    func testSuperpositionRecoversRotationScaleAndTranslation() {
        var rng = SplitMix64(seed: 3)
        let b = (0..<12).map { _ in SIMD3(Double.random(in: -4...4, using: &rng), Double.random(in: -4...4, using: &rng), Double.random(in: -4...4, using: &rng)) }
        let r = Self.randomRotation(&rng)
        let a = b.map { p in SIMD3(r[0][0] * p.x + r[0][1] * p.y + r[0][2] * p.z, r[1][0] * p.x + r[1][1] * p.y + r[1][2] * p.z,
                                   r[2][0] * p.x + r[2][1] * p.y + r[2][2] * p.z) / 1.07 + SIMD3(1, -2, 3) }
        let t = Superposition.fit(a: a, b: b, scale: 1, refineScale: true, mirror: false)
        XCTAssertEqual(t.scale, 1.07, accuracy: 1e-10)
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(t.rotation[i][j], r[i][j], accuracy: 1e-10) } }
        for (p, q) in zip(a, b) { XCTAssertLessThan(simd_length(p - t.apply(q)), 1e-9) }
        // Held scale: the rotation is still exact, the residual is the size mismatch.
        let held = Superposition.fit(a: a, b: b, scale: 1, refineScale: false, mirror: false)
        XCTAssertEqual(held.scale, 1)
    }

    // MARK: acceptance cases

    /// Rotated, shuffled, jittered copies of symmetric clusters: RMSD ≤ 0.05 Å and every atom
    /// mapped to its own position (up to the cluster's symmetry; exactly for the jittered atoms).
    func testCopiesOfSymmetricClustersAreFoundExactly() throws {
        for (k, name) in ["Cd35Se20.xyz", "Cd84Se56.xyz", "CdSe-zincblende-R8.xyz", "CdSe-wurtzite-R8.xyz", "CdSe-wurtzite-R10.xyz"].enumerated() {
            let a = try library(name)
            let (b, order) = Self.transformedCopy(a, seed: UInt64(100 + k))
            let al = try ClusterAligner.align(a, b)
            XCTAssertLessThanOrEqual(al.rmsd, 0.05, name)
            XCTAssertEqual(al.matches.count, a.count, name)
            XCTAssertTrue(al.homologous, name)
            XCTAssertEqual(al.scale, 1, accuracy: 0.005, name)
            XCTAssertFalse(al.mirror)
            // A's atom → the original atom B's partner was copied from.
            var perm = [Int: Int]()
            for m in al.matches { perm[m.a - 1] = order[m.b - 1] }
            XCTAssertEqual(Set(perm.values).count, a.count, name)
            XCTAssertTrue(Self.isAutomorphism(perm, of: a), "\(name): assignment is not a symmetry of the cluster")
            XCTAssertLessThan(al.largestDeviations[0].deviation, 0.15, name)
        }
    }

    func testElementMapAndExpansionAreFound() throws {
        let a = try library("Cd56Se35.xyz")
        let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!, inn = Element(symbol: "In")!, p = Element(symbol: "P")!
        let (b, order) = Self.transformedCopy(a, seed: 11, scale: 1.05, map: [cd: inn, se: p])
        for map in [nil, [inn: cd, p: se] as [Element: Element]] {
            let al = try ClusterAligner.align(a, b, options: AlignmentOptions(elementMap: map))
            XCTAssertEqual(al.scale, 1.05, accuracy: 0.005)
            XCTAssertLessThanOrEqual(al.rmsd, 0.05)
            XCTAssertEqual(al.elementMap, ["In": "Cd", "P": "Se"])
            var perm = [Int: Int]()
            for m in al.matches { perm[m.a - 1] = order[m.b - 1] }
            XCTAssertEqual(perm.count, a.count)
            XCTAssertTrue(Self.isAutomorphism(perm, of: a))
        }
        // Without a refined scale the 5 % expansion shows as a large RMSD.
        var held = AlignmentOptions()
        held.refineScale = false
        XCTAssertGreaterThan(try ClusterAligner.align(a, b, options: held).rmsd, 0.2)
    }

    /// The inner 65 % of a cluster, rotated and shuffled, is found inside it; the left-over atoms
    /// are exactly the outer ones (either argument order).
    func testInnerSubsetIsFoundAsSubstructure() throws {
        for name in ["Cd84Se56.xyz", "CdSe-wurtzite-R10.xyz"] {
            let parent = try library(name)
            let c = parent.centroid
            let inner = parent.atoms.indices.sorted { simd_length(parent.atoms[$0].position - c) < simd_length(parent.atoms[$1].position - c) }
                .prefix(Int(0.65 * Double(parent.count)))
            let subset = Structure(title: "inner", atoms: inner.map { parent.atoms[$0] })
            let (b, order) = Self.transformedCopy(subset, seed: 21)
            for swapped in [false, true] {
                let al = try swapped ? ClusterAligner.align(b, parent, options: AlignmentOptions(mode: .substructure))
                                     : ClusterAligner.align(parent, b, options: AlignmentOptions(mode: .substructure))
                XCTAssertTrue(al.homologous, "\(name) \(al.reason)")
                XCTAssertLessThanOrEqual(al.rmsd, 0.05, name)
                XCTAssertEqual(al.matches.count, subset.count)
                var perm = [Int: Int]()  // parent index → parent index
                for m in al.matches {
                    let (pi, bi) = swapped ? (m.b - 1, m.a - 1) : (m.a - 1, m.b - 1)
                    perm[pi] = Array(inner)[order[bi]]
                }
                XCTAssertTrue(Self.isAutomorphism(perm, of: parent), name)
                let leftOver = Set(swapped ? al.unmatchedB : al.unmatchedA)
                XCTAssertEqual(leftOver.count, parent.count - subset.count)
                // The left-over atoms are as far out as the outer atoms (the subset's image is the inner set).
                let outerRadius = parent.atoms.indices.filter { !inner.contains($0) }.map { simd_length(parent.atoms[$0].position - c) }.min()!
                for i in leftOver { XCTAssertGreaterThanOrEqual(simd_length(parent.atoms[i - 1].position - c), outerRadius - 1e-6, name) }
            }
        }
    }

    func testZincblendeTetrahedronAndWurtziteClusterAreNotHomologous() throws {
        let zb = try library("Cd56Se35.xyz"), wz = try library("CdSe-wurtzite-R10.xyz")
        // Same size: carve the wurtzite cluster to 91 atoms (nearest the centre).
        let c = wz.centroid
        let near = wz.atoms.sorted { simd_length($0.position - c) < simd_length($1.position - c) }.prefix(zb.count)
        let w = Structure(title: "wz91", atoms: Array(near))
        let al = try ClusterAligner.align(zb, w)
        XCTAssertFalse(al.homologous)
        XCTAssertTrue(al.reason.contains("RMSD") || al.reason.contains("unmatched"), al.reason)
        XCTAssertGreaterThan(al.rmsd, ClusterAlignment.rmsdLimit)
        let sub = try ClusterAligner.align(zb, try library("Cd35Se20.xyz"), options: AlignmentOptions(mode: .substructure))
        XCTAssertTrue(sub.homologous, "the Cd35Se20 tetrahedron is the core of Cd56Se35: \(sub.reason)")
    }

    /// Two clusters sharing a core: A = core + its shell; B = core + the shell pushed 1 Å outwards,
    /// rotated and shuffled. The common substructure is the core.
    func testCommonSubstructureIsTheSharedCore() throws {
        let parent = try library("CdSe-wurtzite-R10.xyz")
        let c = parent.centroid
        let sorted = parent.atoms.sorted { simd_length($0.position - c) < simd_length($1.position - c) }
        let radius = sorted.map { simd_length($0.position - c) }
        // The core ends at a gap between shells of atoms (about 60 % of the cluster).
        let coreCount = (85..<sorted.count).first { radius[$0] - radius[$0 - 1] > 0.05 }!
        var other = sorted
        for k in coreCount..<other.count {
            let v = other[k].position - c
            other[k].position += v / simd_length(v) * 1.0
        }
        let a = Structure(title: "A", atoms: sorted), b0 = Structure(title: "B", atoms: other)
        let (b, order) = Self.transformedCopy(b0, seed: 31, jitter: 0.03)
        let al = try ClusterAligner.align(a, b, options: AlignmentOptions(mode: .common))
        XCTAssertGreaterThanOrEqual(al.matches.count, coreCount)
        XCTAssertLessThan(al.matches.count, coreCount + 12, "shell atoms moved by 1 Å must not match at 0.35 Å")
        // Every matched pair is a core atom and its own image (up to the core's symmetry).
        XCTAssertTrue(al.matches.allSatisfy { $0.a - 1 < coreCount && order[$0.b - 1] < coreCount })
        let perm = Dictionary(uniqueKeysWithValues: al.matches.map { ($0.a - 1, order[$0.b - 1]) })
        XCTAssertTrue(Self.isAutomorphism(perm, of: a))
        XCTAssertLessThanOrEqual(al.rmsd, 0.1)
    }

    func testMirrorImageIsReportedOnlyWhenAllowed() throws {
        // A chiral cluster: the tetrahedron with a few atoms removed at random, strongly jittered.
        var a = try StructureTransforms.jitter(try library("Cd35Se20.xyz"), sigma: 0.2, seed: 5)
        a.atoms.removeSubrange(0..<4)
        let (b, _) = Self.transformedCopy(a, seed: 41, jitter: 0.01, mirror: true)
        let proper = try ClusterAligner.align(a, b)
        XCTAssertFalse(proper.mirror)
        XCTAssertGreaterThan(proper.rmsd, 0.1)
        var o = AlignmentOptions()
        o.allowMirror = true
        let both = try ClusterAligner.align(a, b, options: o)
        XCTAssertTrue(both.mirror)
        XCTAssertLessThan(both.rmsd, 0.02)
        // The aligned copy sits on A.
        let moved = ClusterAligner.aligned(b, by: both)
        for m in both.matches { XCTAssertLessThan(simd_length(moved.atoms[m.b - 1].position - a.atoms[m.a - 1].position), 0.1) }
    }

    func testBadInputIsRefused() throws {
        let a = try library("Cd35Se20.xyz")
        let two = Structure(atoms: Array(a.atoms.prefix(2)))
        assertError(SettingsError.self, try ClusterAligner.align(a, two), contains: ["at least 3 atoms"])
        var nan = a
        nan.atoms[3].position.x = .nan
        assertError(SettingsError.self, try ClusterAligner.align(a, nan), contains: ["non-finite"])
        let pt = Structure(atoms: a.atoms.map { var x = $0; x.element = Element(symbol: x.element.symbol == "Cd" ? "Pt" : "Se")!; return x })
        assertError(SettingsError.self, try ClusterAligner.align(a, pt, options: AlignmentOptions(elementMap: [Element(symbol: "Se")!: Element(symbol: "Se")!])),
                    contains: ["no entry for Pt"])
    }
}
