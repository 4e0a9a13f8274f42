import Foundation

/// What a reciprocal-space data file holds.
public enum ReciprocalKind: String, Sendable, Codable, CaseIterable {
    /// A powder pattern I(2θ) (laboratory diffractometer; `.xy`, `.xye`, `.chi` on a 2θ axis).
    case pattern = "xrd"
    /// Intensity I(Q) (`.iq`, or `.xy`/`.chi` on a Q axis).
    case intensity = "iq"
    /// Total-scattering structure function S(Q) (`.sq`).
    case structureFactor = "sq"
    /// Reduced structure function F(Q) = Q[S(Q) − 1] (`.fq`).
    case reducedStructureFunction = "fq"
}

/// Where the wavelength of 2θ patterns comes from when the command line gives it (nil fields:
/// from each file's header).
public struct PatternSource: Sendable, Hashable {
    /// Wavelength (Å).
    public var wavelength: Double?
    /// Anode (Kα1, with `kAlpha2` also Kα2).
    public var anode: Anode?
    /// Add the anode's Kα2.
    public var kAlpha2 = false
    /// Monochromator 2θ_m (degrees).
    public var monochromator: Double?
    /// From the header unless given.
    public init(wavelength: Double? = nil, anode: Anode? = nil, kAlpha2: Bool = false, monochromator: Double? = nil) {
        self.wavelength = wavelength; self.anode = anode; self.kAlpha2 = kAlpha2; self.monochromator = monochromator
    }
}

/// A measured reciprocal-space curve, checked, with its kind and (for 2θ patterns) the source.
///
/// The wavelength of a 2θ pattern comes from the options (`--wavelength`, `--anode`), else from
/// the header (`wavelength = 1.5406`, `lambda = …`, in Å; a second line `wavelength2 = …` with
/// an optional `ratio = 0.5` adds Kα2); a pattern without one is refused — ClusterPDF never
/// assumes Cu Kα.
public struct ReciprocalData: Sendable {
    /// The curve (x: 2θ in degrees or Q in Å⁻¹, increasing).
    public var curve: MeasuredCurve
    /// What the curve is.
    public var kind: ReciprocalKind
    /// Source and geometry of a 2θ pattern (`wavelength`, Kα2, monochromator); nil on a Q axis.
    public var powder: PowderSettings?
    /// Where the wavelength came from ("--wavelength", "--anode Cu", "header 'wavelength'").
    public var wavelengthSource: String?

    /// Header keys read as a wavelength (Å).
    public static let wavelengthKeys = ["wavelength", "lambda", "wavelength_a", "wavelength(a)", "lambda(a)"]

