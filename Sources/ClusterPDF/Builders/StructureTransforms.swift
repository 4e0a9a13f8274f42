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
        let st = StructureStatistics(structure: s, criterion: bonds)
        var sum = 0.0, n = 0
        for (i, nb) in st.neighbors.enumerated() where !s.atoms[i].element.isAnionLike {
            for j in nb where s.atoms[j].element.isAnionLike {
                sum += simd_length(s.atoms[i].position - s.atoms[j].position); n += 1
            }
        }
        return n > 0 ? sum / Double(n) : nil
    }

    /// Substitutes elements by `map`; with `bond` (Å), or `scaleToBulkBond`, rescales isotropically
    /// about the centroid so the mean cation–anion bond equals the target (default: the new pair's
    /// bulk bond length). Bonds are found in the original structure.
    public static func swap(_ s: Structure, map: [Element: Element], bond: Double? = nil, scaleToBulkBond: Bool = true,
                            bonds: BondCriterion = BondCriterion()) throws -> Structure {
        let before = meanCationAnionBond(s, bonds: bonds)
        var out = s
        for i in out.atoms.indices {
            if let e = map[out.atoms[i].element] { out.atoms[i].element = e; out.atoms[i].charge = 0; out.atoms[i].label = "" }
        }
        var target = bond
        if target == nil, scaleToBulkBond {
            let els = out.elements
            let cat = els.filter { !$0.isAnionLike }, an = els.filter { $0.isAnionLike }
            if cat.count == 1, an.count == 1 { target = MaterialTable.bondLength(cat[0], an[0]) }
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
    /// fewer than K anions (one pass, bonds counted after ligand removal).
    public static func core(_ s: Structure, drop: Set<Element>, minCoordination: Int? = nil, bonds: BondCriterion = BondCriterion()) throws -> Structure {
        var out = s
        out.lattice = nil
        out.atoms.removeAll { drop.contains($0.element) }
        if let k = minCoordination {
            let st = StructureStatistics(structure: out, criterion: bonds)
            var keep = [Atom]()
            for (i, a) in out.atoms.enumerated() {
                let anions = st.neighbors[i].filter { out.atoms[$0].element.isAnionLike }.count
                if a.element.isAnionLike || anions >= k { keep.append(a) }
            }
            out.atoms = keep
        }
        guard !out.atoms.isEmpty else { throw CrystalBuilder.BuildError(description: "nothing is left after removing ligands and under-coordinated cations") }
        out.title = "\(out.formula) core of \(s.formula)"
        return out
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
