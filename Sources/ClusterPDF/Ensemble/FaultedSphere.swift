import Foundation

/// The expected pair distances of a sphere of diameter D cut from randomly stacked double layers,
/// exactly, as a function of the fault probability α (`StackingCorrelation`).
///
/// The sphere is centred on the lateral position A of layer 0's cation height; every layer takes
/// A, B or C with probability ⅓ (the stationary stacking), so the average runs over the three
/// lateral centrings as well as over the stackings. An atom is inside when its distance from the
/// centre is at most D/2 (no surface trimming). A pair between layers i and i + d depends on the
/// two layers' positions only: the expected histogram is
///
///     Σ_d [ p_d(α) · S_d + (1 − p_d(α)) · X_d ]
///
/// with S_d = ⅓ Σ_a H_d(a, a) and X_d = ⅙ Σ_{a≠b} H_d(a, b), H_d(a, b) the pairs of all layer
/// pairs d apart on positions a and b. Each layer is a disc of a 2-D lattice, a set of rows of
/// consecutive sites, so the lateral difference vectors of two layers are counted row pair by row
/// pair (a trapezoid of multiplicities added as four second differences): O(rows²) per layer
/// pair instead of O(atoms²). Every distance is exact: √(Δz² + |w|²), |w|² = a²·k/9 with an
/// integer k.
struct FaultedSphere: Sendable {
    /// One distance class: a kind pair (0: cation–cation, 1: cation–anion, 2: anion–anion) at a
    /// layer separation d, with its weight in S_d (`same`) and in X_d (`different`).
    struct Entry: Sendable {
        var pair: UInt8
        var layers: Int32
        /// Exact distance (Å).
        var r: Double
        var same: Double
        var different: Double
    }

    /// Diameter (Å).
    let diameter: Double
    /// Expected number of cations and anions.
    let expectedAtoms: (cation: Double, anion: Double)
    /// Every distance class with a non-zero weight.
    let entries: [Entry]
    /// Largest layer separation present.
    let maxLayers: Int

    /// A row of a layer disc: lattice row n, sites m = lo … hi.
    struct Row { var n: Int; var lo: Int; var hi: Int }

    /// The rows of the disc of radius² `rho2` (in units of a²) of the lattice shifted by
    /// `third`/3 (a1 + a2) (the lateral position: 0 A, 1 B, 2 C).
    static func rows(rho2: Double, third: Int) -> [Row] {
        guard rho2 >= 0 else { return [] }
        let off = Double(third) / 3
        func inside(_ m: Int, _ n: Int) -> Bool {
            let x = Double(m) + off, y = Double(n) + off
            return x * x + x * y + y * y <= rho2
        }
        let yMax = (rho2 * 4 / 3).squareRoot()
        var out = [Row]()
        for n in Int((-yMax - off).rounded(.down)) - 1...Int((yMax - off).rounded(.up)) + 1 {
            let y = Double(n) + off
            let t = rho2 - 0.75 * y * y
            guard t >= -1e-9 else { continue }
            let s = max(0, t).squareRoot()
            var lo = Int((-y / 2 - s - off).rounded(.up)), hi = Int((-y / 2 + s - off).rounded(.down))
            // The rounded bounds are exact up to the last bit; settle them by the inclusion test itself.
            while lo <= hi, !inside(lo, n) { lo += 1 }
            while inside(lo - 1, n) { lo -= 1 }
            while hi >= lo, !inside(hi, n) { hi -= 1 }
            while hi >= lo, inside(hi + 1, n) { hi += 1 }
            if lo <= hi { out.append(Row(n: n, lo: lo, hi: hi)) }
        }
        return out
    }

