import Foundation

/// A candidate's pair-distance histogram, the only thing screening needs from its structure:
/// for each element pair, the number of pairs per bin of `binWidth` Å (each pair shared between
/// the two nearest bin centres in proportion to its distance, so the centroid is kept), plus its
/// composition and size.
public struct CandidateHistogram: Sendable {
    /// Bin width (Å) of every candidate histogram.
    public static let binWidth = 0.02

    /// Elements, sorted (order of `counts`' pairs: (0,0), (0,1), …, (1,1), …).
    public var elements: [Element]
    /// Number of atoms of each element.
    public var atomCounts: [Int]
    /// Unordered pair counts per bin, one array per element pair; bin b is at r = b·binWidth.
    public var counts: [[Float]]
    /// Largest interatomic distance (Å).
    public var maximumDistance: Double

    /// Total number of atoms.
    public var atomCount: Int { atomCounts.reduce(0, +) }
    /// Share of the atoms that are cations (not anion-like; 0 when there are none).
    public var cationShare: Double {
        guard let k = elements.firstIndex(where: { !$0.isAnionLike }), atomCount > 0 else { return 0 }
        return Double(atomCounts[k]) / Double(atomCount)
    }

    /// Element pairs in `counts` order.
    public var pairs: [(Int, Int)] {
        var p = [(Int, Int)]()
        for a in elements.indices { for b in a..<elements.count { p.append((a, b)) } }
        return p
    }

    /// Equivalent-sphere diameter (Å) of `atomCount` atoms at the density of the zincblende bulk
    /// of the pair (8 atoms per a³).
    public func equivalentDiameter(bulkA a: Double) -> Double {
        2 * pow(3 * Double(atomCount) * a * a * a / (4 * Double.pi * 8), 1.0 / 3)
    }

    /// Histogram of `s`.
    public init(structure s: Structure) {
        elements = s.elements
        let index = Dictionary(uniqueKeysWithValues: elements.enumerated().map { ($1, $0) })
        atomCounts = elements.map { e in s.atoms.filter { $0.element == e }.count }
        let ne = elements.count
        var pairIndex = [[Int]](repeating: [Int](repeating: 0, count: ne), count: ne)
        var n = 0
        for a in 0..<ne { for b in a..<ne { pairIndex[a][b] = n; pairIndex[b][a] = n; n += 1 } }
        let x = s.atoms.map(\.position), kind = s.atoms.map { index[$0.element]! }
        // One pass over the pairs: bins sized by the bounding box's diagonal (≥ every distance),
        // then cut to the largest distance found.
        let lo = x.reduce(SIMD3(repeating: Double.infinity)) { pointwiseMin($0, $1) }
        let hi = x.reduce(SIMD3(repeating: -Double.infinity)) { pointwiseMax($0, $1) }
        let inv = 1 / CandidateHistogram.binWidth
        let bound = x.isEmpty ? 0 : simd_length(hi - lo)
        var c = [[Float]](repeating: [Float](repeating: 0, count: Int(bound * inv) + 3), count: n)
        var dmax = 0.0
        for i in x.indices {
            for j in (i + 1)..<x.count {
                let d = x[i] - x[j]
                let r2 = (d * d).sum()
                dmax = max(dmax, r2)
                let u = r2.squareRoot() * inv
                let b = Int(u)
                let f = Float(u - Double(b))
                let p = pairIndex[kind[i]][kind[j]]
                c[p][b] += 1 - f
                c[p][b + 1] += f
            }
        }
        maximumDistance = dmax.squareRoot()
        let bins = Int(maximumDistance / CandidateHistogram.binWidth) + 3
        counts = c.map { Array($0.prefix(bins)) }
    }

    /// A histogram from stored parts (cache).
    init(elements: [Element], atomCounts: [Int], counts: [[Float]], maximumDistance: Double) {
        self.elements = elements; self.atomCounts = atomCounts; self.counts = counts; self.maximumDistance = maximumDistance
    }

    /// Whether two histograms are the same to within float rounding (duplicate candidates).
    func isSame(as o: CandidateHistogram) -> Bool {
        guard elements == o.elements, atomCounts == o.atomCounts, counts.count == o.counts.count,
              abs(maximumDistance - o.maximumDistance) < 1e-6 else { return false }
        for (p, q) in zip(counts, o.counts) {
            guard p.count == q.count else { return false }
            for k in p.indices where abs(p[k] - q[k]) > 1e-3 * max(1, abs(p[k])) { return false }
        }
        return true
    }

    /// A key that duplicates share (composition and largest distance to 0.01 Å); candidates with
    /// the same key are compared with `isSame`.
    var duplicateKey: [Int] { atomCounts + [Int((maximumDistance * 100).rounded())] }
}
