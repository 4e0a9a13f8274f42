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
    /// What the reader decided that the file did not say outright (rows skipped, disorder groups
    /// kept, deuterium and water labels, symmetry from a number alone), one sentence each.
    public var notes: [String] = []
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
        var notes = [String]()
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
        // Listed operations must form a group: the identity or products missing from the list
        // are added (as gemmi and spglib would find the group), with a note.
        if !ops.isEmpty {
            let tag = "_space_group_symop_operation_xyz"
            guard let group = SymmetryOperation.closure(of: ops) else {
                throw InputError(file: file, line: block.loop(with: tag)?.line ?? block.loop(with: "_symmetry_equiv_pos_as_xyz")?.line, item: tag,
                                 "the \(ops.count) symmetry operations do not generate a crystallographic group (more than 192 operations)")
            }
            let distinct = ops.reduce(into: [SymmetryOperation]()) { acc, op in if !acc.contains(where: { $0.isEquivalent(to: op) }) { acc.append(op) } }
            if group.count != distinct.count {
                notes.append("the file lists \(ops.count) symmetry operations that are not a group\(ops.contains(where: { $0.isEquivalent(to: .identity) }) ? "" : " (no identity)"); completed to the \(group.count) operations they generate")
            }
            ops = group
        }
        // Without operations, a space-group symbol (Hermann–Mauguin, then Hall) or number gets
        // its operations from spglib's database; one that is not there is an error, never P1.
        func item(_ tags: [String]) -> (tag: String, value: CIFValue)? {
            for t in tags { if let v = block.value(t), let text = v.text, !text.trimmingCharacters(in: .whitespaces).isEmpty, text != "?" { return (t, v) } }
            return nil
        }
        // CIF 1.1 names and their DDLm/mmCIF spellings with a dot (`_space_group.name_H-M_alt`).
        let hm = item(["_symmetry_space_group_name_h-m", "_space_group_name_h-m_alt", "_space_group.name_h-m_alt",
                       "_symmetry.space_group_name_h-m", "_space_group_name_h-m_full", "_space_group.name_h-m_full"])
        let hall = item(["_symmetry_space_group_name_hall", "_space_group_name_hall", "_space_group.name_hall", "_symmetry.space_group_name_hall"])
        let number = item(["_space_group_it_number", "_symmetry_int_tables_number", "_space_group.it_number", "_symmetry.int_tables_number"])
        let spaceGroupName = hm?.value.text ?? hall?.value.text
        let declaresSymmetry = !ops.isEmpty || hm != nil || hall != nil || number != nil
        if ops.isEmpty {
            // Hall first (unambiguous), then Hermann–Mauguin, then the number (default setting).
            if let (_, v) = hall, let name = v.text, let o = SpaceGroup.operations(hallSymbol: name) {
                ops = o
            } else if let (tag, v) = hm, let name = v.text {
                guard let (o, note) = SpaceGroup.resolve(symbol: name) else {
                    throw InputError(file: file, line: v.line, item: tag, "space group '\(name)' is not in spglib's database (nor a centred setting of a group that is) and the file lists no symmetry operations")
                }
                ops = o
                if let n = note { notes.append(n) }
            } else if let (tag, v) = hall, let name = v.text {
                throw InputError(file: file, line: v.line, item: tag, "Hall symbol '\(name)' is not in spglib's database and the file lists no symmetry operations")
            } else if let (tag, v) = number {
                guard let n = v.number, let o = SpaceGroup.operations(number: Int(n)) else {
                    throw InputError(file: file, line: v.line, item: tag, "space group number '\(v.text ?? "?")' is not 1…230 and the file lists no symmetry operations")
                }
                ops = o
                notes.append("symmetry from the space-group number \(Int(n)) alone (its standard setting)")
            } else { ops = [.identity] }
        }
        // The operations must preserve the cell's metric (a primitive cell with a centred group's
        // operations, or a cell of the wrong system, would expand into nonsense).
        let G = lattice.matrix.transposed * lattice.matrix
        let scaleG = max(G.r[0].x, G.r[1].y, G.r[2].z)
        for op in ops {
            let R = Matrix3(rows: op.rotation)
            let h = R.transposed * G * R
            let dev = (0..<3).map { i in let d = h.r[i] - G.r[i]; return max(abs(d.x), abs(d.y), abs(d.z)) }.max()!
            if dev > 0.01 * scaleG {
                let tag = hm?.tag ?? hall?.tag ?? number?.tag ?? "_space_group_symop_operation_xyz"
                throw InputError(file: file, line: (hm ?? hall ?? number)?.value.line, item: tag,
                                 "the symmetry operations do not fit the cell (a = \(fmtCell(lattice.a)), b = \(fmtCell(lattice.b)), c = \(fmtCell(lattice.c)) Å, α = \(fmtCell(lattice.alpha)), β = \(fmtCell(lattice.beta)), γ = \(fmtCell(lattice.gamma))°): operation '\(op)' does not preserve its metric; is the cell a primitive or non-standard one?")
            }
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

        // Disorder: sites without a group (".", "0") are kept; in each disorder assembly only the
        // lowest positive |group| (occupancies as written).
        let assemblyCol = sites.column("_atom_site_disorder_assembly")
        func disorder(_ row: [CIFValue]) -> (assembly: String, group: Int)? {
            guard let gc = groupCol, let text = row[gc].text else { return nil }
            guard let g = Int(text) else { return nil }
            guard g != Int.min, g != 0 else { return nil }
            return (assemblyCol.flatMap { row[$0].text } ?? ".", abs(g))
        }
        var chosenGroup = [String: Int]()
        for row in sites.rows { if let d = disorder(row) { chosenGroup[d.assembly] = min(chosenGroup[d.assembly] ?? d.group, d.group) } }
        var droppedByDisorder = 0

        struct Site { var atom: Atom; var fract: SIMD3<Double> }
        var asym = [Site]()
        var skippedUnknown = [String](), labelNotes = Set<String>()
        for row in sites.rows {
            let labelText = labelCol.flatMap { row[$0].text } ?? ""
            let typeText = typeCol.flatMap { row[$0].text }
            let line = row[xyzCols[0]!].line
            // A row whose coordinates are all unknown ("?" or ".") describes no atom: skipped.
            if xyzCols.allSatisfy({ row[$0!].text == nil }) { skippedUnknown.append(labelText.isEmpty ? "line \(line)" : labelText); continue }
            let site: SiteType
            switch siteType(type: typeText, label: labelText) {
            case .success(let t): site = t
            case .failure(let why):
                throw InputError(file: file, line: line, item: typeText != nil ? "_atom_site_type_symbol" : "_atom_site_label", why.message)
            }
            let (el, charge) = (site.element, site.charge)
            if let n = site.note { labelNotes.insert(n) }
            if let d = disorder(row), chosenGroup[d.assembly] != d.group { droppedByDisorder += 1; continue }
            var p = SIMD3<Double>()
            for k in 0..<3 {
                let v = row[xyzCols[k]!]
                guard let x = v.number ?? simpleFraction(v.text) else {
                    throw InputError(file: file, line: v.line, item: sites.tags[xyzCols[k]!], "coordinate of \(labelText.isEmpty ? (typeText ?? "?") : labelText) is not a finite number: '\(v.text ?? "?")'")
                }
                p[k] = x
            }
            let f = fractional ? p : lattice.fractional(p)
            guard (0..<3).allSatisfy({ abs(p[$0]) <= (fractional ? 1e4 : Defaults.maximumCoordinate) }) else {
                throw InputError(file: file, line: line, item: sites.tags[xyzCols[0]!], "coordinates of \(labelText.isEmpty ? (typeText ?? "?") : labelText) are out of range (\(p.x), \(p.y), \(p.z))")
            }
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
        if asym.isEmpty {
            throw InputError(file: file, line: sites.line, "the structure has no atoms\(skippedUnknown.isEmpty ? "" : " (every atom site has unknown coordinates)")")
        }
        if !skippedUnknown.isEmpty { notes.append("skipped \(skippedUnknown.count) atom site(s) with unknown coordinates: \(skippedUnknown.prefix(8).joined(separator: ", "))") }
        if droppedByDisorder > 0 {
            notes.append("disorder: kept group " + chosenGroup.keys.sorted().map { "\(chosenGroup[$0]!)" + ($0 == "." ? "" : " of assembly \($0)") }.joined(separator: ", ")
                         + " and the sites without a group; \(droppedByDisorder) site(s) of other groups dropped (occupancies as written)")
        }
        notes += labelNotes.sorted()

        if isCluster {
            let s = Structure(title: block.name, atoms: asym.map(\.atom))
            return CIFContents(unitCell: Structure(title: block.name, atoms: s.atoms, lattice: lattice), molecules: [s], isFiniteCluster: true,
                               operationCount: 1, crystal: nil, declaresSymmetry: false, notes: notes)
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
                           crystal: crystal, declaresSymmetry: declaresSymmetry, notes: notes)
    }
}
