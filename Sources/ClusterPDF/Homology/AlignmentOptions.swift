import Foundation

/// What an alignment looks for.
public enum AlignmentMode: String, Sendable, Codable, CaseIterable {
    /// A and B are the same cluster (equal composition after the element map): every atom is matched.
    case whole
    /// The smaller cluster is contained in the larger: every atom of the smaller is matched; the
    /// larger's other atoms are listed (e.g. the 16 surface cations of In37P20 around In21P20).
    case substructure
    /// The largest set of atoms the two share within `AlignmentOptions.tolerance` (e.g. a common
    /// M17E14 cage of two different clusters). A heuristic: the exact problem is NP-hard.
    case common
}

/// Settings of `ClusterAligner`.
public struct AlignmentOptions: Sendable, Hashable {
    /// What to look for.
    public var mode: AlignmentMode = .whole
    /// Element of B → element of A. nil: the identity when both have the same elements, else the
    /// cation→cation, anion→anion map (one of each in both clusters).
    public var elementMap: [Element: Element]?
    /// Also try B's mirror image (improper rotations). Off by default: a mirror image is a
    /// different (enantiomeric) cluster; when allowed and chosen, the result says so.
    public var allowMirror = false
    /// Refine an isotropic scale (B's lengths ÷ A's). When false the scale is held at 1. In
    /// `.common` mode the scale is the ratio of the mean cation–anion bonds and is not refined (a
    /// free scale would trade the shared atoms' fit for more, looser pairs).
    public var refineScale = true
    /// Largest deviation (Å, in A's units) of a matched pair in `.common` mode.
    public var tolerance = 0.35
    /// Bond criterion for the starting scale (mean cation–anion bond ratio) and for neighbours.
    public var bonds = BondCriterion()

    /// Defaults: whole-cluster match, proper rotations, refined scale.
    public init(mode: AlignmentMode = .whole, elementMap: [Element: Element]? = nil, allowMirror: Bool = false, refineScale: Bool = true) {
        self.mode = mode
        self.elementMap = elementMap
        self.allowMirror = allowMirror
        self.refineScale = refineScale
    }
}
