import Foundation

/// The classifier's answer for one curve.
public struct Classification: Codable, Sendable {
    /// Path of the curve.
    public var curve: String
    /// The verdict.
    public var verdict: Verdict
    /// Name of the best model.
    public var bestModel: String
    /// Its Rw.
    public var bestRw: Double
    /// Best refined model of each class (`zincblende-like`, `pseudo-wurtzite`).
    public var bestByClass: [Verdict: ModelScore]
    /// Fit range start (Å).
    public var rmin: Double
    /// Fit range end (Å).
    public var rmax: Double
    /// Q range of the models (Å⁻¹).
    public var qmin: Double
    /// Upper end of the Q range (Å⁻¹).
    public var qmax: Double
    /// The data settings used, each with its source.
    public var settings: DataSettings
    /// Warnings of the best model's refinement (parameters at bounds, …).
    public var warnings: [RefinementWarning]
    /// Every refined model (the finalists), best first.
    public var scores: [ModelScore]
    /// Probability of each class (`zincblende-like`, `pseudo-wurtzite`, `mixed-or-faulted`).
    public var probabilities: [Verdict: Double]? = nil
    /// Each family's probability, best candidate and size range, most probable first.
    public var families: [FamilySummary]? = nil
    /// The best candidates (all families), best first.
    public var candidates: [CandidateScore]? = nil
    /// Number of distinct candidates screened.
    public var candidatesScreened: Int? = nil
    /// The rule and its numbers.
    public var rule: MiningThresholds? = nil
    /// Where the candidates came from.
    public var library: LibraryRecord? = nil
    /// Why the verdict is no-match (always set for no-match from the miner).
    public var noMatchReason: String? = nil
    /// Notes on the input (ligand atoms stripped from the composition, assumed composition, …).
    public var notes: [String]? = nil
    /// Reciprocal-space evidence (a powder pattern, I(Q), S(Q) or F(Q)); nil for a G(r). For
    /// such data `rmin` = `rmax` = 0 (no r range) and `qmin`/`qmax` are the data's Q range.
    public var evidence: ReciprocalEvidence? = nil
    /// The best candidate's size against the best attenuated crystal's psize on the same
    /// curve (also one of the `notes`); nil when a crystal is the best model or none was refined.
    public var sizeCheck: SizeCheck? = nil
    /// How many candidates were screened, evaluated exactly and refined to find the best.
    public var ranking: RankingSummary? = nil
    /// Mining without a stated composition: the binaries tried and kept (`CompositionTriage`).
    public var composition: CompositionTriage? = nil
    /// The best two-candidate mixture of different classes and whether it is the verdict
    /// (`accepted`); nil when not checked (fewer than one refined cluster per class).
    public var mixture: MixtureVerdict? = nil
}

extension Classification {
    /// Rw(best refined zincblende-like model) − Rw(best refined pseudo-wurtzite-class model):
    /// positive favours the pseudo-wurtzite class. Not part of the JSON document (the class
    /// probabilities are the evidence); the CSV column `margin` and the plot title show it.
    public var classRwDifference: Double? {
        guard let z = bestByClass[.zincblendeLike], let p = bestByClass[.pseudoWurtzite] else { return nil }
        return z.rw - p.rw
    }
}

/// What reciprocal-space data a classification rests on.
public struct ReciprocalEvidence: Codable, Sendable, Hashable {
    /// xrd, iq, sq or fq.
    public var kind: ReciprocalKind
    /// x range of the fit points (2θ in degrees or Q in Å⁻¹).
    public var xRange: ClosedRange<Double>
    /// λ1 and λ2 (Å) of a 2θ pattern.
    public var wavelengths: [Double]
    /// Fit points and independent points (Q range × largest pair distance of the best candidate / π).
    public var points: Int, effectivePoints: Double
}
