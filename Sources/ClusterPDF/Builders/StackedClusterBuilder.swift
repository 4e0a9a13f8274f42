import Foundation

/// Builds finite tetrahedral clusters (cation–anion binaries) of any stacking sequence and shape:
/// zincblende, wurtzite, polytypes and faulted stackings, cut as spheres, spheroids, hexagonal
/// prisms, bullets or cubic polyhedra, with a surface rule.
///
/// Geometry: close-packed double layers, lateral lattice a1 = a(1, 0, 0), a2 = a(½, √3/2, 0),
/// the three lateral positions A, B, C at 0, (a1 + a2)/3, 2(a1 + a2)/3; layer k (cations) at height
/// k·h with its anion at k·h + b_z directly above. Zincblende uses a = a_zb/√2, h = a_zb/√3,
/// b_z = ¾h (ideal tetrahedra, `MaterialTable`); wurtzite the tabulated a, c/2 and u·c; mixed
/// stackings interpolate linearly in their cubic fraction.
public enum StackedClusterBuilder {
    /// Where the cut is centred (the origin of the result).
    public enum Center: String, Sendable, Hashable, Codable, CaseIterable {
        /// On a cation.
        case cation
        /// On an anion (the one bonded to that cation along z).
        case anion
        /// Mid-way along that cation–anion bond.
        case bond
    }

    /// In-plane lattice constant a, layer spacing h and axial bond b_z (Å) for `cubicFraction`.
    public static func geometry(cation: Element, anion: Element, cubicFraction: Double) throws -> (a: Double, h: Double, bz: Double) {
        guard let azb = MaterialTable.zincblendeA(cation, anion) ?? MaterialTable.wurtziteCell(cation, anion).map({ $0.a * 2.0.squareRoot() }) else {
            throw CrystalBuilder.BuildError(description: "no tabulated lattice constant for \(cation)\(anion)")
        }
        let zb = (a: azb / 2.0.squareRoot(), h: azb / 3.0.squareRoot(), bz: 0.75 * azb / 3.0.squareRoot())
        let w = MaterialTable.wurtziteCell(cation, anion).map { (a: $0.a, h: $0.c / 2, bz: $0.u * $0.c) } ?? zb
        let x = 1 - min(1, max(0, cubicFraction))
        return ((1 - x) * zb.a + x * w.a, (1 - x) * zb.h + x * w.h, (1 - x) * zb.bz + x * w.bz)
    }

    /// Indices of the double layers a cut can contain (their cation or anion lies within the
    /// shape's axial extent), for the stacking actually present in a cluster.
    public static func layerRange(shape: ParticleShape, center: Center, h: Double, bz: Double) -> ClosedRange<Int> {
        let z0: Double = center == .cation ? 0 : center == .anion ? bz : bz / 2
        let ext = shape.extent.axial
        let lo = Int(((z0 - ext - bz) / h).rounded(.up)), hi = Int(((z0 + ext) / h).rounded(.down))
        return lo...max(lo, hi)
    }

    /// Fraction of the cluster's atoms that lie in cubic double layers — the stacking the cluster
    /// really has (a small cut of a faulted sequence may contain no fault at all).
    ///
    /// A double layer is cubic when its two neighbours sit on different lateral positions and
    /// hexagonal when they sit on the same one, so only the layers between the cut's first and
    /// last occupied layer have a stacking: the two end layers have one neighbour inside the
    /// cluster, and the layer beyond them, absent from the cluster, is invisible to the data. Each
    /// inner layer counts by its lattice sites inside the shape (before surface trimming), so a
    /// three-atom tip weighs less than the central layer. Cuts with fewer than three occupied
    /// layers, whose stacking is undefined, give the fraction of the sequence's layers around the
    /// cut (cubic when its neighbours differ).
    public static func cubicFraction(cation: Element, anion: Element, stacking: StackingSequence, shape: ParticleShape, center: Center) -> Double {
        guard let g = try? geometry(cation: cation, anion: anion, cubicFraction: stacking.cubicFraction) else { return stacking.cubicFraction }
        var perLayer = [Int: Int]()
        forEachSite(geometry: g, stacking: stacking, shape: shape, center: center) { k, _, _ in perLayer[k, default: 0] += 1 }
        return cubicFraction(sitesPerLayer: perLayer, stacking: stacking, shape: shape, center: center, geometry: g)
    }

    /// `cubicFraction` from the number of lattice sites of each double layer inside the shape.
    static func cubicFraction(sitesPerLayer perLayer: [Int: Int], stacking: StackingSequence, shape: ParticleShape, center: Center,
                              geometry g: (a: Double, h: Double, bz: Double)) -> Double {
        guard let lo = perLayer.keys.min(), let hi = perLayer.keys.max(), hi - lo >= 2 else {
            let range = layerRange(shape: shape, center: center, h: g.h, bz: g.bz)
            return StackingSequence.cubicFraction(of: stacking.letters((range.lowerBound - 1)...(range.upperBound + 1)))
        }
        let letters = stacking.letters(lo...hi)
        var cubic = 0, all = 0
        for k in (lo + 1)..<hi {
            let n = perLayer[k] ?? 0
            all += n
            if letters[k - 1 - lo] != letters[k + 1 - lo] { cubic += n }
        }
        return all > 0 ? Double(cubic) / Double(all) : 0
    }

