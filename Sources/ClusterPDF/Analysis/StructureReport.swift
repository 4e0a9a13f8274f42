import Foundation

/// The summary printed by `clusterpdf info`: formula, size, bonds and coordination.
public struct StructureReport: Codable, Sendable {
    /// One molecule of a molecular crystal.
    public struct MoleculeEntry: Codable, Sendable {
        /// Its formula.
        public var formula: String
        /// Its number of atoms.
        public var atoms: Int
    }
    /// Path of the file.
    public var file: String
    /// Cluster, crystal or molecular crystal.
    public var kind: StructureKind
    /// Title line or CIF data block name.
    public var title: String
    /// Formula (Hill order).
    public var formula: String
    /// Number of atoms (of the unit cell for a crystal).
    public var atomCount: Int
    /// Frames in the file (multi-frame XYZ).
    public var frames: Int
    /// Molecules in the unit cell of a molecular crystal.
    public var moleculeCount: Int?
    /// The molecules, largest first.
    public var molecules: [MoleculeEntry]?
    /// Largest interatomic distance (Å); for a crystal, of the unit cell contents.
    public var diameter: Double
    /// a, b, c (Å), α, β, γ (degrees) of a crystal.
    public var cell: [Double]?
    /// Per element pair: shortest distance and mean bond length.
    public var pairs: [PairStatistics]
    /// Element → coordination number (as text) → atom count.
    public var coordination: [String: [String: Int]]
    /// The reader's notes (rows skipped, disorder kept, labels interpreted, symmetry completed).
    public var notes: [String]
    /// Formula from occupancies, when some are below 1 (mixed or partly occupied sites).
    public var occupancyFormula: String?
    /// The atoms as read (with `atoms: true`): for a CIF the expanded unit cell, else the structure.
    public var atomList: [AtomEntry]?

    /// One atom as ClusterPDF understood it.
    public struct AtomEntry: Codable, Sendable {
        /// Label from the file (may be empty).
        public var label: String
        /// Element symbol.
        public var element: String
        /// Fractional position (crystals only).
        public var fractional: [Double]?
        /// Cartesian position (Å).
        public var cartesian: [Double]
        /// Site occupancy.
        public var occupancy: Double
        /// Isotropic displacement (Å²), when the file gives one.
        public var uiso: Double?
    }

    /// The report of a structure as read, with bonds by `bonds`.
    public init(loaded: LoadedStructure, bonds: BondCriterion = BondCriterion(), atoms listAtoms: Bool = false) {
        let s = loaded.structure
        file = loaded.path
        kind = loaded.kind
        title = s.title
        formula = s.formula
        atomCount = s.count
        frames = loaded.frameCount
        moleculeCount = loaded.molecules?.count
        molecules = loaded.molecules?.map { MoleculeEntry(formula: $0.formula, atoms: $0.count) }
        diameter = s.diameter
        cell = s.lattice.map { [$0.a, $0.b, $0.c, $0.alpha, $0.beta, $0.gamma] }
        let stats = StructureStatistics(structure: s, criterion: bonds)
        pairs = stats.pairs
        var coord = [String: [String: Int]]()
        for (e, h) in stats.coordinationHistogram {
            coord[e.symbol] = Dictionary(uniqueKeysWithValues: h.map { (String($0.key), $0.value) })
        }
        coordination = coord
        notes = loaded.notes
        occupancyFormula = s.occupancyFormula
        if listAtoms {
            let source = loaded.unitCell ?? s
            atomList = source.atoms.map { a in
                AtomEntry(label: a.label, element: a.element.symbol, fractional: source.lattice.map { l in let f = l.fractional(a.position); return [f.x, f.y, f.z] },
                          cartesian: [a.position.x, a.position.y, a.position.z], occupancy: a.occupancy, uiso: a.effectiveUiso)
            }
        }
    }

    /// The report as JSON (`info --json`).
    public func jsonString() throws -> String { try JSONOutput.string(self) }

    /// The report as text (`info`).
    public func text() -> String {
        var o = "file:       \(file)\n"
        o += "kind:       \(kind.rawValue)\n"
        if !title.isEmpty { o += "title:      \(title)\n" }
        o += "formula:    \(formula)\(occupancyFormula.map { " (sites); \($0) (occupancies)" } ?? "")\n"
        o += "atoms:      \(atomCount)\n"
        if frames > 1 { o += "frames:     \(frames) (showing the chosen one)\n" }
        if let c = cell { o += String(format: "cell:       a=%.4f b=%.4f c=%.4f Å, α=%.2f β=%.2f γ=%.2f°\n", c[0], c[1], c[2], c[3], c[4], c[5]) }
        if let n = moleculeCount, let m = molecules {
            o += "molecules:  \(n) in the unit cell: " + m.map { "\($0.formula) (\($0.atoms) atoms)" }.joined(separator: ", ") + "\n"
        }
        o += String(format: "diameter:   %.3f Å\n", diameter)
        for n in notes { o += "note:       \(n)\n" }
        if let list = atomList {
            o += "\natoms as read\(list.first?.fractional != nil ? " (expanded unit cell)" : ""):\n"
            o += "  #  label     el " + (list.first?.fractional != nil ? "     x/a       y/b       z/c   " : "") + "      x/Å        y/Å        z/Å     occ    Uiso/Å²\n"
            for (k, a) in list.enumerated() {
                o += String(format: "%4d  ", k + 1) + String(a.label.prefix(8)).padding(toLength: 9, withPad: " ", startingAt: 0)
                    + a.element.padding(toLength: 3, withPad: " ", startingAt: 0)
                if let f = a.fractional { o += String(format: "%9.5f %9.5f %9.5f ", f[0] + 0, f[1] + 0, f[2] + 0) }
                let c = a.cartesian.map { abs($0) < 5e-5 ? 0 : $0 }  // never "-0.0000"
                o += String(format: "%10.4f %10.4f %10.4f %6.3f %@\n", c[0], c[1], c[2], a.occupancy,
                            (a.uiso.map { String(format: "%9.5f", $0) } ?? "        -") as NSString)
            }
        }
        o += "\npair      shortest/Å  mean bond/Å  bonds\n"
        for p in pairs {
            o += p.pair.padding(toLength: 9, withPad: " ", startingAt: 0)
            o += p.shortestDistance.map { String(format: " %10.4f", $0) } ?? "          -"
            o += p.meanBondLength.map { String(format: "  %11.4f", $0) } ?? "            -"
            o += "  \(p.bondCount)\n"
        }
        o += "\ncoordination (CN: atoms)\n"
        for el in coordination.keys.sorted(by: { (Element(symbol: $0)?.atomicNumber ?? 0) < (Element(symbol: $1)?.atomicNumber ?? 0) }) {
            let h = coordination[el]!.sorted { Int($0.key)! < Int($1.key)! }
            o += el.padding(toLength: 4, withPad: " ", startingAt: 0) + h.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "\n"
        }
        return o
    }
}
