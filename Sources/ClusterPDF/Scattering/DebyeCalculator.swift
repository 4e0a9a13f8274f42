import Foundation

/// Total scattering of a finite cluster from the Debye equation.
///
/// Conventions (N = Σ occupancies, ⟨f⟩ = Σ occ_i f_i / N, ⟨f²⟩ = Σ occ_i f_i² / N, Q in Å⁻¹, r in Å):
///
///     I(Q) = Σ_i occ_i f_i² + Σ_{i≠j} occ_i occ_j f_i f_j exp(−Q² σ²_ij / 2) sin(Q r_ij) / (Q r_ij)
///     σ²_ij = (U_i + U_j) · max(0, 1 − δ1/r_ij − δ2/r_ij² + qbroad² r_ij²)   (`PeakWidth`, PDFgui's convention)
///     S(Q) = I(Q) / (N⟨f⟩²) − (⟨f²⟩ − ⟨f⟩²) / ⟨f⟩²
///     F(Q) = Q [S(Q) − 1]                                    (Å⁻¹)
///     G(r) = (2/π) ∫_{Qmin}^{Qmax} F(Q) [L(Q)] sin(Q r) dQ · exp(−(qdamp · r)² / 2)   (Å⁻²)
///
/// with L(Q) = sin(πQ/Qmax)/(πQ/Qmax) when the Lorch window is on. f is the Waasmaier–Kirfel form
/// factor (X-rays) or b_c (neutrons). There is no −4πρ₀r term: the cluster is finite.
///
/// The G(r) integral runs from exactly Qmin to Qmax on a uniform grid of n intervals with
/// 4th-order Gregory end corrections; the step is at most 0.5 / (r_pair,max + r_max) (and 0.01),
/// so the fastest oscillation of the integrand is sampled at least 12 times per period. Measured:
/// the golden G(r) are reproduced to < 5e-7 of their maximum (2× coarser: 1.4e-5), and the test
/// suite checks the result against a 4× finer trapezoid sum.
public struct DebyeCalculator: Sendable {
    /// The structure computed.
    public let structure: Structure
    /// Its settings (validated).
    public let settings: ScatteringSettings
    /// Atom kinds with their positions.
    public internal(set) var kinds: AtomKinds
    /// Scattering factor of each kind.
    let factors: [ScatteringFactor]
    /// Warnings for the user (ions replaced by neutral atoms, …).
    public let warnings: [String]
    /// The pair-distance histogram (histogram mode), shared by every function computed.
    public internal(set) var histogram: PairHistogram?
    /// Atom index pairs (i, j) sharing a mixed site (excluded from the pair sums).
    var mixedSitePairs: [[Int]] = []

    /// Prepares a calculation; throws on an empty structure, bad settings or missing scattering data.
    public init(structure: Structure, settings: ScatteringSettings) throws {
        try settings.validate()
        guard !structure.atoms.isEmpty else { throw SettingsError.invalid("the structure has no atoms") }
        if let bad = structure.atoms.first(where: { a in !(0..<3).allSatisfy { a.position[$0].isFinite && abs(a.position[$0]) <= Defaults.maximumCoordinate } }) {
            throw SettingsError.invalid("atom \(bad.label.isEmpty ? bad.element.symbol : bad.label) has a coordinate that is not finite or beyond ±\(Int(Defaults.maximumCoordinate)) Å")
        }
        self.structure = structure
        self.settings = settings
        kinds = AtomKinds(structure: structure, displacements: settings.displacements)
        (factors, warnings) = try DebyeCalculator.scatteringFactors(kinds, settings.radiation, settings.anomalous)
        let pairs = Double(kinds.atomCount) * Double(kinds.atomCount - 1) / 2
        let useHistogram = settings.mode == .histogram || (settings.mode == .auto && pairs > 20_000)
        // Atoms closer than 0.01 Å are one mixed site (e.g. Cd/Zn on one position) when their
        // occupancies sum to at most 1; they exclude each other, so their pair is left out.
        mixedSitePairs = try DebyeCalculator.checkMixedSites(structure)
        var h = useHistogram ? PairHistogram(kinds: kinds, binWidth: settings.binWidth, threads: settings.threads) : nil
        if h?.distances.contains(where: { ($0.first ?? 1) < DebyeCalculator.siteTolerance }) == true {
            h!.dropPairs(closerThan: DebyeCalculator.siteTolerance)
        }
        histogram = h
    }

