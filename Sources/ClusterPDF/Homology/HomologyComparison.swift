import Foundation

/// The full answer of `clusterpdf homology`: the alignment (primary evidence) and the comparison
/// of simulated G(r), coordination and bond angles (supporting evidence).
public struct HomologyComparison: Sendable, Codable {
    /// Atom-by-atom alignment of B onto A.
    public var alignment: ClusterAlignment
    /// G(r)/coordination/angle comparison, when it could be made.
    public var pairDistribution: HomologyReport?
    /// Why `pairDistribution` is missing.
    public var pairDistributionNote: String?

    /// Aligns B onto A and compares their simulated G(r) (B mapped and scaled by the alignment's
    /// element map; the supporting comparison is skipped, with a note, when it cannot be made).
    public static func compare(_ a: Structure, _ b: Structure, options: AlignmentOptions = AlignmentOptions()) throws -> HomologyComparison {
        let al = try ClusterAligner.align(a, b, options: options)
        var map = [Element: Element]()
        for (k, v) in al.elementMap { map[Element(symbol: k)!] = Element(symbol: v)! }
        do {
            let pd = try PairDistributionHomology.compare(a, b, map: map, bonds: options.bonds)
            return HomologyComparison(alignment: al, pairDistribution: pd, pairDistributionNote: nil)
        } catch {
            return HomologyComparison(alignment: al, pairDistribution: nil, pairDistributionNote: "G(r) comparison not made: \(error)")
        }
    }

    /// The report printed by `clusterpdf homology`.
    public func text(nameA: String, nameB: String) -> String {
        let al = alignment
        var out = "A: \(nameA) (\(al.countA) atoms)\nB: \(nameB) (\(al.countB) atoms)\n"
        out += "mode:      \(al.mode.rawValue)\n"
        out += "map B→A:   " + al.elementMap.keys.sorted().map { "\($0)=\(al.elementMap[$0]!)" }.joined(separator: ",") + "\n"
        out += String(format: "scale:     %.4f (B's lengths ÷ A's)%@\n", al.scale, al.transform.mirror ? "; B reflected (mirror image of A)" : "")
        out += String(format: "RMSD:      %.4f Å over %d matched pairs", al.rmsd, al.matches.count)
        out += " (" + al.elementRMSD.keys.sorted().map { String(format: "%@ %.4f", $0, al.elementRMSD[$0]!) }.joined(separator: ", ") + ")\n"
        if let m = al.mirrorRMSD { out += String(format: "mirror:    best mirror-image RMSD %.4f Å%@\n", m, al.mirror && !al.transform.mirror ? " (only the mirror image aligns: --allow-mirror)" : "") }
        if !al.unmatchedA.isEmpty { out += "unmatched in A (\(al.unmatchedA.count)): " + Self.list(al.unmatchedA) + "\n" }
        if !al.unmatchedB.isEmpty { out += "unmatched in B (\(al.unmatchedB.count)): " + Self.list(al.unmatchedB) + "\n" }
        out += "largest deviations: " + al.largestDeviations.map { String(format: "A%d–B%d %@ %.3f Å", $0.a, $0.b, $0.element, $0.deviation) }.joined(separator: ", ") + "\n"
        if let r = pairDistribution {
            out += String(format: "supporting: G(r) Pearson r %.4f, Rw %.4f; coordination overlap cations %.3f, anions %.3f; bond angles %.3f/%.3f → %@\n",
                          r.pearson, r.rw, r.coordinationOverlap["cation"] ?? 0, r.coordinationOverlap["anion"] ?? 0,
                          r.angleOverlap["anion-centred"] ?? 0, r.angleOverlap["cation-centred"] ?? 0, r.homologous ? "similar" : "different")
        } else if let n = pairDistributionNote {
            out += "supporting: \(n)\n"
        }
        out += "verdict:   \(al.verdict): \(al.reason)\nrule:      \(al.rule)\n"
        return out
    }

    static func list(_ xs: [Int]) -> String {
        xs.count <= 40 ? xs.map(String.init).joined(separator: " ") : xs.prefix(40).map(String.init).joined(separator: " ") + " …"
    }
}
