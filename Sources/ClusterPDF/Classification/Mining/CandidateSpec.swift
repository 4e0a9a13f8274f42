import Foundation

/// How one candidate cluster of the mining classifier is made: a recipe that rebuilds it exactly.
public struct CandidateSpec: Sendable, Hashable, Codable {
    /// The generator that makes the structure.
    public enum Generator: Sendable, Hashable, Codable {
        /// A cut of a stacked lattice (`StackedClusterBuilder`).
        case stacked(stacking: StackingSequence, shape: ParticleShape, center: StackedClusterBuilder.Center, surface: SurfaceRule)
        /// A zincblende tetrahedron with N cations (or anions, `anionTerminated`) along an edge
        /// (`TetrahedronBuilder`): the Cd35Se20, Cd56Se35, Cd84Se56 series.
        case tetrahedron(edge: Int, anionTerminated: Bool)
        /// A pseudo-wurtzite core built from twisted tetrahedral units (`PseudoWurtziteBuilder`).
        case pseudoWurtzite(layers: Int, ring: Int, twist: Double, surface: SurfaceRule)
    }

    /// Cation symbol ("Cd").
    public var cation: String
    /// Anion symbol ("Se").
    public var anion: String
    /// The recipe.
    public var generator: Generator

    /// A candidate of `cation`–`anion` made by `generator`.
    public init(cation: Element, anion: Element, generator: Generator) {
        self.cation = cation.symbol; self.anion = anion.symbol; self.generator = generator
    }

    /// The structure family it belongs to, by the stacking the cluster really contains: a cut of
    /// a faulted sequence or polytype whose layers happen to be all hexagonal is wurtzite-like, all
    /// cubic zincblende-like.
    public var family: ModelLibrary.Family { family(cubicFraction: cubicFraction) }

    /// The family for the cut's cubic fraction `f` (`cubicFraction`, when already worked out: it
    /// counts the lattice sites of a faulted cut).
    public func family(cubicFraction f: Double) -> ModelLibrary.Family {
        switch generator {
        case .tetrahedron: return .zincblendeLike
        case .pseudoWurtzite: return .pseudoWurtzite
        case .stacked: return f >= 1 - 1e-9 ? .zincblendeLike : f <= 1e-9 ? .wurtziteLike : .faulted
        }
    }

    /// Share of the cluster's atoms in cubic double layers (`StackedClusterBuilder.cubicFraction`;
    /// tetrahedra 1, pseudo-wurtzite cores 0).
    public var cubicFraction: Double {
        if let f = fixedCubicFraction { return f }
        guard case .stacked(let s, let shape, let center, _) = generator else { return 0 }  // the others are fixed
        guard let c = Element(symbol: cation), let a = Element(symbol: anion) else { return s.cubicFraction }
        return StackedClusterBuilder.cubicFraction(cation: c, anion: a, stacking: s, shape: shape, center: center)
    }

    /// The cubic fraction of recipes whose stacking is all one kind (tetrahedra and zincblende
    /// cuts 1, pseudo-wurtzite cores and wurtzite cuts 0); nil for polytypes and faulted cuts,
    /// whose fraction depends on the cut.
    var fixedCubicFraction: Double? {
        switch generator {
        case .tetrahedron: return 1
        case .pseudoWurtzite: return 0
        case .stacked(let s, _, _, _): return s.kind == .zincblende ? 1 : s.kind == .wurtzite ? 0 : nil
        }
    }

    /// Shape name ("sphere", "tetrahedron", "pseudo-wurtzite-core", …).
    public var shapeName: String {
        switch generator {
        case .tetrahedron(_, let anion): return anion ? "tetrahedron (anion facets)" : "tetrahedron (cation facets)"
        case .pseudoWurtzite: return "pseudo-wurtzite core"
        case .stacked(_, let shape, _, _): return shape.aspect == 1 ? shape.kind.rawValue : "\(shape.kind.rawValue) c/a \(String(format: "%.2f", shape.aspect))"
        }
    }

    /// A unique, readable name, e.g. "CdSe-wurtzite-sphere-R8.00-cation-cut".
    public var name: String {
        let m = cation + anion
        switch generator {
        case .tetrahedron(let n, let anion): return "\(m)-tetrahedron-N\(n)-\(anion ? "anion" : "cation")"
        case .pseudoWurtzite(let layers, let ring, let twist, let surface):
            return "\(m)-pseudo-wurtzite-L\(layers)-ring\(ring)-twist\(String(format: "%.0f", twist))-\(surface.name)"
        case .stacked(let s, let shape, let center, let surface):
            return "\(m)-\(s.name)-\(shape.name)-\(center.rawValue)-\(surface.name)"
        }
    }

    /// Builds the structure.
    public func build() throws -> Structure { try buildWithCubicFraction().structure }

    /// Builds the structure and gives its `cubicFraction`, a stacked cut's from the same pass over
    /// its lattice sites.
    func buildWithCubicFraction() throws -> (structure: Structure, cubicFraction: Double) {
        guard let c = Element(symbol: cation), let a = Element(symbol: anion) else {
            throw CrystalBuilder.BuildError(description: "unknown element in candidate \(cation)\(anion)")
        }
        switch generator {
        case .tetrahedron(let n, let anionTerminated):
            var s = try TetrahedronBuilder.build(cation: anionTerminated ? a : c, anion: anionTerminated ? c : a, size: n,
                                                 a: MaterialTable.zincblendeA(c, a))
            s.title = "\(s.formula) \(name)"
            return (s, 1)
        case .stacked(let stacking, let shape, let center, let surface):
            let built = try StackedClusterBuilder.buildWithCubicFraction(cation: c, anion: a, stacking: stacking, shape: shape, center: center, surface: surface)
            return (built.structure, fixedCubicFraction ?? built.cubicFraction)
        case .pseudoWurtzite(let layers, let ring, let twist, let surface):
            return (try PseudoWurtziteBuilder.build(cation: c, anion: a, layers: layers, ring: ring, twistDegrees: twist, surface: surface), 0)
        }
    }
}
