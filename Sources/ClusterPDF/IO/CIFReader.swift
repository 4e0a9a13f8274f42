import Foundation

/// Options for reading a CIF.
public struct CIFReadOptions: Sendable {
    /// Data block to use (name after `data_`); nil takes the first block with atom sites.
    public var block: String?
    /// Sites closer than this (Å) after symmetry expansion are merged (special positions).
    public var mergeTolerance: Double = 0.03
    /// Bonding rule used to assemble molecules across cell boundaries.
    public var bonds = BondCriterion()
    /// Options reading `block` (nil: the first block with atom sites).
    public init(block: String? = nil) { self.block = block }
}

/// What a CIF gives: the unit-cell contents, and for a molecular crystal its whole molecules.
public struct CIFContents: Sendable {
    /// Unit cell after symmetry expansion (atoms wrapped into the cell), with its lattice.
    public var unitCell: Structure
    /// Whole molecules (no lattice), largest first; nil for an extended (framework) solid, or
    /// a finite cluster written by ClusterPDF.
    public var molecules: [Structure]?
    /// True when the file is a finite cluster written by `CIFWriter` (`_clusterpdf_structure_kind cluster`).
    public var isFiniteCluster: Bool
    /// Symmetry operations applied.
    public var operationCount: Int
    /// The crystal as the file describes it (lattice, operations, asymmetric unit), for periodic
    /// PDFs and symmetry-constrained refinement; nil for a finite cluster.
    public var crystal: Crystal?
    /// Whether the file gives its symmetry (operations, or a space-group name or number).
    public var declaresSymmetry: Bool
}

/// Reads crystal structures from CIF 1.1 / CIF 2.0 files.
public enum CIFReader {
    /// Reads and expands the CIF at `path`; errors name file, line and item.
    public static func read(path: String, options: CIFReadOptions = CIFReadOptions()) throws -> CIFContents {
        try parse(text: TextFile.read(path), file: path, options: options)
    }

    /// Reads CIF text; `file` names it in error messages.
    public static func parse(text: String, file: String, options: CIFReadOptions = CIFReadOptions()) throws -> CIFContents {
        let blocks = try CIFParser.parse(text: text, file: file)
        let block: CIFBlock
        if let want = options.block {
            guard let b = blocks.first(where: { $0.name.lowercased() == want.lowercased() }) else {
                throw InputError(file: file, "no data block '\(want)'; the file has: \(blocks.map(\.name).joined(separator: ", "))")
            }
            block = b
        } else {
            block = blocks.first(where: { $0.loop(with: "_atom_site_fract_x") != nil || $0.loop(with: "_atom_site_cartn_x") != nil }) ?? blocks[0]
        }
        return try contents(of: block, file: file, options: options)
    }

    static func cellParameter(_ block: CIFBlock, _ tag: String, file: String, default d: Double? = nil) throws -> Double {
        guard let v = block.value(tag) else {
            if let d { return d }
            throw InputError(file: file, item: tag, "missing cell parameter \(tag)")
        }
        guard let x = v.number else { throw InputError(file: file, line: v.line, item: tag, "cell parameter \(tag) is not a number: '\(v.text ?? "?")'") }
        return x
    }

