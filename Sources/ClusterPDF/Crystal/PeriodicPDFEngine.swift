import Foundation

/// The state of a crystal at which its periodic G(r) is evaluated: what a refinement moves.
struct CrystalPoint: Sendable, Hashable {
    /// The lattice.
    var lattice: Lattice
    /// Fractional coordinates of each site of the asymmetric unit.
    var fractional: [SIMD3<Double>]
    /// Occupancy of each site.
    var occupancy: [Double]
    /// Uiso (Å²) of each site (used where `uCIF` is nil).
    var uiso: [Double]
    /// Anisotropic U of each site in the CIF convention (nil: isotropic).
    var uCIF: [AnisotropicDisplacement?]
    /// δ1, δ2, qbroad.
    var peakWidth: PeakWidth

    /// The point of a crystal as read; `displacements` given per element or for all atoms replace
    /// the file's values (and make the site isotropic), its fallback fills sites without any.
    init(crystal: Crystal, displacements: DisplacementSettings = DisplacementSettings(), peakWidth: PeakWidth = PeakWidth()) {
        lattice = crystal.lattice
        fractional = crystal.sites.map(\.fractional)
        occupancy = crystal.sites.map(\.occupancy)
        uiso = crystal.sites.map { displacements.perElement[$0.element] ?? displacements.all ?? $0.uiso ?? $0.uCIF?.uEquivalent ?? displacements.fallback }
        uCIF = crystal.sites.map { displacements.perElement[$0.element] == nil && displacements.all == nil ? $0.uCIF : nil }
        self.peakWidth = peakWidth
    }

    /// Same positions and lattice (the pair list can be reused).
    func sameGeometry(_ o: CrystalPoint) -> Bool { lattice == o.lattice && fractional == o.fractional }
}

/// The periodic G(r) engine, in libdiffpy PDFCalculator's formulation:
///
///     G(r) = 1/(N⟨f⟩²) Σ_i Σ_j≠i f_i f_j o_i o_j · g(r − r_ij; σ_ij)/r_ij − 4πρ₀ r,
///
/// i over the atoms of one cell, j over all atoms within reach, f the X-ray form factor at Q = 0
/// or the neutron length, o the occupancies, N = Σ o and ⟨f⟩ = Σ f·o/N per cell, ρ₀ = N/V,
/// g a normalised Gaussian of variance σ²_ij = (ŝ·U_i·ŝ + ŝ·U_j·ŝ) times the "jeong" factor
/// (`PeakWidth`). The sum is band-limited to [Qmin, Qmax] by a discrete sine transform
/// (`SineTransform`) on a grid reaching six termination ripples past the last r, exactly as
/// PDFCalculator does; qdamp and particle envelopes multiply the result.
///
/// For speed the pairs of each pair of sites are accumulated on a 0.001 Å histogram (weights
/// split between neighbouring bins so that their mean distance is kept) and the Gaussians are
/// summed on the grid by a recurrence (two products per point); the baseline's transform is
/// computed once (it is linear in ρ₀). Like PDFCalculator, peaks and baseline stop at the end of
/// the extended range.
struct PeriodicPDFEngine: Sendable {
    /// Operation index of each image of each site (fixed by the crystal as read).
    let imageOperations: [[Int]]
    /// Operations.
    let operations: [SymmetryOperation]
    /// Re f(Q=0) = f₀(0) + f′ (X-ray, electrons) or b (neutron, fm) of each site.
    let factors: [Double]
    /// f″ of each site (X-rays with anomalous dispersion; else 0).
    let imaginaryFactors: [Double]
    /// First and last r of the output (Å).
    let rmin: Double, rmax: Double
    /// Extended range of the transform: 6 termination ripples (2π/Qmax each) either side.
    let extendedRmin: Double, extendedRmax: Double
    /// Q range (Å⁻¹).
    let qmin: Double, qmax: Double
    /// Step of the grid (Å) of the peaks, the transform and the output.
    let step: Double
    /// The transform (N ≥ the extended range in steps, a power of two).
    let transform: SineTransform
    /// Number of grid points below `extendedRmax`.
    let extendedCount: Int
    /// F(Q) of the baseline −4π r on [extendedRmin, extendedRmax) at unit density.
    let baselineF: [Double]
    /// Coarser peak grids (step × 2, × 4) with their transforms (same Δq), used when `coarse` is
    /// allowed and every peak is wide enough for them (see `pdf`).
    let coarseTransforms: [(factor: Int, transform: SineTransform)]
    /// Whether the peaks may be summed on a coarser grid (refinements); the exact grid otherwise
    /// (the calculator, so that it reproduces PDFCalculator's sampling).
    let coarse: Bool
    /// Histogram bin (Å).
    static let binWidth = 1e-3
    /// Peaks are summed out to this many σ (libdiffpy: precision 3.3e-6 → 5.0 σ).
    static let cutoffSigmas = 5.2

