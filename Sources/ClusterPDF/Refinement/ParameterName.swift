import Foundation

/// A refinable quantity of a G(r) model, by its stable name.
///
/// Names as printed, in `--free`, `--bounds` and in JSON: `scale`, `zoom`, `uiso` (one value for
/// every element), `uiso:Cd` (one element), `delta1`, `delta2`, `qdamp`, `qbroad`.
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
        }
    }

    /// Unit as printed (empty for dimensionless quantities).
    public var unit: String {
        switch self {
        case .scale, .zoom: ""
        case .uiso, .elementUiso, .delta2: "Å²"
        case .delta1: "Å"
        case .qdamp, .qbroad: "Å⁻¹"
        }
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
        }
    }

    /// Whether user bounds are acceptable: finite (the scale may have an open upper bound), not
    /// below 0, and for zoom within 0.1…10.
    public func admits(_ b: ClosedRange<Double>) -> Bool {
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
    /// `qdamp`, `qbroad` (case-insensitive for the shared names).
    public init(parsing text: String) throws(RefinementError) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let p = ParameterName.shared.first(where: { $0.description == t.lowercased() }) { self = p; return }
        let lower = t.lowercased()
        if lower.hasPrefix("uiso:") || lower.hasPrefix("uiso_") {
            let symbol = String(t.dropFirst(5))
            guard let e = Element(symbol: symbol) else { throw .unknownParameter(t) }
            self = .elementUiso(e); return
        }
        throw .unknownParameter(t)
    }

    /// Order: the shared parameters in report order, element Uiso values right after `uiso`.
    public static func < (a: ParameterName, b: ParameterName) -> Bool {
        func key(_ p: ParameterName) -> (Int, Int) {
            switch p {
            case .elementUiso(let e): return (2, e.atomicNumber)
            default: return (ParameterName.shared.firstIndex(of: p).map { $0 < 3 ? $0 : $0 + 1 } ?? 99, 0)
            }
        }
        return key(a) < key(b)
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
