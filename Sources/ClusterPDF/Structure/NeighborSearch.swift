import Foundation

/// Finds all atom pairs closer than a cutoff with a cell list (O(N) for a fixed cutoff).
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
        var grid = [SIMD3<Int64>: [Int32]]()
        for (n, p) in points.enumerated() { grid[key(p), default: []].append(Int32(n)) }
        let c2 = cutoff * cutoff
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
