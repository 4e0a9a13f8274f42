/// X-ray tube anodes with their Kα1/Kα2 wavelengths (Å).
///
/// Cr, Fe, Co and Cu: Hölzer, Fritsch, Deutsch, Härtwig & Förster, Phys. Rev. A 56 (1997) 4554,
/// Table II (peak wavelengths of the Kα1,2 lines). Mo and Ag are not in that paper; their values are
/// from the NIST X-ray transition energies of Deslattes et al., Rev. Mod. Phys. 75 (2003) 35,
/// converted with hc = 12.398 419 843 keV·Å. (ClusterPDF 1 used Bearden's 1967 values.)
public enum Anode: String, Sendable, CaseIterable {
    case Cu, Mo, Ag, Co, Cr, Fe
    /// Kα1 wavelength (Å).
    public var kAlpha1: Double {
        switch self {
        case .Cu: return 1.5405929
        case .Mo: return 0.7093171
        case .Ag: return 0.5594218
        case .Co: return 1.7889960
        case .Cr: return 2.2897260
        case .Fe: return 1.9360410
        }
    }
    /// Kα2 wavelength (Å).
    public var kAlpha2: Double {
        switch self {
        case .Cu: return 1.5444274
        case .Mo: return 0.7136060
        case .Ag: return 0.5638130
        case .Co: return 1.7928350
        case .Cr: return 2.2936510
        case .Fe: return 1.9399730
        }
    }
    /// Intensity of Kα2 relative to Kα1 used by default: 0.5 (the 2p3/2 : 2p1/2 occupation ratio,
    /// as Rietveld programs assume; measured ratios are 0.50–0.53).
    public static let kAlpha2Ratio = 0.5
}
