import Foundation

/// The values at which an ensemble's G(r) is evaluated (the scale apart).
struct EnsemblePoint: Sendable {
    /// Isotropic expansion of all distances.
    var zoom: Double
    /// Uiso (Å²) of the cation and the anion.
    var uiso: (cation: Double, anion: Double)
    /// δ1, δ2, qbroad.
    var peakWidth: PeakWidth
    /// Instrumental damping (Å⁻¹).
    var qdamp: Double
    /// The size distribution.
    var sizes: LognormalSizes
    /// Stacking-fault (cubic) probability.
    var fault: Double
}

/// The expected pair counts of each sphere size, computed once per size and shared by every
/// evaluation (thread-safe).
final class FaultedSphereCache: @unchecked Sendable {
    let geometry: LayerGeometry
    private let lock = NSLock()
    private var spheres = [Int: FaultedSphere]()

    init(geometry: LayerGeometry) { self.geometry = geometry }

    /// The sphere of grid index `k` (diameter k·step).
    func sphere(_ k: Int, step: Double) -> FaultedSphere {
        lock.lock()
        if let s = spheres[k] { lock.unlock(); return s }
        lock.unlock()
        let s = FaultedSphere(geometry: geometry, diameter: Double(k) * step)
        lock.lock(); spheres[k] = s; lock.unlock()
        return s
    }
}

/// G(r) of a log-normal ensemble of stacking-faulted spheres (`FaultedSphere`,
/// `LognormalSizes`, `StackingCorrelation`) at the points of a measured curve — the Debye
/// nanoparticle model of `fit --ensemble lognormal --stacking-faults`.
///
/// The ensemble's scattering is that of all its particles: the pair histogram is
/// Σ_D n_D E[H_D](α) and the normalisation N⟨f⟩² uses Σ_D n_D E[N_D] atoms of each element, so
/// one Debye sum over the combined histogram (1e-3 Å bins, each at its pairs' mean distance, as
/// for clusters) gives G(r). Changing psize, psig or α only re-weights exact distance classes.
struct EnsembleModel: Sendable {
    let geometry: LayerGeometry
    /// Indices of the fit points in the curve and their r (Å).
    let indices: Range<Int>
    let r: [Double]
    /// The model grid is the data grid.
    let direct: Bool
    /// Settings of the model grid (radiation, Q range, r grid).
    let settings: ScatteringSettings
    /// A two-atom calculator carrying the scattering factors.
    let base: DebyeCalculator
    let cache: FaultedSphereCache
    /// Largest diameter of the size grid (Å).
    let maximumDiameter: Double
    /// Bin width (Å) below `coarseFrom`, and beyond it. Every bin stands at its pairs' mean
    /// distance, so a bin of width w errs by at most Q²w²/24 relative in its sinc terms: 1.5e-5 at
    /// Q = 19 Å⁻¹ for 1e-3 Å, 3.8e-4 for 5e-3 Å (and the far pairs' terms are damped by
    /// exp(−Q²σ²/2) far below that at such Q).
    static let binWidth = 1e-3
    static let coarseBinWidth = 5e-3
    static let coarseFrom = 30.0

    /// The bin of distance `r` (Å).
    @inline(__always) static func bin(_ r: Double) -> Int {
        r < coarseFrom ? Int(r / binWidth) : Int(coarseFrom / binWidth) + Int((r - coarseFrom) / coarseBinWidth)
    }

    init(geometry: LayerGeometry, curve: MeasuredCurve, indices: Range<Int>, settings d: DataSettings, maximumDiameter: Double, maximumZoom: Double, threads: Int) throws {
        self.geometry = geometry
        self.indices = indices
        self.maximumDiameter = maximumDiameter
        r = Array(curve.x[indices])
        var s = ScatteringSettings()
        s.radiation = d.radiation.value
        s.qmin = d.qmin.value
        s.qmax = d.qmax.value
        s.mode = .histogram
        s.binWidth = EnsembleModel.binWidth
        s.threads = threads
        (direct, s.rmin, s.rmax, s.rstep) = PDFModel.modelGrid(curve: curve, indices: indices, qmax: s.qmax)
        // One integration grid for every point (a grid that followed the largest distance would
        // jump with psize and zoom and spoil the finite-difference derivatives): at least 2π
        // samples per period of the fastest term sin(Q(r + D)) for the largest particle
        // modelled at the largest zoom (as `PDFModel`).
        s.qIntegrationStep = min(0.01, 1 / (maximumDiameter * maximumZoom + s.rmax))
        settings = s
        let pair = Structure(title: "\(geometry.cation.symbol)\(geometry.anion.symbol) ensemble", atoms: [
            Atom(element: geometry.cation, position: SIMD3(0, 0, 0)), Atom(element: geometry.anion, position: SIMD3(0, 0, geometry.bz))])
        base = try DebyeCalculator(structure: pair, settings: s)
        cache = FaultedSphereCache(geometry: geometry)
    }

