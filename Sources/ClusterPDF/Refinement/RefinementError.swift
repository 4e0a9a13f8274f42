import Foundation

/// Why a refinement cannot be set up or run. Each message names the option (as the command line
/// spells it) or the file at fault.
public enum RefinementError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A parameter name that is not a refinable quantity.
    case unknownParameter(String)
    /// A parameter named for an element the model does not contain.
    case elementNotInModel(ParameterName, formula: String)
    /// Lower bound above upper bound, or a non-finite bound.
    case invalidBounds(ParameterName, lower: Double, upper: Double)
    /// A starting (or fixed) value outside the parameter's bounds.
    case startOutsideBounds(ParameterName, value: Double, bounds: ClosedRange<Double>)
    /// The fit range holds fewer points than there are free parameters (or none at all).
    case tooFewPoints(file: String, points: Int, free: Int, rmin: Double, rmax: Double)
    /// The fit range lies outside the data.
    case emptyRange(file: String, rmin: Double, rmax: Double, dataStart: Double, dataEnd: Double)
    /// The data are not a G(r) curve.
    case notPairDistribution(file: String, axis: CurveAxis)
    /// The observed curve is zero (or not finite) over the fit range.
    case degenerateData(file: String, reason: String)
    /// A setting out of range (option name, message).
    case invalidSetting(option: String, message: String)

    /// The message printed for the user.
    public var description: String {
        switch self {
        case .unknownParameter(let name):
            let known = ParameterName.shared.map(\.description) + ["uiso:<element>"]
            return "unknown parameter '\(name)' in --free/--bounds (known: \(known.joined(separator: ", ")))"
        case .elementNotInModel(let p, let formula):
            return "--free/--bounds name \(p), but the model (\(formula)) has no such element"
        case .invalidBounds(let p, let lo, let hi):
            return "--bounds \(p)=\(lo):\(hi): bounds must be finite, not negative, lower ≤ upper (zoom within 0.1…10)"
        case .startOutsideBounds(let p, let v, let b):
            return "the starting value \(p) = \(v) (--\(p.shared)) lies outside its bounds \(b.lowerBound)…\(ParameterName.format(b.upperBound)) \(p.unit)"
        case .tooFewPoints(let file, let n, let free, let lo, let hi):
            return "\(file): --rmin/--rmax: the fit range r = \(lo)…\(hi) Å holds \(n) data point\(n == 1 ? "" : "s"), fewer than the \(free) free parameters plus one"
        case .emptyRange(let file, let lo, let hi, let a, let b):
            return "\(file): the fit range r = \(lo)…\(hi) Å (--rmin/--rmax) holds no data (the data cover \(a)…\(b) Å)"
        case .notPairDistribution(let file, let axis):
            return "\(file): its first column is \(axis == .q ? "Q" : "2θ"), not r: refinements need a G(r) curve"
        case .degenerateData(let file, let reason):
            return "\(file): \(reason)"
        case .invalidSetting(let option, let message):
            return "\(option): \(message)"
        }
    }
}

extension ParameterName {
    /// A bound as printed ("∞" for an open upper bound).
    static func format(_ v: Double) -> String { v >= Double.greatestFiniteMagnitude ? "∞" : "\(v)" }
}
