/// The functions ClusterPDF computes from a structure (`simulate --function`).
public enum ScatteringFunction: String, Sendable, Codable, CaseIterable {
    /// Reduced pair distribution function G(r) (Å⁻²).
    case gr
    /// Reduced structure function F(Q) = Q[S(Q) − 1] (Å⁻¹).
    case fq
    /// Total-scattering structure function S(Q).
    case sq
    /// Debye intensity I(Q) (electrons² or fm²).
    case iq
    /// Radial distribution function R(r) (Å⁻¹).
    case rdf
    /// Powder diffraction pattern I(2θ).
    case xrd
}
