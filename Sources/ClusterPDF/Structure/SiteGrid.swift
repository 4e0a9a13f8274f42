import Foundation

/// A lattice on which every atom of a structure sits, each atom kind up to an offset of its own:
/// position = `origins[k]` + Σⱼ `sites[k][i][j]` · `basis[j]`.
///
/// Particles cut from zincblende, wurtzite or any stacking of close-packed layers (and the
/// builders' tetrahedra, spheres and shaped cuts, with vacancies or trimmed surfaces) lie on such
/// a grid: for stackings it is the triangular net of the A, B and C positions with the layer
/// height, on which each element has its own offset. The multiset of pair vectors is then the
/// autocorrelation of the site occupancy (`PairHistogram`'s lattice path).
///
/// `detect` finds the grid from the coordinates alone: three short independent vectors between
/// atoms of the most common kind, the smallest denominators that put every atom on a rational
/// point of them, the lattice that all within-kind differences generate (Hermite normal form),
/// and a reduced basis of it. Every atom must lie within `tolerance` of its grid point, or there
/// is no grid (relaxed, disordered or amorphous clusters use the pair loop).
struct SiteGrid: Sendable {
    /// Reduced lattice vectors (Å).
    let basis: [SIMD3<Double>]
    /// Per kind: the position (Å) of grid index (0, 0, 0).
    let origins: [SIMD3<Double>]
    /// Per kind, per atom (in `AtomKinds` order): grid indices, all ≥ 0.
    let sites: [[SIMD3<Int32>]]
    /// Grid points along each axis that cover every atom.
    let extent: SIMD3<Int>
    /// Largest distance (Å) of an atom from its grid point.
    let largestDeviation: Double

    /// Largest distance (Å) of an atom from its grid point: lattice distances are then within
    /// 4e-6 Å of the atoms' own, below the pair loop's own Float32 distance error (2⁻²¹·D, D the
    /// largest pair distance: 5e-6 Å at D = 10 Å).
    static let tolerance = 2e-6
    /// Largest denominator of an atom's coordinates in the first three lattice vectors.
    static let largestDenominator = 24

    /// The grid of `kinds`, or nil when some atom is off every grid the method can find.
    static func detect(_ kinds: AtomKinds) -> SiteGrid? {
        guard let ref = kinds.positions.indices.max(by: { kinds.positions[$0].count < kinds.positions[$1].count }),
              kinds.positions[ref].count >= 4 else { return nil }
        guard let first = firstBasis(kinds.positions[ref]) else { return nil }
        let b = Matrix3(columns: first), inverse = b.inverse
        // Coordinates of each atom relative to the first atom of its kind, in the first basis.
        let fractional = kinds.positions.map { p in p.map { inverse * ($0 - p[0]) } }
        var denominators = SIMD3<Int>(repeating: 0)
        for axis in 0..<3 {
            guard let q = (1...largestDenominator).first(where: { q in
                fractional.allSatisfy { $0.allSatisfy { f in
                    let x = f[axis] * Double(q)
                    return abs(x - x.rounded()) < 1e-4 && abs(x) < 1e7
                } }
            }) else { return nil }
            denominators[axis] = q
        }
        // The lattice that the differences generate, in units of basis[j] / q[j].
        var hermite = HermiteBasis()
        for kind in fractional {
            for f in kind {
                let n = (0..<3).map { Int((f[$0] * Double(denominators[$0])).rounded()) }
                hermite.insert(n)
            }
        }
        guard hermite.rank == 3 else { return nil }
        let fine = (0..<3).map { first[$0] / Double(denominators[$0]) }
        var vectors = hermite.rows.map { row in (0..<3).reduce(SIMD3<Double>.zero) { $0 + Double(row[$1]) * fine[$1] } }
        reduce(&vectors)
        let lattice = Matrix3(columns: vectors), latticeInverse = lattice.inverse
        var indices = [[SIMD3<Int32>]]()
        var lo = SIMD3<Int32>(repeating: .max), hi = SIMD3<Int32>(repeating: .min)
        var worst = 0.0
        for p in kinds.positions {
            var row = [SIMD3<Int32>]()
            row.reserveCapacity(p.count)
            for x in p {
                let f = (latticeInverse * (x - p[0])).rounded(.toNearestOrEven)
                guard f.x.magnitude < 1e6, f.y.magnitude < 1e6, f.z.magnitude < 1e6 else { return nil }
                let deviation = simd_length(x - p[0] - lattice * f)
                if deviation > tolerance { return nil }
                worst = max(worst, deviation)
                let n = SIMD3<Int32>(Int32(f.x), Int32(f.y), Int32(f.z))
                lo = pointwiseMin(lo, n); hi = pointwiseMax(hi, n)
                row.append(n)
            }
            indices.append(row)
        }
        let shifted = indices.map { $0.map { $0 &- lo } }
        let extent = SIMD3<Int>(Int(hi.x - lo.x) + 1, Int(hi.y - lo.y) + 1, Int(hi.z - lo.z) + 1)
        // Origins: each kind's grid index (0, 0, 0) after the shift.
        let shift = SIMD3<Double>(Double(lo.x), Double(lo.y), Double(lo.z))
        let origins = kinds.positions.map { $0[0] + lattice * shift }
        return SiteGrid(basis: vectors, origins: origins, sites: shifted, extent: extent, largestDeviation: worst)
    }

