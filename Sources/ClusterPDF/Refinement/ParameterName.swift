import Foundation

/// A refinable quantity of a G(r) model, by its stable name.
///
/// Names as printed, in `--free`, `--bounds` and in JSON: `scale`, `zoom`, `uiso` (one value for
/// every element), `uiso:Cd` (one element), `delta1`, `delta2`, `qdamp`, `qbroad`; for crystal
/// models also the cell (`a`, `b`, `c`, `alpha`, `beta`, `gamma`), free coordinates (`x:Se1`),
/// anisotropic U (`u11:Cd1` … `u23:Cd1`, CIF convention), occupancies (`occ:Cd1`) and envelope
/// sizes (`psize`, `erad`, `prad`, `radius`, `thickness`, `psig`); with several phases, a
/// phase's own parameters are prefixed `phase1.`, `phase2.` ….
public enum ParameterName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Multiplier of the model G(r) (dimensionless); refined in closed form.
    case scale
    /// Isotropic expansion of all interatomic distances (dimensionless, 1 = as read).
    case zoom
    /// One isotropic displacement parameter Uiso (Å²) shared by every element.
    case uiso
    /// Uiso (Å²) of one element.
    case elementUiso(Element)
    /// Linear correlated-motion sharpening δ1 (Å), see `PeakWidth`.
    case delta1
    /// Quadratic correlated-motion sharpening δ2 (Å²), see `PeakWidth`.
    case delta2
    /// Gaussian damping of G(r) by the instrument resolution, qdamp (Å⁻¹).
    case qdamp
    /// Peak broadening with r by the instrument resolution, qbroad (Å⁻¹).
    case qbroad
    /// A cell parameter (Å or degrees) of a crystal model.
    case lattice(LatticeParameter)
    /// A free fractional coordinate (axis 0, 1, 2 = x, y, z) of a crystal site, by label.
    case coordinate(site: String, axis: Int)
    /// A component (0…5 = U11, U22, U33, U12, U13, U23, CIF convention, Å²) of a site's anisotropic U.
    case anisotropicU(site: String, component: Int)
    /// The occupancy of a crystal site.
    case occupancy(site: String)
    /// A size of the particle envelope (Å).
    case envelope(EnvelopeParameter)
    /// Stacking-fault probability of a Debye nanoparticle ensemble (0…1): the probability that a
    /// double layer is stacked cubically (0 = wurtzite, 1 = zincblende), printed `fault`.
    case fault
    /// A parameter of one phase (index from 1) of a multi-phase model.
    indirect case phase(Int, ParameterName)
    /// Caglioti U of a powder pattern's instrument profile (degrees²), printed `U`.
    case profileU
    /// Caglioti V (degrees²), printed `V`.
    case profileV
    /// Caglioti W (degrees²), printed `W`.
    case profileW
    /// Lorentzian fraction η of the pseudo-Voigt profile (0…1).
    case eta
    /// Zero shift of a 2θ pattern (degrees): peaks appear at 2θ + zero.
    case zero
    /// Chebyshev background coefficient b_k (intensity units), printed `bkg0`, `bkg1`, ….
    case background(Int)

    /// Names of the U components.
    static let uComponents = ["u11", "u22", "u33", "u12", "u13", "u23"]

    /// The parameters that are not per element, in report order.
    public static let shared: [ParameterName] = [.scale, .zoom, .uiso, .delta1, .delta2, .qdamp, .qbroad]

    /// The stable name (`uiso:Cd` for one element's Uiso).
    public var description: String {
        switch self {
        case .scale: "scale"
        case .zoom: "zoom"
        case .uiso: "uiso"
        case .elementUiso(let e): "uiso:\(e.symbol)"
        case .delta1: "delta1"
        case .delta2: "delta2"
        case .qdamp: "qdamp"
        case .qbroad: "qbroad"
        case .lattice(let l): l.rawValue
        case .coordinate(let site, let axis): "\(["x", "y", "z"][axis]):\(site)"
        case .anisotropicU(let site, let c): "\(ParameterName.uComponents[c]):\(site)"
        case .occupancy(let site): "occ:\(site)"
        case .envelope(let e): e.rawValue
        case .phase(let i, let p): "phase\(i).\(p)"
        case .fault: "fault"
        case .profileU: "U"
        case .profileV: "V"
        case .profileW: "W"
        case .eta: "eta"
        case .zero: "zero"
        case .background(let k): "bkg\(k)"
        }
    }

    /// Unit as printed (empty for dimensionless quantities).
    public var unit: String {
        switch self {
        case .scale, .zoom, .coordinate, .occupancy, .eta, .background, .fault: ""
        case .profileU, .profileV, .profileW: "deg²"
        case .zero: "deg"
        case .uiso, .elementUiso, .delta2, .anisotropicU: "Å²"
        case .delta1, .envelope: "Å"
        case .qdamp, .qbroad: "Å⁻¹"
        case .lattice(let l): [.alpha, .beta, .gamma].contains(l) ? "°" : "Å"
        case .phase(_, let p): p.unit
        }
    }

    /// The name without its phase prefix.
    public var unphased: ParameterName {
        if case .phase(_, let p) = self { return p }
        return self
    }

    /// Physical bounds used unless overridden (`RefinementOptions.bounds`, `--bounds`):
    /// scale ≥ 0; zoom within ±15 %; 0.0001 ≤ Uiso ≤ 0.1 Å²; 0 ≤ δ1 ≤ 5 Å; 0 ≤ δ2 ≤ 20 Å²;
    /// 0 ≤ qdamp, qbroad ≤ 0.2 Å⁻¹. A refined value never leaves its bounds, and one that ends on
    /// a bound is flagged.
    public var defaultBounds: ClosedRange<Double> {
        switch self {
        case .scale: 0...Double.greatestFiniteMagnitude
        case .zoom: 0.85...1.15
        case .uiso, .elementUiso: 1e-4...0.1
        case .delta1: 0...5
        case .delta2: 0...20
        case .qdamp, .qbroad: 0...0.2
        case .lattice(let l): [.alpha, .beta, .gamma].contains(l) ? 20...160 : 0.5...500
        case .coordinate: -1...2
        case .anisotropicU(_, let c): c < 3 ? 1e-4...0.1 : -0.1...0.1
        case .occupancy, .fault: 0...1
        case .envelope(let e): e.defaultBounds
        case .phase(_, let p): p.defaultBounds
        case .profileU: 0...2
        case .profileV: -2...2
        case .profileW: 1e-6...2
        case .eta: 0...1
        case .zero: -1...1
        case .background: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
        }
    }

    /// Whether user bounds are acceptable: finite (the scale may have an open upper bound), not
    /// below 0, and for zoom within 0.1…10.
    public func admits(_ b: ClosedRange<Double>) -> Bool {
        if case .phase(_, let p) = self { return p.admits(b) }
        if case .coordinate = self { return b.lowerBound.isFinite && b.upperBound.isFinite }
        if case .anisotropicU(_, let c) = self, c >= 3 { return b.lowerBound.isFinite && b.upperBound.isFinite }
        if self == .profileV || self == .zero { return b.lowerBound.isFinite && b.upperBound.isFinite }
        if case .background = self { return !b.lowerBound.isNaN && !b.upperBound.isNaN }
        guard b.lowerBound.isFinite, b.lowerBound >= 0, b.upperBound.isFinite || self == .scale else { return false }
        if self == .zoom { return b.lowerBound >= 0.1 && b.upperBound <= 10 }
        return true
    }

    /// The shared parameter this one is an instance of (`uiso` for `uiso:Cd`).
    public var shared: ParameterName {
        if case .elementUiso = self { return .uiso }
        return self
    }

    /// Reads a stable name: `scale`, `zoom`, `uiso`, `uiso:Cd` (or `uiso_Cd`), `delta1`, `delta2`,
    /// `qdamp`, `qbroad`, `a` … `gamma`, `x:Se1`, `u11:Cd1`, `occ:Cd1`, `psize` … `psig`, and any
    /// of them prefixed `phaseN.` (case-insensitive but for site labels and element symbols).
    public init(parsing text: String) throws(RefinementError) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let lower = t.lowercased()
        if lower.hasPrefix("phase"), let dot = t.firstIndex(of: "."), let i = Int(t[t.index(t.startIndex, offsetBy: 5)..<dot]), i >= 1 {
            let inner = try ParameterName(parsing: String(t[t.index(after: dot)...]))
            if case .phase = inner { throw .unknownParameter(t) }
            self = .phase(i, inner); return
        }
        if let p = ParameterName.shared.first(where: { $0.description == lower }) { self = p; return }
        switch lower {
        case "u": self = .profileU; return
        case "v": self = .profileV; return
        case "w": self = .profileW; return
        case "eta": self = .eta; return
        case "zero": self = .zero; return
        case "fault": self = .fault; return
        default: break
        }
        if lower.hasPrefix("bkg"), let k = Int(lower.dropFirst(3)), (0..<20).contains(k) { self = .background(k); return }
        if let l = LatticeParameter(rawValue: lower) { self = .lattice(l); return }
        if let e = EnvelopeParameter(rawValue: lower) { self = .envelope(e); return }
        if lower.hasPrefix("uiso:") || lower.hasPrefix("uiso_") {
            let symbol = String(t.dropFirst(5))
            guard let e = Element(symbol: symbol) else { throw .unknownParameter(t) }
            self = .elementUiso(e); return
        }
        if let colon = t.firstIndex(of: ":") {
            let head = lower[..<colon], site = String(t[t.index(after: colon)...])
            guard !site.isEmpty else { throw .unknownParameter(t) }
            if let axis = ["x", "y", "z"].firstIndex(of: String(head)) { self = .coordinate(site: site, axis: axis); return }
            if let c = ParameterName.uComponents.firstIndex(of: String(head)) { self = .anisotropicU(site: site, component: c); return }
            if head == "occ" { self = .occupancy(site: site); return }
        }
        throw .unknownParameter(t)
    }

    /// Order: by phase, then scale, zoom, cell, coordinates, Uiso (element values right after
    /// `uiso`), anisotropic U, occupancies, δ1, δ2, qdamp, qbroad, envelope sizes.
    public static func < (a: ParameterName, b: ParameterName) -> Bool {
        func key(_ p: ParameterName) -> (Int, Int, Int, String) {
            switch p {
            case .phase(let i, let q): let k = key(q); return (i, k.1, k.2, k.3)
            case .scale: return (0, 0, 0, "")
            case .zoom: return (0, 1, 0, "")
            case .lattice(let l): return (0, 2, LatticeParameter.allCases.firstIndex(of: l) ?? 0, "")
            case .coordinate(let s, let axis): return (0, 3, axis, s)
            case .uiso: return (0, 4, 0, "")
            case .elementUiso(let e): return (0, 5, e.atomicNumber, "")
            case .anisotropicU(let s, let c): return (0, 6, c, s)
            case .occupancy(let s): return (0, 7, 0, s)
            case .delta1: return (0, 8, 0, "")
            case .delta2: return (0, 9, 0, "")
            case .qdamp: return (0, 10, 0, "")
            case .qbroad: return (0, 11, 0, "")
            case .envelope(let e): return (0, 12, EnvelopeParameter.allCases.firstIndex(of: e) ?? 0, "")
            case .fault: return (0, 12, EnvelopeParameter.allCases.count, "")
            case .zero: return (0, 13, 0, "")
            case .profileU: return (0, 14, 0, "")
            case .profileV: return (0, 14, 1, "")
            case .profileW: return (0, 14, 2, "")
            case .eta: return (0, 14, 3, "")
            case .background(let k): return (0, 15, k, "")
            }
        }
        let ka = key(a), kb = key(b)
        if ka.0 != kb.0 { return ka.0 < kb.0 }
        if ka.1 != kb.1 { return ka.1 < kb.1 }
        if ka.3 != kb.3 { return ka.3 < kb.3 }
        return ka.2 < kb.2
    }
}

