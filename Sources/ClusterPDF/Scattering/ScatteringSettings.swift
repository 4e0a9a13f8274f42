import Foundation

/// How the Debye sum is evaluated.
public enum DebyeMode: String, Sendable, Codable, CaseIterable {
    /// Exact for small clusters (≤ 20,000 pairs), histogram otherwise.
    case auto
    /// Every atom pair enters the sum with its own distance.
    case exact
    /// Distances are binned per atom-kind pair (width `binWidth`, each bin at the mean distance of
    /// its pairs); the sum runs over the bins.
    case histogram
}

/// Displacement (Uiso, Å²) assignment: per element, one value for all, or from the file.
public struct DisplacementSettings: Sendable, Hashable {
    /// Uiso per element (Å²); overrides the file.
    public var perElement: [Element: Double] = [:]
    /// One Uiso for every atom (Å²); overrides the file, not `perElement`.
    public var all: Double?
    /// Used where neither the flags nor the file give a value (Å²).
    public var fallback: Double = 0.005

    /// Uiso per element, for all atoms, and where neither applies (Å²).
    public init(perElement: [Element: Double] = [:], all: Double? = nil, fallback: Double = 0.005) {
        self.perElement = perElement; self.all = all; self.fallback = fallback
    }

    /// Parses "0.01" or "Cd=0.012,Se=0.009".
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let v = Double(t) {
            guard v.isFinite, v >= 0 else { throw SettingsError.invalid("uiso must be a non-negative number, got '\(text)'") }
            all = v; return
        }
        for part in t.split(separator: ",") {
            let kv = part.split(separator: "=")
            guard kv.count == 2, let e = Element(symbol: kv[0].trimmingCharacters(in: .whitespaces)),
                  let v = Double(kv[1].trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0 else {
                throw SettingsError.invalid("cannot read uiso '\(part)': use 0.01 or Cd=0.012,Se=0.009")
            }
            perElement[e] = v
        }
    }

    /// Uiso (Å²) of one atom.
    public func uiso(of atom: Atom) -> Double {
        perElement[atom.element] ?? all ?? atom.effectiveUiso ?? fallback
    }

    /// A short description for output headers.
    public var summary: String {
        var parts = perElement.keys.sorted().map { "\($0.symbol):\(perElement[$0]!)" }
        if let a = all { parts.append("all:\(a)") }
        parts.append("default:\(fallback)")
        return parts.joined(separator: ", ")
    }
}

/// Invalid calculator settings.
public enum SettingsError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    /// The message.
    public var description: String { if case .invalid(let s) = self { return s }; return "" }
}

/// Every parameter of a total-scattering calculation. Units: Q in Å⁻¹, r in Å, U in Å².
public struct ScatteringSettings: Sendable, Hashable {
    /// X-rays or neutrons.
    public var radiation: Radiation = .xray
    /// Lower and upper Q of the G(r) transform (Å⁻¹).
    public var qmin = Defaults.qmin
    /// Upper end of the Q range (Å⁻¹).
    public var qmax = Defaults.qmax
    /// Step of the Q grid on which I(Q), S(Q), F(Q) are reported (Å⁻¹). The G(r) integral uses its
    /// own grid, fine enough to converge (see `DebyeCalculator`).
    public var qstep = 0.01
    /// Step of the G(r) integration grid (Å⁻¹); nil chooses 0.5/(r_pair,max + rmax), at most 0.01.
    public var qIntegrationStep: Double?
    /// Gaussian damping of G(r): exp(−(qdamp·r)²/2) (Å⁻¹).
    public var qdamp = 0.0
    /// Peak broadening growing with r (Å⁻¹): the `PeakWidth` factor gains + (qbroad·r)².
    public var qbroad = 0.0
    /// Correlated-motion sharpening δ1 (Å) of the `PeakWidth` factor 1 − δ1/r − δ2/r² + qbroad²r².
    public var delta1 = 0.0
    /// Correlated-motion sharpening δ2 (Å²), see `PeakWidth`.
    public var delta2 = 0.0
    /// The peak-width model made of `delta1`, `delta2` and `qbroad`.
    public var peakWidth: PeakWidth {
        get { PeakWidth(delta1: delta1, delta2: delta2, qbroad: qbroad) }
        set { delta1 = newValue.delta1; delta2 = newValue.delta2; qbroad = newValue.qbroad }
    }
    /// Uiso of the atoms (Å²).
    public var displacements = DisplacementSettings()
    /// r grid of G(r) (Å).
    public var rmin = 0.0
    /// Last r of G(r) (Å).
    public var rmax = 30.0
    /// r step of G(r) (Å).
    public var rstep = 0.01
    /// Multiply F(Q) by the Lorch window sin(πQ/Qmax)/(πQ/Qmax) before the transform.
    public var lorch = false
    /// How the Debye sum is evaluated.
    public var mode: DebyeMode = .auto
    /// Histogram bin width (Å).
    public var binWidth = 1e-3
    /// Anomalous dispersion corrections f′, f″ at one photon energy (X-rays only); nil: none (f₀ only).
    public var anomalous: AnomalousDispersion?
    /// Worker threads; results do not depend on it.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    /// Defaults: X-rays, Q 1–25 Å⁻¹, r 0–30 Å by 0.01 Å, no damping, automatic mode.
    public init() {}

    /// Checks ranges; throws `SettingsError` naming the bad parameter.
    public func validate() throws {
        func check(_ ok: Bool, _ msg: String) throws { if !ok { throw SettingsError.invalid(msg) } }
        for (n, v) in [("qmin", qmin), ("qmax", qmax), ("qstep", qstep), ("qdamp", qdamp), ("qbroad", qbroad),
                       ("delta1", delta1), ("delta2", delta2), ("rmin", rmin), ("rmax", rmax), ("rstep", rstep), ("bin width", binWidth)] {
            try check(v.isFinite, "\(n) must be a finite number")
        }
        try check(qmin >= 0, "qmin must be ≥ 0")
        try check(qmax > qmin, "qmax (\(qmax)) must exceed qmin (\(qmin))")
        try check(qmax <= 100, "qmax above 100 Å⁻¹ is outside the form-factor tables")
        try check(qstep > 0 && qstep < qmax, "qstep must be positive and below qmax")
        try check(qdamp >= 0 && qbroad >= 0, "qdamp and qbroad must be ≥ 0")
        try check(rmin >= 0 && rmax > rmin, "need 0 ≤ rmin < rmax")
        try check(rstep > 0 && (rmax - rmin) / rstep <= 1e6, "rstep must be positive and give at most 10⁶ points")
        try check(binWidth > 0 && binWidth <= 0.1, "histogram bin width must be in (0, 0.1] Å")
        try check(threads >= 1, "threads must be ≥ 1")
        try check(anomalous == nil || radiation == .xray, "anomalous dispersion (f′, f″) applies to X-rays, not neutrons")
    }
}
