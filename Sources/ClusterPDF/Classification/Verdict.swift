/// The classifier's answer for a curve. Encoded with the spellings of the text output
/// (`zincblende-like`, `pseudo-wurtzite`, `ambiguous`, `no-match`).
public enum Verdict: String, Codable, Sendable, Hashable, CaseIterable, CodingKeyRepresentable, CustomStringConvertible {
    /// Best described by zincblende-derived models (e.g. the Cd35Se20 … Cd84Se56 tetrahedra).
    case zincblendeLike = "zincblende-like"
    /// Best described by wurtzite-derived or pseudo-wurtzite models (e.g. In37P20, Cd21Se20).
    case pseudoWurtzite = "pseudo-wurtzite"
    /// Best described by stackings between the two (polytypes, random stacking faults).
    case mixedOrFaulted = "mixed-or-faulted"
    /// Two clusters of different classes together explain the curve better than any one, by the
    /// calibrated margin (`MixtureVerdict`): the members and their atom fractions are in `mixture`.
    case mixture
    /// No class is probable enough (the classes fit about equally well).
    case ambiguous
    /// No model describes the curve (foreign elements, best Rw above the threshold, or not a G(r) of a solid).
    case noMatch = "no-match"

    /// The two pure structural classes (`Classification.bestByClass` and `classRwDifference`).
    public static let classes: [Verdict] = [.zincblendeLike, .pseudoWurtzite]
    /// The structural classes of the probability rule (`ClusterMiner`).
    public static let structuralClasses: [Verdict] = [.zincblendeLike, .pseudoWurtzite, .mixedOrFaulted]

    /// The spelling used in output.
    public var description: String { rawValue }
}
