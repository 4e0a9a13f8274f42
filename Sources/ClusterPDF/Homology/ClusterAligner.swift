import Foundation

/// Aligns two clusters: optimal atom assignment within each element class (Hungarian method),
/// optimal rotation, translation and isotropic scale (quaternion Kabsch), found by a global search
/// that symmetry cannot fool.
///
/// The search: three bonded atoms of the smaller cluster (a seed triplet) are paired with every
/// triplet of the larger cluster whose elements and distances agree; each pairing fixes a
/// transform, scored by nearest-neighbour distances; the best few are refined by alternating
/// assignment and superposition until the assignment no longer changes. Because every triplet is
/// tried, symmetry-equivalent orientations (the 12 of a Td tetrahedron, …) are all visited, and
/// the result does not depend on the starting orientation or the order of the atoms.
public enum ClusterAligner {
    /// Aligns B onto A. The mirror image of B is always tried; it is used only with
    /// `options.allowMirror`, and otherwise reported (`mirror`, `mirrorRMSD`) when only it aligns.
    public static func align(_ a: Structure, _ b: Structure, options: AlignmentOptions = AlignmentOptions()) throws -> ClusterAlignment {
        guard a.count >= 3, b.count >= 3 else {
            throw SettingsError.invalid("alignment needs at least 3 atoms in each cluster (A: \(a.count), B: \(b.count))")
        }
        for (name, s) in [("A", a), ("B", b)] where s.atoms.contains(where: { !($0.position.x.isFinite && $0.position.y.isFinite && $0.position.z.isFinite) }) {
            throw SettingsError.invalid("cluster \(name) has a non-finite coordinate")
        }
        let map = try resolveMap(a, b, options.elementMap)
        let classA = a.atoms.map { $0.element.atomicNumber }
        let classB = try b.atoms.map { atom -> Int in
            guard let e = map[atom.element] else {
                throw SettingsError.invalid("the element map has no entry for \(atom.element.symbol) of B (map: \(describe(map)))")
            }
            return e.atomicNumber
        }
        // Starting scale: B's mean cation–anion (or shortest) bond over A's.
        let s0 = options.refineScale ? startingScale(a, b, bonds: options.bonds) : 1
        let aIsSmall = a.count < b.count
        let small = aIsSmall ? a.atoms.map(\.position) : b.atoms.map(\.position)
        let large = aIsSmall ? b.atoms.map(\.position) : a.atoms.map(\.position)
        let smallClass = aIsSmall ? classA : classB, largeClass = aIsSmall ? classB : classA
        // Internal frame: the small cluster moves onto the large one; its size relative to the large.
        let sizeSmall = aIsSmall ? 1 / s0 : s0
        let search = AlignmentSearch(small: small, smallClass: smallClass, large: large, largeClass: largeClass,
                            scale: sizeSmall, refineScale: options.refineScale, mode: options.mode, tolerance: options.tolerance)
        // The mirror image is always tried: a cluster and its enantiomer have the same G(r), and
        // "not homologous" would hide that. It is chosen only with `allowMirror`; otherwise, when
        // only the reflection aligns, the result says so.
        let proper = search.run(mirror: false)
        let reflected = search.run(mirror: true)
        let mirrorRMSD = reflected.map(\.rmsd).flatMap { $0.isFinite ? $0 : nil }  // none: nil, never ∞ in JSON
        var best = proper
        if options.allowMirror, let mm = reflected, best == nil || mm.isBetter(than: best!, mode: options.mode) { best = mm }
        guard let found = best ?? (options.allowMirror ? nil : reflected), !found.pairs.isEmpty else {
            throw SettingsError.invalid("no alignment found: the clusters share no triplet of bonded atoms with matching elements and distances (A: \(a.formula), B: \(b.formula))")
        }
        func result(_ r: AlignmentSearch.Result) -> ClusterAlignment {
            // Pairs as (A index, B index); the final transform B → A from them.
            let pairs = r.pairs.map { aIsSmall ? (a: $0.small, b: $0.large) : (a: $0.large, b: $0.small) }.sorted { $0.a < $1.a }
            let t = Superposition.fit(a: pairs.map { a.atoms[$0.a].position }, b: pairs.map { b.atoms[$0.b].position },
                                      scale: 1, refineScale: options.refineScale, mirror: r.mirror)
            return report(a, b, map: map, pairs: pairs, transform: t, mirrorRMSD: mirrorRMSD, options: options)
        }
        var out = result(found)
        out.mirror = found.mirror
        if !options.allowMirror, !out.homologous, let mm = reflected, !mm.pairs.isEmpty {
            let m = result(mm)
            if m.homologous {
                out.mirror = true
                out.reason = String(format: "B is the mirror image of A: RMSD %.3f Å with reflection (%.3f Å without); use --allow-mirror to align it", m.rmsd, out.rmsd)
            }
        }
        return out
    }

    /// B's atoms carried into A's frame (scaled, rotated, mirrored as found), B's elements kept.
    public static func aligned(_ b: Structure, by alignment: ClusterAlignment) -> Structure {
        var out = b
        out.lattice = nil
        for k in out.atoms.indices { out.atoms[k].position = alignment.transform.apply(b.atoms[k].position) }
        out.title = "\(b.title.isEmpty ? b.formula : b.title) aligned onto A (RMSD \(String(format: "%.4f", alignment.rmsd)) Å, scale \(String(format: "%.4f", alignment.scale))\(alignment.transform.mirror ? ", mirror image" : ""))"
        return out
    }

    static func describe(_ m: [Element: Element]) -> String {
        m.keys.sorted().map { "\($0.symbol)=\(m[$0]!.symbol)" }.joined(separator: ",")
    }

