import Foundation

/// The two-candidate mixture a classification weighs against its best single candidate, and
/// whether it wins (`classify`'s `mixture` verdict).
///
/// A sample may hold two clusters of different classes (a conversion caught half-way). The best
/// pair of generated candidates, one zincblende-like and one wurtzite-like or pseudo-wurtzite, is
/// searched on the curve (`ClusterMiner.mixtureSearch`) and refined as a mixture (atom fractions
/// from the amplitudes and the members' ⟨f⟩², as in `SeriesAnalysis`). The mixture is the verdict when it lowers the best single Rw by at least
/// `MixtureRule.improvement` (relative) and each member holds at least `MixtureRule.minorFraction`
/// of the atoms — numbers calibrated so that single-structure curves, misspecified ones included,
/// give a false mixture in at most 2 % of cases (`clusterpdf-bench mixture-calibration`).
public struct MixtureVerdict: Codable, Sendable, Hashable {
    /// One member of the mixture.
    public struct Member: Codable, Sendable, Hashable {
        /// The candidate's name.
        public var name: String
        /// Its family.
        public var family: ModelLibrary.Family
        /// Its structural class.
        public var verdictClass: Verdict
        /// Hill formula.
        public var formula: String
        /// Atom fraction (0…1) and its standard uncertainty.
        public var fraction: Double, uncertainty: Double
    }

    /// The two members, larger fraction first.
    public var members: [Member]
    /// Rw of the refined mixture.
    public var rw: Double
    /// Rw of the best single candidate (the better of its classification Rw and its refinement
    /// with one Uiso per element, as the members have).
    public var singleRw: Double
    /// Relative improvement 1 − rw/singleRw.
    public var improvement: Double
    /// Whether the mixture passes the rule (then the verdict is `mixture`).
    public var accepted: Bool
    /// The rule, in words, with this curve's numbers.
    public var reason: String
    /// How far the check went: `screen` (the screen's best pair was not clearly better than the
    /// best single candidate, so nothing was refined: Rw values and improvement are the screen's,
    /// fractions 0) or `refined`.
    public var stage: Stage
    /// The screen's relative improvement of the best pair over the best single candidate at the
    /// same peak widths (the gate of the refined check).
    public var screenImprovement: Double?
    /// Other pairs refined to within `tolerance` of `rw` (near-twins: another termination, twist or
    /// size), best first: the curve does not tell them from the members named.
    public var alternatives: [[String]] = []
    /// The Rw tolerance of `alternatives`: max(0.002, 5 % of `rw`).
    public var tolerance: Double? = nil

    /// How far a mixture check went.
    public enum Stage: String, Codable, Sendable, Hashable {
        /// Stopped at the screen's gate.
        case screen
        /// Pairs refined.
        case refined
    }

    /// "A (family) 0.52 ± 0.02 + B (family) 0.48 ± 0.02 of the atoms".
    public static func summary(_ members: [Member]) -> String {
        members.map { String(format: "%@ (%@) %.2f ± %.2f", $0.name, $0.family.rawValue, $0.fraction, $0.uncertainty) }.joined(separator: " + ") + " of the atoms"
    }
}

/// The calibrated rule of the `mixture` verdict (see `MixtureVerdict`).
public struct MixtureRule: Codable, Sendable, Hashable {
    /// Relative Rw improvement over the best single candidate needed (0…1).
    public var improvement: Double
    /// Smallest atom fraction of either member.
    public var minorFraction: Double
    /// Relative improvement of the screen's best pair over the best single candidate (same peak
    /// widths) below which no mixture is refined.
    public var screenGate: Double
    /// A rule.
    public init(improvement: Double, minorFraction: Double, screenGate: Double) {
        self.improvement = improvement; self.minorFraction = minorFraction; self.screenGate = screenGate
    }
    /// Values from `clusterpdf-bench mixture-calibration` (README, "Series and mixtures").
    public static let calibrated = MixtureRule(improvement: 0.2, minorFraction: 0.15, screenGate: 0.05)
}

