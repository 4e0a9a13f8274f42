import Foundation

/// The global search behind `ClusterAligner`, in the frame where the smaller cluster ("small")
/// moves onto the larger ("large"). Element classes are A's atomic numbers.
struct AlignmentSearch: Sendable {
    /// A refined alignment: pairs (small index, large index) and their RMSD.
    struct Result: Sendable {
        var pairs: [(small: Int, large: Int)]
        var rmsd: Double
        var mirror: Bool
        /// Ranking: more pairs first in `.common` mode, then the lower RMSD.
        func isBetter(than o: Result, mode: AlignmentMode) -> Bool {
            if mode == .common, pairs.count != o.pairs.count { return pairs.count > o.pairs.count }
            return rmsd < o.rmsd - 1e-9
        }
    }

    let small: [SIMD3<Double>], smallClass: [Int]
    let large: [SIMD3<Double>], largeClass: [Int]
    /// Small's lengths ÷ large's (starting value).
    let scale: Double
    let refineScale: Bool
    let mode: AlignmentMode
    /// Largest deviation of a pair in `.common` mode (Å, A's units; the frames differ by `scale` at most a few %).
    let tolerance: Double
    /// Transforms kept from the triplet screening for refinement.
    let keep = 12
    /// Largest distance (Å) counted in the screening score.
    let cap = 1.0

    /// Best alignment with proper rotations (or, with `mirror`, improper ones).
    func run(mirror: Bool) -> Result? {
        let grid = SpatialGrid(points: large, cell: 2.0)
        var pool = [(score: Double, t: AlignmentTransform)]()
        for seed in seeds() {
            for cand in candidates(for: seed) {
                let t = Superposition.fit(a: cand.map { large[$0] }, b: [small[seed.0], small[seed.1], small[seed.2]],
                                          scale: scale, refineScale: false, mirror: mirror)
                let score = screen(t, grid: grid, limit: pool.count == keep ? pool[keep - 1].score : .infinity)
                guard score.isFinite else { continue }
                if pool.count < keep || score < pool[keep - 1].score {
                    pool.append((score, t))
                    pool.sort { $0.score < $1.score }
                    if pool.count > keep { pool.removeLast() }
                }
            }
        }
        var best: Result?
        for (_, t) in pool {
            let r = refine(t, mirror: mirror)
            if best == nil || r.isBetter(than: best!, mode: mode) { best = r }
        }
        return best
    }

    /// Seed triplets (centre, two neighbours at a well-defined angle) of the small cluster: the
    /// atoms nearest its centroid (whole, substructure) or atoms spread over it (common).
    func seeds() -> [(Int, Int, Int)] {
        let c = small.reduce(SIMD3<Double>(), +) / Double(small.count)
        let order = small.indices.sorted { simd_length_squared(small[$0] - c) < simd_length_squared(small[$1] - c) }
        let centres: [Int]
        switch mode {
        case .whole, .substructure: centres = Array(order.prefix(2))
        case .common:
            let n = min(10, order.count)
            centres = (0..<n).map { order[$0 * order.count / n] }
        }
        var out = [(Int, Int, Int)]()
        for i in centres {
            let nb = small.indices.filter { $0 != i }.sorted { simd_length_squared(small[$0] - small[i]) < simd_length_squared(small[$1] - small[i]) }
            guard let j = nb.first else { continue }
            let u = small[j] - small[i]
            if let k = nb.dropFirst().prefix(12).first(where: { k in
                let v = small[k] - small[i]
                let cosA = (u * v).sum() / (simd_length(u) * simd_length(v))
                return abs(cosA) < 0.82  // 35°–145°
            }) { out.append((i, j, k)) }
        }
        return out
    }

    /// Triplets of the large cluster with the seed's classes and distances.
    func candidates(for seed: (Int, Int, Int)) -> [[Int]] {
        let (i, j, k) = seed
        let dij = simd_length(small[j] - small[i]) / scale, dik = simd_length(small[k] - small[i]) / scale
        let djk = simd_length(small[k] - small[j]) / scale
        let tol = { (d: Double) in 0.25 + 0.1 * d }
        var out = [[Int]]()
        for p in large.indices where largeClass[p] == smallClass[i] {
            var js = [Int](), ks = [Int]()
            for q in large.indices where q != p {
                let d = simd_length(large[q] - large[p])
                if largeClass[q] == smallClass[j], abs(d - dij) <= tol(dij) { js.append(q) }
                if largeClass[q] == smallClass[k], abs(d - dik) <= tol(dik) { ks.append(q) }
            }
            for q in js { for r in ks where r != q && abs(simd_length(large[r] - large[q]) - djk) <= tol(djk) { out.append([p, q, r]) } }
        }
        return out
    }

    /// Σ over small atoms of min(d², cap²) to the nearest large atom of its class (lower is
    /// better); in `.common` mode, minus the number within 2 × tolerance (the sum breaks ties).
    /// Stops early above `limit`.
    func screen(_ t: AlignmentTransform, grid: SpatialGrid, limit: Double) -> Double {
        var sum = 0.0, close = 0
        let cap2 = cap * cap, near2 = 4 * tolerance * tolerance
        for (m, x) in small.enumerated() {
            let y = t.apply(x)
            let d2 = min(cap2, grid.nearestSquaredDistance(to: y, within: cap) { largeClass[$0] == smallClass[m] })
            sum += d2
            if d2 <= near2 { close += 1 }
            if mode != .common, sum > limit { return .infinity }
        }
        return mode == .common ? -Double(close) + sum / (cap2 * Double(small.count) + 1) : sum
    }