    /// Reuses the kinds and histogram of `base` with new settings (radiation, damping, δ, Q range):
    /// no pair distances are recomputed. Used by refinements.
    public init(reusing base: DebyeCalculator, settings: ScatteringSettings, kinds: AtomKinds? = nil, histogram: PairHistogram? = nil) throws {
        try settings.validate()
        structure = base.structure
        mixedSitePairs = base.mixedSitePairs
        self.settings = settings
        self.kinds = kinds ?? base.kinds
        self.histogram = histogram ?? base.histogram
        (factors, warnings) = try DebyeCalculator.scatteringFactors(self.kinds, settings.radiation, settings.anomalous)
    }

    static func scatteringFactors(_ kinds: AtomKinds, _ radiation: Radiation, _ dispersion: AnomalousDispersion?) throws -> ([ScatteringFactor], [String]) {
        var w = [String]()
        var f = [ScatteringFactor]()
        for k in kinds.kinds {
            let sf = try ScatteringFactor(element: k.element, charge: k.charge, radiation: radiation, dispersion: dispersion)
            if sf.fellBackToNeutral { w.append("no X-ray form factor for \(sf.symbol): using neutral \(k.element.symbol)") }
            f.append(sf)
        }
        return (f, Array(Set(w)).sorted())
    }

    /// Evaluation mode actually used.
    public var effectiveMode: DebyeMode { histogram == nil ? .exact : .histogram }

    /// Atoms closer than this (Å) share a site.
    static let siteTolerance = 0.01

    /// Groups atoms closer than `siteTolerance`; each group must be a mixed site: occupancies
    /// summing to at most 1 (+0.001). Otherwise the atoms overlap, which is an error.
    @discardableResult
    static func checkMixedSites(_ s: Structure) throws -> [[Int]] {
        // Near neighbours, no periodic images (a cluster).
        var close = [Int: [Int]]()
        for p in ClosePairs.within(s.atoms.map(\.position), distance: siteTolerance) {
            close[p.i, default: []].append(p.j); close[p.j, default: []].append(p.i)
        }
        var seen = Set<Int>()
        var pairs = [[Int]]()
        for (i, a) in s.atoms.enumerated() where !seen.contains(i) {
            guard let partners = close[i] else { continue }
            let group = [i] + partners.filter { $0 != i }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
            seen.formUnion(group)
            for x in group.indices { for y in (x + 1)..<group.count { pairs.append([group[x], group[y]]) } }
            let total = group.reduce(0.0) { $0 + s.atoms[$1].occupancy }
            if total > 1.001 {
                let names = group.map { s.atoms[$0].label.isEmpty ? "\(s.atoms[$0].element.symbol) (atom \($0 + 1))" : s.atoms[$0].label }
                let p = a.position
                throw SettingsError.invalid("atoms \(names.joined(separator: ", ")) overlap at (\(String(format: "%.4f, %.4f, %.4f", p.x, p.y, p.z))) Å with occupancies summing to \(String(format: "%.3f", total)) > 1: a mixed site needs occupancies that sum to at most 1")
            }
        }
        return pairs
    }

    /// σ² (Å²) of a pair of kinds at distance r.
    @inline(__always) func sigma2(_ uSum: Double, _ r: Double) -> Double {
        settings.peakWidth.sigma2(uSum: uSum, r: r)
    }

    /// Largest pair distance (Å).
    public var maximumPairDistance: Double {
        if let h = histogram { return h.maximumDistance }
        return structure.diameter
    }

    // MARK: - Pair sums