    /// Checks a curve and works out its kind and source. `wavelength` (Å) or `anode` (with
    /// `kAlpha2`: the doublet) override the header; `monochromator` is 2θ_m (degrees).
    public init(curve: MeasuredCurve, wavelength: Double? = nil, anode: Anode? = nil, kAlpha2: Bool = false, monochromator: Double? = nil) throws {
        self.curve = curve
        let ext = (curve.path as NSString).pathExtension.lowercased()
        switch curve.axis {
        case .twoTheta?:
            kind = .pattern
        case .q?:
            switch ext {
            case "sq": kind = .structureFactor
            case "fq": kind = .reducedStructureFunction
            default: kind = .intensity
            }
        case .r?:
            throw InputError(file: curve.path, "this is a G(r) file (r axis), not reciprocal-space data")
        case nil:
            throw InputError(file: curve.path, "cannot tell what the first column is: name it on a '#L' line (2theta, Q or r) or use the extension .xy (2θ), .iq/.sq/.fq (Q) or .gr (r)")
        }
        for (i, v) in curve.y.enumerated() where !v.isFinite {
            let at = curve.location(ofRow: i)
            throw InputError(file: at.file, line: at.line, "intensity is not a finite number")
        }
        if kind == .pattern {
            for (i, t) in curve.x.enumerated() where !(t > 0 && t < 180) {
                let at = curve.location(ofRow: i)
                throw InputError(file: at.file, line: at.line, "2θ = \(t)° is outside 0–180°")
            }
            var p = PowderSettings()
            if let l = wavelength {
                guard l.isFinite, l > 0, l < 20 else { throw SettingsError.invalid("--wavelength must be a positive number of Å (below 20), got \(l)") }
                p.wavelength = l; wavelengthSource = "--wavelength"
                if kAlpha2 { throw SettingsError.invalid("--kalpha2 takes the doublet of --anode; it cannot be combined with --wavelength") }
            } else if let a = anode {
                p.wavelength = a.kAlpha1; wavelengthSource = "--anode \(a.rawValue) (Hölzer 1997 Kα1\(kAlpha2 ? " + Kα2" : ""))"
                if kAlpha2 { p.secondWavelength = a.kAlpha2 }
            } else if let key = ReciprocalData.wavelengthKeys.first(where: { curve.header[$0] != nil }) {
                guard let l = curve.headerNumber(key), l > 0, l < 20 else {
                    throw InputError(file: curve.path, "header '\(key) = \(curve.header[key] ?? "")' is not a wavelength in Å")
                }
                p.wavelength = l; wavelengthSource = "header '\(key)'"
                if kAlpha2 { throw SettingsError.invalid("--kalpha2 needs --anode (which anode's doublet?)") }
                if let key2 = ["wavelength2", "lambda2"].first(where: { curve.header[$0] != nil }) {
                    guard let l2 = curve.headerNumber(key2), l2 > 0, l2 < 20 else {
                        throw InputError(file: curve.path, "header '\(key2) = \(curve.header[key2] ?? "")' is not a wavelength in Å")
                    }
                    p.secondWavelength = l2
                    if let r = curve.headerNumber("ratio") ?? curve.headerNumber("kalpha2_ratio") {
                        guard r >= 0, r <= 1 else { throw InputError(file: curve.path, "header 'ratio = \(r)': the Kα2/Kα1 ratio must lie in 0…1") }
                        p.secondRatio = r
                    }
                    wavelengthSource = "header '\(key)' and '\(key2)'"
                }
            } else {
                throw InputError(file: curve.path, "a 2θ pattern needs its wavelength: the header has none (wavelength = … Å) and neither --wavelength nor --anode was given")
            }
            p.monochromatorAngle = monochromator
            try p.validate()
            powder = p
        } else {
            if wavelength != nil || anode != nil || kAlpha2 {
                throw SettingsError.invalid("--wavelength, --anode and --kalpha2 apply to 2θ patterns; \(curve.path) is on a Q axis")
            }
            for (i, q) in curve.x.enumerated() where !(q >= 0 && q <= 100) {
                let at = curve.location(ofRow: i)
                throw InputError(file: at.file, line: at.line, "Q = \(q) Å⁻¹ is outside 0–100 Å⁻¹")
            }
        }
    }

    /// Least-squares weights of the points `indices`: 1/dy² when the file gives dy; for
    /// intensities (2θ patterns, I(Q)) that are all ≥ 0, 1/y floored at the smallest positive value
    /// (counting statistics, the Rietveld convention); else 1.
    public func weights(_ indices: [Int]) -> [Double] {
        if let dy = curve.dy { return indices.map { 1 / (dy[$0] * dy[$0]) } }
        let y = indices.map { curve.y[$0] }
        if kind == .pattern || kind == .intensity, y.allSatisfy({ $0 >= 0 }) {
            let floor = y.filter { $0 > 0 }.min() ?? 1
            return y.map { 1 / max($0, floor) }
        }
        return [Double](repeating: 1, count: y.count)
    }

    /// Q (Å⁻¹) of each point (for 2θ patterns at λ1, without zero shift).
    public var q: [Double] {
        guard kind == .pattern, let p = powder else { return curve.x }
        return curve.x.map { 4 * Double.pi * sin($0 * Double.pi / 360) / p.wavelength }
    }
}
