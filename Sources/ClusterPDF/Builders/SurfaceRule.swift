/// How the surface of a cut cluster is trimmed.
///
/// Atoms with fewer than `minimumBonds` cation–anion bonds are removed, repeatedly (a removal can
/// leave a neighbour under-bonded), and with `stoichiometric` the surface atoms of the element in
/// excess are then removed, least bonded and outermost first, until the bulk formula ratio is met.
public struct SurfaceRule: Sendable, Hashable, Codable {
    /// Atoms with fewer bonds than this are removed (0 or 1 keeps every atom of the cut;
    /// 2 removes singly bonded atoms; 3 makes every atom at least three-fold bonded).
    public var minimumBonds: Int
    /// Trim to the bulk 1:1 ratio after the bond rule.
    public var stoichiometric: Bool

    /// A rule; the default keeps the cut as it is.
    public init(minimumBonds: Int = 0, stoichiometric: Bool = false) {
        self.minimumBonds = minimumBonds; self.stoichiometric = stoichiometric
    }

    /// Short name: "cut", "k2", "k2-stoich".
    public var name: String {
        let k = minimumBonds <= 1 ? "cut" : "k\(minimumBonds)"
        return stoichiometric ? k + "-stoich" : k
    }
}