    /// T_p(Q_k) = Σ_{pairs i<j of kind pair p} exp(−Q²σ²/2) sin(Q r)/r on `grid`, one array per kind pair.
    func pairSums(on grid: UniformGrid) -> [[Double]] {
        let pairs = kinds.pairs
        let nq = grid.count
        let kernel = DebyeKernel(grid: grid)
        // Fixed Q ranges (independent of thread count) → deterministic results.
        // Each range re-seeds its recurrences (6 transcendental functions per bin), so ranges are
        // kept long: 512 Q points or more.
        let rangeCount = min(8, max(1, nq / 512))
        let bounds = (0...rangeCount).map { $0 * nq / rangeCount }
        var result = [[Double]]()
        for (p, (a, b)) in pairs.enumerated() {
            let uSum = kinds.kinds[a].uiso + kinds.kinds[b].uiso
            let out = SharedBuffer<Double>(repeating: 0, count: nq)
            if let h = histogram {
                let r = h.distances[p], c = h.counts[p]
                let s2 = r.map { sigma2(uSum, $0) }
                if let first = s2.first, NonuniformDebyeSum.pays(bins: r.count, points: nq), s2.allSatisfy({ $0 == first }) {
                    // One peak width (no δ1, δ2, qbroad): the non-uniform FFT, O(bins + Q log Q).
                    result.append(NonuniformDebyeSum(grid: grid).sum(r: r, weight: c, sigma2: first, threads: settings.threads))
                    continue
                }
                ParallelBlocks.run(blocks: rangeCount, threads: settings.threads) { blk, _ in
                    let range = bounds[blk]..<bounds[blk + 1]
                    kernel.accumulate(r: r, weight: c, sigma2: s2, count: r.count, range: range, into: out.pointer + range.lowerBound)
                }
            } else {
                // Exact: stream the pairs row by row; every Q range sees the same pair order.
                let pa = kinds.positions[a], pb = kinds.positions[b]
                ParallelBlocks.run(blocks: rangeCount, threads: settings.threads) { blk, _ in
                    let range = bounds[blk]..<bounds[blk + 1]
                    var r = [Double](), s2 = [Double]()
                    r.reserveCapacity(pb.count); s2.reserveCapacity(pb.count)
                    let ones = [Double](repeating: 1, count: pb.count)
                    for i in pa.indices {
                        r.removeAll(keepingCapacity: true); s2.removeAll(keepingCapacity: true)
                        for j in (a == b ? i + 1 : 0)..<pb.count {
                            let d = simd_length(pb[j] - pa[i])
                            if d < DebyeCalculator.siteTolerance { continue }  // the two species of a mixed site
                            r.append(d); s2.append(sigma2(uSum, d))
                        }
                        kernel.accumulate(r: r, weight: ones, sigma2: s2, count: r.count, range: range, into: out.pointer + range.lowerBound)
                    }
                }
            }
            result.append(out.array)
        }
        return result
    }

    /// Per-Q scattering-factor sums: Re f of each kind, N|⟨f⟩|² and N⟨|f|²⟩. With anomalous
    /// dispersion f is complex (f₀ + f′ + i f″) and the pair weights are Re(f_a f_b*), so the f″
    /// of each kind (the same at every Q) enters through `imaginaryParts`.
    func weights(at q: Double) -> (f: [Double], nMeanF2: Double, nMeanSquare: Double) {
        var f = [Double](), sumF = 0.0, sumFi = 0.0, sumF2 = 0.0, n = 0.0
        for (i, k) in kinds.kinds.enumerated() {
            let v = factors[i].value(q: q), vi = factors[i].imaginary
            let m = kinds.count(i) * k.occupancy
            f.append(v); sumF += m * v; sumFi += m * vi; sumF2 += m * (v * v + vi * vi); n += m
        }
        return (f, (sumF * sumF + sumFi * sumFi) / n, sumF2)
    }

    /// f″ of each kind (0 without anomalous dispersion).
    var imaginaryParts: [Double] { factors.map(\.imaginary) }

    /// The factor of each kind pair's sum in F(Q): A_p(Q_k) = 2 occ_a occ_b f_a f_b / (N⟨f⟩²), as
    /// [p][k] on `grid`. It depends on elements, charges and occupancies only (not on U, δ or a
    /// zoom), so refinements compute it once.
    func pairPrefactors(grid: UniformGrid) -> [[Double]] {
        pairPrefactors((0..<grid.count).map { weights(at: grid[$0]) })
    }

    /// The same from the `weights(at:)` of each Q.
    func pairPrefactors(_ ws: [(f: [Double], nMeanF2: Double, nMeanSquare: Double)]) -> [[Double]] {
        var out = [[Double]](repeating: [Double](repeating: 0, count: ws.count), count: kinds.pairs.count)
        let fi = imaginaryParts
        for (k, w) in ws.enumerated() {
            for (p, (a, b)) in kinds.pairs.enumerated() {
                out[p][k] = 2 * kinds.kinds[a].occupancy * kinds.kinds[b].occupancy * (w.f[a] * w.f[b] + fi[a] * fi[b]) / w.nMeanF2
            }
        }
        return out
    }

