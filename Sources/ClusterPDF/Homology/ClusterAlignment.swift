import Foundation

/// One matched pair of atoms (1-based atom numbers in file order).
public struct AtomMatch: Sendable, Hashable, Codable {
    /// Atom number in A.
    public var a: Int
    /// Atom number in B.
    public var b: Int
    /// A's element (B's atom maps onto it).
    public var element: String
    /// Distance (Å) between A's atom and B's transformed atom.
    public var deviation: Double
}

/// The result of aligning cluster B onto cluster A.
public struct ClusterAlignment: Sendable, Codable {
    /// What was looked for.
    public var mode: AlignmentMode
    /// Element of B → element of A (symbols).
    public var elementMap: [String: String]
    /// Number of atoms of A and of B.
    public var countA: Int, countB: Int
    /// Matched pairs, in order of A's atom number.
    public var matches: [AtomMatch]
    /// Root-mean-square deviation (Å, A's units) over the matched pairs.
    public var rmsd: Double
    /// RMSD per element (A's symbols).
    public var elementRMSD: [String: Double]
    /// The transform carrying B onto A (rotation, centres, scale, mirror).
    public var transform: AlignmentTransform
    /// Atoms of A and of B without a partner (1-based).
    public var unmatchedA: [Int], unmatchedB: [Int]
    /// The largest deviations (up to five matched pairs, largest first).
    public var largestDeviations: [AtomMatch]
    /// RMSD (Å) of the best mirror-image alignment (nil when none was found).
    public var mirrorRMSD: Double?
    /// B is the mirror image of A: aligned with a reflection (`allowMirror`), or, without it,
    /// only the reflection would have aligned them (then `homologous` is false and `reason` says so).
    public var mirror = false
    /// The verdict of `rule`.
    public var homologous: Bool
    /// Why (the numbers the rule was applied to).
    public var reason: String
    /// The rule applied.
    public var rule: String

    /// B's lengths ÷ A's.
    public var scale: Double { transform.scale }
    /// The verdict in words: "homologous", "not homologous", "contained", "partly shared", …,
    /// with "(mirror image)" when B is A's mirror image.
    public var verdict: String {
        let word: String
        switch mode {
        case .whole: word = homologous ? "homologous" : "not homologous"
        case .substructure: word = homologous ? "contained" : "not contained"
        case .common: word = homologous ? "homologous" : "partly shared"
        }
        return mirror ? word + " (mirror image)" : word
    }
    /// A's atom number → B's atom number.
    public var indexMap: [Int: Int] { Dictionary(uniqueKeysWithValues: matches.map { ($0.a, $0.b) }) }

    /// The rules of `homologous`, per mode.
    public static func rule(for mode: AlignmentMode) -> String {
        switch mode {
        case .whole:
            return "homologous when the compositions agree after the element map, RMSD ≤ \(fmt(rmsdLimit)) Å and every matched pair deviates ≤ \(fmt(deviationLimit)) Å (after the scale)"
        case .substructure:
            return "contained when every atom of the smaller cluster is matched, RMSD ≤ \(fmt(rmsdLimit)) Å and every matched pair deviates ≤ \(fmt(deviationLimit)) Å (after the scale)"
        case .common:
            return "the common substructure is the largest set of pairs each within the tolerance; homologous when it holds every atom of the smaller cluster"
        }
    }

    /// RMSD limit (Å) of the rules.
    public static let rmsdLimit = 0.30
    /// Largest single deviation (Å) of the rules.
    public static let deviationLimit = 0.75

    static func fmt(_ x: Double) -> String { String(format: "%.2f", x) }
}
