import Foundation

/// Distance statistics for one element pair.
public struct PairStatistics: Sendable, Hashable, Codable {
    /// "Cd-Se".
    public var pair: String
    /// Shortest distance (Å) among pairs within the search range, nil if none.
    public var shortestDistance: Double?
    /// Mean length (Å) of bonded pairs, nil if none are bonded.
    public var meanBondLength: Double?
    /// Number of bonded pairs (each counted once; in a crystal, per unit cell).
    public var bondCount: Int
}

/// Bonding summary of a structure: bonds, coordination numbers and pair statistics.
public struct StructureStatistics: Sendable {
    /// For each atom, the indices of its bonded neighbours (periodic images map to their atom).
    public let neighbors: [[Int]]
    /// Coordination number per atom.
    public var coordination: [Int] { neighbors.map(\.count) }
    /// Statistics per element pair.
    public let pairs: [PairStatistics]
    /// Histogram of coordination numbers per element: element → (CN → count).
    public let coordinationHistogram: [Element: [Int: Int]]

    /// Computes bonds with `criterion`; shortest distances are searched up to `searchRange` Å.
    public init(structure: Structure, criterion: BondCriterion = BondCriterion(), searchRange: Double = 8) {
        let els = structure.elements
        let maxBond = criterion.maximumCutoff(for: els)
        var nbrs = Array(repeating: [Int](), count: structure.count)
        var shortest = [ElementPair: Double]()
        var bondSum = [ElementPair: Double]()
        var bondN = [ElementPair: Int]()
        let atoms = structure.atoms
        NeighborSearch(structure: structure, cutoff: max(maxBond, searchRange)).forEachNeighbor { i, j, d in
            let p = ElementPair(atoms[i].element, atoms[j].element)
            shortest[p] = min(shortest[p] ?? .infinity, d)
            if d <= criterion.cutoff(atoms[i].element, atoms[j].element) {
                nbrs[i].append(j)
                bondSum[p, default: 0] += d
                bondN[p, default: 0] += 1
            }
        }
        neighbors = nbrs
        var stats = [PairStatistics]()
        var allPairs = Set<ElementPair>()
        for a in els { for b in els { allPairs.insert(ElementPair(a, b)) } }
        for p in allPairs.sorted() {
            let n = bondN[p] ?? 0
            stats.append(PairStatistics(pair: p.description, shortestDistance: shortest[p],
                                        meanBondLength: n > 0 ? bondSum[p]! / Double(n) : nil, bondCount: n / 2))
        }
        pairs = stats
        var hist = [Element: [Int: Int]]()
        for (i, a) in atoms.enumerated() { hist[a.element, default: [:]][nbrs[i].count, default: 0] += 1 }
        coordinationHistogram = hist
    }
}