    /// Σ over kind pairs (optionally only those of `onlyPair`) of A_p(Q) T_p(Q): this is F(Q).
    func reducedStructureFunction(grid: UniformGrid, sums: [[Double]], onlyPair: ElementPair? = nil, prefactors: [[Double]]? = nil) -> [Double] {
        let a = prefactors ?? pairPrefactors(grid: grid)
        var f = [Double](repeating: 0, count: grid.count)
        for (p, (i, j)) in kinds.pairs.enumerated() {
            if let only = onlyPair, ElementPair(kinds.kinds[i].element, kinds.kinds[j].element) != only { continue }
            for k in f.indices { f[k] += a[p][k] * sums[p][k] }
        }
        return f
    }

    // MARK: - Public functions of Q

    /// The default output Q grid: 0 … qmax in steps of qstep.
    public var outputQGrid: UniformGrid { UniformGrid(from: 0, through: settings.qmax, step: settings.qstep) }

    /// F(Q) = Q[S(Q) − 1] (Å⁻¹) on `grid` (default 0…qmax by qstep), no Qmin cut.
    public func reducedStructureFunction(grid: UniformGrid? = nil, partial: ElementPair? = nil) -> Curve {
        let g = grid ?? outputQGrid
        let f = reducedStructureFunction(grid: g, sums: pairSums(on: g), onlyPair: partial)
        return Curve(x: g.values, columns: [f], labels: ["Q(A^-1)", "F(A^-1)"])
    }

    /// S(Q) (dimensionless) and I(Q) (electrons² or fm² per cluster) on `grid`.
    public func structureFactorAndIntensity(grid: UniformGrid? = nil) -> (s: Curve, i: Curve) {
        let g = grid ?? outputQGrid
        let sums = pairSums(on: g)
        let ws = (0..<g.count).map { weights(at: g[$0]) }
        let f = reducedStructureFunction(grid: g, sums: sums, prefactors: pairPrefactors(ws))
        var s = [Double](), inten = [Double]()
        for k in 0..<g.count {
            let q = g[k]
            let w = ws[k]
            let sk: Double
            if q == 0 {
                // Q → 0 limit: sin(Qr)/(Qr) → 1, so I(0) = (Σ occ f)² + Σ (occ − occ²) f², less the
                // pairs of a mixed site's species (they exclude each other).
                // With f″ the square is |Σ occ f|² and the self term uses |f|².
                let fi = imaginaryParts
                var total = 0.0, totalIm = 0.0, extra = 0.0
                for (i, kd) in kinds.kinds.enumerated() {
                    let n = kinds.count(i)
                    total += n * kd.occupancy * w.f[i]
                    totalIm += n * kd.occupancy * fi[i]
                    extra += n * (kd.occupancy - kd.occupancy * kd.occupancy) * (w.f[i] * w.f[i] + fi[i] * fi[i])
                }
                for p in mixedSitePairs {
                    let a = structure.atoms[p[0]], b = structure.atoms[p[1]]
                    extra -= 2 * a.occupancy * b.occupancy * pairWeight(a, b, w.f)
                }
                let i0 = total * total + totalIm * totalIm + extra
                inten.append(i0)
                sk = i0 / w.nMeanF2 - (w.nMeanSquare - w.nMeanF2) / w.nMeanF2
            } else {
                sk = 1 + f[k] / q
                inten.append(w.nMeanF2 * (sk - 1) + w.nMeanSquare)
            }
            s.append(sk)
        }
        return (Curve(x: g.values, columns: [s], labels: ["Q(A^-1)", "S"]),
                Curve(x: g.values, columns: [inten], labels: ["Q(A^-1)", settings.radiation == .xray ? "I(e^2)" : "I(fm^2)"]))
    }

