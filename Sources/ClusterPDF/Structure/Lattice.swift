import Foundation

/// A crystal lattice from cell lengths (Å) and angles (degrees). The Cartesian frame follows the
/// crystallographic convention: a along x, b in the xy plane.
public struct Lattice: Hashable, Sendable {
    /// Cell lengths (Å).
    public let a, b, c: Double
    /// Cell angles (degrees).
    public let alpha, beta, gamma: Double
    /// Columns are the lattice vectors a, b, c in Å.
    public let vectors: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    /// Equal cell parameters.
    public static func == (l: Lattice, r: Lattice) -> Bool {
        l.a == r.a && l.b == r.b && l.c == r.c && l.alpha == r.alpha && l.beta == r.beta && l.gamma == r.gamma
    }
    /// Hashes the cell parameters.
    public func hash(into h: inout Hasher) { for v in [a, b, c, alpha, beta, gamma] { h.combine(v) } }

    /// An impossible cell.
    public enum Problem: Error, CustomStringConvertible {
        case invalid(String)
        /// The message.
        public var description: String { if case .invalid(let s) = self { return s }; return "" }
    }

    /// Builds the lattice; throws when a length is not positive or out of range, an angle is not in
    /// (0°, 180°), or the angles give no cell (non-positive metric determinant).
    public init(a: Double, b: Double, c: Double, alpha: Double, beta: Double, gamma: Double) throws {
        for (n, v) in [("a", a), ("b", b), ("c", c), ("alpha", alpha), ("beta", beta), ("gamma", gamma)] where !v.isFinite || v <= 0 {
            throw Problem.invalid("cell parameter \(n) = \(v) must be a positive number")
        }
        for (n, v) in [("a", a), ("b", b), ("c", c)] where !Defaults.cellLengthRange.contains(v) {
            throw Problem.invalid("cell length \(n) = \(v) Å is outside \(Defaults.cellLengthRange.lowerBound)–\(Int(Defaults.cellLengthRange.upperBound)) Å")
        }
        for (n, v) in [("alpha", alpha), ("beta", beta), ("gamma", gamma)] where !(v < 180) {
            throw Problem.invalid("cell angle \(n) = \(v)° must lie strictly between 0 and 180°")
        }
        let d = Double.pi / 180
        // The metric determinant (V/abc)² = 1 − cos²α − cos²β − cos²γ + 2 cosα cosβ cosγ: angles
        // each below 180° can still give no cell (α + β < γ, say).
        let (c1, c2, c3) = (cos(alpha * d), cos(beta * d), cos(gamma * d))
        let metric = 1 - c1 * c1 - c2 * c2 - c3 * c3 + 2 * c1 * c2 * c3
        guard metric > 1e-8 else {
            throw Problem.invalid("cell angles α = \(alpha)°, β = \(beta)°, γ = \(gamma)° give no cell (metric determinant \(String(format: "%.3g", metric)) ≤ 0: each angle must be less than the sum of the other two, and all three less than 360° together)")
        }
        self.a = a; self.b = b; self.c = c
        self.alpha = alpha; self.beta = beta; self.gamma = gamma
        let ca = cos(alpha * d), cb = cos(beta * d), cg = cos(gamma * d), sg = sin(gamma * d)
        let va = SIMD3(a, 0, 0)
        let vb = SIMD3(b * cg, b * sg, 0)
        let cx = c * cb
        let cy = c * (ca - cb * cg) / sg
        let cz2 = c * c - cx * cx - cy * cy
        guard cz2 > 1e-8 * c * c, sg.magnitude > 1e-8 else {
            throw Problem.invalid("cell a=\(a) b=\(b) c=\(c) α=\(alpha) β=\(beta) γ=\(gamma) has zero volume")
        }
        vectors = (va, vb, SIMD3(cx, cy, cz2.squareRoot()))
    }

    /// Cell volume in Å³.
    public var volume: Double {
        let (va, vb, vc) = vectors
        return abs(va.x * (vb.y * vc.z - vb.z * vc.y) - va.y * (vb.x * vc.z - vb.z * vc.x) + va.z * (vb.x * vc.y - vb.y * vc.x))
    }

    /// Fractional → Cartesian (Å).
    public func cartesian(_ f: SIMD3<Double>) -> SIMD3<Double> {
        vectors.0 * f.x + vectors.1 * f.y + vectors.2 * f.z
    }

    /// Cartesian (Å) → fractional (the matrix is upper triangular).
    public func fractional(_ r: SIMD3<Double>) -> SIMD3<Double> {
        let (va, vb, vc) = vectors
        let fz = r.z / vc.z
        let fy = (r.y - fz * vc.y) / vb.y
        let fx = (r.x - fy * vb.x - fz * vc.x) / va.x
        return SIMD3(fx, fy, fz)
    }
}
