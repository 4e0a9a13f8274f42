import Foundation

/// One site of a crystal's asymmetric unit, as a CIF gives it.
public struct CrystalSite: Sendable, Hashable {
    /// Site label ("Cd1"); unique within the crystal.
    public var label: String
    /// Element.
    public var element: Element
    /// Formal charge (selects the X-ray form factor of the ion).
    public var charge: Int
    /// Fractional coordinates.
    public var fractional: SIMD3<Double>
    /// Site occupancy, 0…1.
    public var occupancy: Double
    /// Isotropic displacement Uiso (Å²) as given (U_eq for an anisotropic site); nil when the file
    /// gives none.
    public var uiso: Double?
    /// Anisotropic U (Å²) in the CIF convention (the basis of the lattice vectors normalised by
    /// the reciprocal lengths: `_atom_site_aniso_U_11` …), when the site is anisotropic.
    public var uCIF: AnisotropicDisplacement?

    /// A site; `uiso` in Å², `uCIF` in the CIF convention.
    public init(label: String, element: Element, charge: Int = 0, fractional: SIMD3<Double>, occupancy: Double = 1,
                uiso: Double?, uCIF: AnisotropicDisplacement? = nil) {
        self.label = label; self.element = element; self.charge = charge; self.fractional = fractional
        self.occupancy = occupancy; self.uiso = uiso; self.uCIF = uCIF
    }
}

/// A periodic crystal: lattice, space-group operations and the asymmetric unit. This is what
/// periodic PDFs (`PeriodicPDFCalculator`) and symmetry-constrained refinements
/// (`CrystalRefinement`) work on; `unitCell()` expands it to the atoms of one cell.
public struct Crystal: Sendable, Hashable {
    /// Title (CIF data block name).
    public var title: String
    /// The lattice.
    public var lattice: Lattice
    /// Space-group operations on fractional coordinates (the identity first when present).
    public var operations: [SymmetryOperation]
    /// Space-group name as read (`_symmetry_space_group_name_H-M`), if any.
    public var spaceGroupName: String?
    /// The asymmetric unit.
    public var sites: [CrystalSite]

    /// A crystal; `operations` must contain the identity (it is added when missing).
    public init(title: String, lattice: Lattice, operations: [SymmetryOperation], spaceGroupName: String? = nil, sites: [CrystalSite]) {
        self.title = title; self.lattice = lattice; self.spaceGroupName = spaceGroupName; self.sites = sites
        var ops = operations
        if !ops.contains(where: { $0.isIdentity }) { ops.insert(.identity, at: 0) }
        self.operations = ops
    }

    /// The crystal of a unit cell's atoms in the space group spglib finds in them (one site per
    /// orbit, the operations in the cell's setting); nil for a structure without a lattice.
    public init?(symmetrizing cell: Structure) {
        guard let lattice = cell.lattice else { return nil }
        let sym = SpaceGroup.symmetry(of: cell)
        let keep = cell.atoms.indices.filter { sym?.representative[$0] ?? $0 == $0 }
        var labels = Set<String>()
        let sites = keep.map { i -> CrystalSite in
            let a = cell.atoms[i]
            var label = a.label.isEmpty ? "\(a.element.symbol)\(i + 1)" : a.label
            while labels.contains(label) { label += "'" }
            labels.insert(label)
            return CrystalSite(label: label, element: a.element, charge: a.charge, fractional: Crystal.wrapped(lattice.fractional(a.position)),
                               occupancy: a.occupancy, uiso: a.uiso)
        }
        self.init(title: cell.title, lattice: lattice, operations: sym?.operations ?? [.identity],
                  spaceGroupName: sym?.symbol ?? "P1", sites: sites)
    }

    /// Distance (Å) below which two images of a site are one atom (a special position).
    public static let mergeTolerance = 0.03

    /// The images of one site: for each distinct atom of the cell, the index of the operation
    /// that makes it and its fractional coordinates in [0, 1).
    public func orbit(of site: Int) -> [(operation: Int, fractional: SIMD3<Double>)] {
        Crystal.orbit(of: sites[site].fractional, operations: operations, lattice: lattice)
    }