    /// Re(f_a f_b*) of two atoms, from the per-kind real parts `f` at one Q and the kinds' f″.
    func pairWeight(_ a: Atom, _ b: Atom, _ f: [Double]) -> Double {
        guard let i = kinds.kinds.firstIndex(where: { $0.element == a.element && $0.charge == a.charge }),
              let j = kinds.kinds.firstIndex(where: { $0.element == b.element && $0.charge == b.charge }) else { return 0 }
        return f[i] * f[j] + factors[i].imaginary * factors[j].imaginary
    }

    /// The pair terms of one element pair: S_ab(Q) = F_ab(Q)/Q (no self term, no 1) and
    /// I_ab(Q) = N⟨f⟩² S_ab(Q), so that the partials of all pairs sum to S(Q) − 1 and to I(Q)
    /// minus the self term Σ occ f². At Q = 0 the limit Σ_{i≠j in the pair} occ_i occ_j f_i f_j.
    public func partialStructureFactorAndIntensity(_ pair: ElementPair, grid: UniformGrid? = nil) -> (s: [Double], i: [Double]) {
        let g = grid ?? outputQGrid
        let ws = (0..<g.count).map { weights(at: g[$0]) }
        let f = reducedStructureFunction(grid: g, sums: pairSums(on: g), onlyPair: pair, prefactors: pairPrefactors(ws))
        var s = [Double](), inten = [Double]()
        for k in 0..<g.count {
            let q = g[k], w = ws[k]
            if q == 0 {
                var total = 0.0
                for (a, b) in kinds.pairs where ElementPair(kinds.kinds[a].element, kinds.kinds[b].element) == pair {
                    let na = kinds.count(a), nb = kinds.count(b)
                    let count = a == b ? na * (na - 1) : 2 * na * nb
                    total += count * kinds.kinds[a].occupancy * kinds.kinds[b].occupancy * (w.f[a] * w.f[b] + factors[a].imaginary * factors[b].imaginary)
                }
                for m in mixedSitePairs {
                    let x = structure.atoms[m[0]], y = structure.atoms[m[1]]
                    if ElementPair(x.element, y.element) == pair { total -= 2 * x.occupancy * y.occupancy * pairWeight(x, y, w.f) }
                }
                inten.append(total); s.append(total / w.nMeanF2)
            } else {
                s.append(f[k] / q); inten.append(w.nMeanF2 * f[k] / q)
            }
        }
        return (s, inten)
    }

    // MARK: - G(r)

    /// The Q grid of the G(r) integral and its Gregory weights (see the type's documentation).
    public var integrationGrid: (grid: UniformGrid, weights: [Double]) {
        let s = settings
        let omega = maximumPairDistance + s.rmax
        let hMax = s.qIntegrationStep ?? min(0.01, 0.5 / max(omega, 1))
        let n = max(16, Int(((s.qmax - s.qmin) / hMax).rounded(.up)))
        let h = (s.qmax - s.qmin) / Double(n)
        let grid = UniformGrid(start: s.qmin, step: h, count: n + 1)
        var w = [Double](repeating: h, count: n + 1)
        let ends = [3.0 / 8, 7.0 / 6, 23.0 / 24]
        for i in 0..<3 { w[i] = h * ends[i]; w[n - i] = h * ends[i] }
        return (grid, w)
    }

    /// The r grid of G(r).
    public var rGrid: UniformGrid { UniformGrid(from: settings.rmin, through: settings.rmax, step: settings.rstep) }

    /// G(r) (Å⁻²); with `partials`, also each element pair's share (they add up to G).
    public func pairDistributionFunction(partials: [ElementPair] = []) -> Curve {
        let (qg, qw) = integrationGrid
        let sums = pairSums(on: qg)
        var columns = [[Double]]()
        var labels = ["r(A)", "G(A^-2)"]
        let prefactors = pairPrefactors(grid: qg)
        for only in [nil] + partials.map(Optional.some) {
            var f = reducedStructureFunction(grid: qg, sums: sums, onlyPair: only, prefactors: prefactors)
            applyLorch(&f, grid: qg)
            columns.append(sineTransform(f, qGrid: qg, weights: qw))
            if let p = only { labels.append("G_\(p)(A^-2)") }
        }
        return Curve(x: rGrid.values, columns: columns, labels: labels)
    }

