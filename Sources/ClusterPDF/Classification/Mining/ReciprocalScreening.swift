import Foundation

/// Fast screening of candidate clusters against reciprocal-space data (a 2θ powder pattern,
/// I(Q), S(Q) or F(Q)): the counterpart of `ScreeningModel` for real-space curves.
///
/// For each candidate, with the pair counts c_pb of its histogram on the shared bins r_b = b·0.02 Å,
///
///     T_p(Q) = Σ_b c_pb sin(Q r_b)/(Q r_b)                     (one BLAS product for many candidates)
///     I(Q; zoom, U) = Σ_e N_e f_e(Q)² + 2 Σ_p f_a(Q) f_b(Q) exp(−Q² U) T_p(zoom·Q)
///
/// since with one Uiso for every atom the Debye–Waller factor exp(−Q²σ²/2), σ² = 2U, does not
/// depend on r. T_p is computed once on a uniform Q grid (step 0.02 Å⁻¹, covering the zooms) and
/// interpolated; every (zoom, U) of `zooms` × `uisos` then costs one pass over the screening
/// points, with the scale and the Chebyshev background solved in closed form. A 2θ pattern is
/// modelled with its wavelengths and polarization but without the instrument profile and zero
/// shift (both far narrower than a cluster's peaks); the finalists are refined with them.
struct ReciprocalScreening: Sendable {
    /// Zooms tried for each candidate.
    static let zooms = [0.96, 0.98, 1.0, 1.02, 1.04]
    /// Uiso values tried (Å²).
    static let uisos = [0.004, 0.01, 0.02]
    /// Largest number of screening points (the fit points are subsampled evenly).
    static let maximumPoints = 300

    let kind: ReciprocalKind
    /// Screening points: x, y, weights, Chebyshev basis.
    let x: [Double], y: [Double], w: [Double]
    let basis: [[Double]]
    /// Per line l and point i: Q (Å⁻¹) and the line's weight × polarization.
    let q: [[Double]], lineWeight: [[Double]]
    /// Grid of T_p.
    let grid: UniformGrid
    /// sin(Q_k r_b)/(Q_k r_b), column-major nQ × bins.
    let sinc: [Double]
    let bins: Int
    /// Elements (histogram order) and f_e at each line and point: f[l][i][e].
    let elements: [Element]
    let f: [[[Double]]]

    /// Screening of `data` over the fit points in `range` (x units), for candidates made of `elements`.
    init(data: ReciprocalData, range: ClosedRange<Double>?, elements: [Element], backgroundTerms: Int, radiation: Radiation,
         dispersion: AnomalousDispersion?, maximumDistance: Double) throws {
        kind = data.kind
        let c = data.curve
        var idx = c.x.indices.filter { range?.contains(c.x[$0]) ?? true }
        guard idx.count >= 8 else { throw SettingsError.invalid("fewer than 8 data points in the fit range of \(c.path)") }
        let all = idx
        if idx.count > ReciprocalScreening.maximumPoints {
            let stride = Double(idx.count - 1) / Double(ReciprocalScreening.maximumPoints - 1)
            idx = (0..<ReciprocalScreening.maximumPoints).map { all[Int((Double($0) * stride).rounded())] }
        }
        x = idx.map { c.x[$0] }; y = idx.map { c.y[$0] }
        w = data.weights(idx)
        basis = PowderPattern.chebyshevBasis(x, count: backgroundTerms)
        let xs = x
        if kind == .pattern, let p = data.powder {
            q = p.lines.map { l in xs.map { 4 * Double.pi * sin($0 * Double.pi / 360) / l.lambda } }
            lineWeight = p.lines.map { l in xs.map { l.weight * p.polarization(atTwoTheta: $0, radiation: radiation) } }
        } else {
            q = [xs]; lineWeight = [[Double](repeating: 1, count: xs.count)]
        }
        let qs = q
        let qLo = qs.flatMap { $0 }.min()!, qHi = qs.flatMap { $0 }.max()!
        grid = UniformGrid(from: max(0, qLo * ReciprocalScreening.zooms.first! - 0.03), through: qHi * ReciprocalScreening.zooms.last! + 0.03, step: 0.02)
        bins = Int(maximumDistance / CandidateHistogram.binWidth) + 4
        var m = [Double](repeating: 0, count: grid.count * bins)
        for b in 0..<bins {
            let r = Double(b) * CandidateHistogram.binWidth
            for k in 0..<grid.count {
                let qr = grid[k] * r
                m[k + b * grid.count] = qr < 1e-8 ? 1 : sin(qr) / qr
            }
        }
        sinc = m
        self.elements = elements
        let factors = try elements.map { try ScatteringFactor(element: $0, radiation: radiation, dispersion: dispersion) }
        f = qs.map { ql in ql.map { qi in factors.map { $0.value(q: qi) } } }
        // f″ only shifts f_a f_b by f″_a f″_b.
        imaginary = factors.map(\.imaginary)
        debyeWaller = ReciprocalScreening.uisos.map { u in qs.map { ql in ql.map { exp(-$0 * $0 * u) } } }
    }