    /// The combined histogram and expected atoms per element of `p` (zoom 1), and the volume
    /// fraction of the distribution beyond `maximumDiameter`.
    func histogram(_ p: EnsemblePoint) -> (distances: [[Double]], counts: [[Double]], atoms: (Double, Double), truncated: Double) {
        let (fractions, truncated) = p.sizes.weights(maximum: maximumDiameter)
        let used = fractions.filter { $0.value > 1e-12 }.sorted { $0.key < $1.key }
        let spheres = used.map { cache.sphere($0.key, step: p.sizes.step) }
        let maxLayers = spheres.map(\.maxLayers).max() ?? 0
        let prob = StackingCorrelation.sameSiteProbabilities(alpha: p.fault, maxLayers: maxLayers)
        let maxR = spheres.map(\.diameter).max() ?? 0
        let nBins = EnsembleModel.bin(maxR) + 4
        var cnt = [[Double]](repeating: [Double](repeating: 0, count: nBins), count: 3)
        var sum = cnt
        var nCat = 0.0, nAn = 0.0
        for (w, sphere) in zip(used.map(\.value), spheres) {
            nCat += w * sphere.expectedAtoms.cation; nAn += w * sphere.expectedAtoms.anion
            for e in sphere.entries {
                let pd = prob[Int(e.layers)]
                let c = w * (pd * e.same + (1 - pd) * e.different)
                if c <= 0 { continue }
                let b = EnsembleModel.bin(e.r), pr = Int(e.pair)
                cnt[pr][b] += c; sum[pr][b] += c * e.r
            }
        }
        var dist = [[Double]](), counts = [[Double]]()
        for pr in 0..<3 {
            var dd = [Double](), cc = [Double]()
            for b in 0..<nBins where cnt[pr][b] > 0 { dd.append(sum[pr][b] / cnt[pr][b]); cc.append(cnt[pr][b]) }
            dist.append(dd); counts.append(cc)
        }
        return (dist, counts, (nCat, nAn), truncated)
    }

    /// The calculator of one point: the combined histogram (expanded by the zoom) and the
    /// ensemble's composition, on `settings`' grids.
    func calculator(_ p: EnsemblePoint) throws -> DebyeCalculator {
        let h = histogram(p)
        guard h.atoms.0 + h.atoms.1 > 0, h.counts.contains(where: { !$0.isEmpty }) else {
            throw RefinementError.invalidSetting(option: "psize", message: "the size distribution (psize \(p.sizes.psize) Å, psig \(p.sizes.psig) Å) holds no particle with two atoms")
        }
        var s = settings
        s.peakWidth = p.peakWidth
        s.qdamp = p.qdamp
        var kinds = base.kinds.withUiso([geometry.cation: p.uiso.cation, geometry.anion: p.uiso.anion])
        kinds.expectedCounts = kinds.kinds.map { $0.element == geometry.cation ? h.atoms.0 : h.atoms.1 }
        // The two-atom base lists the cation first, so its kind pairs are (cation, cation),
        // (cation, anion), (anion, anion): the order of `FaultedSphere.Entry.pair`.
        let histogram = PairHistogram(kinds: kinds, binWidth: EnsembleModel.binWidth, distances: h.distances, counts: h.counts)
        return try DebyeCalculator(reusing: base, settings: s, kinds: kinds, histogram: histogram.scaled(by: p.zoom))
    }

    /// Unscaled G(r) of several points on the model grid, sharing one sine transform.
    func gridCurves(_ points: [EnsemblePoint]) throws -> [[Double]] {
        guard !points.isEmpty else { return [] }
        let calcs = try points.map(calculator)
        let (qg, qw) = calcs[0].integrationGrid
        let fs = calcs.map { c -> [Double] in
            var f = c.reducedStructureFunction(grid: qg, sums: c.pairSums(on: qg), prefactors: c.pairPrefactors(grid: qg))
            c.applyLorch(&f, grid: qg)
            return f
        }
        var gs = DebyeCalculator.sineTransformMany(fs, qGrid: qg, weights: qw, rGrid: calcs[0].rGrid, threads: settings.threads)
        for i in calcs.indices { calcs[i].damp(&gs[i]) }
        return gs
    }

    /// Unscaled model G(r) at the fit points.
    func curves(_ points: [EnsemblePoint]) throws -> [[Double]] {
        let rg = base.rGrid
        return try gridCurves(points).map { g in
            if direct { return Array(g.prefix(r.count)) }
            return r.map { rg.interpolateCubic(g, at: $0) }
        }
    }
}
