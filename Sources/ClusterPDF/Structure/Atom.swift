/// Anisotropic displacement tensor U (Å²) in the Cartesian frame, symmetric:
/// (u11, u22, u33, u12, u13, u23).
public struct AnisotropicDisplacement: Hashable, Sendable {
    /// Components of U (Å²) in the Cartesian frame.
    public var u11, u22, u33, u12, u13, u23: Double
    /// Anisotropic U (Å²).
    public init(u11: Double, u22: Double, u33: Double, u12: Double = 0, u13: Double = 0, u23: Double = 0) {
        (self.u11, self.u22, self.u33, self.u12, self.u13, self.u23) = (u11, u22, u33, u12, u13, u23)
    }
    /// Equivalent isotropic value, trace/3 (Å²).
    public var uEquivalent: Double { (u11 + u22 + u33) / 3 }
}

/// One atom of a structure: element, Cartesian position (Å), occupancy and displacement.
public struct Atom: Hashable, Sendable {
    /// Element.
    public var element: Element
    /// Formal charge from the label ("Cd2+" → +2); selects the ionic X-ray form factor.
    public var charge: Int
    /// Site label as read ("Cd1"); may be empty.
    public var label: String
    /// Cartesian position (Å).
    public var position: SIMD3<Double>
    /// Site occupancy, 0…1.
    public var occupancy: Double
    /// Isotropic displacement Uiso (Å²); nil when the file gives none (the calculator's default applies).
    public var uiso: Double?
    /// Anisotropic displacements (Å², Cartesian), when given.
    public var uij: AnisotropicDisplacement?

    /// An atom at `position` (Å).
    public init(element: Element, position: SIMD3<Double>, charge: Int = 0, label: String = "",
                occupancy: Double = 1, uiso: Double? = nil, uij: AnisotropicDisplacement? = nil) {
        self.element = element
        self.position = position
        self.charge = charge
        self.label = label
        self.occupancy = occupancy
        self.uiso = uiso
        self.uij = uij
    }

    /// Uiso if given, else the equivalent of Uij, else nil.
    public var effectiveUiso: Double? { uiso ?? uij?.uEquivalent }

    /// Symbol with charge, as used for form factors: "Cd", "Cd2+", "Se2-".
    public var typeSymbol: String {
        charge == 0 ? element.symbol : "\(element.symbol)\(abs(charge))\(charge > 0 ? "+" : "-")"
    }
}