    /// f″ of each element (0 without anomalous dispersion).
    let imaginary: [Double]
    /// exp(−Q² U) for each Uiso of `uisos`, line and point.
    let debyeWaller: [[[Double]]]

    /// T_p on `grid` for several candidates at once: [candidate][pair][k].
    func pairSums(_ hs: [CandidateHistogram]) -> [[[Double]]] {
        guard !hs.isEmpty else { return [] }
        let nb = min(bins, hs.map { $0.counts.map(\.count).max() ?? 0 }.max()!)
        let cols = hs.reduce(0) { $0 + $1.counts.count }
        var cm = [Double](repeating: 0, count: nb * cols)
        var col = 0
        for h in hs { for p in h.counts { for b in 0..<min(nb, p.count) { cm[b + col * nb] = Double(p[b]) }; col += 1 } }
        var t = [Double](repeating: 0, count: grid.count * cols)
        sinc.withUnsafeBufferPointer { a in cm.withUnsafeBufferPointer { b in t.withUnsafeMutableBufferPointer { c in
            LinearAlgebra.gemm(transposeA: false, transposeB: false, m: grid.count, n: cols, k: nb, a.baseAddress!, lda: grid.count,
                               b.baseAddress!, ldb: nb, beta: 0, c.baseAddress!, ldc: grid.count)
        } } }
        var out = [[[Double]]]()
        col = 0
        for h in hs {
            var per = [[Double]]()
            for _ in h.counts { per.append(Array(t[(col * grid.count)..<((col + 1) * grid.count)])); col += 1 }
            out.append(per)
        }
        return out
    }

    /// Terms of one candidate that depend neither on zoom nor on U, per line and point: the self
    /// term Σ_e N_e |f_e|² and N |⟨f⟩|².
    func constantTerms(_ h: CandidateHistogram) -> (selfTerm: [[Double]], meanF2: [[Double]]) {
        let n = h.atomCounts.map(Double.init)
        let total = n.reduce(0, +)
        var selfTerm = q.map { [Double](repeating: 0, count: $0.count) }, meanF2 = selfTerm
        for l in q.indices {
            for i in x.indices {
                let fi = f[l][i]
                var st = 0.0, sumF = 0.0, sumFi = 0.0
                for e in n.indices { st += n[e] * (fi[e] * fi[e] + imaginary[e] * imaginary[e]); sumF += n[e] * fi[e]; sumFi += n[e] * imaginary[e] }
                selfTerm[l][i] = st
                meanF2[l][i] = (sumF * sumF + sumFi * sumFi) / total
            }
        }
        return (selfTerm, meanF2)
    }

    /// Σ_p Re(f_a f_b*) T_p(zoom·Q) per line and point (independent of U).
    func pairTerms(_ h: CandidateHistogram, sums: [[Double]], zoom: Double) -> [[Double]] {
        let pairs = h.pairs
        return q.indices.map { l in
            x.indices.map { i in
                let fi = f[l][i]
                var t = 0.0
                for (p, (a, b)) in pairs.enumerated() {
                    t += (fi[a] * fi[b] + imaginary[a] * imaginary[b]) * grid.interpolateCubic(sums[p], at: zoom * q[l][i])
                }
                return t
            }
        }
    }