    init(crystal: Crystal, radiation: Radiation, qmin: Double, qmax: Double, rmin: Double, rmax: Double, step: Double, coarse: Bool = false,
         dispersion: AnomalousDispersion? = nil) throws {
        self.coarse = coarse
        imageOperations = crystal.sites.indices.map { crystal.orbit(of: $0).map(\.operation) }
        operations = crystal.operations
        let sf = try crystal.sites.map { s in try ScatteringFactor(element: s.element, charge: s.charge, radiation: radiation, dispersion: dispersion) }
        factors = sf.map { $0.value(q: 0) }
        imaginaryFactors = sf.map(\.imaginary)
        self.rmin = rmin; self.rmax = rmax; self.qmin = qmin; self.qmax = qmax
        let ripples = qmax > 0 && qmax < Double.pi / step ? 6 * 2 * Double.pi / qmax : 0
        var lo = Int((max(0, rmin - ripples) / step).rounded(.up))
        if abs(max(0, rmin - ripples) - Double(lo - 1) * step) < 1e-9 { lo -= 1 }
        let hi = Int(((rmax + ripples) / step - 1e-9).rounded(.up))
        extendedRmin = Double(max(0, lo)) * step
        extendedRmax = Double(hi) * step
        extendedCount = hi
        self.step = step
        transform = SineTransform(points: hi, rStep: step)
        var ramp = [Double](repeating: 0, count: hi)
        for j in max(0, lo)..<hi { ramp[j] = -4 * Double.pi * Double(j) * step }
        baselineF = transform.forward(ramp)
        let n = transform.count
        coarseTransforms = coarse ? [4, 2].filter { n % $0 == 0 && n / $0 >= 2 }.map { ($0, SineTransform(points: n / $0, rStep: step * Double($0))) } : []
    }


    /// Cartesian positions of every atom of the cell, by site, at `p`.
    func cellPositions(_ p: CrystalPoint) -> [[SIMD3<Double>]] {
        imageOperations.indices.map { s in
            imageOperations[s].map { k in p.lattice.cartesian(Crystal.wrapped(operations[k].apply(p.fractional[s]))) }
        }
    }

    /// Cartesian U of every atom of the cell (nil for isotropic sites).
    func cellU(_ p: CrystalPoint) -> [[Matrix3?]] {
        imageOperations.indices.map { s in
            imageOperations[s].map { k in p.uCIF[s].map { Crystal.cartesianU($0.matrix, lattice: p.lattice, operation: operations[k]) } }
        }
    }

    /// The largest U_ii of any atom (Å²), for the reach of the peak tails.
    func maximumU(_ p: CrystalPoint) -> Double {
        var m = p.uiso.max() ?? 0
        for u in p.uCIF.compactMap({ $0 }) { m = max(m, u.u11, u.u22, u.u33) }
        return m
    }

    /// Reach of the pair sum (Å): the extended range plus the widest peak's tail, the extension
    /// capped at 10 Å as in libdiffpy.
    func reach(_ p: CrystalPoint) -> Double {
        let sharp = max(1, p.peakWidth.sharpening(at: max(rmax, 1e-3)))
        let sigma = (2 * maximumU(p) * sharp).squareRoot()
        let ext = min(10, (extendedRmax - rmax) + PeriodicPDFEngine.cutoffSigmas * sigma)
        return rmax + ext
    }

