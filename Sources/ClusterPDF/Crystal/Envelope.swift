import Foundation

/// A multiplicative envelope γ(r) of a PDF: the characteristic function of a particle shape
/// ("attenuated crystal": G_np(r) = γ(r)·G_crystal(r)), or the instrument's damping.
///
/// The particle shapes are those of diffpy.srfit (`characteristicfunctions`) with the same
/// definitions and parameter meanings, so values refined there carry over:
/// - `sphere`: γ = 1 − 3r/(2d) + r³/(2d³) for r < d, else 0 (Kodama et al., Acta Cryst. A 62
///   (2006) 444); d = psize, the diameter (Å).
/// - `spheroid`: radii (erad, erad, prad) (Lei et al., Phys. Rev. B 80 (2009) 024118).
/// - `shell`: a hollow sphere of inner radius and thickness (Lei et al. 2009).
/// - `lognormalSphere`: spheres with a log-normal distribution of diameters of mean psize and
///   standard deviation psig (Å).
/// - `tabulated`: a user's γ(r), linearly interpolated.
/// - `resolution`: exp(−(qdamp·r)²/2), the damping by the instrument's Q resolution.
public enum Envelope: Sendable, Hashable {
    /// γ = 1.
    case none
    /// A sphere of diameter `diameter` (psize, Å).
    case sphere(diameter: Double)
    /// A spheroid with equatorial radius `equatorialRadius` (erad, Å) and polar radius
    /// `polarRadius` (prad, Å): prolate when prad > erad.
    case spheroid(equatorialRadius: Double, polarRadius: Double)
    /// A spherical shell of inner radius `innerRadius` (radius, Å) and `thickness` (Å).
    case shell(innerRadius: Double, thickness: Double)
    /// Spheres whose diameters follow a log-normal distribution with mean `diameter` (psize, Å)
    /// and standard deviation `sigma` (psig, Å).
    case lognormalSphere(diameter: Double, sigma: Double)
    /// A user-given γ(r) (see `TabulatedEnvelope`).
    case tabulated(TabulatedEnvelope)
    /// Gaussian damping exp(−(qdamp·r)²/2) by the instrument (qdamp in Å⁻¹).
    case resolution(qdamp: Double)

    /// γ(r) at r (Å).
    public func value(at r: Double) -> Double {
        switch self {
        case .none: return 1
        case .sphere(let d): return Envelope.sphere(r, diameter: d)
        case .spheroid(let e, let p): return Envelope.spheroid(r, equatorialRadius: e, polarRadius: p)
        case .shell(let a, let t): return Envelope.shell(r, innerRadius: a, thickness: t)
        case .lognormalSphere(let d, let s): return Envelope.lognormal(r, diameter: d, sigma: s)
        case .tabulated(let t): return t.value(at: r)
        case .resolution(let q): return exp(-0.5 * q * q * r * r)
        }
    }

    /// A short description with the diffpy.srfit parameter names ("sphere psize=30").
    public var summary: String {
        switch self {
        case .none: return "none"
        case .sphere(let d): return "sphere psize=\(d)"
        case .spheroid(let e, let p): return "spheroid erad=\(e) prad=\(p)"
        case .shell(let a, let t): return "shell radius=\(a) thickness=\(t)"
        case .lognormalSphere(let d, let s): return "lognormal psize=\(d) psig=\(s)"
        case .tabulated(let t): return "file \(t.path)"
        case .resolution(let q): return "qdamp \(q)"
        }
    }

    /// γ at each r.
    public func values(_ r: [Double]) -> [Double] { r.map(value(at:)) }

    /// Checks the sizes: every diameter, radius and thickness positive (the shell's inner radius
    /// may be 0), psig ≥ 0, qdamp ≥ 0; the message names the parameter.
    public func validate() throws(EnvelopeError) {
        func positive(_ v: Double, _ name: String) throws(EnvelopeError) {
            guard v.isFinite, v > 0 else { throw .nonPositive(parameter: name, value: v) }
        }
        switch self {
        case .none, .tabulated: return
        case .sphere(let d): try positive(d, "psize")
        case .spheroid(let e, let p): try positive(e, "erad"); try positive(p, "prad")
        case .shell(let a, let t):
            try positive(t, "thickness")
            guard a.isFinite, a >= 0 else { throw .nonPositive(parameter: "radius", value: a) }
        case .lognormalSphere(let d, let s):
            try positive(d, "psize")
            guard s.isFinite, s >= 0 else { throw .nonPositive(parameter: "psig", value: s) }
        case .resolution(let q):
            guard q.isFinite, q >= 0 else { throw .nonPositive(parameter: "qdamp", value: q) }
        }
    }

    static func sphere(_ r: Double, diameter d: Double) -> Double {
        guard d > 0 else { return 0 }
        let x = r / d
        return x < 1 ? 1 - 1.5 * x + 0.5 * x * x * x : 0
    }

