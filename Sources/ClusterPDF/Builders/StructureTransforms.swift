import Foundation

/// Element substitution, core extraction and random displacement.
public enum StructureTransforms {
    /// Parses "In=Cd,P=Se".
    public static func parseMap(_ text: String) throws -> [Element: Element] {
        var m = [Element: Element]()
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=")
            guard kv.count == 2, let a = Element(symbol: kv[0].trimmingCharacters(in: .whitespaces)),
                  let b = Element(symbol: kv[1].trimmingCharacters(in: .whitespaces)) else {
                throw CrystalBuilder.BuildError(description: "cannot read element map '\(part)': use In=Cd,P=Se")
            }
            m[a] = b
        }
        return m
    }

    /// Mean cation–anion bond length (Å) over bonded pairs, or nil.
    public static func meanCationAnionBond(_ s: Structure, bonds: BondCriterion = BondCriterion()) -> Double? {
        meanBond(s, bonds: bonds, cation: { !$0.isAnionLike }, anion: \.isAnionLike)
    }

    /// Mean length (Å) of bonds between atoms passing `cation` and atoms passing `anion`, or nil.
    static func meanBond(_ s: Structure, bonds: BondCriterion, cation: (Element) -> Bool, anion: (Element) -> Bool) -> Double? {
        let st = StructureStatistics(structure: s, criterion: bonds, searchRange: 0)
        var sum = 0.0, n = 0
        for (i, nb) in st.neighbors.enumerated() where cation(s.atoms[i].element) {
            for j in nb where anion(s.atoms[j].element) {
                sum += simd_length(s.atoms[i].position - s.atoms[j].position); n += 1
            }
        }
        return n > 0 ? sum / Double(n) : nil
    }

    /// Substitutes elements by `map`; with `bond` (Å), or `scaleToBulkBond`, rescales isotropically
    /// about the centroid so the mean bond between the mapped cation and anion equals the target
    /// (default: the new pair's bulk bond length). Other atoms (ligands) neither set nor change
    /// the target; they move with the scaling. Bonds are found in the original structure.
    public static func swap(_ s: Structure, map: [Element: Element], bond: Double? = nil, scaleToBulkBond: Bool = true,
                            bonds: BondCriterion = BondCriterion()) throws -> Structure {
        // The mapped pair: one cation and one anion among the map's targets, when there are.
        let cat = Set(map.values.filter { !$0.isAnionLike }), an = Set(map.values.filter(\.isAnionLike))
        let pair = cat.count == 1 && an.count == 1
        let before = pair ? meanBond(s, bonds: bonds, cation: { map[$0].map(cat.contains) ?? false }, anion: { map[$0].map(an.contains) ?? false })
                          : meanCationAnionBond(s, bonds: bonds)
        var out = s
        for i in out.atoms.indices {
            if let e = map[out.atoms[i].element] { out.atoms[i].element = e; out.atoms[i].charge = 0; out.atoms[i].label = "" }
        }
        var target = bond
        if target == nil, scaleToBulkBond {
            guard pair else {
                throw CrystalBuilder.BuildError(description: "cannot choose the bond length: the map has \(cat.count) cation and \(an.count) anion targets (give one of each, a bond length, or no scaling)")
            }
            target = MaterialTable.bondLength(cat.first!, an.first!)
            if target == nil {
                throw CrystalBuilder.BuildError(description: "no bulk bond length for \(cat.first!.symbol)\(an.first!.symbol) in the material table: give a bond length or no scaling")
            }
        }
        if let t = target {
            guard let b = before else { throw CrystalBuilder.BuildError(description: "no cation–anion bonds found: cannot scale to a bond length") }
            guard t > 0, t.isFinite else { throw CrystalBuilder.BuildError(description: "bond length must be positive") }
            let c = out.centroid
            for i in out.atoms.indices { out.atoms[i].position = c + (out.atoms[i].position - c) * (t / b) }
        }
        out.lattice = nil
        out.title = "\(out.formula) from \(s.formula) by \(map.keys.sorted().map { "\($0)=\(map[$0]!)" }.joined(separator: ","))"
        return out
    }

    /// Drops the `drop` elements (ligands), then, with `minCoordination` K, every cation bonded to
    /// fewer than K anions (bonds counted after ligand removal). `CoreExtraction` does more
    /// (automatic ligands, stoichiometric trimming, a report).
    public static func core(_ s: Structure, drop: Set<Element>, minCoordination: Int? = nil, bonds: BondCriterion = BondCriterion()) throws -> Structure {
        var o = CoreExtraction.Options(ligands: .elements(drop), minCoordination: minCoordination)
        o.bonds = bonds
        return try CoreExtraction.extract(s, options: o).core
    }

    /// Adds independent Gaussian displacements (σ Å per Cartesian component), reproducible from `seed`.
    public static func jitter(_ s: Structure, sigma: Double, seed: UInt64) throws -> Structure {
        guard sigma >= 0, sigma.isFinite else { throw CrystalBuilder.BuildError(description: "sigma must be ≥ 0") }
        var rng = SplitMix64(seed: seed)
        var out = s
        for i in out.atoms.indices {
            out.atoms[i].position += SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * sigma
        }
        out.title = "\(s.title) jittered sigma=\(sigma) seed=\(seed)"
        return out
    }

    /// A copy turned by a uniformly random rotation, moved by up to 5 Å, with its atoms in random
    /// order and each displaced by a Gaussian vector of RMS length `jitter` Å; reproducible from
    /// `seed`. `order[k]` is the index in `s` of the copy's atom k. Used to test alignment.
    public static func shuffledCopy(_ s: Structure, seed: UInt64, jitter: Double = 0) throws -> (structure: Structure, order: [Int]) {
        guard jitter >= 0, jitter.isFinite else { throw CrystalBuilder.BuildError(description: "jitter must be ≥ 0") }
        var rng = SplitMix64(seed: seed)
        var q = [rng.gaussian(), rng.gaussian(), rng.gaussian(), rng.gaussian()]
        let n = max(1e-300, q.map { $0 * $0 }.reduce(0, +).squareRoot())
        q = q.map { $0 / n }
        let (a, b, c, d) = (q[0], q[1], q[2], q[3])
        let r = [SIMD3(a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)),
                 SIMD3(2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)),
                 SIMD3(2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d)]
        let shift = SIMD3(Double.random(in: -5...5, using: &rng), Double.random(in: -5...5, using: &rng), Double.random(in: -5...5, using: &rng))
        let order = Array(s.atoms.indices).shuffled(using: &rng)
        let sigma = jitter / 3.0.squareRoot()
        var out = s
        out.lattice = nil
        out.atoms = order.map { k in
            var atom = s.atoms[k]
            let p = atom.position
            atom.position = SIMD3((r[0] * p).sum(), (r[1] * p).sum(), (r[2] * p).sum()) + shift
                + SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * sigma
            return atom
        }
        out.title = "\(s.title.isEmpty ? s.formula : s.title) rotated, shuffled, jitter=\(jitter) seed=\(seed)"
        return (out, order)
    }
}

/// A small, portable, seedable generator (SplitMix64) so builders give identical output everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    /// A generator started from `seed` (same sequence on every platform).
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9007199254740992.0 }
    /// Standard normal (Box–Muller).
    public mutating func gaussian() -> Double {
        let u1 = uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
