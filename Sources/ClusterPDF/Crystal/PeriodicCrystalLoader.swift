import Foundation

extension LoadedStructure {
    /// The crystal of a periodic CIF, checked for what periodic PDFs and symmetry-constrained
    /// refinement need: a declared symmetry (operations, or a space-group symbol or number whose
    /// operations the reader took from spglib's database) and a cell that has that symmetry. Errors name the
    /// file and the CIF item.
    public func periodicCrystal() throws -> Crystal {
        guard kind == .crystal, let c = crystal else {
            throw InputError(file: path, "is not a periodic crystal (a \(kind.rawValue)): the attenuated-crystal model needs a CIF of an extended solid")
        }
        guard declaresSymmetry else {
            throw InputError(file: path, item: "_space_group_symop_operation_xyz",
                             "no space group or symmetry operations: a crystal model needs them (give _space_group_symop_operation_xyz, or _symmetry_space_group_name_H-M 'P 1' for no symmetry)")
        }
        if let op = SymmetryConstraints.latticeViolation(c) {
            let l = c.lattice
            throw InputError(file: path, item: "_cell_length_a",
                             "the cell a=\(l.a) b=\(l.b) c=\(l.c) α=\(l.alpha) β=\(l.beta) γ=\(l.gamma) does not have the symmetry of the operation '\(op)': the cell and the space group do not match")
        }
        return c
    }
}
