import Foundation

/// Structural homology of two clusters (e.g. In37P20 and Cd21Se20, In26P13 and Cd14Se13): the
/// same arrangement of atoms with other elements and bond lengths.
public struct HomologyReport: Codable, Sendable {
    /// Element of B → element of A (symbols).
    public var mapping: [String: String]
    /// Factor applied to B so its mean cation–anion bond equals A's.
    public var scale: Double
    /// Pearson correlation of the simulated G(r) of A and the mapped, scaled B.
    public var pearson: Double
    /// Rw of B's G(r) against A's after refining scale and zoom.
    public var rw: Double
    /// Overlap (0…1) of the coordination-number histograms of cations and of anions.
    public var coordinationOverlap: [String: Double]
    /// Overlap (0…1) of bond-angle distributions: anion-centred (cation–anion–cation) and cation-centred.
    public var angleOverlap: [String: Double]
    /// The verdict of `rule`.
    public var homologous: Bool
    /// The rule applied (`PairDistributionHomology.rule`).
    public var rule: String
}

/// Compares two clusters after an element map and a bond rescale (G(r), coordination, angles).
public enum PairDistributionHomology {
    /// The decision rule of `HomologyReport.homologous`.
    public static let rule = "homologous when Pearson r ≥ 0.90, Rw ≤ 0.35, both coordination overlaps ≥ 0.70 and both bond-angle overlaps ≥ 0.60"

    /// Maps B's elements onto A's: cation→cation and anion→anion (by group), when each side has one of each.
    public static func autoMap(from b: Structure, to a: Structure) throws -> [Element: Element] {
        let ca = a.elements.filter { !$0.isAnionLike }, an = a.elements.filter(\.isAnionLike)
        let cb = b.elements.filter { !$0.isAnionLike }, bn = b.elements.filter(\.isAnionLike)
        guard ca.count == 1, an.count == 1, cb.count == 1, bn.count == 1 else {
            throw SettingsError.invalid("automatic mapping needs one cation and one anion element in each structure (A: \(a.formula), B: \(b.formula)); give --map, or --core to remove ligand atoms first")
        }
        return [cb[0]: ca[0], bn[0]: an[0]]
    }

    /// Histogram intersection Σ min(p, q) of two normalised histograms.
    static func overlap(_ p: [Double], _ q: [Double]) -> Double {
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        guard sp > 0, sq > 0 else { return sp == sq ? 1 : 0 }
        return zip(p, q).reduce(0) { $0 + min($1.0 / sp, $1.1 / sq) }
    }

    /// Bond-angle distribution (2° bins, Gaussian-smoothed with σ = 3°) around atoms where `centre` holds.
    static func angles(_ s: Structure, stats: StructureStatistics, centre: (Element) -> Bool) -> [Double] {
        var h = [Double](repeating: 0, count: 90)
        for (i, nb) in stats.neighbors.enumerated() where centre(s.atoms[i].element) {
            for x in 0..<nb.count { for y in (x + 1)..<max(x + 1, nb.count) {
                let u = s.atoms[nb[x]].position - s.atoms[i].position, v = s.atoms[nb[y]].position - s.atoms[i].position
                let cosA = (u * v).sum() / (simd_length(u) * simd_length(v))
                let angle = acos(max(-1, min(1, cosA))) * 180 / .pi
                for b in 0..<90 {
                    let d = (Double(b) * 2 + 1 - angle) / 3
                    h[b] += exp(-0.5 * d * d)
                }
            } }
        }
        return h
    }

    static func coordination(_ s: Structure, stats: StructureStatistics, cation: Bool) -> [Double] {
        var h = [Double](repeating: 0, count: 13)
        for (i, nb) in stats.neighbors.enumerated() where s.atoms[i].element.isAnionLike != cation { h[min(12, nb.count)] += 1 }
        return h
    }

    /// Compares A with B mapped by `map` (nil: automatic) and scaled to A's mean bond.
    public static func compare(_ a: Structure, _ b: Structure, map: [Element: Element]? = nil, bonds: BondCriterion = BondCriterion()) throws -> HomologyReport {
        let m = try map ?? autoMap(from: b, to: a)
        guard let bondA = StructureTransforms.meanCationAnionBond(a, bonds: bonds) else {
            throw SettingsError.invalid("no cation–anion bonds in A (\(a.formula))")
        }
        guard let bondB = StructureTransforms.meanCationAnionBond(b, bonds: bonds) else {
            throw SettingsError.invalid("no cation–anion bonds in B (\(b.formula))")
        }
        let mapped = try StructureTransforms.swap(b, map: m, bond: bondA, bonds: bonds)
        // Simulated G(r) of both, then B refined (scale, zoom) against A.
        var s = ScatteringSettings()
        s.qmin = 1; s.qmax = 20; s.qdamp = 0.04; s.rmin = 1.5; s.rmax = 15; s.rstep = 0.01
        s.displacements = DisplacementSettings(all: 0.008)
        let ga = try DebyeCalculator(structure: a, settings: s).pairDistributionFunction()
        let gb = try DebyeCalculator(structure: mapped, settings: s).pairDistributionFunction()
        let ma = ga.y.reduce(0, +) / Double(ga.y.count), mb = gb.y.reduce(0, +) / Double(gb.y.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(ga.y, gb.y) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        let pearson = sab / max((saa * sbb).squareRoot(), 1e-300)
        let data = MeasuredCurve(path: "simulated A", x: ga.x, y: ga.y, dy: nil, header: ["qmin": "1", "qmax": "20"], columnNames: [])
        var o = RefinementOptions()
        o.free = [.scale, .zoom]
        o.start = [.uiso: 0.008]
        o.overrides = SettingOverrides(rmin: s.rmin, rmax: s.rmax, qdamp: 0.04)
        o.bounds = [.zoom: 0.95...1.05]
        let fit = try PDFRefinement(structure: mapped, data: data, options: o).run()
        let sa = StructureStatistics(structure: a, criterion: bonds), sb = StructureStatistics(structure: mapped, criterion: bonds)
        let cn = ["cation": overlap(coordination(a, stats: sa, cation: true), coordination(mapped, stats: sb, cation: true)),
                  "anion": overlap(coordination(a, stats: sa, cation: false), coordination(mapped, stats: sb, cation: false))]
        let ang = ["anion-centred": overlap(angles(a, stats: sa, centre: \.isAnionLike), angles(mapped, stats: sb, centre: \.isAnionLike)),
                   "cation-centred": overlap(angles(a, stats: sa) { !$0.isAnionLike }, angles(mapped, stats: sb) { !$0.isAnionLike })]
        let ok = pearson >= 0.9 && fit.rw <= 0.35 && cn.values.allSatisfy { $0 >= 0.7 } && ang.values.allSatisfy { $0 >= 0.6 }
        return HomologyReport(mapping: Dictionary(uniqueKeysWithValues: m.map { ($0.key.symbol, $0.value.symbol) }),
                              scale: bondA / bondB, pearson: pearson, rw: fit.rw, coordinationOverlap: cn, angleOverlap: ang,
                              homologous: ok, rule: rule)
    }
}
