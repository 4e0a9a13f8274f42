import Foundation

/// Writes CIF 1.1 with fractional coordinates.
/// A crystal is written with its own cell, in the space group spglib finds in its atoms (its
/// operations in the cell's setting and one atom per orbit), or P1 when there is none. A finite
/// cluster is written in P1 in a cubic box, with
/// coordinates relative to the origin and `_clusterpdf_structure_kind cluster`, so that ClusterPDF
/// reads it back as the same cluster and other programs see a valid P1 crystal.
public enum CIFWriter {
    /// The CIF text of `structure`.
    public static func string(_ structure: Structure) -> String {
        let lattice: Lattice
        let isCluster = structure.lattice == nil
        if let l = structure.lattice {
            lattice = l
        } else {
            let extent = structure.atoms.map { max(abs($0.position.x), abs($0.position.y), abs($0.position.z)) }.max() ?? 0
            let edge = (2 * extent + 20).rounded(.up)
            lattice = try! Lattice(a: edge, b: edge, c: edge, alpha: 90, beta: 90, gamma: 90)
        }
        let name = structure.title.isEmpty ? "clusterpdf" : structure.title
        let blockName = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
        var out = "data_\(blockName)\n"
        out += "_audit_creation_method 'ClusterPDF \(ClusterPDFVersion.string)'\n"
        let comp = structure.composition
        out += "_chemical_formula_sum '" + comp.keys.sorted { $0.symbol < $1.symbol }.map { "\($0.symbol)\(comp[$0]!)" }.joined(separator: " ") + "'\n"
        if isCluster { out += "_clusterpdf_structure_kind cluster\n" }
        for (t, v) in [("a", lattice.a), ("b", lattice.b), ("c", lattice.c)] { out += String(format: "_cell_length_%@ %.8f\n", t, v) }
        for (t, v) in [("alpha", lattice.alpha), ("beta", lattice.beta), ("gamma", lattice.gamma)] { out += String(format: "_cell_angle_%@ %.8f\n", t, v) }
        var atoms = structure.atoms
        if !isCluster, let sym = SpaceGroup.symmetry(of: structure), sym.number > 1 {
            out += "_space_group_name_H-M_alt '\(sym.symbol)'\n_space_group_IT_number \(sym.number)\n"
            // Canonical output, whatever the order of the atoms: operations sorted (identity
            // first), each orbit represented by its member with the smallest (x, y, z).
            let ops = sym.operations.sorted { a, b in a.isIdentity != b.isIdentity ? a.isIdentity : a.description < b.description }
            out += "loop_\n_space_group_symop_operation_xyz\n" + ops.map { "'\($0)'\n" }.joined() + "\n"
            func key(_ i: Int) -> [Double] {
                let f = Crystal.wrapped(lattice.fractional(structure.atoms[i].position))
                return [f.x, f.y, f.z].map { ($0 * 1e6).rounded() / 1e6 }
            }
            let orbits = Dictionary(grouping: structure.atoms.indices, by: { sym.representative[$0] })
            let reps = orbits.values.map { members in members.min { key($0).lexicographicallyPrecedes(key($1)) }! }
            atoms = reps.sorted { a, b in
                let ea = structure.atoms[a].element, eb = structure.atoms[b].element
                return ea != eb ? ea < eb : key(a).lexicographicallyPrecedes(key(b))
            }.map { structure.atoms[$0] }
        } else {
            out += "_space_group_name_H-M_alt 'P 1'\n_space_group_IT_number 1\n"
            out += "loop_\n_space_group_symop_operation_xyz\n'x, y, z'\n\n"
        }
        let hasU = atoms.contains { $0.uiso != nil }
        out += "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
        if hasU { out += "_atom_site_U_iso_or_equiv\n" }
        // Keep the atoms' own labels when they are unique and CIF-safe; otherwise number them.
        let given = atoms.map(\.label)
        let keepLabels = Set(given).count == given.count && given.allSatisfy { !$0.isEmpty && !$0.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) }
        var counter = [Element: Int]()
        func clean(_ v: Double) -> Double { abs(v) < 5e-11 ? 0 : v }
        for a in atoms {
            counter[a.element, default: 0] += 1
            let label = keepLabels ? a.label : "\(a.element.symbol)\(counter[a.element]!)"
            var f = lattice.fractional(a.position)
            f = SIMD3(clean(f.x), clean(f.y), clean(f.z))
            out += String(format: "%@ %@ %.10f %.10f %.10f %.4f", label as NSString, a.typeSymbol as NSString, f.x, f.y, f.z, a.occupancy)
            if hasU { out += a.uiso.map { String(format: " %.6f", $0) } ?? " ?" }
            out += "\n"
        }
        return out
    }
}

/// The program version written into every output header.
public enum ClusterPDFVersion {
    /// Version string, e.g. "0.1.0".
    public static let string = "0.1.0"
}
