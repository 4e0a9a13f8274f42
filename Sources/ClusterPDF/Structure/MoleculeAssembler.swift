/// Assembles whole molecules from the contents of a unit cell by following bonds across cell
/// boundaries. A bonded network that reaches its own periodic image is an extended solid.
enum MoleculeAssembler {
    /// The whole molecules of `cell` (largest first, lattice removed), or nil when the bonds form
    /// an infinite framework (for example bulk CdSe).
    static func molecules(in cell: Structure, bonds: BondCriterion = BondCriterion()) -> [Structure]? {
        guard let lattice = cell.lattice else { return [cell] }
        let atoms = cell.atoms
        var adj = Array(repeating: [(Int, SIMD3<Int32>)](), count: atoms.count)
        let cutoff = bonds.maximumCutoff(for: cell.elements)
        NeighborSearch(structure: cell, cutoff: cutoff).forEachNeighborWithShift { i, j, d, s in
            if d <= bonds.cutoff(atoms[i].element, atoms[j].element) { adj[i].append((j, s)) }
        }
        var offset = [SIMD3<Int32>?](repeating: nil, count: atoms.count)
        var result = [Structure]()
        let (va, vb, vc) = lattice.vectors
        for start in atoms.indices where offset[start] == nil {
            offset[start] = .zero
            var members = [start]
            var queue = [start]
            while let i = queue.popLast() {
                for (j, s) in adj[i] {
                    let o = offset[i]! &+ s
                    if let oj = offset[j] {
                        if oj != o { return nil }  // reaches a periodic image of itself: framework
                    } else {
                        offset[j] = o; members.append(j); queue.append(j)
                    }
                }
            }
            members.sort()
            var mol = [Atom]()
            for m in members {
                var a = atoms[m]
                let o = offset[m]!
                a.position += va * Double(o.x) + vb * Double(o.y) + vc * Double(o.z)
                mol.append(a)
            }
            result.append(Structure(title: cell.title, atoms: mol))
        }
        // Largest first; ties keep cell order (stable sort).
        return result.enumerated().sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }.map(\.element)
    }
}