    /// (2/π) Σ_k w_k F_k sin(Q_k r) · exp(−(qdamp r)²/2) on the r grid.
    func sineTransform(_ f: [Double], qGrid: UniformGrid, weights: [Double]) -> [Double] {
        var g = DebyeCalculator.sineTransformMany([f], qGrid: qGrid, weights: weights, rGrid: rGrid, threads: settings.threads)[0]
        damp(&g)
        return g
    }

    /// Multiplies F(Q) by the Lorch window sin(πQ/Qmax)/(πQ/Qmax) when `settings.lorch` is on.
    func applyLorch(_ f: inout [Double], grid: UniformGrid) {
        guard settings.lorch else { return }
        for k in f.indices { let x = Double.pi * grid[k] / settings.qmax; f[k] *= x == 0 ? 1 : sin(x) / x }
    }

    /// Multiplies by exp(−(qdamp·r)²/2).
    func damp(_ g: inout [Double]) {
        let rg = rGrid
        for j in g.indices { let r = rg[j]; g[j] *= exp(-0.5 * settings.qdamp * settings.qdamp * r * r) }
    }

    /// (2/π) Σ_k w_k F_k sin(Q_k r_j) for several F at once (no damping). Tiles M[k, j] = sin(Q_k r_j)
    /// are generated by the recurrence sin(Q(r + Δr)) = 2cos(QΔr) sin(Qr) − sin(Q(r − Δr)),
    /// vectorised across Q (or taken from `matrix`, when given, for repeated transforms), and
    /// reduced with BLAS (dgemv for one F, dgemm for several: a tile serves all of them).
    static func sineTransformMany(_ fs: [[Double]], qGrid: UniformGrid, weights: [Double], rGrid rg: UniformGrid, threads: Int,
                                  matrix: SineMatrix? = nil) -> [[Double]] {
        let nr = rg.count, nq = qGrid.count, m = fs.count
        if let s = matrix { precondition(s.qGrid == qGrid && s.rGrid == rg, "sine matrix built for other grids") }
        // X: nq × m, column-major, weights and 2/π folded in.
        var x = [Double](repeating: 0, count: nq * m)
        for (c, f) in fs.enumerated() { for k in 0..<nq { x[k + c * nq] = 2 / Double.pi * weights[k] * f[k] } }
        let out = SharedBuffer<Double>(repeating: 0, count: nr * m)
        let rTile = SineMatrix.rTile, qTile = 256
        let rBlocks = (nr + rTile - 1) / rTile
        let xs = x
        ParallelBlocks.run(blocks: rBlocks, threads: threads) { blk, _ in
            xs.withUnsafeBufferPointer { xp in
                let j0 = blk * rTile, nrt = min(rTile, nr - j0)
                if let s = matrix {
                    s.storage.withUnsafeBufferPointer { mp in
                        reduce(mp.baseAddress! + j0 * nq, nq: nq, nrt: nrt, lda: nq, xp.baseAddress!, ldx: nq, m: m, out.pointer + j0, ldo: nr)
                    }
                    return
                }
                let tile = UnsafeMutablePointer<Double>.allocate(capacity: rTile * qTile)
                defer { tile.deallocate() }
                var k0 = 0
                while k0 < nq {
                    let nqt = min(qTile, nq - k0)
                    SineMatrix.fill(tile, qGrid: qGrid, k: k0..<(k0 + nqt), rGrid: rg, j: j0..<(j0 + nrt))
                    reduce(tile, nq: nqt, nrt: nrt, lda: nqt, xp.baseAddress! + k0, ldx: nq, m: m, out.pointer + j0, ldo: nr)
                    k0 += nqt
                }
            }
        }
        let all = out.array
        return (0..<m).map { Array(all[($0 * nr)..<(($0 + 1) * nr)]) }
    }

    /// out[j, c] += Σ_k tile[k, j] X[k, c] for j < nrt, c < m (tile: nq × nrt, leading dimension lda).
    private static func reduce(_ tile: UnsafePointer<Double>, nq: Int, nrt: Int, lda: Int, _ x: UnsafePointer<Double>, ldx: Int,
                               m: Int, _ out: UnsafeMutablePointer<Double>, ldo: Int) {
        if m == 1 {
            LinearAlgebra.multiplyTransposed(tile, rows: nq, columns: nrt, leading: lda, x, into: out, accumulate: true)
        } else {
            // out (nrt × m) += tileᵀ (nrt × nq) · X (nq × m)
            LinearAlgebra.gemm(transposeA: true, transposeB: false, m: nrt, n: m, k: nq, tile, lda: lda, x, ldb: ldx, beta: 1, out, ldc: ldo)
        }
    }

