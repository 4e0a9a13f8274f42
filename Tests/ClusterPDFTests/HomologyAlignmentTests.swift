import XCTest
@testable import ClusterPDF

/// Alignment with atom assignment: analytic cases, symmetric clusters, element maps and scale,
/// substructures, common substructures, mirror images, and calculate_rmsd's reordering methods.
final class HomologyAlignmentTests: XCTestCase {
    func library(_ name: String) throws -> Structure { try StructureReader.read(path: repoRoot + "/Structures/" + name).structure }

    /// A copy of `s` (mirrored in x, scaled by `scale`, elements mapped) rotated, moved, its atoms
    /// shuffled and each displaced by a random vector of RMS length `jitter` Å
    /// (`StructureTransforms.shuffledCopy`). `order[k]` is the index in `s` of the copy's atom k.
    static func transformedCopy(_ s: Structure, seed: UInt64, jitter: Double = 0.03, scale: Double = 1,
                                map: [Element: Element] = [:], mirror: Bool = false) -> (copy: Structure, order: [Int]) {
        var t = s
        for k in t.atoms.indices {
            if mirror { t.atoms[k].position.x = -t.atoms[k].position.x }
            t.atoms[k].position *= scale
            t.atoms[k].element = map[t.atoms[k].element] ?? t.atoms[k].element
        }
        let c = try! StructureTransforms.shuffledCopy(t, seed: seed, jitter: jitter)
        return (c.structure, c.order)
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

    func testSuperpositionRecoversRotationScaleAndTranslation() throws {
        var rng = SplitMix64(seed: 3)
        let b = Structure(atoms: (0..<12).map { _ in Atom(element: Element(symbol: "Cd")!, position: SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * 3) })
        let (moved, order) = Self.transformedCopy(b, seed: 9, jitter: 0, scale: 1 / 1.07)
        let a = moved.atoms.map(\.position), bp = order.map { b.atoms[$0].position }
        let t = Superposition.fit(a: a, b: bp, scale: 1, refineScale: true, mirror: false)
        XCTAssertEqual(t.scale, 1.07, accuracy: 1e-10)
        for (p, q) in zip(a, bp) { XCTAssertLessThan(simd_length(p - t.apply(q)), 1e-9) }
        // A proper rotation: orthonormal rows, determinant +1.
        let r = t.rotation.map { SIMD3($0[0], $0[1], $0[2]) }
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual((r[i] * r[j]).sum(), i == j ? 1 : 0, accuracy: 1e-12) } }
        XCTAssertEqual((r[0] * cross(r[1], r[2])).sum(), 1, accuracy: 1e-12)
        // Held scale: same rotation, the 7 % size mismatch stays in the residual.
        let held = Superposition.fit(a: a, b: bp, scale: 1, refineScale: false, mirror: false)
        XCTAssertEqual(held.scale, 1)
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(held.rotation[i][j], t.rotation[i][j], accuracy: 1e-10) } }
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

    /// calculate_rmsd's "hungarian" (assignment on the centred, unrotated coordinates) and
    /// "distance" (order by distance from the centroid) reorderings, each followed by Kabsch, as a
    /// regression guard in the suite; `Scripts/compare-rmsd` runs calculate_rmsd itself (all three
    /// of its methods, 21 pairs: ours equal or lower on every one).
    func testNeverWorseThanCalculateRMSDReorderings() throws {
        for (k, name) in ["Cd35Se20.xyz", "CdSe-zincblende-R8.xyz", "CdSe-wurtzite-R8.xyz"].enumerated() {
            let a = try library(name)
            let (b, _) = Self.transformedCopy(a, seed: UInt64(300 + k))
            let ours = try ClusterAligner.align(a, b, options: AlignmentOptions(refineScale: false)).rmsd
            let ca = a.centroid, cb = b.centroid
            for method in ["hungarian", "distance"] {
                var pairs = [(Int, Int)]()
                for e in a.elements {
                    let ia = a.atoms.indices.filter { a.atoms[$0].element == e }, ib = b.atoms.indices.filter { b.atoms[$0].element == e }
                    if method == "hungarian" {
                        let cost = ia.flatMap { i in ib.map { j in simd_length((a.atoms[i].position - ca) - (b.atoms[j].position - cb)) } }
                        let sol = LinearAssignment.solve(cost: cost, rows: ia.count, columns: ib.count)
                        pairs += sol.enumerated().map { (ia[$0.offset], ib[$0.element]) }
                    } else {
                        let sa = ia.sorted { simd_length(a.atoms[$0].position - ca) < simd_length(a.atoms[$1].position - ca) }
                        let sb = ib.sorted { simd_length(b.atoms[$0].position - cb) < simd_length(b.atoms[$1].position - cb) }
                        pairs += zip(sa, sb).map { ($0, $1) }
                    }
                }
                let t = Superposition.fit(a: pairs.map { a.atoms[$0.0].position }, b: pairs.map { b.atoms[$0.1].position }, scale: 1, refineScale: false, mirror: false)
                let rmsd = (pairs.map { simd_length_squared(a.atoms[$0.0].position - t.apply(b.atoms[$0.1].position)) }.reduce(0, +) / Double(pairs.count)).squareRoot()
                XCTAssertLessThanOrEqual(ours, rmsd + 1e-9, "\(name) \(method)")
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
        XCTAssertFalse(proper.transform.mirror)
        XCTAssertGreaterThan(proper.rmsd, 0.1)
        // Without --allow-mirror the mirror image is still found and named, never hidden.
        XCTAssertFalse(proper.homologous)
        XCTAssertTrue(proper.mirror)
        XCTAssertLessThan(try XCTUnwrap(proper.mirrorRMSD), 0.02)
        XCTAssertTrue(proper.reason.contains("B is the mirror image of A"), proper.reason)
        XCTAssertTrue(proper.reason.contains("--allow-mirror"), proper.reason)
        XCTAssertEqual(proper.verdict, "not homologous (mirror image)")
        let json = try JSONOutput.string(proper)
        XCTAssertTrue(json.contains("\"mirror\" : true") || json.contains("\"mirror\":true"), json.prefix(400).description)
        XCTAssertTrue(json.contains("mirrorRMSD"))
        // A cluster against itself (rotated) is no mirror image.
        let (same, _) = Self.transformedCopy(a, seed: 42, jitter: 0.01)
        let plain = try ClusterAligner.align(a, same)
        XCTAssertTrue(plain.homologous); XCTAssertFalse(plain.mirror); XCTAssertEqual(plain.verdict, "homologous")
        var o = AlignmentOptions()
        o.allowMirror = true
        let both = try ClusterAligner.align(a, b, options: o)
        XCTAssertTrue(both.mirror)
        XCTAssertTrue(both.transform.mirror)
        XCTAssertTrue(both.homologous)
        XCTAssertEqual(both.verdict, "homologous (mirror image)")
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

    // MARK: core extraction and the In → Cd chain

    /// A ligated InP tetrahedron: each surface In (fewer than 4 P bonds) carries an outward O–C(H3).
    func ligated() throws -> (cluster: Structure, bare: Structure) {
        let bare = try library("In35P20.xyz")
        let st = StructureStatistics(structure: bare)
        let c = bare.centroid
        var atoms = bare.atoms
        let el = { (s: String) in Element(symbol: s)! }
        for (i, atom) in bare.atoms.enumerated() where atom.element.symbol == "In" && st.neighbors[i].count < 4 {
            let u = (atom.position - c) / simd_length(atom.position - c)
            let o = atom.position + u * 2.2, cc = atom.position + u * 3.6
            atoms.append(Atom(element: el("O"), position: o))
            atoms.append(Atom(element: el("C"), position: cc))
            let w = abs(u.x) < 0.9 ? SIMD3<Double>(1, 0, 0) : SIMD3<Double>(0, 1, 0)
            let p1 = cross(u, w) / simd_length(cross(u, w)), p2 = cross(u, p1)
            for k in 0..<3 {
                let phi = Double(k) * 2 * .pi / 3
                atoms.append(Atom(element: el("H"), position: cc + u * 0.36 + (p1 * cos(phi) + p2 * sin(phi)) * 1.03))
            }
        }
        // And a thiolate: S bonded to C (a ligand) near one vertex.
        atoms.append(Atom(element: el("S"), position: bare.atoms[0].position + (bare.atoms[0].position - c) / simd_length(bare.atoms[0].position - c) * 5.5))
        atoms.append(Atom(element: el("C"), position: bare.atoms[0].position + (bare.atoms[0].position - c) / simd_length(bare.atoms[0].position - c) * 7.3))
        return (Structure(title: "ligated In35P20", atoms: atoms), bare)
    }

    func testCoreExtractionRemovesLigandsAndSurfaceCations() throws {
        let (cluster, bare) = try ligated()
        let r = try CoreExtraction.extract(cluster)
        XCTAssertEqual(r.core.formula, "In35P20")
        XCTAssertEqual(r.core.atoms.map(\.position), bare.atoms.map(\.position), "the bare cluster, atom for atom")
        XCTAssertEqual(r.removed.count, cluster.count - bare.count)
        XCTAssertTrue(r.removed.allSatisfy { $0.reason == "ligand" })
        XCTAssertTrue(r.summary[0].contains("removed ligand atoms") && r.summary[0].contains("S"), r.summary[0])
        // Surface cations (fewer than 3 P bonds): the 4 vertices and 18 edge atoms.
        let k3 = try CoreExtraction.extract(cluster, options: CoreExtraction.Options(minCoordination: 3))
        XCTAssertEqual(k3.core.formula, "In13P20")
        XCTAssertEqual(k3.removed.filter { $0.reason.hasPrefix("surface cation") }.count, 22)
        // Stoichiometric: fewest bonds first, stop when cations no longer outnumber anions.
        let st = try CoreExtraction.extract(cluster, options: CoreExtraction.Options(minCoordination: 3, stoichiometric: true))
        XCTAssertEqual(st.core.formula, "In20P20")
        XCTAssertEqual(st.removed.filter { $0.reason == "surface cation (1 anion bonds)" }.count, 4, "the vertices go first")
        assertError(SettingsError.self, try CoreExtraction.extract(cluster, options: CoreExtraction.Options(stoichiometric: true)), contains: ["minimum coordination"])
    }

    /// The In37P20 → Cd37Se20 → Cd21Se20 chain on a cluster built here: swap the elements of the
    /// ligated InP cluster, extract the core, and find it homologous to the InP core and contained in
    /// the whole CdSe cluster.
    func testSwapThenCoreChainIsHomologous() throws {
        let (cluster, _) = try ligated()
        let map = try StructureTransforms.parseMap("In=Cd,P=Se")
        let cdCluster = try StructureTransforms.swap(cluster, map: map)
        let opts = CoreExtraction.Options(minCoordination: 3)
        let inCore = try CoreExtraction.extract(cluster, options: opts).core, cdCore = try CoreExtraction.extract(cdCluster, options: opts).core
        XCTAssertEqual(cdCore.formula, "Cd13Se20")
        XCTAssertThrowsError(try StructureTransforms.swap(cluster, map: try StructureTransforms.parseMap("In=Cd")), "no anion target: no silent unscaled swap")
        let (moved, _) = Self.transformedCopy(cdCore, seed: 77)
        let al = try ClusterAligner.align(inCore, moved)
        XCTAssertTrue(al.homologous, al.reason)
        XCTAssertEqual(al.elementMap, ["Cd": "In", "Se": "P"])
        let bondIn = StructureTransforms.meanCationAnionBond(try library("In35P20.xyz"))!
        XCTAssertEqual(al.scale, MaterialTable.bondLength(Element(symbol: "Cd")!, Element(symbol: "Se")!)! / bondIn, accuracy: 0.005)
        let sub = try ClusterAligner.align(try CoreExtraction.extract(cdCluster).core, moved, options: AlignmentOptions(mode: .substructure))
        XCTAssertTrue(sub.homologous, sub.reason)
        XCTAssertEqual(sub.unmatchedA.count, 22, "the surface cations are left over")
    }

    func testHomologyCLI() throws {
        let dir = temporaryDirectory()
        let a = repoRoot + "/Structures/Cd56Se35.xyz", b = dir + "/b.xyz"
        var r = try runCLI(["build", "shuffle", repoRoot + "/Structures/In35P20.xyz", "--seed", "4", "--jitter", "0.02", "-o", b])
        XCTAssertEqual(r.status, 0, r.err)
        r = try runCLI(["homology", a, b, "--substructure", "--json", "-o", dir + "/aligned.xyz", "--plot", dir + "/overlay.svg"])
        XCTAssertEqual(r.status, 0, r.err)
        let obj = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let al = obj["alignment"] as! [String: Any]
        XCTAssertEqual(al["homologous"] as? Bool, true)
        XCTAssertEqual((al["matches"] as! [[String: Any]]).count, 55)
        XCTAssertEqual((al["unmatchedA"] as! [Int]).count, 36)
        XCTAssertNotNil(obj["pairDistribution"])
        let svg = try String(contentsOfFile: dir + "/overlay.svg", encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("x–z") && svg.contains("<line"))
        let aligned = try StructureReader.read(path: dir + "/aligned.xyz").structure
        XCTAssertEqual(aligned.formula, "In35P20")
        // Text: the verdict, the rule and the element map.
        r = try runCLI(["homology", a, b, "--substructure"])
        XCTAssertTrue(r.out.contains("verdict:   contained") && r.out.contains("map B→A:   In=Cd,P=Se"), r.out)
        // Usage errors and bad input: non-zero exit, nothing written.
        r = try runCLI(["homology", a, b, "--substructure", "--common"])
        XCTAssertNotEqual(r.status, 0)
        let tiny = writeTemporary("2\n\nCd 0 0 0\nSe 2.6 0 0\n", name: "tiny.xyz")
        r = try runCLI(["homology", a, tiny, "-o", dir + "/never.xyz"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("at least 3 atoms"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/never.xyz"))
        // build core reports what it removed.
        let (cluster, _) = try ligated()
        let lig = writeTemporary(XYZWriter.string(cluster), name: "ligated.xyz")
        r = try runCLI(["build", "core", lig, "--min-coordination", "3"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("core: removed ligand atoms") && r.err.contains("core: In13P20"), r.err)
        XCTAssertTrue(r.out.hasPrefix("33\n"), r.out)
        // homology --core strips the ligands of both before aligning; without it the map is refused.
        r = try runCLI(["homology", repoRoot + "/Structures/In35P20.xyz", lig, "--core"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("verdict:   homologous") && r.err.contains("B: removed ligand atoms"), r.out + r.err)
        r = try runCLI(["homology", repoRoot + "/Structures/In35P20.xyz", lig])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("--core"), r.err)
    }
}
