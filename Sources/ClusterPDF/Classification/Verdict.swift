/// The classifier's answer for a curve. Encoded with the spellings of the text output
/// (`zincblende-like`, `pseudo-wurtzite`, `ambiguous`, `no-match`).
public enum Verdict: String, Codable, Sendable, Hashable, CaseIterable, CodingKeyRepresentable, CustomStringConvertible {
    /// Best described by zincblende-derived models (e.g. the Cd35Se20 … Cd84Se56 tetrahedra).
    case zincblendeLike = "zincblende-like"
    /// Best described by wurtzite-derived or pseudo-wurtzite models (e.g. In37P20, Cd21Se20).
    case pseudoWurtzite = "pseudo-wurtzite"
    /// The two classes fit about equally well (|ΔRw| below the threshold).
    case ambiguous
    /// No model describes the curve (best Rw above the threshold).
    case noMatch = "no-match"

    /// The two structural classes a model can vote for.
    public static let classes: [Verdict] = [.zincblendeLike, .pseudoWurtzite]

    /// The spelling used in output.
    public var description: String { rawValue }
}