extension ParameterName: Codable {
    /// Decodes the stable name.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try ParameterName(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Encodes the stable name.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension ParameterName {
    /// Reads a comma-separated list of names (`scale,zoom,uiso:Cd`); empty items are skipped.
    public static func list(parsing text: String) throws(RefinementError) -> Set<ParameterName> {
        var out = Set<ParameterName>()
        for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            out.insert(try ParameterName(parsing: String(item)))
        }
        return out
    }

    /// Reads bounds `name=lower:upper[,name=lower:upper …]` (`uiso=0.001:0.05,zoom=0.9:1.1`); an
    /// empty side keeps the default bound (`delta2=:8`).
    public static func bounds(parsing text: String) throws(RefinementError) -> [ParameterName: ClosedRange<Double>] {
        var out = [ParameterName: ClosedRange<Double>]()
        for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            let kv = item.split(separator: "=", maxSplits: 1)
            let sides = kv.count == 2 ? kv[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false) : []
            guard kv.count == 2, sides.count == 2 else {
                throw .invalidSetting(option: "--bounds", message: "cannot read '\(item)': use name=lower:upper, e.g. uiso=0.001:0.05")
            }
            let name = try ParameterName(parsing: String(kv[0]))
            func side(_ s: Substring, _ fallback: Double) throws(RefinementError) -> Double {
                let t = s.trimmingCharacters(in: .whitespaces)
                if t.isEmpty { return fallback }
                guard let v = Double(t), !v.isNaN else {
                    throw .invalidSetting(option: "--bounds", message: "'\(t)' in '\(item)' is not a number")
                }
                return v
            }
            let lo = try side(sides[0], name.defaultBounds.lowerBound), hi = try side(sides[1], name.defaultBounds.upperBound)
            guard !hi.isNaN, hi >= lo, name.admits(lo...hi) else { throw .invalidBounds(name, lower: lo, upper: hi) }
            out[name] = lo...hi
        }
        return out
    }
}
