import Foundation

/// Whether two classifier models are the same structure from two sources (a library file and a
/// built-in model, say), so that a ranking lists it once.
///
/// Crystals are the same when their cells agree (lengths and angles to 0.1 %) and every atom of
/// one cell has an atom of the same element at the same fractional position (to 10⁻³, modulo
/// lattice translations) in the other. Clusters are the same when they have the same formula and
/// the same sorted list of interatomic distances (to 10⁻³ Å; at most 2,000 atoms are compared).
/// A different origin or setting of the same crystal is not detected: such models stay listed twice.
public enum ModelIdentity {
    /// Tolerance of fractional coordinates and of relative cell parameters.
    static let tolerance = 1e-3

    /// Whether `a` and `b` are the same structure.
    public static func same(_ a: ClassifierModel, _ b: ClassifierModel) -> Bool {
        guard (a.crystal == nil) == (b.crystal == nil), a.structure.formula == b.structure.formula,
              a.structure.count == b.structure.count else { return false }
        if a.crystal != nil { return sameCell(a.structure, b.structure) }
        return sameDistances(a.structure, b.structure)
    }

    static func sameCell(_ a: Structure, _ b: Structure) -> Bool {
        guard let la = a.lattice, let lb = b.lattice else { return false }
        let pa = [la.a, la.b, la.c, la.alpha, la.beta, la.gamma], pb = [lb.a, lb.b, lb.c, lb.alpha, lb.beta, lb.gamma]
        guard zip(pa, pb).allSatisfy({ abs($0 - $1) <= tolerance * max(abs($0), 1) }) else { return false }
        return a.atoms.allSatisfy { x in
            let fx = la.fractional(x.position)
            return b.atoms.contains { y in
                guard y.element == x.element else { return false }
                var d = fx - lb.fractional(y.position)
                d -= d.rounded(.toNearestOrAwayFromZero)
                return abs(d.x) <= tolerance && abs(d.y) <= tolerance && abs(d.z) <= tolerance
            }
        }
    }

    static func sameDistances(_ a: Structure, _ b: Structure) -> Bool {
        guard a.count <= 2_000 else { return false }
        func distances(_ s: Structure) -> [Double] {
            var out = [Double]()
            out.reserveCapacity(s.count * (s.count - 1) / 2)
            for i in s.atoms.indices { for j in (i + 1)..<s.count {
                let d = s.atoms[i].position - s.atoms[j].position
                out.append((d * d).sum().squareRoot())
            } }
            return out.sorted()
        }
        return zip(distances(a), distances(b)).allSatisfy { abs($0 - $1) <= tolerance }
    }
}