    /// G(r) of several calculators that share the Q integration grid and r grid (for example the
    /// parameter sets of a Jacobian): each F(Q) is computed separately, the sine transform once.
    /// `prefactors` (from `pairPrefactors(grid:)` on the integration grid) saves recomputing them.
    /// `matrix` (for the integration and r grids) saves regenerating the sine tiles.
    static func pairDistributionFunctions(_ calcs: [DebyeCalculator], prefactors: [[Double]]? = nil, matrix: SineMatrix? = nil) -> [[Double]] {
        guard let first = calcs.first else { return [] }
        let (qg, qw) = first.integrationGrid
        let a = prefactors ?? first.pairPrefactors(grid: qg)
        let fs = calcs.map { c -> [Double] in
            precondition(c.integrationGrid.grid == qg && c.rGrid == first.rGrid, "batched calculators must share grids")
            var f = c.reducedStructureFunction(grid: qg, sums: c.pairSums(on: qg), prefactors: a)
            c.applyLorch(&f, grid: qg)
            return f
        }
        var gs = sineTransformMany(fs, qGrid: qg, weights: qw, rGrid: first.rGrid, threads: first.settings.threads, matrix: matrix)
        for i in calcs.indices { calcs[i].damp(&gs[i]) }
        return gs
    }

    // MARK: - Pair distribution R(r)

    /// Radial distribution R(r) (Å⁻¹): (1/N) Σ_{i≠j} w_ij · Gauss(r − r_ij; σ_ij), w_ij = f_i(0) f_j(0)/⟨f(0)⟩²
    /// (X-ray, Q = 0) or b_i b_j/⟨b⟩² (neutrons), σ_ij as in the Debye sum (floored at 0.005 Å).
    /// ∫R dr is the mean weighted coordination number of the whole cluster (N − 1 for equal weights).
    public func radialDistribution(partial: ElementPair? = nil) -> Curve {
        let rg = rGrid
        var out = [Double](repeating: 0, count: rg.count)
        let w0 = weights(at: 0)
        let nAtoms = w0.nMeanF2 > 0 ? kinds.kinds.indices.reduce(0.0) { $0 + kinds.count($1) * kinds.kinds[$1].occupancy } : 1
        let meanF = (w0.nMeanF2 / nAtoms).squareRoot()
        func add(_ r: Double, _ c: Double, _ uSum: Double) {
            let sg = max(0.005, sigma2(uSum, r).squareRoot())
            let lo = max(0, Int(((r - 6 * sg - rg.start) / rg.step).rounded(.down)))
            let hi = min(rg.count - 1, Int(((r + 6 * sg - rg.start) / rg.step).rounded(.up)))
            guard lo <= hi else { return }
            let norm = c / (sg * (2 * Double.pi).squareRoot())
            for j in lo...hi { let d = (rg[j] - r) / sg; out[j] += norm * exp(-0.5 * d * d) }
        }
        for (p, (a, b)) in kinds.pairs.enumerated() {
            if let only = partial, ElementPair(kinds.kinds[a].element, kinds.kinds[b].element) != only { continue }
            let uSum = kinds.kinds[a].uiso + kinds.kinds[b].uiso
            let scale = 2 * kinds.kinds[a].occupancy * kinds.kinds[b].occupancy * (w0.f[a] * w0.f[b] + factors[a].imaginary * factors[b].imaginary) / (meanF * meanF) / nAtoms
            if let h = histogram {
                for (r, c) in zip(h.distances[p], h.counts[p]) where r >= DebyeCalculator.siteTolerance { add(r, c * scale, uSum) }
            } else {
                let pa = kinds.positions[a], pb = kinds.positions[b]
                for i in pa.indices { for j in (a == b ? i + 1 : 0)..<pb.count {
                    let d = simd_length(pb[j] - pa[i])
                    if d >= DebyeCalculator.siteTolerance { add(d, scale, uSum) }
                } }
            }
        }
        return Curve(x: rg.values, columns: [out], labels: ["r(A)", "R(A^-1)"])
    }
}
