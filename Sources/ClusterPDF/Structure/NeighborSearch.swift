import Foundation

/// Finds all atom pairs closer than a cutoff with a cell list (O(N) for a fixed cutoff): a dense
/// array of cells (counting sort) when the box holds few enough cells, else a hash grid.
/// For a structure with a lattice, periodic images are included (the atoms fill one cell).
struct NeighborSearch: Sendable {
    /// The structure searched.
    let structure: Structure
    /// Largest neighbour distance (Å).
    let cutoff: Double

    /// A cell-list search for neighbours of `structure` within `cutoff` Å.
    init(structure: Structure, cutoff: Double) {
        self.structure = structure
        self.cutoff = cutoff
    }

    /// Calls `body(i, j, distance)` for every ordered pair of distinct atoms (or an atom and a
    /// periodic image of any atom) within `cutoff` (Å). Each unordered pair is reported twice, once
    /// from each side.
    func forEachNeighbor(_ body: (Int, Int, Double) -> Void) {
        forEachNeighborWithShift { i, j, d, _ in body(i, j, d) }
    }

    /// As `forEachNeighbor`, also giving the lattice translation (in cells) of the neighbour's image.
    func forEachNeighborWithShift(_ body: (Int, Int, Double, SIMD3<Int32>) -> Void) {
        let atoms = structure.atoms
        guard !atoms.isEmpty, cutoff > 0 else { return }
        // Source points: the atoms, plus translated images for a crystal.
        var points: [SIMD3<Double>] = []
        var owner: [Int] = []
        var isSelf: [Bool] = []
        var shifts: [SIMD3<Int32>] = []
        if let lat = structure.lattice {
            let (va, vb, vc) = lat.vectors
            let vol = lat.volume
            func spacing(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double {
                let c = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
                return vol / simd_length(c)
            }
            let na = Int((cutoff / spacing(vb, vc)).rounded(.up)) + 1
            let nb = Int((cutoff / spacing(vc, va)).rounded(.up)) + 1
            let nc = Int((cutoff / spacing(va, vb)).rounded(.up)) + 1
            for i in -na...na { for j in -nb...nb { for k in -nc...nc {
                let shift = va * Double(i) + vb * Double(j) + vc * Double(k)
                for (n, a) in atoms.enumerated() {
                    points.append(a.position + shift); owner.append(n); isSelf.append(i == 0 && j == 0 && k == 0)
                    shifts.append(SIMD3(Int32(i), Int32(j), Int32(k)))
                }
            } } }
        } else {
            points = atoms.map(\.position); owner = Array(atoms.indices); isSelf = Array(repeating: true, count: atoms.count)
            shifts = Array(repeating: .zero, count: atoms.count)
        }
        // Hash grid.
        let h = cutoff
        func key(_ p: SIMD3<Double>) -> SIMD3<Int64> {
            // Clamped: a coordinate readers refuse (non-finite, beyond 10⁶ Å) must not trap here.
            func cell(_ x: Double) -> Int64 { let v = (x / h).rounded(.down); return v.isFinite ? Int64(max(-1e15, min(1e15, v))) : 0 }
            return SIMD3(cell(p.x), cell(p.y), cell(p.z))
        }
        let keys = points.map(key)
        let c2 = cutoff * cutoff
        var lo = SIMD3<Int64>(repeating: .max), hi = SIMD3<Int64>(repeating: .min)
        for k in keys { lo = pointwiseMin(lo, k); hi = pointwiseMax(hi, k) }
        let span = hi &- lo &+ 1
        let cells = Double(span.x) * Double(span.y) * Double(span.z)
        if cells <= Double(max(1 << 20, 8 * points.count)) {
            // Dense cell list (counting sort by cell): points of a cell in ascending order, cells
            // visited in the same order as the hash grid below, so the calls come in the same order.
            let ny = Int(span.y), nz = Int(span.z), total = Int(cells)
            func cell(_ k: SIMD3<Int64>) -> Int { (Int(k.x - lo.x) * ny + Int(k.y - lo.y)) * nz + Int(k.z - lo.z) }
            var start = [Int32](repeating: 0, count: total + 1)
            for k in keys { start[cell(k) + 1] += 1 }
            for c in 0..<total { start[c + 1] += start[c] }
            var fill = start
            var sorted = [Int32](repeating: 0, count: points.count)
            for (n, k) in keys.enumerated() { let c = cell(k); sorted[Int(fill[c])] = Int32(n); fill[c] += 1 }
            for (i, a) in atoms.enumerated() {
                let k = key(a.position)
                for dx in -1...1 as ClosedRange<Int64> { for dy in -1...1 as ClosedRange<Int64> { for dz in -1...1 as ClosedRange<Int64> {
                    let q = k &+ SIMD3(dx, dy, dz)
                    guard q.x >= lo.x, q.x <= hi.x, q.y >= lo.y, q.y <= hi.y, q.z >= lo.z, q.z <= hi.z else { continue }
                    let c = cell(q)
                    for slot in Int(start[c])..<Int(start[c + 1]) {
                        let m = Int(sorted[slot])
                        if isSelf[m] && owner[m] == i { continue }
                        let d2 = simd_length_squared(points[m] - a.position)
                        if d2 < c2 { body(i, owner[m], d2.squareRoot(), shifts[m]) }
                    }
                } } }
            }
            return
        }
        var grid = [SIMD3<Int64>: [Int32]]()
        for (n, k) in keys.enumerated() { grid[k, default: []].append(Int32(n)) }
        for (i, a) in atoms.enumerated() {
            let k = key(a.position)
            for dx in -1...1 as ClosedRange<Int64> { for dy in -1...1 as ClosedRange<Int64> { for dz in -1...1 as ClosedRange<Int64> {
                guard let cell = grid[k &+ SIMD3(dx, dy, dz)] else { continue }
                for m32 in cell {
                    let m = Int(m32)
                    if isSelf[m] && owner[m] == i { continue }
                    let d2 = simd_length_squared(points[m] - a.position)
                    if d2 < c2 { body(i, owner[m], d2.squareRoot(), shifts[m]) }
                }
            } } }
        }
    }
}