    /// The pairs of `p` within reach: per (site, site) kind, a histogram of Σ m_i f_i o_i f_j o_j / r_ij
    /// (isotropic sites), or for anisotropic crystals every pair with its direction (its width is
    /// computed from the U of the evaluation, so the list is reused while only U changes).
    func pairs(_ p: CrystalPoint) -> PairList {
        let pos = cellPositions(p)
        let nSites = pos.count
        let cut = reach(p), cut2 = cut * cut
        let n = p.lattice.reciprocalLengths
        let (va, vb, vc) = p.lattice.vectors
        let na = Int((cut * n.x).rounded(.up)) + 1, nb = Int((cut * n.y).rounded(.up)) + 1, nc = Int((cut * n.z).rounded(.up)) + 1
        // Translations that can bring an atom within reach: |L| ≤ reach + the cell's diagonal.
        let diagonal = max(simd_length(va + vb + vc), simd_length(va + vb - vc), simd_length(va - vb + vc), simd_length(-va + vb + vc))
        let limit2 = (cut + diagonal) * (cut + diagonal)
        var translations = [SIMD3<Double>]()
        for i in -na...na { for j in -nb...nb { for k in -nc...nc {
            let L = va * Double(i) + vb * Double(j) + vc * Double(k)
            if (L * L).sum() <= limit2 { translations.append(L) }
        } } }
        let anisotropic = p.uCIF.contains { $0 != nil }
        let bins = Int(cut / PeriodicPDFEngine.binWidth) + 3
        var list = PairList(sites: nSites, bins: anisotropic ? 0 : bins)
        for s in 0..<nSites {
            let x0 = pos[s][0]
            let ws = Double(pos[s].count) * p.occupancy[s]
            for t in 0..<nSites {
                // Re(f_s f_t*) = f_s f_t + f″_s f″_t.
                let wt = ws * (factors[s] * factors[t] + imaginaryFactors[s] * imaginaryFactors[t]) * p.occupancy[t]
                let kind = list.kind(s, t)
                for (jImage, xj) in pos[t].enumerated() {
                    let d0 = xj - x0
                    for L in translations {
                        let v = d0 + L
                        let d2 = (v * v).sum()
                        guard d2 <= cut2, d2 > 1e-12 else { continue }
                        let d = d2.squareRoot()
                        if anisotropic {
                            list.direct.append(DirectPair(distance: d, weight: wt / d, site: s, neighbour: t, image: jImage, direction: v / d))
                        } else {
                            let x = d / PeriodicPDFEngine.binWidth
                            let b = Int(x), frac = x - Double(b)
                            list.histogram[kind][b] += wt / d * (1 - frac)
                            list.histogram[kind][b + 1] += wt / d * frac
                        }
                    }
                }
            }
        }
        return list
    }

    /// Band-limited G(r) of `p` on the output grid (step `outputStep`, from 0), before qdamp,
    /// envelopes and scale; `pairs` may be reused when only U or the peak width changed.
    func pdf(_ p: CrystalPoint, pairs list: PairList) -> [Double] {
        var totalOcc = 0.0, totalF = 0.0, totalFi = 0.0
        for s in imageOperations.indices {
            let m = Double(imageOperations[s].count)
            totalOcc += m * p.occupancy[s]
            totalF += m * p.occupancy[s] * factors[s]
            totalFi += m * p.occupancy[s] * imaginaryFactors[s]
        }
        guard totalOcc > 0, totalF != 0 else { return [Double](repeating: 0, count: transform.count) }
        // |⟨f⟩|² = (⟨Re f⟩² + ⟨f″⟩²).
        let fAverage2 = (totalF * totalF + totalFi * totalFi) / (totalOcc * totalOcc)
        let norm = 1 / (totalOcc * fAverage2)
        // Peaks may be summed on a grid m times coarser when the narrowest is wide enough that its
        // samples still carry its transform up to Qmax exactly: σ_min (2π/(m·Δr) − Qmax) > 6
        // (aliasing below exp(−18)); the band-limited result is then returned on the fine grid.
        var peakTransform = transform, factor = 1
        if coarse {
            let sigmaMin = minimumSigma(p, pairs: list)
            if let c = coarseTransforms.first(where: { sigmaMin * (2 * Double.pi / (step * Double($0.factor)) - qmax) > 6 }) {
                peakTransform = c.transform; factor = c.factor
            }
        }
        let h = step * Double(factor)
        var g = [Double](repeating: 0, count: peakTransform.count)
        let last = min(g.count, (extendedCount + factor - 1) / factor) - 1
        let sigmaFloor = h / 2
        func add(_ d: Double, _ w: Double, _ uSum: Double) {
            let s2 = max(p.peakWidth.sigma2(uSum: uSum, r: d), sigmaFloor * sigmaFloor)
            let sigma = s2.squareRoot()
            let reachR = PeriodicPDFEngine.cutoffSigmas * sigma
            let j0 = max(0, Int(((d - reachR) / h).rounded(.up))), j1 = min(last, Int(((d + reachR) / h).rounded(.down)))
            guard j0 <= j1 else { return }
            let x0 = Double(j0) * h - d
            let inv = 1 / (2 * s2)
            var value = w * norm / (sigma * (2 * Double.pi).squareRoot()) * exp(-x0 * x0 * inv)
            var ratio = exp(-(2 * x0 * h + h * h) * inv)
            let ratioStep = exp(-2 * h * h * inv)
            g.withUnsafeMutableBufferPointer { buf in
                for j in j0...j1 {
                    buf[j] += value
                    value *= ratio
                    ratio *= ratioStep
                }
            }
        }
        if list.direct.isEmpty {
            for s in 0..<list.sites { for t in s..<list.sites {
                let k = list.kind(s, t)
                let uSum = p.uiso[s] + p.uiso[t]
                let hist = list.histogram[k]
                for b in hist.indices where hist[b] != 0 { add(Double(b) * PeriodicPDFEngine.binWidth, hist[b], uSum) }
            } }
        } else {
            let uc = cellU(p)
            for q in list.direct { add(q.distance, q.weight, msd(q, p, uc)) }
        }
        // Zero below the extended range (as libdiffpy), transform, add the baseline, band-limit.
        let lo = Int((extendedRmin / h).rounded(.up))
        for j in 0..<min(lo, g.count) { g[j] = 0 }
        var f = peakTransform.forward(g)
        f += [Double](repeating: 0, count: transform.count - f.count)
        let rho = totalOcc / p.lattice.volume
        for k in f.indices { f[k] += rho * baselineF[k] }
        let klo = min(transform.stepsBelow(qmin), f.count)
        let khi = min(Int((qmax / transform.qStep).rounded(.up)), f.count)
        for k in 0..<klo { f[k] = 0 }
        for k in khi..<f.count { f[k] = 0 }
        return transform.inverse(f)
    }

