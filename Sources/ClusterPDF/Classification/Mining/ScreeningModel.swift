import Foundation

/// The fast, approximate G(r) used to screen thousands of candidates against one curve.
///
/// With the scattering-factor products replaced by their average over [Qmin, Qmax] (the weights of
/// PDFgetX3's Q-averaged normalisation), the Debye G(r) of a cluster is a sum over its pair
/// histogram of one kernel per pair,
///
///     G(r) = Σ_b h_b [K_σb(r − r_b) − K_σb(r + r_b)],  h_b = 2 Σ_pairs w_ab n_ab(b) / (N r_b),
///     K_σ(x) = (1/π) ∫_Qmin^Qmax exp(−Q²σ²/2) cos(Qx) dQ,
///
/// split into the part ∫_0^Qmax, tabulated for a geometric ladder of σ and truncated at ±3 Å,
/// and the part ∫_0^Qmin (the particle's small-angle baseline, σ-independent at such Q), done as a
/// short sine sum. σ_b² = 2U·(1 − δ2/r_b²) (`PeakWidth`). Zoom reads the zoom-1 curve at r/zoom (the
/// 1/zoom² factor goes into the scale), qdamp multiplies exp(−(qdamp·r)²/2), and the scale is the
/// closed-form least-squares one, so Rw² = 1 − (Σ g m)² / (Σ g² Σ m²).
///
/// It agrees with the exact engine to a few per cent of the peak height (tested), ample to rank
/// candidates; the best ones are then refined with the exact engine.
struct ScreeningModel: Sendable {
    /// Screening fit points: r (Å), observed G and qdamp envelope.
    let r: [Double], g: [Double], damp: [Double]
    /// Σ g².
    let gg: Double
    /// Model grid step Δ (Å) = the histogram bin width; model grid size.
    let step: Double, modelCount: Int
    /// Kernel half-width (bins).
    let halfWidth: Int
    /// Smallest σ of the ladder (Å) and its ratio.
    let sigmaMin = 0.02, sigmaRatio = 1.04
    /// Kernels K_σ (∫_0^Qmax), level k at σ = sigmaMin·ratio^k, samples −w…w.
    let bank: [[Float]]
    /// Low-Q sine sum: the Simpson weight × (2/π) of each Q node in [0, Qmin].
    let lowWeights: [Double]
    /// sin(Q r_m) on the model grid and sin(Q r_b) on the bins, one row per low-Q node.
    let lowSineModel: [[Double]], lowSineBins: [[Double]]
    /// Q grid for the Q-averaged scattering-factor weights and the factors of each element there.
    let qAverage: [Double]
    let radiation: Radiation
    /// Largest bin the model can use.
    var maxBin: Int { modelCount + halfWidth }
    let qmin: Double
    /// For each screened zoom and fit point, the model-grid index k of the Catmull–Rom stencil
    /// (k − 1 … k + 2; −1 where the point falls outside the model) and its four weights times the
    /// qdamp envelope: they depend on the zoom and r only, so `bestZoom` reads them instead of
    /// working them out for every candidate and grid cell.
    let tapIndex: [[Int32]], tapWeights: [[Double]]

    /// Zoom values screened (1 ± 4 %).
    static let zooms: [Double] = stride(from: 0.96, through: 1.04 + 1e-9, by: 0.005).map { $0 }
    /// (U Å², δ2 Å²) grid of the first, coarse pass and of the second pass. The first pass's third
    /// cell (0.08, 6) keeps poorly ordered curves' best candidates in the second pass: without it
    /// the candidate that refines best on CdSe-1 ranked 712th after the first pass, and never
    /// reached the second (+0.25 s per classification). The second pass adds
    /// δ2 = 6 and 7 Å² at the large U: measured nanoparticle curves refine to δ2 ≈ 6 Å² with U ≈
    /// 0.05–0.1 Å² (a sharp first shell, r₁² ≈ 5.5–7.8 Å² for the library's binaries, and broad
    /// further shells), where Rw changes fast with δ2 (CdSe-2, one candidate: 0.41 at δ2 = 5,
    /// 0.34 at 6, 0.45 at 7.5), so a grid that stops at 5 ranks such candidates by a poor fit.
    static let firstPass: [(Double, Double)] = [(0.008, 2.5), (0.03, 5), (0.08, 6)]
    static let secondPass: [(Double, Double)] = [0.003, 0.006, 0.012, 0.025, 0.05, 0.1].flatMap { u in [0.0, 2.5, 5].map { (u, $0) } }
        + [0.025, 0.05, 0.1].flatMap { u in [6.0, 7.0].map { (u, $0) } }