    /// Alternates assignment (Hungarian, per class, squared distances) and superposition until
    /// the assignment repeats.
    func refine(_ start: AlignmentTransform, mirror: Bool) -> Result {
        var t = start
        var last = [Int]()
        var pairs = [(small: Int, large: Int)]()
        for iteration in 0..<60 {
            let moved = small.map { t.apply($0) }
            var assignment = [Int](repeating: -1, count: small.count)
            for c in Set(smallClass) {
                let rows = small.indices.filter { smallClass[$0] == c }, cols = large.indices.filter { largeClass[$0] == c }
                guard !cols.isEmpty else { continue }
                let transpose = rows.count > cols.count
                let (r, cl) = transpose ? (cols, rows) : (rows, cols)
                var cost = [Double](repeating: 0, count: r.count * cl.count)
                for (x, ri) in r.enumerated() {
                    for (y, cj) in cl.enumerated() {
                        let (si, lj) = transpose ? (cj, ri) : (ri, cj)
                        cost[x * cl.count + y] = simd_length_squared(moved[si] - large[lj])
                    }
                }
                let sol = LinearAssignment.solve(cost: cost, rows: r.count, columns: cl.count)
                for (x, y) in sol.enumerated() where y >= 0 {
                    if transpose { assignment[cl[y]] = r[x] } else { assignment[r[x]] = cl[y] }
                }
            }
            // In common mode only pairs within the (loosened, then final) tolerance count.
            let cutoff = mode == .common ? max(tolerance, cap * pow(0.8, Double(iteration))) : .infinity
            pairs = small.indices.compactMap { m in
                let l = assignment[m]
                guard l >= 0, simd_length(moved[m] - large[l]) <= cutoff else { return nil }
                return (m, l)
            }
            if assignment == last && (mode != .common || cutoff <= tolerance) { break }
            last = assignment
            guard pairs.count >= 3 else { break }
            t = Superposition.fit(a: pairs.map { large[$0.large] }, b: pairs.map { small[$0.small] },
                                  scale: t.scale, refineScale: refineScale && mode != .common, mirror: mirror)
        }
        var sum = 0.0
        for p in pairs { sum += simd_length_squared(t.apply(small[p.small]) - large[p.large]) }
        let rmsd = pairs.isEmpty ? .infinity : (sum / Double(pairs.count)).squareRoot()
        return Result(pairs: pairs, rmsd: rmsd, mirror: mirror)
    }
}

/// Points binned in cubes for nearest-neighbour queries.
struct SpatialGrid: Sendable {
    let points: [SIMD3<Double>]
    let cell: Double
    let origin: SIMD3<Double>
    let dims: SIMD3<Int>
    let bins: [[Int]]

    init(points: [SIMD3<Double>], cell: Double) {
        self.points = points
        self.cell = cell
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for p in points { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        origin = lo
        let d = SIMD3<Int>(Int(((hi.x - lo.x) / cell).rounded(.down)) + 1, Int(((hi.y - lo.y) / cell).rounded(.down)) + 1,
                           Int(((hi.z - lo.z) / cell).rounded(.down)) + 1)
        dims = d
        var b = [[Int]](repeating: [], count: d.x * d.y * d.z)
        for (i, p) in points.enumerated() {
            let c = SIMD3<Int>(Int((p.x - lo.x) / cell), Int((p.y - lo.y) / cell), Int((p.z - lo.z) / cell))
            b[(c.x * d.y + c.y) * d.z + c.z].append(i)
        }
        bins = b
    }

    /// Squared distance from `x` to the nearest point passing `accept` within `radius` (∞ if none).
    func nearestSquaredDistance(to x: SIMD3<Double>, within radius: Double, accept: (Int) -> Bool) -> Double {
        let reach = Int((radius / cell).rounded(.up))
        let f = (x - origin) / cell
        guard f.x.isFinite, f.y.isFinite, f.z.isFinite, abs(f.x) < 1e9, abs(f.y) < 1e9, abs(f.z) < 1e9 else { return .infinity }
        let c = SIMD3<Int>(Int(f.x.rounded(.down)), Int(f.y.rounded(.down)), Int(f.z.rounded(.down)))
        let lo = pointwiseMax(c &- reach, SIMD3<Int>(repeating: 0)), hi = pointwiseMin(c &+ reach, dims &- 1)
        guard lo.x <= hi.x, lo.y <= hi.y, lo.z <= hi.z else { return .infinity }
        var best = Double.infinity
        for ix in lo.x...hi.x {
            for iy in lo.y...hi.y {
                for iz in lo.z...hi.z {
                    for i in bins[(ix * dims.y + iy) * dims.z + iz] where accept(i) {
                        best = min(best, simd_length_squared(points[i] - x))
                    }
                }
            }
        }
        return best
    }
}
