import Foundation

/// Builds bulk unit cells.
public enum CrystalBuilder {
    /// The two tetrahedral structure types built.
    public enum Kind: String, Sendable, CaseIterable { case zincblende, wurtzite }

    /// A cell or cluster that cannot be built (unknown material, size out of range).
    public struct BuildError: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    /// Zincblende (F-43m) conventional cell: cations on fcc sites, anions at +(¼, ¼, ¼).
    public static func zincblende(cation: Element, anion: Element, a: Double? = nil) throws -> Structure {
        guard let a = a ?? MaterialTable.zincblendeA(cation, anion) else {
            throw BuildError(description: "no tabulated zincblende lattice constant for \(cation)\(anion): give --a")
        }
        let lattice = try Lattice(a: a, b: a, c: a, alpha: 90, beta: 90, gamma: 90)
        let fcc: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(0, 0.5, 0.5), SIMD3(0.5, 0, 0.5), SIMD3(0.5, 0.5, 0)]
        var atoms = fcc.enumerated().map { Atom(element: cation, position: lattice.cartesian($1), label: "\(cation.symbol)\($0 + 1)") }
        atoms += fcc.enumerated().map { Atom(element: anion, position: lattice.cartesian($1 + SIMD3(0.25, 0.25, 0.25)), label: "\(anion.symbol)\($0 + 1)") }
        return Structure(title: "\(cation.symbol)\(anion.symbol)-zincblende", atoms: atoms, lattice: lattice)
    }

    /// Wurtzite (P6_3mc) cell: cations at (⅓, ⅔, 0), (⅔, ⅓, ½); anions at z + u.
    public static func wurtzite(cation: Element, anion: Element, a: Double? = nil, c: Double? = nil, u: Double? = nil) throws -> Structure {
        let table = MaterialTable.wurtziteCell(cation, anion)
        guard let aa = a ?? table?.a, let cc = c ?? table?.c else {
            throw BuildError(description: "no tabulated wurtzite cell for \(cation)\(anion): give --a and --c")
        }
        let uu = u ?? table?.u ?? 0.375
        let lattice = try Lattice(a: aa, b: aa, c: cc, alpha: 90, beta: 90, gamma: 120)
        let sites: [SIMD3<Double>] = [SIMD3(1.0 / 3, 2.0 / 3, 0), SIMD3(2.0 / 3, 1.0 / 3, 0.5)]
        var atoms = sites.enumerated().map { Atom(element: cation, position: lattice.cartesian($1), label: "\(cation.symbol)\($0 + 1)") }
        atoms += sites.enumerated().map { Atom(element: anion, position: lattice.cartesian($1 + SIMD3(0, 0, uu)), label: "\(anion.symbol)\($0 + 1)") }
        return Structure(title: "\(cation.symbol)\(anion.symbol)-wurtzite", atoms: atoms, lattice: lattice)
    }
}