    /// Counts the expected pairs of a sphere of `diameter` (Å).
    init(geometry g: LayerGeometry, diameter: Double) {
        self.diameter = diameter
        let radius = diameter / 2
        let r2 = radius * radius * (1 + 1e-12)
        let a2 = g.a * g.a
        let kLo = Int(((-radius - g.bz) / g.h).rounded(.up)), kHi = Int((radius / g.h).rounded(.down))
        let layerCount = max(0, kHi - kLo + 1)
        // rows[layer][species][position]
        var rows = [[[[Row]]]]()
        var nCat = 0.0, nAn = 0.0
        var maxRow = 0, maxCol = 0
        for k in 0..<layerCount {
            let z = Double(k + kLo) * g.h
            var perSpecies = [[[Row]]]()
            for species in 0..<2 {
                let zz = z + (species == 1 ? g.bz : 0)
                let rho2 = (r2 - zz * zz) / a2
                let discs = (0..<3).map { FaultedSphere.rows(rho2: rho2, third: $0) }
                for disc in discs {
                    let n = Double(disc.reduce(0) { $0 + $1.hi - $1.lo + 1 }) / 3
                    if species == 0 { nCat += n } else { nAn += n }
                    for row in disc { maxRow = max(maxRow, abs(row.n)); maxCol = max(maxCol, abs(row.lo), abs(row.hi)) }
                }
                perSpecies.append(discs)
            }
            rows.append(perSpecies)
        }
        expectedAtoms = (nCat, nAn)
        // Difference grid: Δn in −2R…2R, Δm in −2C…2C (+ room for the second differences).
        let nSpan = 2 * maxRow, mSpan = 2 * maxCol
        let width = 2 * mSpan + 4, height = 2 * nSpan + 1
        var diff2 = [Int64](repeating: 0, count: width * height)
        let keyMax = { () -> Int in let x = 3 * (mSpan + 1) + 2, y = 3 * (nSpan + 1) + 2; return x * x + x * y + y * y + 1 }()
        var same = [Double](repeating: 0, count: keyMax), other = [Double](repeating: 0, count: keyMax)
        var touched = [Int]()
        var out = [Entry]()
        var maxD = 0
        for d in 0..<layerCount {
            for (s, t) in d == 0 ? [(0, 0), (0, 1), (1, 1)] : [(0, 0), (0, 1), (1, 0), (1, 1)] {
                let pair: UInt8 = s == t ? (s == 0 ? 0 : 2) : 1
                let dz = Double(d) * g.h + Double(t - s) * g.bz
                for a in 0..<3 {
                    for b in 0..<3 where d > 0 || a == b {
                        for i in 0..<(diff2.count) { diff2[i] = 0 }
                        var any = false
                        for i in 0..<(layerCount - d) {
                            for r1 in rows[i][s][a] {
                                for r2 in rows[i + d][t][b] {
                                    let dn = r2.n - r1.n + nSpan
                                    let k0 = r2.lo - r1.hi + mSpan
                                    let len1 = r1.hi - r1.lo + 1, len2 = r2.hi - r2.lo + 1
                                    let base = dn * width
                                    diff2[base + k0] += 1
                                    diff2[base + k0 + len1] -= 1
                                    diff2[base + k0 + len2] -= 1
                                    diff2[base + k0 + len1 + len2] += 1
                                    any = true
                                }
                            }
                        }
                        guard any else { continue }
                        let e = b - a
                        let selfPairs = d == 0 && s == t
                        let factor = (a == b ? 1.0 / 3 : 1.0 / 6) * (selfPairs ? 0.5 : 1)
                        for row in 0..<height {
                            var first: Int64 = 0, second: Int64 = 0
                            let base = row * width
                            let y3 = 3 * (row - nSpan) + e
                            for col in 0..<width {
                                first += diff2[base + col]
                                second += first
                                guard second != 0 else { continue }
                                let x3 = 3 * (col - mSpan) + e
                                if selfPairs, x3 == 0, y3 == 0 { continue }
                                let key = x3 * x3 + x3 * y3 + y3 * y3
                                if same[key] == 0, other[key] == 0 { touched.append(key) }
                                if a == b { same[key] += Double(second) * factor } else { other[key] += Double(second) * factor }
                            }
                        }
                    }
                }
                touched.sort()
                for key in touched {
                    let r = (dz * dz + a2 * Double(key) / 9).squareRoot()
                    out.append(Entry(pair: pair, layers: Int32(d), r: r, same: same[key], different: other[key]))
                    same[key] = 0; other[key] = 0
                }
                if !touched.isEmpty { maxD = d }
                touched.removeAll(keepingCapacity: true)
            }
        }
        entries = out
        maxLayers = maxD
    }

    /// Expected pair histogram (distance, count) per kind pair at fault probability `alpha`
    /// (unbinned; for tests and small spheres).
    func expectedPairs(alpha: Double) -> [[(r: Double, count: Double)]] {
        let p = StackingCorrelation.sameSiteProbabilities(alpha: alpha, maxLayers: maxLayers)
        var out = [[(r: Double, count: Double)]](repeating: [], count: 3)
        for e in entries {
            let pd = p[Int(e.layers)]
            let c = pd * e.same + (1 - pd) * e.different
            if c != 0 { out[Int(e.pair)].append((e.r, c)) }
        }
        return out
    }
}
