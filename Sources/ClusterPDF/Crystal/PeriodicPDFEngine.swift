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
/// For speed the pairs of each pair of sites are accumulated on a 0.001 Å histogram (each
/// occupied bin one peak at the weighted mean of its distances, so that their mean is kept) and
/// the Gaussians are summed on the grid by a recurrence (two products per point); the baseline's
/// transform is computed once (it is linear in ρ₀). Like PDFCalculator, peaks and baseline stop
/// at the end of the extended range. In refinements (`coarse`) a peak too narrow for the coarse
/// grids is added to F(Q) as its transform w·sin(Qd)·exp(−σ²Q²/2) instead.
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
    /// Coarser peak grids (step × 4, × 2) with their transforms (same Δq), used when `coarse` is
    /// allowed for the peaks wide enough for them (see `pdf`).
    let coarseTransforms: [(factor: Int, transform: SineTransform)]
    /// Whether the peaks may be summed on a coarser grid (refinements); the exact grid otherwise
    /// (the calculator, so that it reproduces PDFCalculator's sampling).
    let coarse: Bool
    /// Work arrays of the pair loop, shared by the threads that use this engine.
    let scratch = ZeroedBufferPool()
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
    ///
    /// The pairs of site s with site t are summed from the first atom of s (times its
    /// multiplicity; its images are symmetry-equivalent) and, for s ≠ t, counted twice: the pairs
    /// from t's atoms to s's are the same distances (translate each pair so that its other end
    /// lies in the cell).
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
        // Each translation with its 1 Å length shell (used to stop the isotropic loops early).
        var tx = [Double](), ty = [Double](), tz = [Double](), shellOf = [Int]()
        for i in -na...na { for j in -nb...nb { for k in -nc...nc {
            let L = va * Double(i) + vb * Double(j) + vc * Double(k)
            let l2 = (L * L).sum()
            if l2 <= limit2 { tx.append(L.x); ty.append(L.y); tz.append(L.z); shellOf.append(Int(l2.squareRoot())) }
        } } }
        let anisotropic = p.uCIF.contains { $0 != nil }
        var list = PairList(sites: nSites)
        if anisotropic {
            for s in 0..<nSites {
                let x0 = pos[s][0]
                let ws = Double(pos[s].count) * p.occupancy[s]
                for t in 0..<nSites {
                    let wt = ws * (factors[s] * factors[t] + imaginaryFactors[s] * imaginaryFactors[t]) * p.occupancy[t]
                    for (jImage, xj) in pos[t].enumerated() {
                        let d0 = xj - x0
                        for m in tx.indices {
                            let v = d0 + SIMD3(tx[m], ty[m], tz[m])
                            let d2 = (v * v).sum()
                            guard d2 <= cut2, d2 > 1e-12 else { continue }
                            let d = d2.squareRoot()
                            list.direct.append(DirectPair(distance: d, weight: wt / d, site: s, neighbour: t, image: jImage, direction: v / d))
                        }
                    }
                }
            }
            return list
        }
        let bins = Int(cut / PeriodicPDFEngine.binWidth) + 3
        // Work arrays from the pool (zero again when returned: only occupied bins are touched and reset).
        var weightSum = scratch.take(count: bins), momentSum = scratch.take(count: bins)
        defer { scratch.give(weightSum); scratch.give(momentSum) }
        let inverseBin = 1 / PeriodicPDFEngine.binWidth
        // Translations in 1 Å shells of |L| (a counting sort): from an atom at d₀ only
        // |L| ≤ reach + |d₀| can come within reach, so each loop stops after the shell of that bound.
        let shells = (shellOf.max() ?? 0) + 1
        var shellEnd = [Int](repeating: 0, count: shells)
        for k in shellOf { shellEnd[k] += 1 }
        for k in 1..<max(shells, 1) { shellEnd[k] += shellEnd[k - 1] }
        var sx = [Double](repeating: 0, count: tx.count), sy = sx, sz = sx
        var fill = shellEnd.indices.map { $0 == 0 ? 0 : shellEnd[$0 - 1] }
        for i in tx.indices { let k = shellOf[i]; sx[fill[k]] = tx[i]; sy[fill[k]] = ty[i]; sz[fill[k]] = tz[i]; fill[k] += 1 }
        for s in 0..<nSites { for t in s..<nSites {
            let x0 = pos[s][0]
            // Re(f_s f_t*) = f_s f_t + f″_s f″_t; both directions of an unlike pair at once.
            let wt = Double(pos[s].count) * p.occupancy[s] * (factors[s] * factors[t] + imaginaryFactors[s] * imaginaryFactors[t])
                * p.occupancy[t] * (s == t ? 1 : 2)
            var occupied = [Int]()
            weightSum.withUnsafeMutableBufferPointer { W in momentSum.withUnsafeMutableBufferPointer { M in
                sx.withUnsafeBufferPointer { X in sy.withUnsafeBufferPointer { Y in sz.withUnsafeBufferPointer { Z in
                    for xj in pos[t] {
                        let dx = xj.x - x0.x, dy = xj.y - x0.y, dz = xj.z - x0.z
                        let bound = cut + (dx * dx + dy * dy + dz * dz).squareRoot()
                        let count = shellEnd[min(Int(bound), shells - 1)]
                        for m in 0..<count {
                            let ex = dx + X[m], ey = dy + Y[m], ez = dz + Z[m]
                            let d2 = ex * ex + ey * ey + ez * ez
                            guard d2 <= cut2, d2 > 1e-12 else { continue }
                            let d = d2.squareRoot()
                            let b = Int(d * inverseBin)
                            let w = wt / d
                            if W[b] == 0 { occupied.append(b) }
                            W[b] += w
                            M[b] += w * d
                        }
                    }
                } } }
            } }
            // Keep the occupied bins only (a few thousand of tens of thousands), each at the
            // weighted mean of its distances, clearing the rest for the next kind.
            occupied.sort()
            var kd = [Double](), kw = [Double]()
            kd.reserveCapacity(occupied.count); kw.reserveCapacity(occupied.count)
            for b in occupied {
                if weightSum[b] != 0 { kd.append(momentSum[b] / weightSum[b]); kw.append(weightSum[b]) }
                weightSum[b] = 0; momentSum[b] = 0
            }
            list.distances[list.kind(s, t)] = kd
            list.weights[list.kind(s, t)] = kw
        } }
        return list
    }

    /// Band-limited G(r) of `p` on the output grid (step `outputStep`, from 0), before qdamp,
    /// envelopes and scale; `pairs` may be reused when only U or the peak width changed.
    ///
    /// With `coarse`, each peak is summed on the coarsest grid (step × 4, × 2 or × 1) on which its
    /// samples still carry its transform up to Qmax exactly — σ (2π/(m·Δr) − Qmax) > 6, aliasing
    /// below exp(−18) — and the grids' transforms (the same Δq) are added before band-limiting.
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
        // Grids: factor 1 (exact), then the coarse ones allowed.
        let grids: [(factor: Int, transform: SineTransform)] = (coarse ? coarseTransforms : []) + [(1, transform)]
        var sums = grids.map { _ in [Double]() }
        var narrow = [(d: Double, amplitude: Double, s2: Double)]()
        func add(_ d: Double, _ w: Double, _ uSum: Double) {
            let sigmaFloor = step / 2
            let s2 = max(p.peakWidth.sigma2(uSum: uSum, r: d), sigmaFloor * sigmaFloor)
            let sigma = s2.squareRoot()
            var gi = grids.count - 1
            for (k, c) in grids.enumerated() where c.factor > 1 && sigma * (2 * Double.pi / (step * Double(c.factor)) - qmax) > 6 { gi = k; break }
            let reachR = PeriodicPDFEngine.cutoffSigmas * sigma
            if coarse, gi == grids.count - 1, d - reachR > extendedRmin, d + reachR < extendedRmax {
                // Too narrow for the coarse grids and whole within the range: its transform
                // w·sin(Qd)·exp(−σ²Q²/2) is added below, without the fine grid's transform.
                narrow.append((d, w * norm, s2)); return
            }
            let factor = grids[gi].factor
            let h = step * Double(factor)
            if sums[gi].isEmpty { sums[gi] = [Double](repeating: 0, count: grids[gi].transform.count) }
            let last = min(sums[gi].count, (extendedCount + factor - 1) / factor) - 1
            // Below the extended range the peaks are dropped (as libdiffpy).
            let first = Int((extendedRmin / h).rounded(.up))
            let j0 = max(first, Int(((d - reachR) / h).rounded(.up))), j1 = min(last, Int(((d + reachR) / h).rounded(.down)))
            guard j0 <= j1 else { return }
            let x0 = Double(j0) * h - d
            let inv = 1 / (2 * s2)
            var value = w * norm / (sigma * (2 * Double.pi).squareRoot()) * exp(-x0 * x0 * inv)
            var ratio = exp(-(2 * x0 * h + h * h) * inv)
            let ratioStep = exp(-2 * h * h * inv)
            sums[gi].withUnsafeMutableBufferPointer { buf in
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
                let kd = list.distances[k], kw = list.weights[k]
                for i in kd.indices { add(kd[i], kw[i], uSum) }
            } }
        } else {
            let uc = cellU(p)
            for q in list.direct { add(q.distance, q.weight, msd(q, p, uc)) }
        }
        // Transform each grid's peaks (the same Δq), add the baseline, band-limit.
        var f = [Double](repeating: 0, count: transform.count)
        for (gi, g) in grids.enumerated() where !sums[gi].isEmpty {
            let fg = g.transform.forward(sums[gi])
            for k in fg.indices { f[k] += fg[k] }
        }
        let rho = totalOcc / p.lattice.volume
        for k in f.indices { f[k] += rho * baselineF[k] }
        let klo = min(transform.stepsBelow(qmin), f.count)
        let khi = min(Int((qmax / transform.qStep).rounded(.up)), f.count)
        for k in 0..<klo { f[k] = 0 }
        for k in khi..<f.count { f[k] = 0 }
        let dq = transform.qStep
        for peak in narrow where klo < khi {
            // sin(q_k d) and exp(−σ² q_k²/2) by recurrences from k = klo.
            let theta = dq * peak.d, c2 = 2 * cos(theta)
            var sPrev = sin(Double(klo - 1) * theta), sCur = sin(Double(klo) * theta)
            let q0 = Double(klo) * dq
            var damp = peak.amplitude * exp(-0.5 * peak.s2 * q0 * q0)
            var ratio = exp(-0.5 * peak.s2 * (2 * q0 * dq + dq * dq))
            let ratioStep = exp(-peak.s2 * dq * dq)
            f.withUnsafeMutableBufferPointer { F in
                for k in klo..<khi {
                    F[k] += damp * sCur
                    let next = c2 * sCur - sPrev
                    sPrev = sCur; sCur = next
                    damp *= ratio; ratio *= ratioStep
                }
            }
        }
        return transform.inverse(f)
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
        /// Per unordered site pair (s ≤ t): the weighted mean distance (Å) of each occupied 0.001 Å
        /// bin, ascending …
        var distances: [[Double]]
        /// … and its Σ weight/r.
        var weights: [[Double]]
        /// Anisotropic crystals: every pair with its direction.
        var direct: [DirectPair] = []
        init(sites: Int) {
            self.sites = sites
            distances = [[Double]](repeating: [], count: sites * (sites + 1) / 2)
            weights = [[Double]](repeating: [], count: sites * (sites + 1) / 2)
        }
        func kind(_ s: Int, _ t: Int) -> Int {
            let (a, b) = s <= t ? (s, t) : (t, s)
            return a * sites - a * (a - 1) / 2 + (b - a)
        }
    }
}