    static func spheroid(_ r: Double, equatorialRadius erad: Double, polarRadius prad: Double) -> Double {
        guard erad > 0, prad > 0 else { return 0 }
        let d = 2 * erad, v = prad / erad, d2 = d * d, v2 = v * v, r2 = r * r
        if v == 1 { return sphere(r, diameter: d) }
        let common = 1 - 3 * r / (4 * d * v) * (1 - r2 / (4 * d2) * (1 + 2 / (3 * v2)))
        if v < 1 {
            let s = (1 - v2).squareRoot()
            if r <= v * d { return common - 3 * r / (4 * d) * (1 - r2 / (4 * d2)) * v / s * atanh(s) }
            if r <= d {
                let t = (1 - r2 / d2).squareRoot()
                return (3 * d / (8 * r) * (1 + r2 / (2 * d2)) * t - 3 * r / (4 * d) * (1 - r2 / (4 * d2)) * atanh(t)) * v / s
            }
            return 0
        }
        let s = (v2 - 1).squareRoot()
        if r <= d { return common - 3 * r / (4 * d) * (1 - r2 / (4 * d2)) * v / s * atan(s) }
        if r <= v * d {
            return common - 3.0 / 8 * (1 + r2 / (2 * d2)) * (1 - d2 / r2).squareRoot() * v / s
                - 3 * r / (4 * d) * (1 - r2 / (4 * d2)) * v / s * (atan(s) - atan((r2 / d2 - 1).squareRoot()))
        }
        return 0
    }

    static func shell(_ r: Double, innerRadius: Double, thickness: Double) -> Double {
        guard thickness > 0, innerRadius >= 0 else { return 0 }
        let d = thickness, a = innerRadius + d / 2, a2 = a * a, d2 = d * d
        if r > 2 * a + d { return 0 }
        let den = 8 * r * d * (12 * a2 + d2)
        if den == 0 { return 1 }
        func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
        let dmr = d - r, dmr2 = dmr * dmr
        let f = r * (16 * a * a2 + 12 * a * d * dmr + 36 * a2 * (2 * d - r) + 3 * dmr2 * (2 * d + r))
            + 2 * dmr2 * (r * (2 * d + r) - 12 * a2) * sign(dmr)
            - 2 * (2 * a - r) * (2 * a - r) * (r * (4 * a + r) - 3 * d2) * sign(2 * a - r)
            + r * (4 * a - 2 * d + r) * (2 * a - d - r) * (2 * a - d - r) * sign(2 * a - d - r)
        return f / den
    }

    static func lognormal(_ r: Double, diameter: Double, sigma: Double) -> Double {
        guard diameter > 0, sigma >= 0 else { return 0 }
        if sigma == 0 { return sphere(r, diameter: diameter) }
        guard r > 0 else { return 1 }
        let s2 = log(sigma * sigma / (diameter * diameter) + 1), s = s2.squareRoot()
        let mu = log(diameter) - s2 / 2
        let lr = log(r), k = 2.0.squareRoot() * s
        return 0.5 * erfc((-mu - 3 * s2 + lr) / k)
            + 0.25 * r * r * r * erfc((-mu + lr) / k) * exp(-3 * mu - 4.5 * s2)
            - 0.75 * r * erfc((-mu - 2 * s2 + lr) / k) * exp(-mu - 2.5 * s2)
    }
}

/// A user's characteristic function γ(r), read from a two-column file of r (Å) and γ.
public struct TabulatedEnvelope: Sendable, Hashable {
    /// Where it was read from.
    public let path: String
    /// r (Å), strictly increasing.
    public let r: [Double]
    /// γ at each r.
    public let gamma: [Double]

    /// A table; throws when r is not strictly increasing, has fewer than two points or γ is not finite.
    public init(path: String, r: [Double], gamma: [Double]) throws(EnvelopeError) {
        guard r.count == gamma.count, r.count >= 2 else { throw .invalidTable(path: path, "needs at least two rows of r and γ(r)") }
        for k in 1..<r.count where !(r[k] > r[k - 1]) {
            throw .invalidTable(path: path, "r must increase strictly (row \(k + 1): \(r[k]) after \(r[k - 1]))")
        }
        if let k = gamma.firstIndex(where: { !$0.isFinite }) ?? r.firstIndex(where: { !$0.isFinite }) {
            throw .invalidTable(path: path, "row \(k + 1) is not a finite number")
        }
        self.path = path; self.r = r; self.gamma = gamma
    }

    /// Reads r and γ(r) from the first two columns of a text file (`#` comments allowed).
    public static func read(path: String) throws -> TabulatedEnvelope {
        let curve = try MeasuredCurveReader.read(path: path)
        do { return try TabulatedEnvelope(path: path, r: curve.x, gamma: curve.y) } catch { throw error }
    }

    /// Linear interpolation; r outside the table is an error caught by `covers`.
    public func value(at x: Double) -> Double {
        guard let first = r.first, let last = r.last else { return 0 }
        if x <= first { return gamma[0] }
        if x >= last { return gamma[gamma.count - 1] }
        var lo = 0, hi = r.count - 1
        while hi - lo > 1 { let m = (lo + hi) / 2; if r[m] <= x { lo = m } else { hi = m } }
        let t = (x - r[lo]) / (r[hi] - r[lo])
        return gamma[lo] + t * (gamma[hi] - gamma[lo])
    }

    /// Whether the table covers r = lower…upper (Å).
    public func covers(_ lower: Double, _ upper: Double) -> Bool {
        (r.first ?? .infinity) <= lower + 1e-9 && (r.last ?? -.infinity) >= upper - 1e-9
    }
}

/// An envelope that cannot be used.
public enum EnvelopeError: Error, CustomStringConvertible, Equatable {
    /// A size (psize, erad, prad, radius, thickness, psig, qdamp) that is not positive.
    case nonPositive(parameter: String, value: Double)
    /// A user table that cannot be used.
    case invalidTable(path: String, String)
    /// An envelope name that is not known.
    case unknownKind(String)

    /// The message printed for the user.
    public var description: String {
        switch self {
        case .nonPositive(let p, let v): return "envelope parameter \(p) = \(v) must be a positive number of Å"
        case .invalidTable(let path, let m): return "\(path): envelope table: \(m)"
        case .unknownKind(let s): return "unknown envelope '\(s)': use \(EnvelopeKind.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
