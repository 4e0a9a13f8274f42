import Foundation

/// Pseudo-wurtzite cluster cores built from twisted, eclipsed tetrahedral units, the motif described
/// for In37P20 ([In21P20] core), In26P13 and Cd14Se13 (Gary et al., J. Am. Chem. Soc. 138 (2016)
/// 1510; Friedfeld et al., Chem. Mater. 2019).
///
/// Construction: a bundle of `ring` wurtzite columns around the hexagonal channel (3, 6 or 12
/// nearest sites of each double layer: eclipsed cation–anion bonds along c), `layers` double
/// layers high; double layer k is rotated by k·`twistDegrees` about the channel axis, which twists
/// the tetrahedral units into helical, polytwistane-like chains; the bond topology of the untwisted
/// bundle is then relaxed with Keating's valence force field (`KeatingRelaxation`), so that bonds
/// and angles are physical. The surface rule is applied before relaxation.
public enum PseudoWurtziteBuilder {
    /// The core of `layers` double layers (1…12) of `ring` ∈ {3, 6, 12} columns, twisted by
    /// `twistDegrees` per layer (−60…60).
    public static func build(cation: Element, anion: Element, layers: Int, ring: Int, twistDegrees: Double,
                             surface: SurfaceRule = SurfaceRule()) throws -> Structure {
        guard (1...12).contains(layers), [3, 6, 12].contains(ring), abs(twistDegrees) <= 60 else {
            throw CrystalBuilder.BuildError(description: "pseudo-wurtzite core: layers 1–12, ring 3, 6 or 12, twist within ±60°")
        }
        let g = try StackedClusterBuilder.geometry(cation: cation, anion: anion, cubicFraction: 0)
        var s = bundle(cation: cation, anion: anion, layers: layers, ring: ring, twistDegrees: twistDegrees, g: g)
        let bond = (g.h * 0.75 + g.bz) / 2
        // Topology from the untwisted bundle (same atom order), then trim and relax.
        let untwisted = bundle(cation: cation, anion: anion, layers: layers, ring: ring, twistDegrees: 0, g: g)
        let keep = StackedClusterBuilder.trimmedIndices(untwisted, rule: surface, bond: bond)
        s.atoms = keep.map { s.atoms[$0] }
        let topo = Structure(title: "", atoms: keep.map { untwisted.atoms[$0] })
        guard s.count >= 4 else { throw CrystalBuilder.BuildError(description: "the pseudo-wurtzite core is too small after trimming") }
        let ff = KeatingRelaxation(bonds: KeatingRelaxation.bonds(of: topo, cutoff: 1.2 * bond), bondLength: MaterialTable.bondLength(cation, anion) ?? bond)
        s = ff.relax(s)
        let centre = s.centroid
        for k in s.atoms.indices { s.atoms[k].position -= centre }
        s.title = "\(s.formula) pseudo-wurtzite core layers \(layers) ring \(ring) twist \(twistDegrees)° surface \(surface.name)"
        return s
    }

    /// The bundle with double layer k turned by k·`twistDegrees` (the same atom order for any twist).
    static func bundle(cation: Element, anion: Element, layers: Int, ring: Int, twistDegrees: Double, g: (a: Double, h: Double, bz: Double)) -> Structure {
        let a1 = SIMD3(g.a, 0, 0), a2 = SIMD3(g.a / 2, g.a * 3.0.squareRoot() / 2, 0)
        let offsets = [SIMD3<Double>.zero, (a1 + a2) / 3]
        let axis = (a1 + a2) * (2.0 / 3)
        var atoms = [Atom]()
        for k in 0..<layers {
            var sites = [SIMD3<Double>]()
            for i in -4...4 { for j in -4...4 { sites.append(a1 * Double(i) + a2 * Double(j) + offsets[k % 2] - axis) } }
            sites.sort { l, r in
                let dl = (l * l).sum(), dr = (r * r).sum()
                if abs(dl - dr) > 1e-9 { return dl < dr }
                return atan2(l.y, l.x) < atan2(r.y, r.x)
            }
            let angle = Double(k) * twistDegrees * Double.pi / 180
            let (c, sn) = (cos(angle), sin(angle))
            let z = Double(k - (layers - 1) / 2) * g.h
            for p in sites.prefix(ring) {
                let q = SIMD3(c * p.x - sn * p.y, sn * p.x + c * p.y, z)
                atoms.append(Atom(element: cation, position: q))
                atoms.append(Atom(element: anion, position: q + SIMD3(0, 0, g.bz)))
            }
        }
        return Structure(title: "", atoms: atoms)
    }
}
