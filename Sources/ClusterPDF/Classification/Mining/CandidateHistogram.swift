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
        // then cut to the largest distance found. For each atom the distances to the later atoms
        // are computed in a loop the compiler vectorises, then binned in the same order as a
        // plain double loop would (the Float sums are the same).
        let lo = x.reduce(SIMD3(repeating: Double.infinity)) { pointwiseMin($0, $1) }
        let hi = x.reduce(SIMD3(repeating: -Double.infinity)) { pointwiseMax($0, $1) }
        let inv = 1 / CandidateHistogram.binWidth
        let bound = x.isEmpty ? 0 : simd_length(hi - lo)
        let nb = Int(bound * inv) + 3
        let flat = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n * nb))
        flat.initialize(repeating: 0, count: n * nb)
        defer { flat.deallocate() }
        let px = x.map(\.x), py = x.map(\.y), pz = x.map(\.z)
        let count = x.count
        // Per atom and partner kind: the offset of that element pair's bins in `flat`.
        let offsets = kind.map { a in (0..<ne).map { b in pairIndex[a][b] * nb } }
        let u = UnsafeMutablePointer<Double>.allocate(capacity: max(1, count))
        let partnerKind = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, count))
        defer { u.deallocate(); partnerKind.deallocate() }
        for j in 0..<count { partnerKind[j] = Int32(kind[j]) }
        var dmax = 0.0
        px.withUnsafeBufferPointer { bx in py.withUnsafeBufferPointer { by in pz.withUnsafeBufferPointer { bz in
            for i in 0..<count {
                let m = count - i - 1
                if m == 0 { continue }
                let xi = bx[i], yi = by[i], zi = bz[i]
                var r2max = 0.0
                for t in 0..<m {
                    let j = i + 1 + t
                    let dx = xi - bx[j], dy = yi - by[j], dz = zi - bz[j]
                    let r2 = dx * dx + dy * dy + dz * dz
                    r2max = max(r2max, r2)
                    u[t] = r2.squareRoot() * inv
                }
                dmax = max(dmax, r2max)
                let row = offsets[i]
                row.withUnsafeBufferPointer { rp in
                    let pk = partnerKind + i + 1
                    for t in 0..<m {
                        let b = Int(u[t])
                        let f = Float(u[t] - Double(b))
                        let c = flat + rp[Int(pk[t])] + b
                        c[0] += 1 - f
                        c[1] += f
                    }
                }
            }
        } } }
        let c = (0..<n).map { p in Array(UnsafeBufferPointer(start: flat + p * nb, count: nb)) }
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
