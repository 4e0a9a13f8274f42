import Foundation

/// The decision rule of the mining classifier, with its calibrated numbers.
///
/// Candidates are weighted by BIC: χ²_m = (N_eff − k_best)·(Rw_m/Rw_best)², with N_eff =
/// (rmax − rmin)·Qmax/π the number of independent points of the oversampled G(r) and the noise
/// level taken from the best fit (G(r) files rarely carry usable uncertainties);
/// BIC_m = χ²_m + k_m ln N_eff; weight ∝ prior·exp(−ΔBIC/(2·temperature)), each family getting the
/// same prior mass shared among its candidates. Family probabilities are the summed weights. Class
/// probabilities sum the candidates by the class they vote for (`CandidateScore.verdictClass`):
/// zincblende-like and wurtzite-like/pseudo-wurtzite by family, faulted stackings by their cubic
/// fraction (`stackingLimits`: ≤ 0.2 pseudo-wurtzite class, ≥ 0.8 zincblende-like, in between
/// mixed-or-faulted).
///
/// Verdict: `no-match` when the curve is not a G(r) of a solid, its elements are in no candidate,
/// or the best Rw exceeds `noMatchRw`; else the class whose probability reaches `probability`;
/// else `ambiguous`.
public struct MiningThresholds: Codable, Sendable, Hashable {
    /// Class probability needed for a verdict.
    public var probability: Double
    /// Best Rw above which nothing describes the curve.
    public var noMatchRw: Double
    /// Temperature of the BIC weights (1: plain BIC, as if the best candidate were exact and its
    /// misfit all noise; 2, calibrated: a model-discrepancy variance as large as that misfit again,
    /// for structures the space does not hold — relaxed, ligated, disordered, other Q ranges).
    public var temperature: Double
    /// Cubic fractions that send faulted candidates to the pseudo-wurtzite, mixed-or-faulted or
    /// zincblende-like class.
    public var stackingLimits: StackingLimits

    /// A rule.
    public init(probability: Double, noMatchRw: Double, temperature: Double, stackingLimits: StackingLimits = .calibrated) {
        self.probability = probability; self.noMatchRw = noMatchRw; self.temperature = temperature
        self.stackingLimits = stackingLimits
    }

    private enum CodingKeys: String, CodingKey { case probability, noMatchRw, temperature, stackingLimits }

    /// Decodes a rule; records written before the stacking limits were part of it (batch JSONL
    /// files being resumed) get the calibrated limits those versions used.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(probability: try c.decode(Double.self, forKey: .probability), noMatchRw: try c.decode(Double.self, forKey: .noMatchRw),
                  temperature: try c.decode(Double.self, forKey: .temperature),
                  stackingLimits: try c.decodeIfPresent(StackingLimits.self, forKey: .stackingLimits) ?? .calibrated)
    }

    /// Values set with `clusterpdf calibrate` and `clusterpdf-bench misspecified` (docs/classify.md,
    /// "Calibration"). Temperature 2 since 2026-12-07: with 1, a held-apart misspecified curve (a
    /// 0.34-cubic particle with surface disorder) was called pseudo-wurtzite at p 0.995.
    public static let calibrated = MiningThresholds(probability: 0.9, noMatchRw: 0.7, temperature: 2)
}
