import Foundation

/// One candidate's agreement with a curve, with what it is.
public struct CandidateScore: Codable, Sendable {
    /// Unique name (the recipe, `CandidateSpec.name`, or a library file name).
    public var name: String
    /// Structure family.
    public var family: ModelLibrary.Family
    /// Formula.
    public var formula: String
    /// Number of atoms.
    public var atoms: Int
    /// Largest interatomic distance (Å).
    public var diameter: Double
    /// Diameter of a sphere of bulk density with the same number of atoms (Å).
    public var equivalentDiameter: Double
    /// Shape ("sphere", "hexagonal-prism c/a 1.00", "tetrahedron (cation facets)", "attenuated crystal", …).
    public var shape: String
    /// Share of the atoms in cubic double layers (0 wurtzite … 1 zincblende;
    /// `StackedClusterBuilder.cubicFraction`); nil for library structures.
    public var cubicFraction: Double?
    /// The recipe that rebuilds it (generated candidates).
    public var recipe: CandidateSpec?
    /// How many other recipes gave an identical pair histogram.
    public var duplicates: Int
    /// Rw: of the full refinement when `refined`, else of the screening.
    public var rw: Double
    /// Scale, zoom, Uiso (Å²), δ2 (Å²) of the best fit found.
    public var scale: Double, zoom: Double, uiso: Double, delta2: Double
    /// Whether `rw` comes from the full refinement (global stage + Levenberg–Marquardt).
    public var refined: Bool
    /// Where `rw` comes from: the screen, the exact engine at the screened optimum, or the refinement.
    public var rwSource: RwSource = .screen
    /// Number of free parameters counted in the BIC.
    public var freeParameters: Int
    /// BIC − smallest BIC of all candidates.
    public var deltaBIC: Double
    /// Posterior weight of this candidate (all candidates sum to 1).
    public var weight: Double
    /// Attenuated-crystal models: particle diameter psize (Å).
    public var psize: Double?
}

/// Where a candidate's Rw comes from, from the roughest to the best.
public enum RwSource: String, Codable, Sendable, Hashable {
    /// The fast screening model (`ScreeningModel`): ranks thousands of candidates, off by up to ~0.08.
    case screen
    /// The exact engine at the screened optimum (one evaluation): an upper bound of the refined Rw.
    case evaluated
    /// The full refinement.
    case refined
}

/// How the best candidate was found: how many candidates each stage saw, and whether the
/// adaptive refinement settled (no unrefined evaluated candidate could still beat the best
/// refined one by more than `tolerance`).
public struct RankingSummary: Codable, Sendable, Hashable {
    /// Candidates screened, evaluated exactly at their screened optimum, and refined.
    public var screened: Int, evaluated: Int, refined: Int
    /// Rw tolerance of the stopping rule.
    public var tolerance: Double
    /// False when the refinement limit stopped it first.
    public var settled: Bool
}

extension CandidateScore {
    /// The class this candidate votes for: its family's class, except that a faulted stacking
    /// dominated by one stacking (`limits`: at most a fifth cubic, or at least four fifths, by
    /// default) votes for that stacking's class; only stackings in between are mixed-or-faulted.
    public func verdictClass(limits: StackingLimits) -> Verdict {
        limits.verdictClass(family: family, cubicFraction: cubicFraction)
    }
}

/// The mining result of one family.
public struct FamilySummary: Codable, Sendable {
    /// The family.
    public var family: ModelLibrary.Family
    /// Its probability (families sum to 1).
    public var probability: Double
    /// Distinct candidates of the family that were screened.
    public var candidates: Int
    /// Its best candidate.
    public var best: CandidateScore
    /// Equivalent diameters (Å) spanned by the family's candidates statistically indistinguishable
    /// from its best (ΔBIC ≤ 2 from the family's best).
    public var diameterRange: ClosedRange<Double>
    /// Atom counts spanned by the same candidates.
    public var atomRange: ClosedRange<Int>
    /// How many candidates are indistinguishable from the best.
    public var indistinguishable: Int
    /// How many of the family's candidates were refined (nil in records written before it was counted).
    public var refined: Int? = nil
}

/// Where the candidates of a classification came from, so that a result can be reproduced.
public struct LibraryRecord: Codable, Sendable, Hashable {
    /// Generator version (`CandidateSpace.version`).
    public var generator: String
    /// Cache key of the generated space (digest of generator, space and lattice constants).
    public var spaceKey: String
    /// Digest of every candidate used (generated recipes and library files' contents).
    public var hash: String
    /// Number of generated recipes, distinct candidates and extra (library, `--add`) models.
    public var recipes: Int, distinct: Int, extra: Int
    /// Library directories and files used besides the built-in generator (none by default).
    public var sources: [String]
}
