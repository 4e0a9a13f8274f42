/// Decides which atom pairs are bonded: distance below `tolerance` × (sum of covalent radii),
/// or below an explicit cutoff for that element pair, or below one global cutoff.
public struct BondCriterion: Sendable, Hashable {
    /// Multiplier on the sum of Cordero covalent radii (default 1.2).
    public var tolerance: Double
    /// One cutoff (Å) for every pair, overriding the covalent rule.
    public var globalCutoff: Double?
    /// Cutoffs (Å) for particular element pairs, overriding everything else.
    public var pairCutoffs: [ElementPair: Double]

    /// Bonds up to `tolerance` × the sum of covalent radii, or a global or per-pair cutoff (Å).
    public init(tolerance: Double = 1.2, globalCutoff: Double? = nil, pairCutoffs: [ElementPair: Double] = [:]) {
        self.tolerance = tolerance
        self.globalCutoff = globalCutoff
        self.pairCutoffs = pairCutoffs
    }

    /// The bond cutoff (Å) for elements a and b.
    public func cutoff(_ a: Element, _ b: Element) -> Double {
        if let c = pairCutoffs[ElementPair(a, b)] { return c }
        if let g = globalCutoff { return g }
        return tolerance * (a.covalentRadius + b.covalentRadius)
    }

    /// Largest cutoff among the given elements (Å).
    public func maximumCutoff(for elements: [Element]) -> Double {
        var m = 0.0
        for a in elements { for b in elements { m = max(m, cutoff(a, b)) } }
        return m
    }
}