    /// The smallest peak width σ (Å) of `p`'s pairs (their nearest distance, the smallest U sum).
    func minimumSigma(_ p: CrystalPoint, pairs list: PairList) -> Double {
        var best = Double.infinity
        if list.direct.isEmpty {
            for s in 0..<list.sites { for t in s..<list.sites {
                guard let b = list.histogram[list.kind(s, t)].firstIndex(where: { $0 != 0 }) else { continue }
                best = min(best, p.peakWidth.sigma2(uSum: p.uiso[s] + p.uiso[t], r: max(Double(b) * PeriodicPDFEngine.binWidth, 1e-3)))
            } }
        } else {
            let uc = cellU(p)
            for q in list.direct { best = min(best, p.peakWidth.sigma2(uSum: msd(q, p, uc), r: q.distance)) }
        }
        return best.isFinite ? best.squareRoot() : 0
    }

    /// ŝ·U_i·ŝ + ŝ·U_j·ŝ (Å²) of a pair at `p` (the current U, so the pair list survives U changes).
    func msd(_ q: DirectPair, _ p: CrystalPoint, _ uc: [[Matrix3?]]) -> Double {
        let sh = q.direction
        let ui = uc[q.site][0].map { (sh * ($0 * sh)).sum() } ?? p.uiso[q.site]
        let uj = uc[q.neighbour][q.image].map { (sh * ($0 * sh)).sum() } ?? p.uiso[q.neighbour]
        return ui + uj
    }

    /// One pair of an anisotropic crystal: distance (Å), weight/r, the site of the cell atom, the
    /// neighbour's site and image, and the unit vector between them.
    struct DirectPair: Sendable {
        var distance: Double
        var weight: Double
        var site: Int
        var neighbour: Int
        var image: Int
        var direction: SIMD3<Double>
    }

    /// The pair list of one evaluation.
    struct PairList: Sendable {
        let sites: Int
        /// Per unordered site pair (s ≤ t): Σ weight/r in 0.001 Å bins.
        var histogram: [[Double]]
        /// Anisotropic crystals: every pair with its direction.
        var direct: [DirectPair] = []
        init(sites: Int, bins: Int) {
            self.sites = sites
            histogram = bins > 0 ? [[Double]](repeating: [Double](repeating: 0, count: bins), count: sites * (sites + 1) / 2) : []
        }
        func kind(_ s: Int, _ t: Int) -> Int {
            let (a, b) = s <= t ? (s, t) : (t, s)
            return a * sites - a * (a - 1) / 2 + (b - a)
        }
    }
}
