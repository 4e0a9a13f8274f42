/// One refinable quantity of a model: its value, bounds, whether it is refined, and after a
/// refinement its standard uncertainty and whether it ended on a bound.
public struct RefinementParameter: Codable, Sendable, Hashable {
    /// Which quantity (`scale`, `zoom`, `uiso`, `uiso:Cd`, …).
    public var name: ParameterName
    /// Value (in the unit of `name.unit`).
    public var value: Double
    /// Lower bound (same unit).
    public var lower: Double
    /// Upper bound (same unit; `Double.greatestFiniteMagnitude` when open).
    public var upper: Double
    /// Refined (true) or held at `value` (false).
    public var free: Bool
    /// Standard uncertainty after a refinement (see `UncertaintyModel`); nil when fixed or unknown.
    public var uncertainty: Double?
    /// The refined value lies on one of its bounds (the data pushed it there: treat it with care).
    public var atBound: Bool

    /// A parameter with its default bounds.
    public init(_ name: ParameterName, value: Double, free: Bool, bounds: ClosedRange<Double>? = nil) {
        let b = bounds ?? name.defaultBounds
        self.name = name; self.value = value; self.free = free
        lower = b.lowerBound; upper = b.upperBound
        uncertainty = nil; atBound = false
    }

    /// The bounds as a range.
    public var bounds: ClosedRange<Double> { lower...upper }

    /// `value` moved into the bounds.
    func clamped(_ v: Double) -> Double { min(max(v, lower), upper) }

    /// Whether `v` lies on a bound, to a relative tolerance of 1e-6 of the bound's scale.
    func isAtBound(_ v: Double) -> Bool {
        let tol = 1e-6 * max(abs(lower), abs(upper) < Double.greatestFiniteMagnitude ? abs(upper) : abs(lower), 1e-3)
        return abs(v - lower) <= tol || (upper < Double.greatestFiniteMagnitude && abs(v - upper) <= tol)
    }

    private enum CodingKeys: String, CodingKey { case name, value, lower, upper, free, uncertainty, atBound }

    /// Encodes the parameter; an open upper bound is written as null (JSON has no infinity).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(value, forKey: .value)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper < Double.greatestFiniteMagnitude ? upper : nil, forKey: .upper)
        try c.encode(free, forKey: .free)
        try c.encode(uncertainty, forKey: .uncertainty)
        try c.encode(atBound, forKey: .atBound)
    }

    /// Decodes a parameter written by `encode(to:)`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(ParameterName.self, forKey: .name)
        value = try c.decode(Double.self, forKey: .value)
        lower = try c.decode(Double.self, forKey: .lower)
        upper = try c.decodeIfPresent(Double.self, forKey: .upper) ?? Double.greatestFiniteMagnitude
        free = try c.decode(Bool.self, forKey: .free)
        uncertainty = try c.decodeIfPresent(Double.self, forKey: .uncertainty)
        atBound = try c.decodeIfPresent(Bool.self, forKey: .atBound) ?? false
    }
}
