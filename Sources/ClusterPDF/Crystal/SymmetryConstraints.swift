import Foundation

/// A linear subspace given by the rows of its reduced row-echelon basis: every vector v of the
/// subspace is Σ_m v[pivot_m]·row_m, so the pivot components are its free parameters and the
/// others follow (e.g. a hexagonal metric: G22 = G11, G12 = −G11/2).
struct EchelonBasis: Sendable, Hashable {
    /// Basis rows, each with 1 at its pivot and 0 at the other pivots.
    var rows: [[Double]]
    /// Pivot component of each row.
    var pivots: [Int]

    /// The span of `vectors` (components below `tolerance` count as 0).
    init(spanning vectors: [[Double]], tolerance: Double = 1e-8) {
        var m = vectors
        var pivots = [Int](), rowsOut = [[Double]]()
        guard let n = m.first?.count else { self.rows = []; self.pivots = []; return }
        var r = 0
        for c in 0..<n where r < m.count {
            guard let p = (r..<m.count).max(by: { abs(m[$0][c]) < abs(m[$1][c]) }), abs(m[p][c]) > tolerance else { continue }
            m.swapAt(r, p)
            let inv = 1 / m[r][c]
            m[r] = m[r].map { $0 * inv }
            for k in 0..<m.count where k != r && abs(m[k][c]) > 0 {
                let f = m[k][c]
                for j in 0..<n { m[k][j] -= f * m[r][j] }
            }
            pivots.append(c)
            r += 1
        }
        rowsOut = Array(m.prefix(r)).map { $0.map { abs($0) < tolerance ? 0 : $0 } }
        self.rows = rowsOut
        self.pivots = pivots
    }

    /// The vector whose pivot components are `values`.
    func vector(_ values: [Double]) -> [Double] {
        guard let n = rows.first?.count else { return [] }
        var v = [Double](repeating: 0, count: n)
        for (m, row) in rows.enumerated() { for j in 0..<n { v[j] += values[m] * row[j] } }
        return v
    }

    /// Dimension of the subspace.
    var dimension: Int { rows.count }
}

/// The degrees of freedom a space group leaves to a crystal: the free lattice parameters
/// (metric tensor invariant under the point group), each site's free coordinates (the fixed
/// space of its site-symmetry group) and allowed anisotropic U components (the tensors invariant
/// under it). Refining these and regenerating the rest keeps every symmetry-equivalent atom on
/// its image and the structure in its space group.
public struct SymmetryConstraints: Sendable, Hashable {
    /// Metric tensor components in the order G11, G22, G33, G23, G13, G12 (→ a, b, c, α, β, γ).
    let metric: EchelonBasis
    /// Per site: the free fractional displacement directions.
    let positions: [EchelonBasis]
    /// Per site: the invariant U tensors, components U11, U22, U33, U12, U13, U23 (CIF convention).
    let adps: [EchelonBasis]
    /// Coordinates held fixed because the space group is polar along them (the origin floats):
    /// (site, axis 0/1/2).
    public let fixedOrigin: [(site: Int, axis: Int)]

    /// Equal constraints.
    public static func == (l: SymmetryConstraints, r: SymmetryConstraints) -> Bool {
        l.metric == r.metric && l.positions == r.positions && l.adps == r.adps && l.fixedOrigin.map(\.site) == r.fixedOrigin.map(\.site)
            && l.fixedOrigin.map(\.axis) == r.fixedOrigin.map(\.axis)
    }
    /// Hashes the constraints.
    public func hash(into h: inout Hasher) { h.combine(metric); h.combine(positions); h.combine(adps) }

    /// The constraints of `crystal`'s operations.
    public init(crystal: Crystal) {
        let rotations = crystal.operations.map { op in (0..<3).map { i in (0..<3).map { j in op.rotation[i][j] } } }
        // Metric: average of Rᵀ G R over the operations applied to the six unit tensors.
        let pairs = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]
        func symmetric(_ v: [Double]) -> [[Double]] {
            var m = [[Double]](repeating: [0, 0, 0], count: 3)
            for (k, (i, j)) in pairs.enumerated() { m[i][j] = v[k]; m[j][i] = v[k] }
            return m
        }
        func components(_ m: [[Double]]) -> [Double] { pairs.map { m[$0.0][$0.1] } }
        func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
            (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
        }
        func transpose(_ a: [[Double]]) -> [[Double]] { (0..<3).map { i in (0..<3).map { j in a[j][i] } } }
        func averaged(_ ops: [Int], _ transform: ([[Double]], [[Double]]) -> [[Double]]) -> [[Double]] {
            (0..<6).map { k -> [Double] in
                var e = [Double](repeating: 0, count: 6); e[k] = 1
                var sum = [Double](repeating: 0, count: 6)
                for o in ops { let t = components(transform(rotations[o], symmetric(e))); for j in 0..<6 { sum[j] += t[j] } }
                return sum.map { $0 / Double(ops.count) }
            }
        }
        metric = EchelonBasis(spanning: averaged(Array(rotations.indices)) { R, G in product(product(transpose(R), G), R) })