    /// Calls `body(layer, isCation, position)` for every lattice site of `stacking` inside `shape`
    /// around `center` (positions in Å from the centre; layer k's cation at height k·h).
    static func forEachSite(geometry g: (a: Double, h: Double, bz: Double), stacking: StackingSequence, shape: ParticleShape,
                            center: Center, _ body: (Int, Bool, SIMD3<Double>) -> Void) {
        let a1 = SIMD3(g.a, 0, 0), a2 = SIMD3(g.a / 2, g.a * 3.0.squareRoot() / 2, 0)
        let offsets = [SIMD3<Double>.zero, (a1 + a2) / 3, (a1 + a2) * (2.0 / 3)]
        let origin: SIMD3<Double> = center == .cation ? .zero : center == .anion ? SIMD3(0, 0, g.bz) : SIMD3(0, 0, g.bz / 2)
        let ext = shape.extent
        let kmax = Int(((ext.axial + g.h) / g.h).rounded(.up)) + 1
        let n = Int((ext.lateral * 2 / g.a).rounded(.up)) + 2
        let letters = stacking.letters(-kmax...kmax)
        for (index, k) in (-kmax...kmax).enumerated() {
            let z = Double(k) * g.h
            for i in -n...n { for j in -n...n {
                let lateral = a1 * Double(i) + a2 * Double(j) + offsets[letters[index]]
                let c = SIMD3(lateral.x, lateral.y, z) - origin
                if shape.contains(c) { body(k, true, c) }
                let an = c + SIMD3(0, 0, g.bz)
                if shape.contains(an) { body(k, false, an) }
            } }
        }
    }

    /// The cluster of `stacking` inside `shape` around `center`, trimmed by `surface`.
    public static func build(cation: Element, anion: Element, stacking: StackingSequence, shape: ParticleShape,
                             center: Center = .cation, surface: SurfaceRule = SurfaceRule()) throws -> Structure {
        try buildWithCubicFraction(cation: cation, anion: anion, stacking: stacking, shape: shape, center: center, surface: surface).structure
    }

    /// `build` and the cut's `cubicFraction`, from one pass over the lattice sites.
    static func buildWithCubicFraction(cation: Element, anion: Element, stacking: StackingSequence, shape: ParticleShape,
                                       center: Center = .cation, surface: SurfaceRule = SurfaceRule()) throws -> (structure: Structure, cubicFraction: Double) {
        guard shape.radius > 0, shape.radius <= 200, shape.aspect > 0, shape.aspect <= 10 else {
            throw CrystalBuilder.BuildError(description: "shape radius must be in (0, 200] Å and aspect in (0, 10]")
        }
        let g = try geometry(cation: cation, anion: anion, cubicFraction: stacking.kind == .faulted ? stacking.cubicFraction : stacking.kind.nominalCubicFraction)
        var atoms = [Atom]()
        var perLayer = [Int: Int]()
        forEachSite(geometry: g, stacking: stacking, shape: shape, center: center) { k, isCation, p in
            atoms.append(Atom(element: isCation ? cation : anion, position: p))
            perLayer[k, default: 0] += 1
        }
        let fraction = cubicFraction(sitesPerLayer: perLayer, stacking: stacking, shape: shape, center: center, geometry: g)
        ClusterCarver.sortFromCentre(&atoms)
        var s = Structure(title: "", atoms: atoms)
        s = trim(s, rule: surface, bond: (g.h * 0.75 + g.bz) / 2)
        guard s.count >= 2 else { throw CrystalBuilder.BuildError(description: "the \(shape.name) cut leaves fewer than two atoms") }
        s.title = "\(s.formula) \(stacking.name) \(shape.name) centre \(center.rawValue) surface \(surface.name)"
        return (s, fraction)
    }

    /// Applies `rule` with bonds counted between unlike elements within 1.2 × `bond` (Å).
    public static func trim(_ s: Structure, rule: SurfaceRule, bond: Double) -> Structure {
        var out = s
        out.atoms = trimmedIndices(s, rule: rule, bond: bond).map { s.atoms[$0] }
        return out
    }

    /// Indices (ascending) of the atoms `rule` keeps.
    static func trimmedIndices(_ s: Structure, rule: SurfaceRule, bond: Double) -> [Int] {
        var keep = Array(s.atoms.indices)
        if rule.minimumBonds > 1 {
            var neighbours = [[Int]](repeating: [], count: s.count)
            NeighborSearch(structure: s, cutoff: 1.2 * bond).forEachNeighbor { i, j, _ in
                if s.atoms[i].element != s.atoms[j].element { neighbours[i].append(j) }
            }
            var degree = neighbours.map(\.count)
            var removed = [Bool](repeating: false, count: s.count)
            var queue = s.atoms.indices.filter { degree[$0] < rule.minimumBonds }
            for i in queue { removed[i] = true }
            while let i = queue.popLast() {
                for j in neighbours[i] where !removed[j] {
                    degree[j] -= 1
                    if degree[j] < rule.minimumBonds { removed[j] = true; queue.append(j) }
                }
            }
            keep = keep.filter { !removed[$0] }
        }
        let kept = Structure(title: "", atoms: keep.map { s.atoms[$0] })
        if rule.stoichiometric, kept.elements.count == 2 {
            // Tag atoms by index in the label to map the trimmed result back.
            var tagged = kept
            for k in tagged.atoms.indices { tagged.atoms[k].label = String(keep[k]) }
            let trimmed = ClusterCarver.trimToStoichiometry(tagged, target: [kept.elements[0]: 1, kept.elements[1]: 1],
                                                            bonds: BondCriterion(globalCutoff: 1.2 * bond))
            keep = trimmed.atoms.compactMap { Int($0.label) }.sorted()
        }
        return keep
    }
}