    /// Three short, clearly independent vectors from the atom nearest the centroid to others.
    static func firstBasis(_ p: [SIMD3<Double>]) -> [SIMD3<Double>]? {
        let centroid = p.reduce(SIMD3<Double>.zero, +) / Double(p.count)
        guard let center = p.min(by: { simd_length_squared($0 - centroid) < simd_length_squared($1 - centroid) }) else { return nil }
        var nearest = Double.infinity
        for x in p { let d = simd_length_squared(x - center); if d > 1e-8 { nearest = min(nearest, d) } }
        guard nearest.isFinite else { return nil }
        let limit = 6.25 * nearest
        let candidates = p.map { $0 - center }.filter { let d = simd_length_squared($0); return d > 1e-8 && d <= limit }
            .sorted { simd_length_squared($0) < simd_length_squared($1) }
        guard let b1 = candidates.first else { return nil }
        guard let b2 = candidates.first(where: { simd_length(cross(b1, $0)) > 0.2 * simd_length(b1) * simd_length($0) }) else { return nil }
        let n = cross(b1, b2)
        guard let b3 = candidates.first(where: { abs((n * $0).sum()) > 0.2 * simd_length(n) * simd_length($0) }) else { return nil }
        return [b1, b2, b3]
    }

    /// Pairwise (Lagrange–Gauss) reduction: shortens the vectors against each other until none
    /// gets shorter, so that the grid's box around a compact particle stays compact.
    static func reduce(_ v: inout [SIMD3<Double>]) {
        for _ in 0..<100 {
            var changed = false
            v.sort { simd_length_squared($0) < simd_length_squared($1) }
            for i in 1..<3 {
                for j in 0..<i {
                    let mu = ((v[i] * v[j]).sum() / simd_length_squared(v[j])).rounded()
                    if mu != 0 { v[i] -= mu * v[j]; changed = true }
                }
            }
            if !changed { return }
        }
    }
}

/// The Hermite normal form of the lattice generated by integer vectors in Z³, built one vector
/// at a time (extended Euclid on each column; rows kept reduced, so entries stay small).
struct HermiteBasis {
    /// Row with its leading entry in column c (entries before c are 0), or nil.
    private var pivots: [[Int]?] = [nil, nil, nil]

    /// Number of independent rows.
    var rank: Int { pivots.compactMap { $0 }.count }
    /// The basis rows.
    var rows: [[Int]] { pivots.compactMap { $0 } }

    /// Adds `v` to the generators.
    mutating func insert(_ v: [Int]) {
        var v = v
        for c in 0..<3 where v[c] != 0 {
            guard var row = pivots[c] else {
                if v[c] < 0 { v = v.map { -$0 } }
                pivots[c] = v
                normalize()
                return
            }
            if v[c] % row[c] == 0 {
                let m = v[c] / row[c]
                for k in c..<3 { v[k] -= m * row[k] }
                continue
            }
            // g = x·row[c] + y·v[c]; the new pivot row has g in column c, and v gets 0 there.
            let (g, x, y) = HermiteBasis.extendedGCD(row[c], v[c])
            let a = row[c] / g, b = v[c] / g
            var newRow = row, newV = v
            for k in c..<3 {
                newRow[k] = x * row[k] + y * v[k]
                newV[k] = b * row[k] - a * v[k]
            }
            row = newRow
            if row[c] < 0 { row = row.map { -$0 } }
            pivots[c] = row
            v = newV
        }
        normalize()
    }

    /// Reduces the entries above each pivot modulo the pivot.
    private mutating func normalize() {
        for c in 0..<3 {
            guard let p = pivots[c] else { continue }
            for r in 0..<c {
                guard var row = pivots[r] else { continue }
                let m = Int((Double(row[c]) / Double(p[c])).rounded(.down))
                if m != 0 { for k in c..<3 { row[k] -= m * p[k] }; pivots[r] = row }
            }
        }
    }

    /// (g, x, y) with g = gcd(a, b) > 0 and x·a + y·b = g.
    static func extendedGCD(_ a: Int, _ b: Int) -> (Int, Int, Int) {
        var (r0, r1, s0, s1, t0, t1) = (a, b, 1, 0, 0, 1)
        while r1 != 0 {
            let q = r0 / r1
            (r0, r1) = (r1, r0 - q * r1)
            (s0, s1) = (s1, s0 - q * s1)
            (t0, t1) = (t1, t0 - q * t1)
        }
        return r0 < 0 ? (-r0, -s0, -t0) : (r0, s0, t0)
    }
}
