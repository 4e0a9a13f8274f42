import Foundation

/// Relaxes a tetrahedrally bonded cluster with Keating's valence force field
/// (P. N. Keating, Phys. Rev. 145 (1966) 637):
///
///     E = Σ_bonds 3α/(16d²) (r_ij² − d²)² + Σ_i Σ_{j<k ∈ N(i)} 3β/(8d²) (r_ij·r_ik + d²/3)²
///
/// with the bulk bond length d, so that bond lengths and tetrahedral angles become physical while
/// the bond topology (which atoms are bonded) is kept. Only the ratio β/α shapes the minimum; the
/// default 4.2/35 is the ZnSe value of R. M. Martin, Phys. Rev. B 1 (1970) 4005, typical of II–VI
/// and III–V semiconductors. Minimised with FIRE (Bitzek et al., PRL 97 (2006) 170201).
public struct KeatingRelaxation: Sendable {
    /// Bonded pairs (i < j).
    public var bonds: [(Int, Int)]
    /// Bulk bond length d (Å).
    public var bondLength: Double
    /// Bond-stretching constant α (N/m).
    public var alpha: Double = 35
    /// Bond-bending constant β (N/m).
    public var beta: Double = 4.2

    /// A force field over `bonds` with bulk bond length `bondLength` (Å).
    public init(bonds: [(Int, Int)], bondLength: Double) { self.bonds = bonds; self.bondLength = bondLength }

    /// Bonds between unlike elements closer than `cutoff` (Å).
    public static func bonds(of s: Structure, cutoff: Double) -> [(Int, Int)] {
        var out = [(Int, Int)]()
        NeighborSearch(structure: s, cutoff: cutoff).forEachNeighbor { i, j, _ in
            if i < j, s.atoms[i].element != s.atoms[j].element { out.append((i, j)) }
        }
        return out.sorted { $0 < $1 }
    }

    /// Energy (arbitrary units) and its gradient at `x`.
    public func energy(_ x: [SIMD3<Double>]) -> (Double, [SIMD3<Double>]) {
        let d2 = bondLength * bondLength
        let ka = 3 * alpha / (16 * d2), kb = 3 * beta / (8 * d2)
        var e = 0.0
        var g = [SIMD3<Double>](repeating: .zero, count: x.count)
        var neighbours = [[Int]](repeating: [], count: x.count)
        for (i, j) in bonds {
            neighbours[i].append(j); neighbours[j].append(i)
            let r = x[j] - x[i]
            let t = (r * r).sum() - d2
            e += ka * t * t
            let f = 4 * ka * t * r
            g[j] += f; g[i] -= f
        }
        for i in x.indices {
            let n = neighbours[i]
            guard n.count >= 2 else { continue }
            for a in 0..<(n.count - 1) { for b in (a + 1)..<n.count {
                let rj = x[n[a]] - x[i], rk = x[n[b]] - x[i]
                let t = (rj * rk).sum() + d2 / 3
                e += kb * t * t
                let c = 2 * kb * t
                g[n[a]] += c * rk; g[n[b]] += c * rj; g[i] -= c * (rj + rk)
            } }
        }
        return (e, g)
    }

    /// Positions of `s` at the energy minimum reached from its current ones (FIRE, at most
    /// `maxSteps` steps, until the largest force is below `forceTolerance`).
    public func relax(_ s: Structure, maxSteps: Int = 2000, forceTolerance: Double = 1e-4) -> Structure {
        var x = s.atoms.map(\.position)
        var v = [SIMD3<Double>](repeating: .zero, count: x.count)
        var dt = 0.02, alphaF = 0.1, positive = 0
        let dtMax = 0.2
        for _ in 0..<maxSteps {
            let (_, g) = energy(x)
            let fmax = g.map { ($0 * $0).sum() }.max() ?? 0
            if fmax.squareRoot() < forceTolerance { break }
            let p = zip(v, g).reduce(0.0) { $0 - ($1.0 * $1.1).sum() }
            let vn = v.reduce(0.0) { $0 + ($1 * $1).sum() }.squareRoot()
            let fn = g.reduce(0.0) { $0 + ($1 * $1).sum() }.squareRoot()
            if p > 0 {
                for k in v.indices { v[k] = (1 - alphaF) * v[k] - alphaF * vn * g[k] / max(fn, 1e-300) }
                positive += 1
                if positive > 5 { dt = min(dt * 1.1, dtMax); alphaF *= 0.99 }
            } else {
                for k in v.indices { v[k] = .zero }
                dt *= 0.5; alphaF = 0.1; positive = 0
            }
            for k in x.indices { v[k] -= dt * g[k]; x[k] += dt * v[k] }
        }
        var out = s
        for k in out.atoms.indices { out.atoms[k].position = x[k] }
        return out
    }
}
