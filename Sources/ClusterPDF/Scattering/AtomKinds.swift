/// Atoms grouped into kinds that scatter alike: same element, charge, Uiso and occupancy.
/// Pair sums are accumulated per kind pair, so any per-atom Uiso from a file is honoured.
public struct AtomKinds: Sendable {
    /// Atoms that scatter alike: same element, charge, Uiso and occupancy.
    public struct Kind: Hashable, Sendable {
        /// Element.
        public var element: Element
        /// Formal charge (selects an ionic form factor).
        public var charge: Int
        /// Uiso (Å²) rounded to 1e-6.
        public var uiso: Double
        /// Site occupancy (0…1).
        public var occupancy: Double
    }
    /// The distinct kinds, in first-appearance order.
    public internal(set) var kinds: [Kind]
    /// Positions (Å) of the atoms of each kind.
    public let positions: [[SIMD3<Double>]]

    /// Groups `structure`'s atoms; Uiso from `displacements`.
    public init(structure: Structure, displacements: DisplacementSettings) {
        var index = [Kind: Int]()
        var ks = [Kind]()
        var pos = [[SIMD3<Double>]]()
        for a in structure.atoms {
            let u = (displacements.uiso(of: a) * 1e6).rounded() / 1e6
            let k = Kind(element: a.element, charge: a.charge, uiso: u, occupancy: a.occupancy)
            if let i = index[k] { pos[i].append(a.position) } else {
                index[k] = ks.count; ks.append(k); pos.append([a.position])
            }
        }
        kinds = ks
        positions = pos
    }

    /// The same grouping with new Uiso values (Å²) per element; elements not listed keep theirs.
    public func withUiso(_ perElement: [Element: Double]) -> AtomKinds {
        var k = self
        for i in k.kinds.indices { if let u = perElement[k.kinds[i].element] { k.kinds[i].uiso = u } }
        return k
    }

    /// Index pairs (a ≤ b) in a fixed order.
    public var pairs: [(Int, Int)] {
        var p = [(Int, Int)]()
        for a in kinds.indices { for b in a..<kinds.count { p.append((a, b)) } }
        return p
    }

    /// Expected numbers of atoms per kind replacing the position counts in the normalisation
    /// (an ensemble's average composition: `EnsembleModel`); nil for a real structure.
    var expectedCounts: [Double]?

    /// Number of atoms of kind `i` (its expected number for an ensemble).
    func count(_ i: Int) -> Double { expectedCounts?[i] ?? Double(positions[i].count) }

    /// Number of atoms over all kinds.
    public var atomCount: Int { positions.reduce(0) { $0 + $1.count } }
}