    static func resolveMap(_ a: Structure, _ b: Structure, _ given: [Element: Element]?) throws -> [Element: Element] {
        if var m = given {
            for e in b.elements where m[e] == nil && a.elements.contains(e) { m[e] = e }
            return m
        }
        if Set(a.elements) == Set(b.elements) { return Dictionary(uniqueKeysWithValues: b.elements.map { ($0, $0) }) }
        return try PairDistributionHomology.autoMap(from: b, to: a)
    }

    static func startingScale(_ a: Structure, _ b: Structure, bonds: BondCriterion) -> Double {
        if let ba = StructureTransforms.meanCationAnionBond(a, bonds: bonds), let bb = StructureTransforms.meanCationAnionBond(b, bonds: bonds), ba > 0 {
            return bb / ba
        }
        let na = nearestNeighbourMean(a.atoms.map(\.position)), nb = nearestNeighbourMean(b.atoms.map(\.position))
        return na > 0 && nb > 0 ? nb / na : 1
    }

    static func nearestNeighbourMean(_ p: [SIMD3<Double>]) -> Double {
        var sum = 0.0
        for i in p.indices {
            var m = Double.infinity
            for j in p.indices where j != i { m = min(m, simd_length_squared(p[i] - p[j])) }
            sum += m.squareRoot()
        }
        return sum / Double(p.count)
    }

    static func report(_ a: Structure, _ b: Structure, map: [Element: Element], pairs: [(a: Int, b: Int)], transform t: AlignmentTransform,
                       mirrorRMSD: Double?, options: AlignmentOptions) -> ClusterAlignment {
        var matches = [AtomMatch]()
        var sum = 0.0
        var perEl = [String: (Double, Int)]()
        for p in pairs {
            let d = simd_length(a.atoms[p.a].position - t.apply(b.atoms[p.b].position))
            let el = a.atoms[p.a].element.symbol
            matches.append(AtomMatch(a: p.a + 1, b: p.b + 1, element: el, deviation: d))
            sum += d * d
            perEl[el, default: (0, 0)].0 += d * d
            perEl[el, default: (0, 0)].1 += 1
        }
        let rmsd = (sum / Double(max(1, pairs.count))).squareRoot()
        let usedA = Set(pairs.map(\.a)), usedB = Set(pairs.map(\.b))
        let unA = a.atoms.indices.filter { !usedA.contains($0) }.map { $0 + 1 }
        let unB = b.atoms.indices.filter { !usedB.contains($0) }.map { $0 + 1 }
        let worst = Array(matches.sorted { $0.deviation > $1.deviation }.prefix(5))
        let maxDev = worst.first?.deviation ?? 0
        let smaller = min(a.count, b.count)
        var ok: Bool
        var reason: String
        let f = { (x: Double) in String(format: "%.3f", x) }
        switch options.mode {
        case .whole:
            let mappedB = Structure.formula(Dictionary(b.atoms.map { (map[$0.element]!, 1) }, uniquingKeysWith: +))
            let sameComposition = mappedB == a.formula
            ok = sameComposition && rmsd <= ClusterAlignment.rmsdLimit && maxDev <= ClusterAlignment.deviationLimit
            if !sameComposition {
                reason = "compositions differ after the element map (A \(a.formula), B → \(mappedB)): \(unA.count) atoms of A and \(unB.count) of B unmatched; RMSD \(f(rmsd)) Å over \(pairs.count) pairs (try the substructure or common mode)"
            } else {
                reason = "RMSD \(f(rmsd)) Å \(rmsd <= ClusterAlignment.rmsdLimit ? "≤" : ">") \(ClusterAlignment.fmt(ClusterAlignment.rmsdLimit)) Å, largest deviation \(f(maxDev)) Å \(maxDev <= ClusterAlignment.deviationLimit ? "≤" : ">") \(ClusterAlignment.fmt(ClusterAlignment.deviationLimit)) Å over all \(pairs.count) atoms"
            }
        case .substructure:
            let all = pairs.count == smaller
            ok = all && rmsd <= ClusterAlignment.rmsdLimit && maxDev <= ClusterAlignment.deviationLimit
            let inner = a.count <= b.count ? "A" : "B", outer = inner == "A" ? "B" : "A"
            let left = inner == "A" ? unB.count : unA.count
            reason = "\(pairs.count) of the \(smaller) atoms of \(inner) matched in \(outer) (\(left) atoms of \(outer) left over); RMSD \(f(rmsd)) Å \(rmsd <= ClusterAlignment.rmsdLimit ? "≤" : ">") \(ClusterAlignment.fmt(ClusterAlignment.rmsdLimit)) Å, largest deviation \(f(maxDev)) Å"
        case .common:
            ok = pairs.count == smaller
            reason = "a common substructure of \(pairs.count) atoms (\(Int((100 * Double(pairs.count) / Double(smaller)).rounded())) % of the smaller cluster) with every pair within \(ClusterAlignment.fmt(options.tolerance)) Å; RMSD \(f(rmsd)) Å"
        }
        var elementRMSD = [String: Double]()
        for (k, v) in perEl { elementRMSD[k] = (v.0 / Double(v.1)).squareRoot() }
        return ClusterAlignment(mode: options.mode, elementMap: Dictionary(uniqueKeysWithValues: map.map { ($0.key.symbol, $0.value.symbol) }),
                                countA: a.count, countB: b.count, matches: matches, rmsd: rmsd, elementRMSD: elementRMSD,
                                transform: t, unmatchedA: unA, unmatchedB: unB, largestDeviations: worst, mirrorRMSD: mirrorRMSD,
                                homologous: ok, reason: reason, rule: ClusterAlignment.rule(for: options.mode))
    }
}
