import Foundation

/// The outer shape of a cluster cut from a stacked tetrahedral lattice, in the stacking frame
/// (z along the stacking axis, the hexagonal c axis or cubic [111]; x along a close-packed row).
///
/// `radius` (Å) is the circumscribing radius of the polyhedra and the equatorial radius of the
/// round shapes; `aspect` is the ratio of the extent along z to the equatorial one (spheroids,
/// hexagonal prisms; 1 elsewhere).
public struct ParticleShape: Sendable, Hashable, Codable {
    /// The shape families.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// All atoms within `radius`.
        case sphere
        /// An ellipsoid of revolution about z: semi-axes radius, radius, aspect·radius.
        case spheroid
        /// A hexagonal prism ({10-10} side facets), circumradius `radius`, half-height aspect·radius.
        case hexagonalPrism = "hexagonal-prism"
        /// A hexagonal prism capped at its top by a hexagonal pyramid of height `radius` (a "bullet").
        case bullet
        /// The cuboctahedron of the cubic frame ({100} and {111} facets), circumradius `radius`.
        case cuboctahedron
        /// The regular truncated octahedron of the cubic frame, circumradius `radius`.
        case truncatedOctahedron = "truncated-octahedron"
    }

    /// The shape family.
    public var kind: Kind
    /// Circumscribing / equatorial radius (Å).
    public var radius: Double
    /// Extent along z over the equatorial extent (1 for isotropic shapes).
    public var aspect: Double

    /// A shape of `kind`, `radius` (Å), `aspect`.
    public init(_ kind: Kind, radius: Double, aspect: Double = 1) {
        self.kind = kind; self.radius = radius; self.aspect = aspect
    }

    /// Largest |x|, |y| (lateral) and |z| a point inside can have (Å), for the builder's search box.
    public var extent: (lateral: Double, axial: Double) {
        switch kind {
        case .sphere, .cuboctahedron, .truncatedOctahedron: return (radius, radius)
        case .spheroid, .hexagonalPrism: return (radius, radius * aspect)
        case .bullet: return (radius, radius * aspect + radius)
        }
    }

    /// Unit vectors of the cubic axes in the stacking frame (their sum points along z).
    static let cubicAxes: [SIMD3<Double>] = (0..<3).map { i in
        let phi = Double.pi / 2 + 2 * Double.pi * Double(i) / 3
        return SIMD3((2.0 / 3).squareRoot() * cos(phi), (2.0 / 3).squareRoot() * sin(phi), 1 / 3.0.squareRoot())
    }

    /// Whether the offset `d` (Å) from the centre lies inside.
    public func contains(_ d: SIMD3<Double>) -> Bool {
        let eps = 1e-9
        switch kind {
        case .sphere:
            return (d * d).sum() <= radius * radius + eps
        case .spheroid:
            let c = radius * aspect
            return (d.x * d.x + d.y * d.y) / (radius * radius) + d.z * d.z / (c * c) <= 1 + eps
        case .hexagonalPrism, .bullet:
            let apothem = radius * 3.0.squareRoot() / 2
            for k in 0..<3 {
                let phi = Double.pi * Double(k) / 3
                if abs(d.x * cos(phi) + d.y * sin(phi)) > apothem + eps { return false }
            }
            let half = radius * aspect
            if d.z < -half - eps { return false }
            if kind == .hexagonalPrism { return d.z <= half + eps }
            // Cap: the lateral apothem shrinks linearly to 0 at z = half + radius.
            guard d.z > half else { return true }
            let scale = 1 - (d.z - half) / radius
            guard scale > 0 else { return false }
            for k in 0..<3 {
                let phi = Double.pi * Double(k) / 3
                if abs(d.x * cos(phi) + d.y * sin(phi)) > apothem * scale + eps { return false }
            }
            return true
        case .cuboctahedron, .truncatedOctahedron:
            let (d100, d111) = kind == .cuboctahedron
                ? (radius / 2.0.squareRoot(), radius * (2.0 / 3).squareRoot())
                : (2 * radius / 5.0.squareRoot(), 3.0.squareRoot() * radius / 5.0.squareRoot())
            let c = ParticleShape.cubicAxes.map { ($0 * d).sum() }
            if c.contains(where: { abs($0) > d100 + eps }) { return false }
            for sx in [-1.0, 1] { for sy in [-1.0, 1] {
                if abs(sx * c[0] + sy * c[1] + c[2]) / 3.0.squareRoot() > d111 + eps { return false }
            } }
            return true
        }
    }

    /// Short name: "sphere-R8.0", "spheroid-R8.0-A1.33".
    public var name: String {
        let r = String(format: "R%.2f", radius)
        return aspect == 1 ? "\(kind.rawValue)-\(r)" : "\(kind.rawValue)-\(r)-A\(String(format: "%.2f", aspect))"
    }
}