/// Peak widths and zoom shared by the members of a mixture during its search.
struct Widths: Sendable {
    /// Zoom and δ2 (Å²).
    var zoom: Double, delta2: Double
    /// Uiso (Å²) of elements without their own, and each element's own.
    var mean: Double, perElement: [Element: Double]
    /// Uiso of `e` (Å²).
    func uiso(_ e: Element) -> Double { perElement[e] ?? mean }
    /// Starting values of a refinement of a structure with `elements`.
    func start(elements: [Element]) -> [ParameterName: Double] {
        var out: [ParameterName: Double] = [.zoom: zoom, .delta2: delta2, .uiso: mean]
        for e in elements { out[.elementUiso(e)] = uiso(e) }
        return out
    }
}

extension ClusterMiner {
    /// The best two-candidate mixture of different classes on `curve` (`MixtureVerdict`), or nil
    /// when a class has no candidate or nothing could be fitted.
    ///
    /// Both members of a sample share its temperature and instrument, so every candidate is put on
    /// common peak widths and zoom (`ScreeningModel` curves at the fit points), and every pair —
    /// one zincblende-like, one wurtzite-like or pseudo-wurtzite — is solved as a non-negative
    /// mixture at once from the Gram matrix of the two classes' curves (one matrix product). The
    /// best `mixtureShortlist` pairs are solved again with the exact engine and the best two
    /// refined as mixtures (`SeriesAnalysis.fit`: each member's zoom, Uiso and δ2 with the other's
    /// part subtracted, alternately). The common parameters start at the best single candidate's
    /// and become the best refined mixture's (fraction-weighted), up to three rounds, until they
    /// settle: a pair ranks right only near its own peak widths.
    func mixtureSearch(curve: MeasuredCurve, set: CandidateSet, screened: [Screened], evaluated: [Int: Double], settings: DataSettings,
                       range: ClosedRange<Double>, singleRw bestRw: Double, bestCluster: CandidateScore?, options full: RefinementOptions) -> MixtureVerdict? {
        let classes: [[Int]] = [Verdict.zincblendeLike, .pseudoWurtzite].map { cls in
            set.entries.indices.filter { set.entries[$0].family.verdictClass == cls && screened[$0].rw.isFinite }
        }
        guard classes.allSatisfy({ !$0.isEmpty }), bestRw.isFinite, bestRw > 0 else { return nil }
        // The members get one Uiso per element: so does the single candidate they are weighed against.
        var singleRw = bestRw
        if let b = bestCluster, let spec = b.recipe, let st = try? spec.build() {
            var o = full
            o.uisoPerElement = true; o.globalSearch = false; o.uncertainties = false; o.threads = 1
            o.start[.zoom] = b.zoom; o.start[.uiso] = b.uiso; o.start[.delta2] = b.delta2
            if let r = try? PDFRefinement(structure: st, data: curve, options: o).run(keepCurves: false), r.rw.isFinite { singleRw = min(singleRw, r.rw) }
        }
        func key(_ i: Int) -> Double { evaluated[i] ?? screened[i].rw }
        let model = ScreeningModel(curve: curve, range: range, qmin: settings.qmin.value, qmax: settings.qmax.value,
                                   qdamp: settings.qdamp.value, radiation: settings.radiation.value)
        let y = model.g, n = model.g.count
        let yy = y.reduce(0) { $0 + $1 * $1 }
        guard yy > 0 else { return nil }
        let partials = classes.map { c in c.map { model.weightedPartials(set.entries[$0].histogram) } }
        let lows = classes.map { c in c.map { i in model.weightedHistogram(set.entries[i].histogram).map { model.lowQPart($0) } } }

        // Each class's screening curves at widths p (rows of n points), their norms and overlaps with the data.
        func rows(_ p: Widths) -> [(m: [Double], norms: [Double], overlaps: [Double])] {
            let zi = ScreeningModel.zooms.indices.min { abs(ScreeningModel.zooms[$0] - p.zoom) < abs(ScreeningModel.zooms[$1] - p.zoom) } ?? 0
            return (0..<2).map { side -> (m: [Double], norms: [Double], overlaps: [Double]) in
                let c = classes[side]
                let m = SharedBuffer<Double>(repeating: 0, count: c.count * n)
                ParallelBlocks.run(blocks: c.count, threads: options.threads) { k, _ in
                    guard let h = partials[side][k], let low = lows[side][k] else { return }
                    let hist = set.entries[c[k]].histogram
                    var buffer = [Float](repeating: 0, count: model.modelCount)
                    model.curve(partials: h, pairs: hist.pairs, low: low, uiso: hist.elements.map { p.uiso($0) }, delta2: p.delta2, into: &buffer)
                    let v = model.sampled(buffer, zoomIndex: zi)
                    for i in 0..<n { m.pointer[k * n + i] = v[i] }
                }
                let all = m.array
                var norms = [Double](repeating: 0, count: c.count), overlaps = norms
                for k in 0..<c.count {
                    var nn = 0.0, ny = 0.0
                    for i in 0..<n { let v = all[k * n + i]; nn += v * v; ny += v * y[i] }
                    norms[k] = nn; overlaps[k] = ny
                }
                return (all, norms, overlaps)
            }
        }
        // RSS of the non-negative two-member fit from norms, overlaps and the cross term; nil when a member would be ≤ 0.
        func pairRSS(_ ni: Double, _ yi: Double, _ nj: Double, _ yj: Double, _ g: Double) -> Double? {
            guard ni > 0, nj > 0 else { return nil }
            let det = ni * nj - g * g
            guard det > 1e-12 * ni * nj else { return nil }
            let a = (yi * nj - yj * g) / det, b = (yj * ni - yi * g) / det
            // A member at 0 is not a mixture.
            guard a > 0, b > 0 else { return nil }
            return yy - (a * yi + b * yj)
        }
        // The best `keep` pairs (candidate indices) at common parameters p, by the screen.
        func gramPairs(_ p: Widths, keep: Int) -> (pairs: [(rss: Double, a: Int, b: Int)], singleRSS: Double) {
            let rows = rows(p)
            // The best single candidate at p, or of the whole screen (faulted stackings included,
            // each at its own widths), for the screen's gate.
            var single = yy * pow(screened.lazy.map(\.rw).filter(\.isFinite).min() ?? 1, 2)
            for side in 0..<2 { for (nn, ny) in zip(rows[side].norms, rows[side].overlaps) where nn > 0 && ny > 0 { single = min(single, yy - ny * ny / nn) } }
            // G[a + b·na] = ⟨m_a, m_b⟩ (column-major na × nb).
            let na = classes[0].count, nb = classes[1].count
            var gram = [Double](repeating: 0, count: na * nb)
            rows[0].m.withUnsafeBufferPointer { a in rows[1].m.withUnsafeBufferPointer { b in gram.withUnsafeMutableBufferPointer { c in
                LinearAlgebra.gemm(transposeA: true, transposeB: false, m: na, n: nb, k: n, a.baseAddress!, lda: n, b.baseAddress!, ldb: n,
                                   beta: 0, c.baseAddress!, ldc: na)
            } } }
            var top = [(rss: Double, a: Int, b: Int)]()
            for j in 0..<nb {
                let nj = rows[1].norms[j], yj = rows[1].overlaps[j]
                guard nj > 0 else { continue }
                for i in 0..<na {
                    guard let rss = pairRSS(rows[0].norms[i], rows[0].overlaps[i], nj, yj, gram[i + j * na]) else { continue }
                    if top.count < keep || rss < top[top.count - 1].rss {
                        top.append((rss, classes[0][i], classes[1][j]))
                        top.sort { ($0.rss, $0.a, $0.b) < ($1.rss, $1.a, $1.b) }
                        if top.count > keep { top.removeLast() }
                    }
                }
            }
            return (top, single)
        }
        // The exact G(r) (scale 1) of candidate i at parameters p on the fit grid.
        @Sendable func exact(_ i: Int, _ p: Widths) -> (g: [Double], obs: [Double], r: [Double])? {
            var o = full
            o.free = []; o.globalSearch = false; o.uncertainties = false; o.threads = 1; o.uisoPerElement = false
            o.start = p.start(elements: set.entries[i].histogram.elements).merging([.scale: 1]) { _, b in b }
            o.bounds = [.zoom: 0.5...2, .uiso: 0...1, .delta2: 0...1000]
            for e in set.entries[i].histogram.elements { o.bounds[.elementUiso(e)] = 0...1 }
            guard let s = try? set.entries[i].spec.build(), let r = try? PDFRefinement(structure: s, data: curve, options: o).run(keepCurves: true),
                  r.gCalculated.contains(where: { $0 != 0 }), r.gCalculated.allSatisfy(\.isFinite) else { return nil }
            return (r.gCalculated, r.gObserved, r.r)
        }
        // Exact curves of several candidates at the same widths, in parallel.
        func exactMany(_ indices: [Int], _ p: Widths) -> [Int: [Double]] {
            let out = SharedBuffer<[Double]?>(repeating: nil, count: indices.count)
            ParallelBlocks.run(blocks: indices.count, threads: options.threads) { k, _ in out.pointer[k] = exact(indices[k], p)?.g }
            var d = [Int: [Double]]()
            for (k, i) in indices.enumerated() { if let g = out.array[k] { d[i] = g } }
            return d
        }
        typealias Found = (rw: Double, names: [String], pick: [Int], fractions: [Double], sigmas: [Double], structures: [Structure], common: Widths)
        // The pair refined as a mixture from p; the exact unrefined amplitudes where that fails or is worse.
        func refine(_ pick: [Int], _ p: Widths) -> Found? {
            guard let a = exact(pick[0], p), let b = exact(pick[1], p), a.g.count == b.g.count else { return nil }
            let names = pick.map { set.entries[$0].spec.name }
            guard let structures = try? pick.map({ try set.entries[$0].spec.build() }) else { return nil }
            var analysis = SeriesAnalysis(models: zip(names, structures).map { SeriesModel(name: $0, structure: $1) })
            analysis.refinement = full
            analysis.refinement.globalSearch = false
            analysis.uisoPerElement = true
            analysis.threads = 1
            analysis.start = pick.map { p.start(elements: set.entries[$0].histogram.elements) }
            var out: Found?
            if let fit = try? analysis.fit(curve, rounds: 1), let frw = fit.frame.rw, frw.isFinite, fit.models.count == 2 {
                let f = names.map { fit.frame.fractions[$0] ?? 0 }
                let total = max(1e-12, f.reduce(0, +))
                var c = p
                c.zoom = zip(f, fit.models).reduce(0) { $0 + $1.0 * $1.1.zoom } / total
                c.delta2 = zip(f, fit.models).reduce(0) { $0 + $1.0 * $1.1.delta2 } / total
                var sums = [Element: Double]()
                for (x, m) in zip(f, fit.models) {
                    for (name, u) in m.uisoPerElement ?? [:] {
                        if case .elementUiso(let e)? = try? ParameterName(parsing: name) { sums[e, default: 0] += x * u / total }
                    }
                }
                if !sums.isEmpty { c.perElement = sums }
                c.mean = zip(f, fit.models).reduce(0) { $0 + $1.0 * $1.1.uiso } / total
                out = (frw, names, pick, f, names.map { fit.frame.uncertainties[$0] ?? 0 }, structures, c)
            }
            let r = a.r
            let oversampling = r.count > 1 ? Double.pi / (max(1, settings.qmax.value - settings.qmin.value) * (r[1] - r[0])) : 1
            if let sol = try? MixtureSolver.solve(columns: [a.g, b.g], y: a.obs, oversampling: oversampling) {
                let norm = a.obs.reduce(0) { $0 + $1 * $1 }
                let unrefined = norm > 0 ? (sol.rss / norm).squareRoot() : .infinity
                if unrefined < (out?.rw ?? .infinity) {
                    let f = MixtureSolver.fractions(sol, weights: structures.map { SeriesAnalysis.weight($0, radiation: settings.radiation.value) })
                    out = (unrefined, names, pick, f.values, f.sigmas, structures, p)
                }
            }
            return out
        }
        let all = classes[0] + classes[1]
        let start = screened[all.min { (key($0), $0) < (key($1), $1) }!]
        var common = Widths(zoom: start.zoom, delta2: start.delta2, mean: start.uiso, perElement: [:])
        var results = [Found]()
        var refinedPairs = Set<[Int]>()
        var screenImprovement: Double?
        for round in 0..<3 {
            let w = common
            let screenPairs = gramPairs(w, keep: max(1, options.mixtureShortlist))
            if round == 0 {
                // The gate: unless the best pair of the screen explains the curve clearly better than
                // the best single candidate at the same widths, no mixture is refined.
                let gain = screenPairs.pairs.first.map { 1 - ($0.rss / max(1e-300, screenPairs.singleRSS)).squareRoot() } ?? 0
                screenImprovement = gain
                if gain < options.mixtureRule.screenGate, let top = screenPairs.pairs.first {
                    let members = [top.a, top.b].map { i in
                        MixtureVerdict.Member(name: set.entries[i].spec.name, family: set.entries[i].family, verdictClass: set.entries[i].family.verdictClass,
                                              formula: formula(set.entries[i].histogram),
                                              fraction: 0, uncertainty: 0)
                    }
                    return MixtureVerdict(members: members, rw: (top.rss / yy).squareRoot(),
                                          singleRw: (screenPairs.singleRSS / yy).squareRoot(), improvement: gain, accepted: false,
                                          reason: String(format: "the best pair of the screen explains the curve only %.0f %% better than the best single candidate (%.0f %% needed to refine mixtures): not a mixture",
                                                         100 * max(0, gain), 100 * options.mixtureRule.screenGate),
                                          stage: .screen, screenImprovement: gain)
                }
            }
            let curves = exactMany(Array(Set(screenPairs.pairs.flatMap { [$0.a, $0.b] })).sorted(), w)
            let observed = exact(screenPairs.pairs.first?.a ?? 0, w)?.obs ?? []
            let ranked = screenPairs.pairs.compactMap { pair -> (rss: Double, pick: [Int], widths: Widths)? in
                guard let a = curves[pair.a], let b = curves[pair.b], a.count == b.count, a.count == observed.count,
                      let sol = try? MixtureSolver.solve(columns: [a, b], y: observed) else { return nil }
                return (sol.rss, [pair.a, pair.b], w)
            }.sorted { ($0.rss, $0.pick[0], $0.pick[1]) < ($1.rss, $1.pick[0], $1.pick[1]) }
            var added = 0
            for e in ranked where !refinedPairs.contains(e.pick) && added < 2 {
                refinedPairs.insert(e.pick); added += 1
                if let f = refine(e.pick, e.widths) { results.append(f) }
            }
            guard let bestSoFar = results.min(by: { ($0.rw, $0.names.joined()) < ($1.rw, $1.names.joined()) }) else { break }
            let next = bestSoFar.common
            if added == 0 || (abs(next.mean - common.mean) < 5e-4 && abs(next.delta2 - common.delta2) < 0.1 && abs(next.zoom - common.zoom) < 0.0025) { break }
            common = next
        }
        // Coordinate descent: with one member of the best mixture held, the best `mixtureSwaps`
        // partners of the other's class at the mixture's widths (by the screen) are refined too,
        // until the best mixture stops improving (two sweeps at most).
        func best() -> Found? { results.min(by: { ($0.rw, $0.names.joined()) < ($1.rw, $1.names.joined()) }) }
        var sweeps = 0
        while sweeps < 2, let current = best() {
            sweeps += 1
            // Each member's best partners with the other held: screened over its whole class,
            // then solved exactly (the screen alone confuses near-twins such as a tetrahedron's two
            // terminations); then every pair of the two shortlists (both members changed at once:
            // two wrong members can hold each other in place) solved exactly, the best refined.
            let r = rows(current.common)
            var lists = [[Int]](repeating: [], count: 2)
            for side in 0..<2 {
                let other = 1 - side
                guard let j = classes[other].firstIndex(of: current.pick[other]) else { continue }
                let mj = Array(r[other].m[(j * n)..<((j + 1) * n)])
                var ranked = [(rss: Double, i: Int)]()
                for k in classes[side].indices {
                    var g = 0.0
                    for t in 0..<n { g += r[side].m[k * n + t] * mj[t] }
                    if let rss = side == 0 ? pairRSS(r[0].norms[k], r[0].overlaps[k], r[1].norms[j], r[1].overlaps[j], g)
                                           : pairRSS(r[0].norms[j], r[0].overlaps[j], r[1].norms[k], r[1].overlaps[k], g) {
                        ranked.append((rss, classes[side][k]))
                    }
                }
                ranked.sort { ($0.rss, $0.i) < ($1.rss, $1.i) }
                lists[side] = ranked.prefix(4 * options.mixtureSwaps).map(\.i)
                if !lists[side].contains(current.pick[side]) { lists[side].append(current.pick[side]) }
            }
            let curves = exactMany(Array(Set(lists[0] + lists[1])).sorted(), current.common)
            guard let observed = exact(current.pick[0], current.common)?.obs else { break }
            var pairs = [(rss: Double, pick: [Int])]()
            for a in lists[0] { for b in lists[1] where !refinedPairs.contains([a, b]) {
                guard let ca = curves[a], let cb = curves[b], ca.count == observed.count, cb.count == observed.count,
                      let sol = try? MixtureSolver.solve(columns: [ca, cb], y: observed), !sol.atZero.contains(true) else { continue }
                pairs.append((sol.rss, [a, b]))
            } }
            pairs.sort { ($0.rss, $0.pick[0], $0.pick[1]) < ($1.rss, $1.pick[0], $1.pick[1]) }
            var improved = false
            for e in pairs.prefix(options.mixtureSwaps) {
                refinedPairs.insert(e.pick)
                if let f = refine(e.pick, current.common) {
                    results.append(f)
                    if f.rw < current.rw { improved = true }
                }
            }
            if !improved { break }
        }
        guard let found = best() else { return nil }
        let (rw, names, pick, fractions, sigmas, structures, _) = found
        // Other pairs refined to within the tolerance of the best: near-twins the curve does not tell apart.
        let tolerance = max(0.002, 0.05 * rw)
        var alternatives = [[String]]()
        for f in results.sorted(by: { ($0.rw, $0.names.joined()) < ($1.rw, $1.names.joined()) }) where f.rw <= rw + tolerance && Set(f.names) != Set(names) {
            if !alternatives.contains(where: { Set($0) == Set(f.names) }) { alternatives.append(f.names) }
        }
        var members = (0..<2).map { k in
            MixtureVerdict.Member(name: names[k], family: set.entries[pick[k]].family, verdictClass: set.entries[pick[k]].family.verdictClass,
                                  formula: structures[k].formula, fraction: fractions[k], uncertainty: sigmas[k])
        }
        members.sort { ($0.fraction, $1.name) > ($1.fraction, $0.name) }
        let rule = options.mixtureRule
        let improvement = 1 - rw / singleRw
        let minor = members.map { $0.fraction }.min() ?? 0
        let accepted = improvement >= rule.improvement && minor >= rule.minorFraction
        let reason: String
        if accepted {
            reason = String(format: "the mixture lowers the best single Rw %.4f to %.4f (by %.0f %%, at least %.0f %% needed) and each member holds at least %.0f %% of the atoms",
                            singleRw, rw, 100 * improvement, 100 * rule.improvement, 100 * rule.minorFraction)
        } else if improvement < rule.improvement {
            reason = String(format: "the best mixture lowers the single Rw %.4f only to %.4f (by %.0f %%; %.0f %% needed for a mixture verdict)",
                            singleRw, min(rw, singleRw), 100 * max(0, improvement), 100 * rule.improvement)
        } else {
            reason = String(format: "the best mixture lowers Rw by %.0f %%, but one member holds only %.0f %% of the atoms (%.0f %% needed)",
                            100 * improvement, 100 * minor, 100 * rule.minorFraction)
        }
        return MixtureVerdict(members: members, rw: rw, singleRw: singleRw, improvement: improvement, accepted: accepted, reason: reason,
                              stage: .refined, screenImprovement: screenImprovement, alternatives: alternatives, tolerance: tolerance)
    }
}
