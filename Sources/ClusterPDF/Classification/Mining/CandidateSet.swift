import Foundation

/// The generated candidates of one binary: distinct histograms with the recipe that made each
/// (duplicates, candidates whose histograms are identical, are kept once and counted).
public struct CandidateSet: Sendable {
    /// One distinct candidate.
    public struct Entry: Sendable {
        /// The recipe (the first one, in generation order, that made this histogram).
        public var spec: CandidateSpec
        /// Its pair histogram (counts rounded to half precision, as stored in the cache).
        public var histogram: CandidateHistogram
        /// How many other recipes gave the same histogram.
        public var duplicates: Int
        /// The recipe's family and cubic fraction (`CandidateSpec`), worked out once (at generation;
        /// the disk cache stores the fraction).
        public let family: ModelLibrary.Family, cubicFraction: Double

        /// An entry for `spec` whose cut has `cubicFraction` (`spec.cubicFraction`).
        init(spec: CandidateSpec, histogram: CandidateHistogram, duplicates: Int, cubicFraction: Double) {
            self.spec = spec; self.histogram = histogram; self.duplicates = duplicates
            self.cubicFraction = cubicFraction; family = spec.family(cubicFraction: cubicFraction)
        }
    }

    /// The space and material it was made from.
    public var space: CandidateSpace
    /// Cation.
    public var cation: Element
    /// Anion.
    public var anion: Element
    /// The distinct candidates, in generation order.
    public var entries: [Entry]
    /// Number of recipes tried (distinct + duplicates + failed or below the space's minimum size).
    public var recipes: Int
    /// Cache key (`CandidateSpace.key`).
    public var key: String { space.key(cation: cation, anion: anion) }

    /// Generates every candidate of `space` for the pair on `threads` workers.
    public static func generate(space: CandidateSpace, cation: Element, anion: Element, threads: Int) -> CandidateSet {
        let specs = space.specs(cation: cation, anion: anion)
        let built = SharedBuffer<CandidateHistogram?>(repeating: nil, count: specs.count)
        let fractions = SharedBuffer<Double>(repeating: 0, count: specs.count)
        ParallelBlocks.run(blocks: specs.count, threads: threads) { k, _ in
            guard let (s, fraction) = try? specs[k].buildWithCubicFraction(), s.elements.count == 2, s.atoms.count >= space.minimumAtoms ?? 0 else { return }
            built.pointer[k] = CandidateHistogram(structure: s).halfPrecision()
            fractions.pointer[k] = fraction
        }
        var entries = [Entry]()
        var byKey = [[Int]: [Int]]()
        for (k, h) in built.array.enumerated() {
            guard let h else { continue }
            if let same = byKey[h.duplicateKey]?.first(where: { entries[$0].histogram.isSame(as: h) }) {
                entries[same].duplicates += 1
                continue
            }
            byKey[h.duplicateKey, default: []].append(entries.count)
            entries.append(Entry(spec: specs[k], histogram: h, duplicates: 0, cubicFraction: fractions.pointer[k]))
        }
        return CandidateSet(space: space, cation: cation, anion: anion, entries: entries, recipes: specs.count)
    }
}

extension CandidateHistogram {
    /// The histogram with counts rounded to half precision (what the cache stores), so that a
    /// fresh and a cached candidate set give identical results.
    func halfPrecision() -> CandidateHistogram {
        var h = self
        h.counts = counts.map { $0.map { Float(Float16($0)) } }
        return h
    }
}