        // Sites: stabilizer, fixed space, invariant U.
        let N = crystal.lattice.reciprocalLengths
        var positions = [EchelonBasis](), adps = [EchelonBasis]()
        for site in crystal.sites {
            let f0 = site.fractional
            let stab = crystal.operations.indices.filter { k in
                let d = crystal.operations[k].apply(f0) - f0
                return simd_length(crystal.lattice.cartesian(d - d.rounded(.toNearestOrEven))) < Crystal.mergeTolerance
            }
            let columns = (0..<3).map { j in (0..<3).map { i in stab.reduce(0.0) { $0 + rotations[$1][i][j] } / Double(stab.count) } }
            positions.append(EchelonBasis(spanning: columns))
            // U_cif' = N⁻¹ R N U N Rᵀ N⁻¹ (β = N U N transforms as R β Rᵀ).
            let uPairs = [(0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)]
            let images = (0..<6).map { k -> [Double] in
                var u = [[Double]](repeating: [0, 0, 0], count: 3)
                u[uPairs[k].0][uPairs[k].1] = 1; u[uPairs[k].1][uPairs[k].0] = 1
                var sum = [Double](repeating: 0, count: 6)
                for o in stab {
                    let R = rotations[o]
                    var beta = u
                    for i in 0..<3 { for j in 0..<3 { beta[i][j] *= N[i] * N[j] } }
                    let b2 = product(product(R, beta), transpose(R))
                    for (m, (i, j)) in uPairs.enumerated() { sum[m] += b2[i][j] / (N[i] * N[j]) }
                }
                return sum.map { $0 / Double(stab.count) }
            }
            adps.append(EchelonBasis(spanning: images))
        }
        self.positions = positions
        self.adps = adps

        // Polar directions: the fixed space of the whole point group. Hold one coordinate per
        // polar axis (of the first site free along it) so that the origin does not float.
        let all = Array(rotations.indices)
        let polar = EchelonBasis(spanning: (0..<3).map { j in (0..<3).map { i in all.reduce(0.0) { $0 + rotations[$1][i][j] } / Double(all.count) } })
        var fixed = [(site: Int, axis: Int)]()
        for axis in polar.pivots {
            if let s = positions.indices.first(where: { positions[$0].pivots.contains(axis) }) { fixed.append((s, axis)) }
        }
        fixedOrigin = fixed
    }

    /// Names of the free lattice parameters: a, b, c, alpha, beta, gamma as the metric allows.
    public var latticeParameters: [LatticeParameter] { metric.pivots.map { LatticeParameter.allCases[$0] } }

    /// The lattice with the free parameters set to `values` (same order as `latticeParameters`)
    /// and the others following from the symmetry; throws for an impossible cell.
    func lattice(_ values: [Double]) throws -> Lattice {
        var pivotValues = [Double](repeating: 0, count: metric.dimension)
        // Diagonal pivots first (lengths²), then angles from the lengths.
        for (m, p) in metric.pivots.enumerated() where p < 3 { pivotValues[m] = values[m] * values[m] }
        var g = metric.vector(pivotValues)
        let pairOf = [3: (1, 2), 4: (0, 2), 5: (0, 1)]
        for (m, p) in metric.pivots.enumerated() where p >= 3 {
            let (i, j) = pairOf[p]!
            pivotValues[m] = (g[i] * g[j]).squareRoot() * cos(values[m] * Double.pi / 180)
        }
        g = metric.vector(pivotValues)
        guard g[0] > 0, g[1] > 0, g[2] > 0 else { throw Lattice.Problem.invalid("the lattice parameters give a non-positive cell length") }
        let a = g[0].squareRoot(), b = g[1].squareRoot(), c = g[2].squareRoot()
        func angle(_ gij: Double, _ x: Double, _ y: Double) -> Double { acos(max(-1, min(1, gij / (x * y)))) * 180 / Double.pi }
        return try Lattice(a: a, b: b, c: c, alpha: angle(g[3], b, c), beta: angle(g[4], a, c), gamma: angle(g[5], a, b))
    }

    /// An operation the lattice does not obey (its metric Rᵀ G R differs from G by more than 1e-3 of
    /// the longest cell length squared), or nil when the cell has the symmetry of the operations.
    public static func latticeViolation(_ crystal: Crystal) -> SymmetryOperation? {
        let A = crystal.lattice.matrix
        let G = A.transposed * A
        let scale = max(crystal.lattice.a, crystal.lattice.b, crystal.lattice.c)
        for op in crystal.operations {
            let R = Matrix3(rows: op.rotation)
            let H = R.transposed * G * R
            for i in 0..<3 { for j in 0..<3 where abs(H.r[i][j] - G.r[i][j]) > 1e-3 * scale * scale { return op } }
        }
        return nil
    }
}

/// A cell parameter.
public enum LatticeParameter: String, Sendable, Hashable, CaseIterable, Codable {
    /// Lengths (Å).
    case a, b, c
    /// Angles (degrees).
    case alpha, beta, gamma

    /// The value in `lattice`.
    public func value(in l: Lattice) -> Double {
        switch self {
        case .a: l.a
        case .b: l.b
        case .c: l.c
        case .alpha: l.alpha
        case .beta: l.beta
        case .gamma: l.gamma
        }
    }
}
