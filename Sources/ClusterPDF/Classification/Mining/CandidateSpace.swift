import Foundation

/// The deterministic set of candidate clusters the mining classifier screens for one binary
/// semiconductor: every stacking (zincblende, wurtzite, 4H, 6H, randomly faulted), shape, centre,
/// size and surface rule of `StackedClusterBuilder`, the zincblende tetrahedra of both
/// terminations, and the twisted pseudo-wurtzite cores of `PseudoWurtziteBuilder`.
///
/// `version` names the generator: change it whenever a builder or this list changes, so that cached
/// histograms (keyed by it, `CandidateCache`) are rebuilt.
public struct CandidateSpace: Sendable, Hashable, Codable {
    /// Generator version (part of every cache key and of every classification record). mining-3:
    /// cubic fractions count the atoms of a cut's inner layers (`StackedClusterBuilder.cubicFraction`).
    public static let version = "mining-3"

    /// Stacking sequences.
    public var stackings: [StackingSequence]
    /// Shapes (kind and aspect; the radius comes from `radii`).
    public var shapes: [ParticleShape]
    /// Circumscribing radii (Å).
    public var radii: [Double]
    /// Cut centres.
    public var centers: [StackedClusterBuilder.Center]
    /// Surface rules of the stacked cuts and cores.
    public var surfaces: [SurfaceRule]
    /// Tetrahedron edge sizes (cations per edge).
    public var tetrahedronEdges: [Int]
    /// Pseudo-wurtzite cores: double layers, ring sizes and twists (degrees per layer).
    public var coreLayers: [Int]
    /// Columns per core layer.
    public var coreRings: [Int]
    /// Twist per double layer (degrees).
    public var coreTwists: [Double]
    /// Smallest candidate (atoms); recipes that give fewer are not kept (nil: no minimum). The
    /// standard and quick spaces start at 14 atoms (the smallest tetrahedron, Cd10Se4): the
    /// fragments the smallest radii cut (Cd5Se, Cd7Se4, …) are not clusters a synthesis makes, they
    /// are nearly the same in every stacking, and with one sharp first shell and nothing else they
    /// fit the curves of poorly ordered particles best and then decided the family on their own
    /// (CdSe-1: a 6-atom Cd5Se "wurtzite" fragment, p = 0.995).
    public var minimumAtoms: Int?

    /// The full default space (about 10,000 recipes, 6,000–7,000 distinct candidates per binary, from
    /// 14 atoms to ~3 nm).
    public static let standard = CandidateSpace(
        stackings: [StackingSequence(.zincblende), StackingSequence(.wurtzite), StackingSequence(.polytype4H), StackingSequence(.polytype6H)]
            + [0.1, 0.25, 0.5, 0.75, 0.9].flatMap { p in (1...2).map { StackingSequence(faultedWithCubicFraction: p, seed: UInt64($0)) } },
        shapes: [ParticleShape(.sphere, radius: 1), ParticleShape(.spheroid, radius: 1, aspect: 0.75), ParticleShape(.spheroid, radius: 1, aspect: 1.33),
                 ParticleShape(.hexagonalPrism, radius: 1, aspect: 1), ParticleShape(.bullet, radius: 1, aspect: 0.5),
                 ParticleShape(.cuboctahedron, radius: 1), ParticleShape(.truncatedOctahedron, radius: 1)],
        radii: stride(from: 4.0, through: 20.0, by: 1.0).map { $0 },
        centers: StackedClusterBuilder.Center.allCases,
        surfaces: [SurfaceRule(), SurfaceRule(minimumBonds: 2)],
        tetrahedronEdges: Array(2...12),
        coreLayers: Array(2...7), coreRings: [3, 6, 12], coreTwists: [0, 15, 30], minimumAtoms: 14)

    /// A small space for tests and quick looks (a few hundred candidates).
    public static let quick = CandidateSpace(
        stackings: [StackingSequence(.zincblende), StackingSequence(.wurtzite), StackingSequence(.polytype4H),
                    StackingSequence(faultedWithCubicFraction: 0.25, seed: 1)],
        shapes: [ParticleShape(.sphere, radius: 1), ParticleShape(.hexagonalPrism, radius: 1, aspect: 1)],
        radii: stride(from: 5.0, through: 14.0, by: 1.5).map { $0 },
        centers: [.cation, .bond],
        surfaces: [SurfaceRule(), SurfaceRule(minimumBonds: 2)],
        tetrahedronEdges: Array(3...8),
        coreLayers: [3, 5], coreRings: [3, 6], coreTwists: [0, 30], minimumAtoms: 14)