    /// A screening model for the points of `curve` in `range` (subsampled to ≥ 0.04 Å).
    init(curve: MeasuredCurve, range: ClosedRange<Double>, qmin: Double, qmax: Double, qdamp: Double, radiation: Radiation) {
        var rr = [Double](), gg = [Double]()
        var last = -Double.infinity
        for (x, y) in zip(curve.x, curve.y) where range.contains(x) && x - last >= 0.04 - 1e-9 {
            rr.append(x); gg.append(y); last = x
        }
        r = rr; g = gg
        damp = rr.map { exp(-0.5 * (qdamp * $0) * (qdamp * $0)) }
        self.gg = gg.reduce(0) { $0 + $1 * $1 }
        step = CandidateHistogram.binWidth
        modelCount = Int(((range.upperBound / ScreeningModel.zooms[0]) + 0.2) / step) + 3
        halfWidth = Int((3.0 / step).rounded())
        self.qmin = qmin
        self.radiation = radiation
        // Kernel ladder up to σ = 0.7 Å (Simpson in Q, step ≤ 0.02 Å⁻¹).
        var levels = [[Float]]()
        var sigma = sigmaMin
        let nq = max(2, Int((qmax / 0.02).rounded(.up))) & ~1
        let hq = qmax / Double(nq)
        let w = halfWidth
        while sigma <= 0.7 {
            var k = [Float](repeating: 0, count: 2 * w + 1)
            for j in 0...w {
                let x = Double(j) * step
                var s = 0.0
                for i in 0...nq {
                    let q = Double(i) * hq
                    let c = (i == 0 || i == nq) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
                    s += c * exp(-0.5 * q * q * sigma * sigma) * cos(q * x)
                }
                let v = Float(s * hq / 3 / Double.pi)
                k[w + j] = v; k[w - j] = v
            }
            levels.append(k)
            sigma *= sigmaRatio
        }
        bank = levels
        // Low-Q part: Simpson over [0, Qmin], fine enough for r + r_b up to 2·(rmax + w).
        let span = 2 * (Double(modelCount + w) * step)
        let nl = max(2, Int((qmin * span / (2 * Double.pi) * 8).rounded(.up))) & ~1
        let hl = qmin / Double(nl)
        let lowQ = (0...nl).map { Double($0) * hl }
        lowWeights = (0...nl).map { i in ((i == 0 || i == nl) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)) * hl / 3 * 2 / Double.pi }
        let mc = modelCount
        lowSineModel = lowQ.map { q in (0..<mc).map { sin(q * Double($0) * CandidateHistogram.binWidth) } }
        lowSineBins = lowQ.map { q in (0...(mc + w)).map { sin(q * Double($0) * CandidateHistogram.binWidth) } }
        qAverage = stride(from: max(qmin, 0.5), through: qmax, by: max(0.5, (qmax - qmin) / 20)).map { $0 }
        var indices = [[Int32]](), weights = [[Double]]()
        let inv = 1 / step
        for z in ScreeningModel.zooms {
            var ks = [Int32](repeating: -1, count: rr.count), ws = [Double](repeating: 0, count: 4 * rr.count)
            for i in rr.indices {
                let u = rr[i] / z * inv
                let k = Int(u)
                guard k >= 1, k + 2 < mc else { continue }
                let (w0, w1, w2, w3) = UniformGrid.catmullRomWeights(u - Double(k))
                ks[i] = Int32(k)
                ws[4 * i] = w0 * damp[i]; ws[4 * i + 1] = w1 * damp[i]
                ws[4 * i + 2] = w2 * damp[i]; ws[4 * i + 3] = w3 * damp[i]
            }
            indices.append(ks); weights.append(ws)
        }
        tapIndex = indices; tapWeights = weights
    }

    /// Pair weights w_ab = ⟨f_a f_b⟩/⟨f⟩² averaged over [Qmin, Qmax] for the histogram's composition.
    func pairWeights(_ h: CandidateHistogram) -> [Double]? {
        guard let factors = try? h.elements.map({ try ScatteringFactor(element: $0, radiation: radiation) }) else { return nil }
        let n = Double(h.atomCount)
        let x = h.atomCounts.map { Double($0) / n }
        return h.pairs.map { a, b in
            var s = 0.0
            for q in qAverage {
                let f = factors.map { $0.value(q: q) }
                let mean = zip(x, f).reduce(0) { $0 + $1.0 * $1.1 }
                s += f[a] * f[b] / (mean * mean)
            }
            return s / Double(qAverage.count)
        }
    }

    /// h_b of the histogram (pair weights, 2/(N r_b)); nil when its elements have no scattering factors.
    func weightedHistogram(_ h: CandidateHistogram) -> [Float]? {
        guard let w = pairWeights(h) else { return nil }
        let nb = min(h.counts.first?.count ?? 0, maxBin + 1)
        var out = [Float](repeating: 0, count: nb)
        let n = Double(h.atomCount)
        for b in 1..<max(1, nb) {
            var s = 0.0
            for (p, c) in h.counts.enumerated() { s += w[p] * Double(c[b]) }
            out[b] = Float(2 * s / (n * Double(b) * step))
        }
        return out
    }

    /// The low-Q (baseline) part subtracted from the model, on the model grid.
    func lowQPart(_ h: [Float]) -> [Float] {
        guard qmin > 0 else { return [Float](repeating: 0, count: modelCount) }
        var out = [Double](repeating: 0, count: modelCount)
        for k in lowWeights.indices {
            var f = 0.0
            let sb = lowSineBins[k]
            for b in h.indices { f += Double(h[b]) * sb[b] }
            let c = f * lowWeights[k]
            let row = lowSineModel[k]
            for m in 0..<modelCount { out[m] += c * row[m] }
        }
        return out.map { Float($0) }
    }

    /// h_b of each element pair of the histogram (`CandidateHistogram.pairs` order; their sum is
    /// `weightedHistogram`); nil when its elements have no scattering factors.
    func weightedPartials(_ h: CandidateHistogram) -> [[Float]]? {
        guard let w = pairWeights(h) else { return nil }
        let nb = min(h.counts.first?.count ?? 0, maxBin + 1)
        let n = Double(h.atomCount)
        return h.counts.enumerated().map { p, c in
            var out = [Float](repeating: 0, count: nb)
            for b in 1..<max(1, nb) { out[b] = Float(2 * w[p] * Double(c[b]) / (n * Double(b) * step)) }
            return out
        }
    }

    /// The zoom-1 model on the model grid with one Uiso per element (Å², `uiso[k]` for
    /// `elements[k]`) and δ2, given each pair's h_b (`weightedPartials`, pairs in `pairs` order)
    /// and the low-Q part of their sum.
    func curve(partials: [[Float]], pairs: [(Int, Int)], low: [Float], uiso: [Double], delta2: Double, into out: inout [Float]) {
        for m in 0..<modelCount { out[m] = -low[m] }
        for (k, (a, b)) in pairs.enumerated() where k < partials.count {
            accumulate(partials[k], uSum: uiso[a] + uiso[b], delta2: delta2, into: &out)
        }
    }

    /// The zoom-1 model on the model grid for (U, δ2), given h_b and its low-Q part.
    func curve(_ h: [Float], low: [Float], uiso: Double, delta2: Double, into out: inout [Float]) {
        for m in 0..<modelCount { out[m] = -low[m] }
        accumulate(h, uSum: 2 * uiso, delta2: delta2, into: &out)
    }

    /// Adds the peaks of h_b with σ_b² from the Uiso sum of the pair and δ2 to `out`.
    private func accumulate(_ h: [Float], uSum: Double, delta2: Double, into out: inout [Float]) {
        let w = halfWidth, mc = modelCount
        let width = PeakWidth(delta2: delta2)
        let logRatio = log(sigmaRatio)
        out.withUnsafeMutableBufferPointer { o in
            for b in 1..<h.count where h[b] != 0 {
                let rb = Double(b) * step
                let s2 = width.sigma2(uSum: uSum, r: rb)
                let sigma = max(sigmaMin, s2.squareRoot())
                let level = min(bank.count - 1, Int((log(sigma / sigmaMin) / logRatio).rounded()))
                let hb = h[b]
                bank[level].withUnsafeBufferPointer { k in
                    // K(r − r_b): output m = b + j − w for kernel index j.
                    let lo = max(0, w - b), hi = min(2 * w, mc - 1 - b + w)
                    if lo <= hi { for j in lo...hi { o[b + j - w] += hb * k[j] } }
                    // −K(r + r_b): output m = j − w − b ≥ 0.
                    if b <= w {
                        let lo2 = w + b, hi2 = min(2 * w, mc - 1 + w + b)
                        if lo2 <= hi2 { for j in lo2...hi2 { o[j - w - b] -= hb * k[j] } }
                    }
                }
            }
        }
    }

    /// Best (Rw, scale, zoom) over the screened zooms for a model curve on the model grid (of
    /// `modelCount` points).
    func bestZoom(_ model: [Float]) -> (rw: Double, scale: Double, zoom: Double) {
        var best = (rw: Double.infinity, scale: 0.0, zoom: 1.0)
        for zi in ScreeningModel.zooms.indices {
            guard let f = fit(model, zoomIndex: zi) else { continue }
            if f.rw < best.rw { best = (f.rw, f.scale, ScreeningModel.zooms[zi]) }
        }
        return best
    }

    /// A model curve (zoom-1 grid) read at r/zoom (zoom `ScreeningModel.zooms[zoomIndex]`) at the
    /// fit points, times the qdamp envelope: the curve `fit` compares with the data.
    func sampled(_ model: [Float], zoomIndex zi: Int) -> [Double] {
        precondition(model.count >= modelCount, "screening model curve shorter than the model grid")
        var out = [Double](repeating: 0, count: r.count)
        for i in 0..<tapIndex[zi].count {
            let k = Int(tapIndex[zi][i])
            guard k >= 1 else { continue }
            let w = tapWeights[zi]
            out[i] = w[4 * i] * Double(model[k - 1]) + w[4 * i + 1] * Double(model[k]) + w[4 * i + 2] * Double(model[k + 1]) + w[4 * i + 3] * Double(model[k + 2])
        }
        return out
    }

    /// Rw and closed-form scale of a model curve read at r/zoom (zoom `ScreeningModel.zooms[zoomIndex]`)
    /// by Catmull–Rom interpolation, times qdamp; nil when the model or the data are all zero there.
    func fit(_ model: [Float], zoomIndex zi: Int) -> (rw: Double, scale: Double)? {
        // The stencils reach index modelCount − 1 (unchecked reads below).
        precondition(model.count >= modelCount, "screening model curve shorter than the model grid")
        var sgm = 0.0, smm = 0.0
        model.withUnsafeBufferPointer { p in
            tapIndex[zi].withUnsafeBufferPointer { ks in
                tapWeights[zi].withUnsafeBufferPointer { w in
                    for i in 0..<ks.count {
                        let k = Int(ks[i])
                        guard k >= 1 else { continue }
                        let m = w[4 * i] * Double(p[k - 1]) + w[4 * i + 1] * Double(p[k])
                            + w[4 * i + 2] * Double(p[k + 1]) + w[4 * i + 3] * Double(p[k + 2])
                        sgm += g[i] * m; smm += m * m
                    }
                }
            }
        }
        guard smm > 0, gg > 0 else { return nil }
        let rw2 = sgm > 0 ? max(0, 1 - sgm * sgm / (gg * smm)) : 1
        return (rw2.squareRoot(), sgm > 0 ? sgm / smm : 0)
    }
}
