import Foundation

/// The size cross-check of a classification: does the best candidate have the size that an
/// attenuated-crystal refinement of the same curve reports?
///
/// The two sizes are not the same kind of number. An attenuated crystal's particle size psize (Å)
/// is the diameter of the *sphere* whose characteristic function best describes how the curve's
/// peaks fade with r, for a crystal without faults; a cluster's equivalent diameter (Å) is the
/// diameter of the sphere of its volume. A particle whose stacking faults weaken its long-range
/// order (or a strongly anisotropic one) fades faster than the sphere of its volume, so its psize
/// is smaller: a 24 Å sphere of CdSe has psize 23.9 Å as wurtzite, 21.1 Å as 4H. The check therefore compares like with like: the same crystal model (CIF, sphere
/// envelope, the same settings) is refined once more, against the best candidate's own refined
/// G(r), and that psize — the candidate's *envelope diameter* — is compared with the psize on the
/// data. If the candidate were the sample, the two refinements would agree.
///
/// Measured (2026-12-01, r 0.5–40 Å): the CdSe-3/-4 best candidate (a faulted bullet, 993 atoms)
/// has an equivalent diameter of 37.6 Å but an envelope diameter of 31.2 Å.
public struct SizeCheck: Codable, Sendable, Hashable {
    /// Name of the best candidate.
    public var candidate: String
    /// Its equivalent diameter (Å): the sphere of its volume.
    public var equivalentDiameter: Double
    /// Its envelope diameter (Å): psize of `crystal` refined against the candidate's own refined
    /// G(r); nil when that refinement failed (then `equivalentDiameter` is compared).
    public var envelopeDiameter: Double?
    /// The best-fitting attenuated crystal on the curve.
    public var crystal: String
    /// That crystal's Rw on the curve.
    public var crystalRw: Double
    /// That crystal's particle size psize on the curve (Å).
    public var psize: Double
    /// Relative difference of the compared size and `psize` (envelope diameter / psize − 1).
    public var relative: Double
    /// The largest relative difference still called agreement.
    public var tolerance: Double

    /// The check of the best candidate `best` against the attenuated crystal `crystal` (its psize
    /// refined on the curve), with the candidate's envelope diameter if known: `relative` is worked
    /// out from the envelope diameter when there is one, else from the equivalent diameter. Nil
    /// when `crystal` has no positive psize.
    public init?(best: CandidateScore, crystal: CandidateScore, envelopeDiameter: Double?, tolerance: Double = ClusterMiner.sizeAgreement) {
        guard let size = crystal.psize, size > 0 else { return nil }
        (candidate, equivalentDiameter, self.envelopeDiameter) = (best.name, best.equivalentDiameter, envelopeDiameter)
        (self.crystal, crystalRw, psize, self.tolerance) = (crystal.name, crystal.rw, size, tolerance)
        relative = (envelopeDiameter ?? best.equivalentDiameter) / size - 1
    }

    /// The sizes agree within `tolerance`.
    public var agrees: Bool { abs(relative) <= tolerance }

    /// The note printed with the classification.
    public var note: String {
        let compared = envelopeDiameter.map {
            String(format: "envelope diameter %.1f Å (psize of the same crystal refined against the candidate's own G(r); equivalent diameter %.1f Å)", $0, equivalentDiameter)
        } ?? String(format: "equivalent diameter %.1f Å", equivalentDiameter)
        return String(format: "size check: the best candidate's %@ is %+.0f %% of the particle size psize %.1f Å of the best attenuated crystal (%@, Rw %.3f)%@",
                      compared, 100 * relative, psize, crystal, crystalRw,
                      agrees ? "" : String(format: ": they disagree by more than %.0f %%", 100 * tolerance))
    }
}
