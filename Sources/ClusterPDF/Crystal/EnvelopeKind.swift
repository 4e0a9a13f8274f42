/// The particle envelopes a refinement can use, by the name given to `--envelope`.
public enum EnvelopeKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// No envelope (bulk crystal).
    case none
    /// A sphere: parameter `psize` (diameter, Å).
    case sphere
    /// A spheroid: `erad` (equatorial radius) and `prad` (polar radius), Å.
    case spheroid
    /// A spherical shell: `radius` (inner) and `thickness`, Å.
    case shell
    /// Two phases, a spherical core (diameter 2·radius) in a shell (inner radius `radius`,
    /// `thickness`): the first model is the core, the second the shell (diffpy-cmi's CdS/ZnS example).
    case coreShell = "core-shell"
    /// Spheres with log-normal diameters: `psize` (mean) and `psig` (standard deviation), Å.
    case lognormal
    /// γ(r) read from a file (`--envelope-file`), no parameters.
    case file

    /// The envelope parameters of this kind, in report order.
    public var parameters: [EnvelopeParameter] {
        switch self {
        case .none, .file: []
        case .sphere: [.psize]
        case .spheroid: [.erad, .prad]
        case .shell, .coreShell: [.radius, .thickness]
        case .lognormal: [.psize, .psig]
        }
    }

    /// Reads `sphere`, `spheroid`, `shell`, `core-shell`, `lognormal`, `file` or `none`.
    public init(parsing text: String) throws(EnvelopeError) {
        guard let k = EnvelopeKind(rawValue: text.lowercased()) else { throw .unknownKind(text) }
        self = k
    }

    /// The envelope of phase `phase` (0-based) at parameter values `v` (missing ones: defaults).
    /// For `core-shell`, phase 0 is the core sphere and phase 1 the shell.
    public func envelope(phase: Int, values v: [EnvelopeParameter: Double], table: TabulatedEnvelope? = nil) -> Envelope {
        func x(_ p: EnvelopeParameter) -> Double { v[p] ?? p.startingValue }
        switch self {
        case .none: return .none
        case .sphere: return .sphere(diameter: x(.psize))
        case .spheroid: return .spheroid(equatorialRadius: x(.erad), polarRadius: x(.prad))
        case .shell: return .shell(innerRadius: x(.radius), thickness: x(.thickness))
        case .coreShell: return phase == 0 ? .sphere(diameter: 2 * x(.radius)) : .shell(innerRadius: x(.radius), thickness: x(.thickness))
        case .lognormal: return .lognormalSphere(diameter: x(.psize), sigma: x(.psig))
        case .file: return table.map { .tabulated($0) } ?? .none
        }
    }
}

/// A parameter of a particle envelope (all in Å).
public enum EnvelopeParameter: String, Sendable, Hashable, CaseIterable, Codable {
    /// Sphere diameter, or mean diameter of the log-normal distribution.
    case psize
    /// Equatorial radius of a spheroid.
    case erad
    /// Polar radius of a spheroid.
    case prad
    /// Inner radius of a shell (core radius of a core–shell particle).
    case radius
    /// Shell thickness.
    case thickness
    /// Standard deviation of the log-normal diameters.
    case psig

    /// Start of a refinement unless given: a 40 Å particle (psize 40, erad = prad = 20,
    /// radius 15, thickness 10, psig 5).
    public var startingValue: Double {
        switch self {
        case .psize: 40
        case .erad, .prad: 20
        case .radius: 15
        case .thickness: 10
        case .psig: 5
        }
    }

    /// Physical bounds (Å): sizes from 5 Å (a few bonds) to 10 µm (indistinguishable from bulk
    /// within any fit range); a core radius and psig may be 0.
    public var defaultBounds: ClosedRange<Double> {
        switch self {
        case .psize: 5...1e5
        case .erad, .prad: 2.5...5e4
        case .radius, .psig: 0...5e4
        case .thickness: 2...5e4
        }
    }
}
