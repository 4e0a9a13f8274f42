import Foundation

/// Cuts finite clusters out of crystals.
public enum ClusterCarver {
    /// Where the carved shape is centred.
    public enum Center: String, Sendable, CaseIterable {
        /// The first cation of the cell (an atom at the centre).
        case atom
        /// The cell origin.
        case origin
        /// The point of the cell farthest from every atom (an interstitial void).
        case void
    }

    /// Shape of the carved cluster; its size is the circumscribing radius.
    public enum Shape: String, Sendable, CaseIterable {
        case sphere, cube, octahedron, tetrahedron
        /// Whether offset d (Å) from the centre lies within "radius" R (circumscribing size).
        func contains(_ d: SIMD3<Double>, _ r: Double) -> Bool {
            let eps = 1e-9
            switch self {
            case .sphere: return (d * d).sum() <= r * r + eps
            case .cube: return max(abs(d.x), abs(d.y), abs(d.z)) <= r + eps
            case .octahedron: return abs(d.x) + abs(d.y) + abs(d.z) <= r + eps
            case .tetrahedron:
                // Faces ⟂ (1,1,−1), (1,−1,1), (−1,1,1), (−1,−1,−1) at distance r/3 from the centre.
                let s = r / 3.0.squareRoot()
                return d.x + d.y - d.z <= s + eps && d.x - d.y + d.z <= s + eps && -d.x + d.y + d.z <= s + eps && -d.x - d.y - d.z <= s + eps
            }
        }
    }

    /// All atoms of the periodic `crystal` within `radius` (Å) of the chosen centre, in the given shape.
    /// With `stoichiometric`, surface atoms of the element in excess (fewest bonds first, then
    /// farthest from the centre) are removed until the crystal's formula ratio is met.
    /// The centre is put at the origin of the result.
    public static func carve(_ crystal: Structure, radius: Double, center: Center = .atom, shape: Shape = .sphere,
                             stoichiometric: Bool = false, bonds: BondCriterion = BondCriterion()) throws -> Structure {
        guard let lat = crystal.lattice else { throw CrystalBuilder.BuildError(description: "carving needs a crystal (a CIF or extended XYZ with a lattice)") }
        guard radius > 0, radius.isFinite, radius <= 500 else { throw CrystalBuilder.BuildError(description: "radius must be in (0, 500] Å") }
        guard !crystal.atoms.isEmpty else { throw CrystalBuilder.BuildError(description: "the crystal has no atoms") }
        let c = centerPoint(crystal, center)
        let (va, vb, vc) = lat.vectors
        let vol = lat.volume
        func spacing(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double { vol / simd_length(cross(u, v)) }
        let reach = radius * 1.8 + simd_length(va + vb + vc)
        let na = Int((reach / spacing(vb, vc)).rounded(.up)), nb = Int((reach / spacing(vc, va)).rounded(.up)), nc = Int((reach / spacing(va, vb)).rounded(.up))
        var atoms = [Atom]()
        for i in -na...na { for j in -nb...nb { for k in -nc...nc {
            let t = va * Double(i) + vb * Double(j) + vc * Double(k)
            for a in crystal.atoms {
                let d = a.position + t - c
                if shape.contains(d, radius) {
                    var b = a; b.position = d; b.label = ""; atoms.append(b)
                }
            }
        } } }
        sortFromCentre(&atoms)
        var s = Structure(title: "", atoms: atoms)
        guard !atoms.isEmpty else { throw CrystalBuilder.BuildError(description: "no atom lies within \(radius) Å of the centre") }
        if stoichiometric { s = trimToStoichiometry(s, target: crystal.composition, bonds: bonds) }
        s.title = "\(s.formula) \(shape.rawValue) R=\(radius) cut from \(crystal.title.isEmpty ? "crystal" : crystal.title)"
        return s
    }

    /// The deterministic order of cut clusters: by distance from the origin (the centre), then
    /// element, then coordinates.
    static func sortFromCentre(_ atoms: inout [Atom]) {
        atoms.sort { l, r in
            let dl = (l.position * l.position).sum(), dr = (r.position * r.position).sum()
            if abs(dl - dr) > 1e-9 { return dl < dr }
            if l.element != r.element { return l.element < r.element }
            return (l.position.x, l.position.y, l.position.z) < (r.position.x, r.position.y, r.position.z)
        }
    }

    static func centerPoint(_ crystal: Structure, _ center: Center) -> SIMD3<Double> {
        switch center {
        case .origin: return .zero
        case .atom:
            return (crystal.atoms.first { !$0.element.isAnionLike } ?? crystal.atoms[0]).position
        case .void:
            // Grid search over the cell for the point farthest from all atoms (periodic).
            let lat = crystal.lattice!
            var best = SIMD3<Double>.zero, bestD = -1.0
            let n = 24
            for i in 0..<n { for j in 0..<n { for k in 0..<n {
                let f = SIMD3(Double(i), Double(j), Double(k)) / Double(n)
                var dmin = Double.infinity
                for a in crystal.atoms {
                    var df = f - lat.fractional(a.position)
                    df -= SIMD3(df.x.rounded(), df.y.rounded(), df.z.rounded())
                    dmin = min(dmin, simd_length(lat.cartesian(df)))
                }
                if dmin > bestD + 1e-9 { bestD = dmin; best = lat.cartesian(f) }
            } } }
            return best
        }
    }

    /// Removes the least-bonded, outermost atoms of the element in excess, one at a time (bonds are
    /// recounted after each removal), until the ratio matches.
    static func trimToStoichiometry(_ s: Structure, target: [Element: Int], bonds: BondCriterion) -> Structure {
        let els = target.keys.sorted()
        guard els.count == 2, let t0 = target[els[0]], let t1 = target[els[1]], t0 > 0, t1 > 0 else { return s }
        var out = s
        let c0 = s.composition
        // The element in excess is fixed at the start; only it is trimmed, while it stays in excess
        // (so a ratio the counts cannot meet exactly stops just below it instead of oscillating).
        let excess = (c0[els[0]] ?? 0) * t1 > (c0[els[1]] ?? 0) * t0 ? els[0] : els[1]
        let other = excess == els[0] ? els[1] : els[0]
        let tExcess = excess == els[0] ? t0 : t1, tOther = excess == els[0] ? t1 : t0
        while true {
            let comp = out.composition
            guard (comp[excess] ?? 0) * tOther > (comp[other] ?? 0) * tExcess else { break }
            let stats = StructureStatistics(structure: out, criterion: bonds)
            let candidates = out.atoms.indices.filter { out.atoms[$0].element == excess }.sorted { i, j in
                let ci = stats.neighbors[i].count, cj = stats.neighbors[j].count
                if ci != cj { return ci < cj }
                let di = (out.atoms[i].position * out.atoms[i].position).sum(), dj = (out.atoms[j].position * out.atoms[j].position).sum()
                if abs(di - dj) > 1e-9 { return di > dj }
                return i > j
            }
            // Remove one at a time so coordination is re-evaluated (neighbours lose bonds).
            guard let drop = candidates.first else { break }
            out.atoms.remove(at: drop)
        }
        return out
    }
}
