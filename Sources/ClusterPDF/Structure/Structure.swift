import Foundation

/// A set of atoms: a finite cluster, or the contents of one unit cell when `lattice` is set.
public struct Structure: Hashable, Sendable {
    /// Title (XYZ comment line or CIF block name).
    public var title: String
    /// The atoms, Cartesian positions in Å.
    public var atoms: [Atom]
    /// The crystal lattice, for periodic structures (atoms then fill one unit cell).
    public var lattice: Lattice?

    /// A structure; with a lattice it is periodic.
    public init(title: String = "", atoms: [Atom], lattice: Lattice? = nil) {
        self.title = title
        self.atoms = atoms
        self.lattice = lattice
    }

    /// Number of atoms.
    public var count: Int { atoms.count }
    /// Whether it has no atoms.
    public var isEmpty: Bool { atoms.isEmpty }

    /// Number of atoms per element.
    public var composition: [Element: Int] {
        var c = [Element: Int]()
        for a in atoms { c[a.element, default: 0] += 1 }
        return c
    }

    /// Elements present, by atomic number.
    public var elements: [Element] { composition.keys.sorted() }

    /// Chemical formula in Hill order (C, H first when carbon is present, then alphabetical), e.g. "Cd35Se20".
    public var formula: String { Structure.formula(composition) }

    /// Formula weighted by occupancy (Σ occ per element, e.g. "Cd2Se4Zn2" for Cd/Zn 0.5/0.5
    /// sites); nil when every occupancy is 1.
    public var occupancyFormula: String? {
        guard atoms.contains(where: { $0.occupancy != 1 }) else { return nil }
        var sum = [Element: Double]()
        for a in atoms { sum[a.element, default: 0] += a.occupancy }
        return sum.keys.sorted { $0.symbol < $1.symbol }.map { e in
            let v = sum[e]!
            let t = abs(v - v.rounded()) < 5e-4 ? String(Int(v.rounded())) : String(format: "%.3f", v).replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
            return e.symbol + (t == "1" ? "" : t)
        }.joined()
    }

    /// Hill formula of a composition.
    public static func formula(_ composition: [Element: Int]) -> String {
        var keys = composition.keys.sorted { $0.symbol < $1.symbol }
        if let c = Element(symbol: "C"), keys.contains(c) {
            let h = Element(symbol: "H")!
            keys.removeAll { $0 == c || $0 == h }
            keys = [c] + (composition[h] != nil ? [h] : []) + keys
        }
        return keys.map { e in
            let n = composition[e]!
            return n == 1 ? e.symbol : "\(e.symbol)\(n)"
        }.joined()
    }

    /// Mean position (Å).
    public var centroid: SIMD3<Double> {
        guard !atoms.isEmpty else { return .zero }
        return atoms.reduce(SIMD3<Double>.zero) { $0 + $1.position } / Double(atoms.count)
    }

    /// Largest interatomic distance (Å). Exact for up to 20,000 atoms; above that the bound
    /// 2 · max |r − centroid| is returned.
    public var diameter: Double {
        let n = atoms.count
        guard n > 1 else { return 0 }
        if n > 20_000 {
            let c = centroid
            return 2 * atoms.map { simd_length($0.position - c) }.max()!
        }
        var best = 0.0
        let p = atoms.map(\.position)
        for i in 0..<n { for j in (i + 1)..<n { best = max(best, simd_length_squared(p[i] - p[j])) } }
        return best.squareRoot()
    }

    /// A copy with every position moved by `offset` (Å).
    public func translated(by offset: SIMD3<Double>) -> Structure {
        var s = self
        for i in s.atoms.indices { s.atoms[i].position += offset }
        return s
    }

    /// A copy with every position multiplied by `factor` (about the origin); the lattice is dropped
    /// unless `factor` is 1.
    public func scaled(by factor: Double) -> Structure {
        var s = self
        for i in s.atoms.indices { s.atoms[i].position *= factor }
        if let l = lattice, factor != 1 {
            s.lattice = try? Lattice(a: l.a * factor, b: l.b * factor, c: l.c * factor, alpha: l.alpha, beta: l.beta, gamma: l.gamma)
        }
        return s
    }
}

@inline(__always) func simd_length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
@inline(__always) func simd_length_squared(_ v: SIMD3<Double>) -> Double { (v * v).sum() }
