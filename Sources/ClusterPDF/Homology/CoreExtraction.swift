import Foundation

/// Extracts the inorganic core of a ligated cluster or a CSD structure: ligand atoms removed,
/// optionally surface cations bonded to too few anions (the Cd37Se20 → Cd21Se20 step), with a
/// report of everything removed.
public enum CoreExtraction {
    /// Which atoms are ligands.
    public enum Ligands: Sendable, Hashable {
        /// H, B, C, N, O, F, Si, Cl, Br, I always; S, P, As, Se, Te only when bonded to C, N or
        /// O (thiolates, phosphines, phosphonates, selenolates…); core chalcogens and pnictogens
        /// are bonded to metals (and at most H, as in a bridging PH).
        case automatic
        /// Exactly these elements.
        case elements(Set<Element>)
        /// None (only the cation rule applies).
        case none
    }

    /// Settings of an extraction.
    public struct Options: Sendable, Hashable {
        /// Which atoms are ligands.
        public var ligands: Ligands = .automatic
        /// Cations bonded to fewer than K anions (after ligand removal) are surface cations.
        public var minCoordination: Int?
        /// Remove surface cations only while cations outnumber anions (fewest anion bonds first,
        /// then farthest from the centroid), instead of all of them. Needs `minCoordination`.
        public var stoichiometric = false
        /// Bond criterion.
        public var bonds = BondCriterion()
        /// Automatic ligands, no cation rule.
        public init(ligands: Ligands = .automatic, minCoordination: Int? = nil, stoichiometric: Bool = false) {
            self.ligands = ligands
            self.minCoordination = minCoordination
            self.stoichiometric = stoichiometric
        }
    }

    /// One removed atom (1-based number in the input).
    public struct Removal: Sendable, Hashable, Codable {
        /// Atom number in the input.
        public var atom: Int
        /// Its element symbol.
        public var element: String
        /// "ligand" or "surface cation (k anion bonds)".
        public var reason: String
    }

    /// The core and what was removed.
    public struct Result: Sendable {
        /// The extracted core (no lattice).
        public var core: Structure
        /// Removed atoms, in input order.
        public var removed: [Removal]
        /// Input atom number of each core atom.
        public var kept: [Int]
        /// One line per kind of removal, and the resulting formula.
        public var summary: [String]
    }

    static let alwaysLigand: Set<String> = ["H", "B", "C", "N", "O", "F", "Si", "Cl", "Br", "I"]
    static let organicPartners: Set<String> = ["C", "N", "O"]
    static let conditional: Set<String> = ["S", "P", "As", "Se", "Te"]

    /// Extracts the core of `s`.
    public static func extract(_ s: Structure, options: Options = Options()) throws -> Result {
        if options.stoichiometric && options.minCoordination == nil {
            throw SettingsError.invalid("stoichiometric core extraction needs a minimum coordination K (surface cations are those bonded to fewer than K anions)")
        }
        if let k = options.minCoordination, k < 1 || k > 12 { throw SettingsError.invalid("minimum coordination must be 1–12, not \(k)") }
        var removed = [Removal]()
        var keep = [Int]()
        // 1. Ligands.
        let stats = StructureStatistics(structure: s, criterion: options.bonds, searchRange: 0)
        for (i, atom) in s.atoms.enumerated() {
            let sym = atom.element.symbol
            let isLigand: Bool
            switch options.ligands {
            case .none: isLigand = false
            case .elements(let set): isLigand = set.contains(atom.element)
            case .automatic:
                isLigand = alwaysLigand.contains(sym)
                    || (conditional.contains(sym) && stats.neighbors[i].contains { organicPartners.contains(s.atoms[$0].element.symbol) })
            }
            if isLigand { removed.append(Removal(atom: i + 1, element: sym, reason: "ligand")) } else { keep.append(i) }
        }
        var summary = [String]()
        if !removed.isEmpty {
            let f = Structure.formula(Dictionary(removed.map { (Element(symbol: $0.element)!, 1) }, uniquingKeysWith: +))
            let rule: String
            switch options.ligands {
            case .automatic: rule = "automatic: H, B, C, N, O, F, Si, halogens; S, P, As, Se, Te bonded to C, N or O"
            case .elements(let set): rule = "given: " + set.sorted().map(\.symbol).joined(separator: ", ")
            case .none: rule = ""
            }
            summary.append("removed ligand atoms \(f) (\(rule))")
        }
        // 2. Surface cations.
        if let k = options.minCoordination {
            let inner = Structure(title: s.title, atoms: keep.map { s.atoms[$0] })
            let st = StructureStatistics(structure: inner, criterion: options.bonds, searchRange: 0)
            let anionBonds = inner.atoms.indices.map { i in st.neighbors[i].filter { inner.atoms[$0].element.isAnionLike }.count }
            let c = inner.centroid
            var candidates = inner.atoms.indices.filter { !inner.atoms[$0].element.isAnionLike && anionBonds[$0] < k }
            candidates.sort { anionBonds[$0] != anionBonds[$1] ? anionBonds[$0] < anionBonds[$1]
                : simd_length(inner.atoms[$0].position - c) > simd_length(inner.atoms[$1].position - c) }
            var cations = inner.atoms.filter { !$0.element.isAnionLike }.count
            let anions = inner.count - cations
            var drop = Set<Int>()
            for i in candidates {
                if options.stoichiometric && cations <= anions { break }
                drop.insert(i)
                cations -= 1
            }
            for i in drop.sorted() {
                removed.append(Removal(atom: keep[i] + 1, element: inner.atoms[i].element.symbol, reason: "surface cation (\(anionBonds[i]) anion bonds)"))
            }
            if !drop.isEmpty {
                let f = Structure.formula(Dictionary(drop.map { (inner.atoms[$0].element, 1) }, uniquingKeysWith: +))
                summary.append("removed \(f): cations bonded to fewer than \(k) anions\(options.stoichiometric ? ", fewest bonds and outermost first, until cations no longer outnumber anions" : "")")
            }
            keep = keep.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            removed.sort { $0.atom < $1.atom }
        }
        guard !keep.isEmpty else { throw SettingsError.invalid("nothing is left of \(s.formula) after removing ligands and surface cations") }
        var core = Structure(title: "", atoms: keep.map { s.atoms[$0] })
        core.title = "\(core.formula) core of \(s.formula)"
        summary.append("core: \(core.formula) (\(core.count) of \(s.count) atoms)")
        return Result(core: core, removed: removed, kept: keep.map { $0 + 1 }, summary: summary)
    }
}