    static func contents(of block: CIFBlock, file: String, options: CIFReadOptions) throws -> CIFContents {
        let lattice: Lattice
        do {
            lattice = try Lattice(a: cellParameter(block, "_cell_length_a", file: file),
                                  b: cellParameter(block, "_cell_length_b", file: file),
                                  c: cellParameter(block, "_cell_length_c", file: file),
                                  alpha: cellParameter(block, "_cell_angle_alpha", file: file, default: 90),
                                  beta: cellParameter(block, "_cell_angle_beta", file: file, default: 90),
                                  gamma: cellParameter(block, "_cell_angle_gamma", file: file, default: 90))
        } catch let e as Lattice.Problem {
            throw InputError(file: file, line: block.value("_cell_length_a")?.line, item: "_cell", e.description)
        }
        let isCluster = block.value("_clusterpdf_structure_kind")?.text?.lowercased() == "cluster"

        // Symmetry operations.
        var ops = [SymmetryOperation]()
        for tag in ["_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz", "_space_group_symop.operation_xyz"] {
            if let loop = block.loop(with: tag) {
                let c = loop.tags.firstIndex(of: tag)!
                for row in loop.rows {
                    guard let t = row[c].text, let op = SymmetryOperation(t) else {
                        throw InputError(file: file, line: row[c].line, item: tag, "cannot parse symmetry operation '\(row[c].text ?? "?")'")
                    }
                    ops.append(op)
                }
                break
            } else if let v = block.items[tag] {
                guard let t = v.text, let op = SymmetryOperation(t) else {
                    throw InputError(file: file, line: v.line, item: tag, "cannot parse symmetry operation '\(v.text ?? "?")'")
                }
                ops.append(op)
                break
            }
        }
        // Without operations, a space-group symbol (Hermann–Mauguin, then Hall) or number gets
        // its operations from spglib's database; one that is not there is an error, never P1.
        func item(_ tags: [String]) -> (tag: String, value: CIFValue)? {
            for t in tags { if let v = block.value(t), let text = v.text, !text.trimmingCharacters(in: .whitespaces).isEmpty, text != "?" { return (t, v) } }
            return nil
        }
        let hm = item(["_symmetry_space_group_name_h-m", "_space_group_name_h-m_alt"])
        let hall = item(["_symmetry_space_group_name_hall", "_space_group_name_hall"])
        let number = item(["_space_group_it_number", "_symmetry_int_tables_number"])
        let spaceGroupName = hm?.value.text ?? hall?.value.text
        let declaresSymmetry = !ops.isEmpty || hm != nil || hall != nil || number != nil
        if ops.isEmpty {
            if let (tag, v) = hm, let name = v.text {
                guard let o = SpaceGroup.operations(symbol: name) else {
                    throw InputError(file: file, line: v.line, item: tag, "space group '\(name)' is not in spglib's database and the file lists no symmetry operations")
                }
                ops = o
            } else if let (tag, v) = hall, let name = v.text {
                guard let o = SpaceGroup.operations(hallSymbol: name) else {
                    throw InputError(file: file, line: v.line, item: tag, "Hall symbol '\(name)' is not in spglib's database and the file lists no symmetry operations")
                }
                ops = o
            } else if let (tag, v) = number {
                guard let n = v.number, let o = SpaceGroup.operations(number: Int(n)) else {
                    throw InputError(file: file, line: v.line, item: tag, "space group number '\(v.text ?? "?")' is not 1…230 and the file lists no symmetry operations")
                }
                ops = o
            } else { ops = [.identity] }
        }

        // Atom sites.
        guard let sites = block.loop(with: "_atom_site_fract_x") ?? block.loop(with: "_atom_site_cartn_x") else {
            throw InputError(file: file, line: block.line, item: "_atom_site_fract_x", "no atom sites (_atom_site_fract_x or _atom_site_Cartn_x loop) in data_\(block.name)")
        }
        let fractional = sites.column("_atom_site_fract_x") != nil
        let xyzCols = fractional
            ? [sites.column("_atom_site_fract_x"), sites.column("_atom_site_fract_y"), sites.column("_atom_site_fract_z")]
            : [sites.column("_atom_site_cartn_x"), sites.column("_atom_site_cartn_y"), sites.column("_atom_site_cartn_z")]
        guard xyzCols.allSatisfy({ $0 != nil }) else {
            throw InputError(file: file, line: sites.line, item: "_atom_site", "atom site loop lacks one of the x, y, z columns")
        }
        let labelCol = sites.column("_atom_site_label")
        let typeCol = sites.column("_atom_site_type_symbol")
        guard labelCol != nil || typeCol != nil else {
            throw InputError(file: file, line: sites.line, item: "_atom_site", "atom site loop has neither _atom_site_label nor _atom_site_type_symbol")
        }
        let occCol = sites.column("_atom_site_occupancy")
        let uCol = sites.column("_atom_site_u_iso_or_equiv", "_atom_site_u_iso")
        let bCol = sites.column("_atom_site_b_iso_or_equiv", "_atom_site_b_iso")
        let groupCol = sites.column("_atom_site_disorder_group")

        // Anisotropic displacements by label.
        var aniso = [String: AnisotropicDisplacement]()
        if let al = block.loop(with: "_atom_site_aniso_label") {
            let lc = al.column("_atom_site_aniso_label")!
            let isB = al.column("_atom_site_aniso_u_11") == nil && al.column("_atom_site_aniso_b_11") != nil
            let p = isB ? "_atom_site_aniso_b_" : "_atom_site_aniso_u_"
            let cols = ["11", "22", "33", "12", "13", "23"].map { al.column(p + $0) }
            let nstar = lattice.reciprocalLengths
            let A = lattice.matrix
            let N = Matrix3.diagonal(nstar)
            for row in al.rows {
                guard let label = row[lc].text else { continue }
                var u = [Double]()
                for (k, c) in cols.enumerated() {
                    guard let c else { u.append(0); continue }
                    guard let v = row[c].number else {
                        if row[c].text == nil { u.append(0); continue }
                        throw InputError(file: file, line: row[c].line, item: p + ["11", "22", "33", "12", "13", "23"][k], "not a number: '\(row[c].text!)'")
                    }
                    u.append(isB ? v / (8 * Double.pi * Double.pi) : v)
                }
                let ucif = AnisotropicDisplacement(u11: u[0], u22: u[1], u33: u[2], u12: u[3], u13: u[4], u23: u[5]).matrix
                aniso[label.lowercased()] = AnisotropicDisplacement(A * N * ucif * N * A.transposed)
            }
        }

        // Disorder: keep sites of no group and of the first (lowest positive) group.
        var firstGroup: Int?
        if let gc = groupCol {
            let groups = sites.rows.compactMap { $0[gc].text.flatMap { Int($0) } }.map(abs).filter { $0 > 0 }
            firstGroup = groups.min()
        }

        struct Site { var atom: Atom; var fract: SIMD3<Double> }
        var asym = [Site]()
        for row in sites.rows {
            let labelText = labelCol.flatMap { row[$0].text } ?? ""
            let symText = typeCol.flatMap { row[$0].text } ?? labelText
            let line = row[xyzCols[0]!].line
            guard let (el, charge) = Element.parseLabel(symText) ?? Element.parseLabel(labelText) else {
                throw InputError(file: file, line: line, item: typeCol != nil ? "_atom_site_type_symbol" : "_atom_site_label", "unknown element '\(symText)'")
            }
            if let gc = groupCol, let g = row[gc].text.flatMap({ Int($0) }), abs(g) > 0, abs(g) != firstGroup { continue }
            var p = SIMD3<Double>()
            for k in 0..<3 {
                let v = row[xyzCols[k]!]
                guard let x = v.number else {
                    throw InputError(file: file, line: v.line, item: sites.tags[xyzCols[k]!], "coordinate of \(labelText.isEmpty ? symText : labelText) is not a finite number: '\(v.text ?? "?")'")
                }
                p[k] = x
            }
            let f = fractional ? p : lattice.fractional(p)
            var atom = Atom(element: el, position: lattice.cartesian(f), charge: charge, label: labelText)
            if let oc = occCol, let o = row[oc].number {
                guard o >= 0, o <= 1.0001 else { throw InputError(file: file, line: row[oc].line, item: "_atom_site_occupancy", "occupancy \(o) of \(labelText) is outside 0…1") }
                atom.occupancy = min(o, 1)
            }
            if let uc = uCol, let u = row[uc].number { atom.uiso = u } else if let bc = bCol, let b = row[bc].number { atom.uiso = b / (8 * Double.pi * Double.pi) }
            atom.uij = aniso[labelText.lowercased()]
            if atom.uiso == nil, let a = atom.uij { atom.uiso = a.uEquivalent }
            asym.append(Site(atom: atom, fract: f))
        }
        if asym.isEmpty { throw InputError(file: file, line: sites.line, "the structure has no atoms") }

        if isCluster {
            let s = Structure(title: block.name, atoms: asym.map(\.atom))
            return CIFContents(unitCell: Structure(title: block.name, atoms: s.atoms, lattice: lattice), molecules: [s], isFiniteCluster: true,
                               operationCount: 1, crystal: nil, declaresSymmetry: false)
        }

        // Symmetry expansion with merging of coincident sites.
        let A = lattice.matrix
        let Ainv = A.inverse
        var cell = [Site]()
        let tol2 = options.mergeTolerance * options.mergeTolerance
        for site in asym {
            var mine = [SIMD3<Double>]()
            for op in ops {
                var f = op.apply(site.fract)
                f -= SIMD3(f.x.rounded(.down), f.y.rounded(.down), f.z.rounded(.down))
                for k in 0..<3 where f[k] >= 1 - 1e-9 { f[k] = 0 }
                let duplicate = mine.contains { g in
                    var d = f - g
                    d -= SIMD3(d.x.rounded(), d.y.rounded(), d.z.rounded())
                    return simd_length_squared(lattice.cartesian(d)) < tol2
                }
                if duplicate { continue }
                mine.append(f)
                var atom = site.atom
                atom.position = lattice.cartesian(f)
                if let u = atom.uij {
                    let Rc = A * Matrix3(rows: op.rotation) * Ainv
                    atom.uij = AnisotropicDisplacement(Rc * u.matrix * Rc.transposed)
                }
                cell.append(Site(atom: atom, fract: f))
            }
        }
        let unitCell = Structure(title: block.name, atoms: cell.map(\.atom), lattice: lattice)
        let molecules = MoleculeAssembler.molecules(in: unitCell, bonds: options.bonds)
        // The asymmetric unit with unique labels, U in the CIF convention for anisotropic sites.
        let Ninv = Matrix3.diagonal(SIMD3(1, 1, 1) / lattice.reciprocalLengths)
        var labels = Set<String>()
        let asymmetricUnit = asym.enumerated().map { k, site -> CrystalSite in
            var label = site.atom.label.isEmpty ? "\(site.atom.element.symbol)\(k + 1)" : site.atom.label
            while labels.contains(label) { label += "'" }
            labels.insert(label)
            let uCIF = site.atom.uij.map { AnisotropicDisplacement(Ninv * Ainv * $0.matrix * Ainv.transposed * Ninv) }
            return CrystalSite(label: label, element: site.atom.element, charge: site.atom.charge, fractional: site.fract,
                               occupancy: site.atom.occupancy, uiso: site.atom.uiso, uCIF: uCIF)
        }
        let crystal = Crystal(title: block.name, lattice: lattice, operations: ops, spaceGroupName: spaceGroupName, sites: asymmetricUnit)
        return CIFContents(unitCell: unitCell, molecules: molecules, isFiniteCluster: false, operationCount: ops.count,
                           crystal: crystal, declaresSymmetry: declaresSymmetry)
    }
}