    static func orbit(of f0: SIMD3<Double>, operations: [SymmetryOperation], lattice: Lattice) -> [(operation: Int, fractional: SIMD3<Double>)] {
        var out = [(operation: Int, fractional: SIMD3<Double>)]()
        let tol2 = mergeTolerance * mergeTolerance
        for (k, op) in operations.enumerated() {
            let f = wrapped(op.apply(f0))
            let duplicate = out.contains { g in
                let d = f - g.fractional
                return simd_length_squared(lattice.cartesian(d - d.rounded(.toNearestOrEven))) < tol2
            }
            if !duplicate { out.append((k, f)) }
        }
        return out
    }

    /// Coordinates wrapped into [0, 1).
    static func wrapped(_ f: SIMD3<Double>) -> SIMD3<Double> {
        var g = f - f.rounded(.down)
        for k in 0..<3 where g[k] >= 1 - 1e-12 { g[k] = 0 }
        return g
    }

    /// Number of atoms of each site in the cell (its multiplicity).
    public var multiplicities: [Int] { sites.indices.map { orbit(of: $0).count } }

    /// The atoms of one unit cell (Cartesian positions in Å, anisotropic U rotated by each
    /// operation), with the lattice.
    public func unitCell() -> Structure {
        var atoms = [Atom]()
        for (i, site) in sites.enumerated() {
            for image in orbit(of: i) {
                var atom = Atom(element: site.element, position: lattice.cartesian(image.fractional), charge: site.charge,
                                label: site.label, occupancy: site.occupancy, uiso: site.uiso)
                if let u = site.uCIF { atom.uij = cartesianU(u, operation: operations[image.operation]) }
                atoms.append(atom)
            }
        }
        return Structure(title: title, atoms: atoms, lattice: lattice)
    }

    /// Cartesian U (Å²) of a site's image made by `operation`, from U in the CIF convention:
    /// U_cart = (A R A⁻¹)(A N U_cif N Aᵀ)(A R A⁻¹)ᵀ, A the lattice matrix, N = diag(a*, b*, c*).
    func cartesianU(_ u: AnisotropicDisplacement, operation: SymmetryOperation) -> AnisotropicDisplacement {
        AnisotropicDisplacement(Crystal.cartesianU(u.matrix, lattice: lattice, operation: operation))
    }

    /// The same for a lattice and U given as a matrix (the periodic engine's refined cells).
    static func cartesianU(_ u: Matrix3, lattice: Lattice, operation: SymmetryOperation) -> Matrix3 {
        let A = lattice.matrix, N = Matrix3.diagonal(lattice.reciprocalLengths)
        let Rc = A * Matrix3(rows: operation.rotation) * A.inverse
        return Rc * (A * N * u * N * A.transposed) * Rc.transposed
    }

    /// Number of atoms per unit cell, weighted by occupancy.
    public var occupancyPerCell: Double {
        zip(sites, multiplicities).reduce(0) { $0 + $1.0.occupancy * Double($1.1) }
    }

    /// Formula of the cell contents (occupancies rounded), e.g. "Cd2Se2".
    public var formula: String {
        var c = [Element: Int]()
        for (s, m) in zip(sites, multiplicities) { c[s.element, default: 0] += Int((s.occupancy * Double(m)).rounded()) }
        return Structure.formula(c.filter { $0.value > 0 })
    }

    /// Elements present, by atomic number.
    public var elements: [Element] { Array(Set(sites.map(\.element))).sorted() }
}

extension SymmetryOperation {
    /// Whether this is x, y, z (to 1e-9, translations modulo 1).
    var isIdentity: Bool {
        let I = SymmetryOperation.identity.rotation
        let t = translation - translation.rounded(.toNearestOrEven)
        return (0..<3).allSatisfy { simd_length_squared(rotation[$0] - I[$0]) < 1e-18 } && simd_length_squared(t) < 1e-18
    }
}
