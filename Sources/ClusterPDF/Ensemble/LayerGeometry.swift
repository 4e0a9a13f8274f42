import Foundation

/// The geometry of close-packed double layers of a tetrahedral binary (cation–anion), the
/// building block of zincblende, wurtzite and every stacking between them.
///
/// Lateral lattice a1 = a(1, 0, 0), a2 = a(½, √3/2, 0); the three lateral positions A, B, C at
/// 0, (a1 + a2)/3 and 2(a1 + a2)/3; the cations of layer k at height k·h, each anion at
/// k·h + b_z directly above its cation (the conventions of `StackedClusterBuilder`).
public struct LayerGeometry: Sendable, Hashable {
    /// The cation (Cd of CdSe).
    public var cation: Element
    /// The anion (Se of CdSe).
    public var anion: Element
    /// In-plane lattice constant a (Å).
    public var a: Double
    /// Spacing of the double layers h (Å): c/2 of wurtzite, a/√3 of zincblende.
    public var h: Double
    /// Height of an anion above its cation b_z (Å): u·c of wurtzite, ¾h of ideal zincblende.
    public var bz: Double
    /// The stacking of the crystal the geometry came from (zincblende or wurtzite): the fault
    /// probability an ensemble holds when faults are not refined (1 or 0).
    public var parent: StackingSequence.Kind

    /// A geometry from its values; throws unless a, h > 0 and 0 < b_z < h.
    public init(cation: Element, anion: Element, a: Double, h: Double, bz: Double, parent: StackingSequence.Kind = .wurtzite) throws(RefinementError) {
        guard a > 0, h > 0, bz > 0, bz < h, a.isFinite, h.isFinite else {
            throw .invalidSetting(option: "MODEL", message: "layer geometry a = \(a) Å, h = \(h) Å, b_z = \(bz) Å is not a tetrahedral double layer (need a, h > 0 and 0 < b_z < h)")
        }
        self.cation = cation; self.anion = anion; self.a = a; self.h = h; self.bz = bz; self.parent = parent
    }

    /// The geometry of a zincblende (cubic, 2 elements, a = b = c, right angles) or wurtzite
    /// (hexagonal, a = b, γ = 120°, an anion directly above its cation along c) crystal; throws,
    /// naming `path`, for anything else.
    public init(crystal: Crystal, path: String) throws(RefinementError) {
        let els = crystal.elements
        guard els.count == 2, let an = els.first(where: { $0.isAnionLike }), let cat = els.first(where: { !$0.isAnionLike }) else {
            throw .invalidSetting(option: "MODEL", message: "\(path): a stacking-fault ensemble needs a binary of one cation and one anion (zincblende or wurtzite); this crystal has \(els.map(\.symbol).joined(separator: ", "))")
        }
        let l = crystal.lattice
        func near(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-3 * max(abs(y), 1) }
        if near(l.a, l.b), near(l.b, l.c), near(l.alpha, 90), near(l.beta, 90), near(l.gamma, 90) {
            try self.init(cation: cat, anion: an, a: l.a / 2.0.squareRoot(), h: l.a / 3.0.squareRoot(), bz: 0.75 * l.a / 3.0.squareRoot(), parent: .zincblende)
            return
        }
        if near(l.a, l.b), near(l.alpha, 90), near(l.beta, 90), near(l.gamma, 120) {
            let cell = crystal.unitCell().atoms
            // u·c: the shortest cation→anion height along +c between atoms at the same x, y.
            var best = Double.infinity
            for c in cell where c.element == cat {
                for a in cell where a.element == an {
                    var d = l.fractional(a.position - c.position)
                    d -= d.rounded(.toNearestOrAwayFromZero)
                    guard abs(d.x) < 1e-3, abs(d.y) < 1e-3 else { continue }
                    let z = d.z < 0 ? d.z + 1 : d.z
                    if z > 1e-6, z < best { best = z }
                }
            }
            if best < 0.5 {
                try self.init(cation: cat, anion: an, a: l.a, h: l.c / 2, bz: best * l.c, parent: .wurtzite)
                return
            }
        }
        throw .invalidSetting(option: "MODEL", message: "\(path) is neither zincblende (cubic) nor wurtzite (hexagonal, an anion above each cation along c): a stacking-fault ensemble is built of their double layers")
    }
}
