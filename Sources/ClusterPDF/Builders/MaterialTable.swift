/// Bulk lattice constants (Å) of common II–VI and III–V semiconductors at room temperature.
/// Sources: O. Madelung, *Semiconductors: Data Handbook*, 3rd ed., Springer (2004); CdSe
/// zincblende a = 6.077 Å and wurtzite a = 4.300, c = 7.011 Å as used for CdSe magic-size cluster
/// models; InP wurtzite from nanowire diffraction (Kriegner et al., Nano Lett. 11 (2011) 1483).
public enum MaterialTable {
    /// Zincblende cubic a (Å), keyed "CdSe".
    public static let zincblende: [String: Double] = [
        "CdSe": 6.077, "CdS": 5.818, "CdTe": 6.481,
        "ZnS": 5.409, "ZnSe": 5.668, "ZnTe": 6.101,
        "InP": 5.869, "InAs": 6.058, "InSb": 6.479,
        "GaP": 5.451, "GaAs": 5.653, "GaSb": 6.096,
    ]
    /// Wurtzite (a, c) in Å and internal parameter u.
    public static let wurtzite: [String: (a: Double, c: Double, u: Double)] = [
        "CdSe": (4.300, 7.011, 0.375), "CdS": (4.136, 6.714, 0.377),
        "ZnS": (3.821, 6.257, 0.375), "ZnSe": (3.98, 6.53, 0.375), "ZnO": (3.250, 5.207, 0.382),
        "GaN": (3.189, 5.185, 0.377), "InP": (4.150, 6.810, 0.375),
    ]

    /// Every tabulated cation–anion pair (zincblende or wurtzite), in key order.
    public static var binaries: [(cation: Element, anion: Element)] {
        Set(zincblende.keys).union(wurtzite.keys).sorted().compactMap { key in
            guard let els = Composition.elements(in: key), els.count == 2,
                  let c = els.first(where: { !$0.isAnionLike }), let a = els.first(where: { $0.isAnionLike }) else { return nil }
            return (c, a)
        }
    }

    /// Whether the pair has a tabulated zincblende or wurtzite cell.
    public static func isTabulated(_ cation: Element, _ anion: Element) -> Bool {
        zincblendeA(cation, anion) != nil || wurtziteCell(cation, anion) != nil
    }

    /// Table key of a cation–anion pair ("CdSe").
    public static func key(_ cation: Element, _ anion: Element) -> String { cation.symbol + anion.symbol }

    /// Zincblende a for the pair, or nil.
    public static func zincblendeA(_ cation: Element, _ anion: Element) -> Double? { zincblende[key(cation, anion)] }

    /// Wurtzite (a, c, u) for the pair: tabulated, else the ideal cell with the zincblende bond
    /// (a = a_zb/√2, c = a·√(8/3), u = 3/8).
    public static func wurtziteCell(_ cation: Element, _ anion: Element) -> (a: Double, c: Double, u: Double)? {
        if let w = wurtzite[key(cation, anion)] { return w }
        guard let azb = zincblendeA(cation, anion) else { return nil }
        let a = azb / 2.0.squareRoot()
        return (a, a * (8.0 / 3).squareRoot(), 0.375)
    }

    /// Bulk cation–anion bond length (Å): zincblende a·√3/4, else wurtzite u·c.
    public static func bondLength(_ cation: Element, _ anion: Element) -> Double? {
        if let a = zincblendeA(cation, anion) { return a * 3.0.squareRoot() / 4 }
        if let w = wurtzite[key(cation, anion)] { return w.u * w.c }
        return nil
    }
}

extension Element {
    /// Anion-forming elements (groups 15–17, plus O/S/Se/Te): the rest count as cations in swaps and cores.
    public var isAnionLike: Bool { (15...17).contains(group) }
}