    /// No generated candidates: the miner then fits only its `extraModels` (and the attenuated
    /// crystals unless `includeCrystals` is off), a fixed model list judged by the same rule,
    /// probabilities and thresholds as the generated space.
    public static let none = CandidateSpace(stackings: [], shapes: [], radii: [], centers: [], surfaces: [], tetrahedronEdges: [],
                                           coreLayers: [], coreRings: [], coreTwists: [])

    /// True when the space generates no candidate.
    public var isEmpty: Bool { (stackings.isEmpty || shapes.isEmpty || radii.isEmpty || centers.isEmpty || surfaces.isEmpty) && tetrahedronEdges.isEmpty && (coreLayers.isEmpty || coreRings.isEmpty || coreTwists.isEmpty) }

    /// Every recipe for `cation`–`anion`, in a fixed order.
    public func specs(cation: Element, anion: Element) -> [CandidateSpec] {
        var out = [CandidateSpec]()
        for n in tetrahedronEdges { for anionTerminated in [false, true] {
            out.append(CandidateSpec(cation: cation, anion: anion, generator: .tetrahedron(edge: n, anionTerminated: anionTerminated)))
        } }
        for l in coreLayers { for ring in coreRings { for t in coreTwists { for s in surfaces where !s.stoichiometric {
            out.append(CandidateSpec(cation: cation, anion: anion, generator: .pseudoWurtzite(layers: l, ring: ring, twist: t, surface: s)))
        } } } }
        for st in stackings { for shape in shapes { for r in radii { for c in centers { for s in surfaces {
            var sh = shape; sh.radius = r
            out.append(CandidateSpec(cation: cation, anion: anion, generator: .stacked(stacking: st, shape: sh, center: c, surface: s)))
        } } } } }
        return out
    }

    /// Whether `spec` is at the largest size this space generates of its kind (largest radius,
    /// tetrahedron edge, or core of the most layers and columns): a best candidate there only
    /// bounds the particle's size from below.
    public func isLargest(_ spec: CandidateSpec) -> Bool {
        switch spec.generator {
        case .stacked(_, let shape, _, _): return shape.radius >= (radii.max() ?? .infinity) - 1e-9
        case .tetrahedron(let n, _): return n >= (tetrahedronEdges.max() ?? .max)
        case .pseudoWurtzite(let l, let ring, _, _): return l >= (coreLayers.max() ?? .max) && ring >= (coreRings.max() ?? .max)
        }
    }

    /// A space read from a JSON file with the fields of this type (e.g. written by `JSONEncoder`).
    public static func load(path: String) throws -> CandidateSpace {
        let text = try TextFile.read(path)
        do {
            let s = try JSONDecoder().decode(CandidateSpace.self, from: Data(text.utf8))
            guard s.radii.allSatisfy({ $0 > 0 && $0 <= 200 }), s.tetrahedronEdges.allSatisfy({ (2...60).contains($0) }) else {
                throw InputError(file: path, "radii must be in (0, 200] Å and tetrahedron edges in 2…60")
            }
            if let m = s.minimumAtoms, m < 2 { throw InputError(file: path, "minimumAtoms must be at least 2 (or absent)") }
            return s
        } catch let e as InputError { throw e } catch {
            throw InputError(file: path, "not a candidate space (JSON with the fields of CandidateSpace): \(error)")
        }
    }

    /// The recipe called `name` in the standard or quick space of any tabulated binary.
    public static func spec(named name: String) -> CandidateSpec? {
        for (cation, anion) in MaterialTable.binaries where name.hasPrefix(MaterialTable.key(cation, anion) + "-") {
            for space in [CandidateSpace.standard, .quick] {
                if let s = space.specs(cation: cation, anion: anion).first(where: { $0.name == name }) { return s }
            }
        }
        return nil
    }

    /// A stable digest of the space and the material (hex), the cache key.
    public func key(cation: Element, anion: Element) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let data = (try? enc.encode(self)) ?? Data()
        var text = CandidateSpace.version + cation.symbol + anion.symbol
        text += String(decoding: data, as: UTF8.self)
        text += MaterialTable.zincblendeA(cation, anion).map { "\($0)" } ?? "-"
        text += MaterialTable.wurtziteCell(cation, anion).map { "\($0.a) \($0.c) \($0.u)" } ?? "-"
        return StableHash.hex(text)
    }
}

/// FNV-1a 64-bit digest: the same text gives the same key on every machine and run (Swift's
/// `Hasher` is seeded per process), used for cache keys and library hashes.
public enum StableHash {
    /// The digest of `text` as 16 hex digits.
    public static func hex(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h ^= UInt64(b); h = h &* 0x100_0000_01b3 }
        return String(h, radix: 16).leftPadded(to: 16)
    }
}

extension String {
    /// Padded with leading zeros to `n` characters.
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
