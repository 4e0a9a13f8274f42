/// Cation-terminated zincblende tetrahedra with (111) facets — the Cd35Se20, Cd56Se35, Cd84Se56
/// family of magic-size clusters.
///
/// Positions in units of a/4: cations are the fcc points (even coordinates, sum ≡ 0 mod 4) inside
/// the tetrahedron with vertices 0, (2m, 2m, 0), (2m, 0, 2m), (0, 2m, 2m), m = N − 1, i.e.
/// T(N) = N(N+1)(N+2)/6 of them; anions sit at cation + (1, 1, 1) wherever all four cation
/// neighbours of that site exist (the up-pointing tetrahedral holes, T(N−1) of them), so every
/// anion is 4-coordinated. The centroid of the vertices is placed at the origin.
public enum TetrahedronBuilder {
    /// The tetrahedron with N = `n` cations along an edge (2…60), lattice constant `a` (Å; default: `MaterialTable`).
    public static func build(cation: Element, anion: Element, size n: Int, a: Double? = nil) throws -> Structure {
        guard n >= 2, n <= 60 else { throw CrystalBuilder.BuildError(description: "tetrahedron size must be between 2 and 60, got \(n)") }
        guard let a = a ?? MaterialTable.zincblendeA(cation, anion) else {
            throw CrystalBuilder.BuildError(description: "no tabulated zincblende lattice constant for \(cation)\(anion): give --a")
        }
        guard a > 0, a.isFinite else { throw CrystalBuilder.BuildError(description: "lattice constant must be positive") }
        let m = n - 1
        let edge = 2 * m
        var cations = Set<SIMD3<Int>>()
        var ordered = [SIMD3<Int>]()
        // Inside the four face planes (normals (1,1,−1), (1,−1,1), (−1,1,1) through 0, and x+y+z = 4m).
        for x in stride(from: 0, through: edge, by: 2) {
            for y in stride(from: 0, through: edge, by: 2) {
                for z in stride(from: 0, through: edge, by: 2) where (x + y + z) % 4 == 0 {
                    let inside = (x + y - z >= 0) && (x - y + z >= 0) && (-x + y + z >= 0) && (x + y + z <= 2 * edge)
                    if inside { let p = SIMD3(x, y, z); cations.insert(p); ordered.append(p) }
                }
            }
        }
        var anions = [SIMD3<Int>]()
        for c in ordered {
            let s = c &+ SIMD3(1, 1, 1)
            let neighbours = [SIMD3(-1, -1, -1), SIMD3(1, 1, -1), SIMD3(1, -1, 1), SIMD3(-1, 1, 1)].map { s &+ $0 }
            if neighbours.allSatisfy({ cations.contains($0) }) { anions.append(s) }
        }
        let shift = Double(m)
        func cart(_ p: SIMD3<Int>) -> SIMD3<Double> {
            (SIMD3(Double(p.x), Double(p.y), Double(p.z)) - SIMD3(repeating: shift)) * (a / 4)
        }
        let atoms = ordered.map { Atom(element: cation, position: cart($0)) } + anions.map { Atom(element: anion, position: cart($0)) }
        var s = Structure(title: "", atoms: atoms)
        s.title = "\(s.formula) zincblende tetrahedron N=\(n) a=\(a)"
        return s
    }
}