    /// The model shape at the screening points for the Uiso of index `u` in `uisos`.
    func shape(constant c: (selfTerm: [[Double]], meanF2: [[Double]]), pairTerm: [[Double]], uisoIndex u: Int) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        for l in q.indices {
            for i in x.indices {
                let pairPart = 2 * debyeWaller[u][l][i] * pairTerm[l][i]
                switch kind {
                case .pattern, .intensity: out[i] += lineWeight[l][i] * (c.selfTerm[l][i] + pairPart)
                case .structureFactor: out[i] += pairPart / c.meanF2[l][i]
                case .reducedStructureFunction: out[i] += q[l][i] * pairPart / c.meanF2[l][i]
                }
            }
        }
        return out
    }

    /// Best scale and background for a shape: (Rw, scale).
    func fit(_ m: [Double]) -> (rw: Double, scale: Double) {
        let offset = kind == .structureFactor ? 1.0 : 0
        let cols = [m] + basis
        let k = cols.count
        var a = [Double](repeating: 0, count: k * k), b = [Double](repeating: 0, count: k)
        for i in x.indices {
            let t = y[i] - offset
            for r in 0..<k {
                b[r] += w[i] * cols[r][i] * t
                for s in r..<k { a[r * k + s] += w[i] * cols[r][i] * cols[s][i] }
            }
        }
        for r in 0..<k { for s in 0..<r { a[r * k + s] = a[s * k + r] } }
        var sol = ReciprocalScreening.solve(a, b, k) ?? [Double](repeating: 0, count: k)
        if sol[0] < 0 {  // no negative scale: background alone
            let kb = k - 1
            var a2 = [Double](repeating: 0, count: kb * kb), b2 = [Double](repeating: 0, count: kb)
            for r in 0..<kb { b2[r] = b[r + 1]; for s in 0..<kb { a2[r * kb + s] = a[(r + 1) * k + s + 1] } }
            sol = [0] + (kb > 0 ? (ReciprocalScreening.solve(a2, b2, kb) ?? [Double](repeating: 0, count: kb)) : [])
        }
        var num = 0.0, den = 0.0
        for i in x.indices {
            var model = offset
            for r in 0..<k { model += sol[r] * cols[r][i] }
            num += w[i] * (y[i] - model) * (y[i] - model); den += w[i] * y[i] * y[i]
        }
        return (den > 0 ? (num / den).squareRoot() : 1, sol[0])
    }

    /// Gaussian elimination with partial pivoting of a small k×k system (row-major).
    static func solve(_ a0: [Double], _ b0: [Double], _ k: Int) -> [Double]? {
        var a = a0, b = b0
        for c in 0..<k {
            guard let p = (c..<k).max(by: { abs(a[$0 * k + c]) < abs(a[$1 * k + c]) }), abs(a[p * k + c]) > 1e-300 else { return nil }
            if p != c { for j in 0..<k { a.swapAt(c * k + j, p * k + j) }; b.swapAt(c, p) }
            for r in (c + 1)..<k {
                let f = a[r * k + c] / a[c * k + c]
                for j in c..<k { a[r * k + j] -= f * a[c * k + j] }
                b[r] -= f * b[c]
            }
        }
        var s = [Double](repeating: 0, count: k)
        for r in stride(from: k - 1, through: 0, by: -1) {
            var v = b[r]
            for j in (r + 1)..<k { v -= a[r * k + j] * s[j] }
            s[r] = v / a[r * k + r]
        }
        return s.allSatisfy(\.isFinite) ? s : nil
    }

    /// Screens every candidate of `set` (same elements as this screening): best (Rw, scale,
    /// zoom, Uiso) over `zooms` × `uisos`.
    func screen(_ set: CandidateSet, threads: Int) -> [ClusterMiner.Screened] {
        let n = set.entries.count
        let out = SharedBuffer<ClusterMiner.Screened>(repeating: ClusterMiner.Screened(), count: n)
        // Chunks of similar size share one product (bins up to the chunk's largest candidate).
        let order = (0..<n).sorted { (set.entries[$0].histogram.maximumDistance, $0) < (set.entries[$1].histogram.maximumDistance, $1) }
        let chunk = 32
        let chunks = (n + chunk - 1) / chunk
        ParallelBlocks.run(blocks: chunks, threads: threads) { c, _ in
            let members = Array(order[(c * chunk)..<min(n, (c + 1) * chunk)]).filter { set.entries[$0].histogram.elements == elements }
            let sums = pairSums(members.map { set.entries[$0].histogram })
            for (k, i) in members.enumerated() {
                var best = ClusterMiner.Screened()
                let h = set.entries[i].histogram
                let constant = constantTerms(h)
                for z in ReciprocalScreening.zooms {
                    let pairTerm = pairTerms(h, sums: sums[k], zoom: z)
                    for (u, uiso) in ReciprocalScreening.uisos.enumerated() {
                        let r = fit(shape(constant: constant, pairTerm: pairTerm, uisoIndex: u))
                        if r.rw < best.rw { best = ClusterMiner.Screened(rw: r.rw, scale: r.scale, zoom: z, uiso: uiso, delta2: 0) }
                    }
                }
                out.pointer[i] = best
            }
        }
        return out.array
    }
}
