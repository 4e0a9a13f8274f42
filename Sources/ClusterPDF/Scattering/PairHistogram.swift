import Foundation

/// Distances of all atom pairs, binned per kind pair: for each bin the number of pairs and the
/// sum of their offsets within the bin (fixed point), so each bin stands at the mean distance of
/// its pairs. All accumulators are integers, so the histogram is bit-identical for any thread
/// count. Memory: O(bins × kind pairs), never O(N²).
///
/// A histogram is reusable: refinements re-weight it for new Uiso, δ2 or a uniform expansion
/// (`scaled(by:)`) without touching the atoms again.
public struct PairHistogram: Sendable {
    /// Bin width (Å).
    public let binWidth: Double
    /// The atom kinds histogrammed.
    public let kinds: AtomKinds
    /// For each kind pair (same order as `kinds.pairs`): non-empty bins as (mean distance Å, pair count).
    public internal(set) var distances: [[Double]]
    /// Per kind pair: number of pairs in each non-empty bin (same order as `distances`).
    public internal(set) var counts: [[Double]]
    /// How the pairs were counted.
    public let method: Method

    /// How a histogram's pairs were counted.
    public enum Method: String, Sendable {
        /// Every pair's distance (O(N²)), Float32 tiles.
        case pairLoop = "pair loop"
        /// Every pair's distance (O(N²)) in Float64 (spans too long for Float32, or asked for).
        case pairLoopFloat64 = "pair loop (Float64)"
        /// The autocorrelation of the site occupancy on the atoms' common lattice (`SiteGrid`),
        /// by FFT: exact for lattice-cut particles.
        case lattice
        /// Expected pair counts of a particle ensemble (`EnsembleModel`), not of one structure.
        case ensemble = "expected (ensemble)"
    }

    /// A histogram of given bins (mean distances Å and counts per kind pair, in `kinds.pairs`
    /// order): an ensemble's expected pairs.
    init(kinds: AtomKinds, binWidth: Double, distances: [[Double]], counts: [[Double]]) {
        self.binWidth = binWidth
        self.kinds = kinds
        self.distances = distances
        self.counts = counts
        method = .ensemble
    }

    /// Offsets within a bin are stored as fixed point in [0, offsetScale] (from the bin's lower
    /// edge). A power of two, so that a pair at a bin's centre (lattice distances often are: a·k
    /// with a given to 0.001 Å) is exactly 2¹⁵ and never a rounding tie that the last bit of the
    /// distance decides; 2¹⁶ · (2²⁴ − 1) pairs still fit the packed accumulator's 40 bits.
    static let offsetScale = 65536.0
    /// Per-worker accumulator: count in bits 40–63, offset sum in bits 0–39 (one add per pair).
    static let countShift: UInt64 = 40
    /// Pairs a packed accumulator may take before it is flushed: 2^24 − 1 keeps both fields exact.
    static let flushLimit = (1 << 24) - 1
    /// Float32 distance arithmetic is used while bin indices stay below 2^22 (exact rounding
    /// with the 2^23 magic number); longer spans use Float64.
    static let floatBinLimit = 1 << 22

    /// Seconds per pair and thread of the pair loop (measured: 1.2e-9 at 76,611 atoms, 2.4e-9 at
    /// 5,000), for choosing between the pair loop and the lattice path.
    static let secondsPerPair = 1.5e-9

    /// Largest error (Å) of a binned distance: 2⁻²¹·D from the Float32 arithmetic (D the largest
    /// pair distance) plus half a step of the 16-bit offset fixed point.
    public static func distanceError(maxDistance: Double, binWidth w: Double) -> Double {
        maxDistance * 0x1p-21 + w / (2 * offsetScale)
    }

    /// Internal knobs, exposed so that tests can drive every code path on small structures.
    struct Tuning {
        /// Pairs each worker should have before a further thread is used.
        var minimumPairsPerThread = 1e7
        /// Pairs a packed accumulator may take before it is flushed (≤ `PairHistogram.flushLimit`).
        var flushLimit = PairHistogram.flushLimit
        /// Use Float64 distance arithmetic even where Float32 would do.
        var forceFloat64 = false
        /// Whether atoms on a common lattice are counted by the lattice path.
        var lattice = LatticePath.auto
        /// Smallest number of atoms for which a common lattice is looked for.
        var latticeMinimumAtoms = 2_000
    }

    /// When the lattice path is taken.
    public enum LatticePath: Sendable {
        /// When the atoms lie on a grid and the path is estimated to be faster.
        case auto
        /// Never (the pair loop).
        case never
        /// Whenever the atoms lie on a grid.
        case always
    }

    /// Builds the histogram with `threads` Dispatch workers.
    ///
    /// Distances are computed in tiles (32 rows × 128 partners, both compact on a Morton curve;
    /// 128 rather than 512 partners: the scatter of a displaced 76,611-atom particle 8–10 % faster,
    /// the same counts, since a tile's coordinates are taken relative to its first row atom).
    /// Within a tile coordinates are taken relative to the tile's first row atom in Float64 and
    /// then rounded to Float32, so each distance is within 2⁻²¹·D of the exact one (D the largest
    /// pair distance; 5e-5 Å at D = 100 Å, typically far less), well under the bin width. The
    /// error bound of histogram mode includes this term (`DebyeCalculator.histogramErrorBound`).
    public init(kinds: AtomKinds, binWidth: Double, threads: Int) {
        self.init(kinds: kinds, binWidth: binWidth, threads: threads, tuning: Tuning())
    }

    /// Builds the histogram, taking the lattice path as `latticePath` says (benchmarks compare
    /// the two paths with it); `.auto` is what `init(kinds:binWidth:threads:)` does.
    public init(kinds: AtomKinds, binWidth: Double, threads: Int, latticePath: LatticePath) {
        var t = Tuning()
        t.lattice = latticePath
        self.init(kinds: kinds, binWidth: binWidth, threads: threads, tuning: t)
    }

    init(kinds: AtomKinds, binWidth: Double, threads: Int, tuning: Tuning) {
        self.binWidth = binWidth
        self.kinds = kinds
        let all = kinds.positions.flatMap { $0 }
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for p in all { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let span = all.isEmpty ? 0 : simd_length(hi - lo)
        let nBins = Int(span / binWidth) + 3
        let useFloat = nBins < PairHistogram.floatBinLimit && !tuning.forceFloat64
        var dist = [[Double]]()
        var cnt = [[Double]]()
        let totalPairs = Double(all.count) * Double(max(all.count - 1, 0)) / 2
        if tuning.lattice != .never, all.count >= (tuning.lattice == .always ? 4 : tuning.latticeMinimumAtoms),
           let grid = SiteGrid.detect(kinds),
           tuning.lattice == .always || LatticePairHistogram.estimatedSeconds(grid, kinds: kinds.kinds.count, threads: threads)
               < totalPairs * PairHistogram.secondsPerPair / Double(max(1, threads)),
           let binned = LatticePairHistogram.binned(kinds: kinds, grid: grid, bins: nBins, invWidth: 1 / binWidth, threads: threads) {
            for b in binned {
                let (d, n) = b.counts.withUnsafeBufferPointer { c in
                    b.offsets.withUnsafeBufferPointer { o in PairHistogram.nonEmptyBins(c.baseAddress!, o.baseAddress!, bins: nBins, binWidth: binWidth) }
                }
                dist.append(d); cnt.append(n)
            }
            distances = dist
            counts = cnt
            method = .lattice
            return
        }
        method = useFloat ? .pairLoop : .pairLoopFloat64
        // Structure-of-arrays copies, sorted along a Morton curve so that consecutive partners
        // are close in space and land in nearby bins (cache-friendly scatter).
        let soa = kinds.positions.map { PairHistogram.sortedSoA($0, lo: lo) }
        // A second thread pays off from about 10^7 pairs each (waking a Dispatch worker can take
        // milliseconds on a virtual machine); the accumulators (one per worker) serve every kind
        // pair in turn.
        let rowBlock = 32
        let workers = max(1, min(threads, Int(totalPairs / max(tuning.minimumPairsPerThread, 1))))
        let accumulators = (0..<workers).map { _ in Accumulator(bins: nBins, flushLimit: tuning.flushLimit) }
        for (a, b) in kinds.pairs {
            let blockCount = (soa[a].count + rowBlock - 1) / rowBlock
            ParallelBlocks.run(blocks: blockCount, threads: workers) { block, w in
                PairHistogram.accumulate(rows: soa[a], partners: soa[b], same: a == b,
                                         rowRange: block * rowBlock..<min(soa[a].count, (block + 1) * rowBlock),
                                         invWidth: 1 / binWidth, useFloat: useFloat, into: accumulators[w])
            }
            // Merge workers (integers: order-independent) and keep non-empty bins.
            for acc in accumulators { acc.flush() }
            let first = accumulators[0]
            for acc in accumulators.dropFirst() {
                for k in 0..<nBins { first.counts[k] &+= acc.counts[k]; first.offsets[k] &+= acc.offsets[k] }
            }
            let (d, n) = PairHistogram.nonEmptyBins(first.counts, first.offsets, bins: nBins, binWidth: binWidth)
            for acc in accumulators { acc.clear() }
            dist.append(d); cnt.append(n)
        }
        distances = dist
        counts = cnt
    }

    /// The non-empty bins as (mean distances Å, counts) from integer counts and offset sums.
    static func nonEmptyBins(_ counts: UnsafePointer<Int64>, _ offsets: UnsafePointer<Int64>, bins: Int, binWidth: Double) -> ([Double], [Double]) {
        var d = [Double](), n = [Double]()
        for k in 0..<bins {
            let c = counts[k], o = offsets[k]
            if c > 0 {
                // Bin k covers [k − ½, k + ½) bin widths; offsets are measured from k − ½.
                d.append((Double(k) - 0.5 + Double(o) / PairHistogram.offsetScale / Double(c)) * binWidth)
                n.append(Double(c))
            }
        }
        return (d, n)
    }

    /// One worker's accumulators: the packed one the hot loop adds to, and the wide ones it is
    /// flushed into before either packed field could overflow.
    final class Accumulator: @unchecked Sendable {
        let bins: Int
        /// `bins` packed values, then `bins` counts, then `bins` offset sums.
        let storage: UnsafeMutablePointer<Int64>
        var packed: UnsafeMutablePointer<Int64> { storage }
        var counts: UnsafeMutablePointer<Int64> { storage + bins }
        var offsets: UnsafeMutablePointer<Int64> { storage + 2 * bins }
        let flushLimit: Int
        var pending = 0
        init(bins: Int, flushLimit: Int) {
            self.bins = bins
            self.flushLimit = min(flushLimit, PairHistogram.flushLimit)
            storage = .allocate(capacity: 3 * bins)
            storage.initialize(repeating: 0, count: 3 * bins)
        }
        deinit { storage.deallocate() }
        /// Makes room for `pairs` more pairs in the packed accumulator.
        @inline(__always) func reserve(_ pairs: Int) {
            if pending + pairs > flushLimit { flush() }
            pending += pairs
        }
        func flush() {
            if pending == 0 { return }
            let mask: UInt64 = (1 << PairHistogram.countShift) - 1
            let p = packed, c = counts, o = offsets
            for k in 0..<bins where p[k] != 0 {
                let v = UInt64(bitPattern: p[k])
                c[k] &+= Int64(v >> PairHistogram.countShift)
                o[k] &+= Int64(v & mask)
                p[k] = 0
            }
            pending = 0
        }
        /// Zeroes the wide accumulators (after a flush, the packed one is zero already).
        func clear() {
            counts.update(repeating: 0, count: bins)
            offsets.update(repeating: 0, count: bins)
        }
    }

    /// Bins the pairs of `rowRange` (rows) with all partners (j > i when `same`).
    static func accumulate(rows pa: SoA, partners pb: SoA, same: Bool, rowRange: Range<Int>,
                           invWidth invW: Double, useFloat: Bool, into acc: Accumulator) {
        let colBlock = 128
        let bins = UnsafeMutablePointer<Int32>.allocate(capacity: colBlock)
        let offs = UnsafeMutablePointer<Int32>.allocate(capacity: colBlock)
        let local = UnsafeMutablePointer<Float>.allocate(capacity: 3 * colBlock)
        defer { bins.deallocate(); offs.deallocate(); local.deallocate() }
        let h = acc.packed
        let one = Int64(1) << Int64(countShift)
        let n = pb.count
        let i0 = rowRange.lowerBound, i1 = rowRange.upperBound
        pb.x.withUnsafeBufferPointer { bx in
        pb.y.withUnsafeBufferPointer { by in
        pb.z.withUnsafeBufferPointer { bz in
            let X = bx.baseAddress!, Y = by.baseAddress!, Z = bz.baseAddress!
            var jb = same ? i0 : 0
            while jb < n {
                let je = min(n, jb + colBlock)
                acc.reserve((i1 - i0) * (je - jb))
                // Tile-local Float32 coordinates, relative to the first row atom.
                let cx = pa.x[i0], cy = pa.y[i0], cz = pa.z[i0]
                let lx = local, ly = local + colBlock, lz = local + 2 * colBlock
                if useFloat {
                    for t in 0..<(je - jb) {
                        lx[t] = Float(X[jb + t] - cx); ly[t] = Float(Y[jb + t] - cy); lz[t] = Float(Z[jb + t] - cz)
                    }
                }
                for i in i0..<i1 {
                    let j0 = same ? max(jb, i + 1) : jb
                    let m = je - j0
                    if m <= 0 { continue }
                    // 1. bin index (nearest integer, magic-number rounding) and fixed-point
                    //    offset from the bin's lower edge: loops LLVM vectorises, sqrt included;
                    if useFloat {
                        let px = Float(pa.x[i] - cx), py = Float(pa.y[i] - cy), pz = Float(pa.z[i] - cz)
                        let xs = lx + (j0 - jb), ys = ly + (j0 - jb), zs = lz + (j0 - jb)
                        let fw = Float(invW), magic: Float = 8_388_608, mask: UInt32 = (1 << 23) - 1
                        for t in 0..<m {
                            let dx = xs[t] - px, dy = ys[t] - py, dz = zs[t] - pz
                            let x = (dx * dx + dy * dy + dz * dz).squareRoot() * fw
                            let r = x + magic
                            bins[t] = Int32(bitPattern: r.bitPattern & mask)
                            let fixed = (x - (r - magic) + 0.5) * Float(offsetScale) + magic
                            offs[t] = Int32(bitPattern: fixed.bitPattern & mask)
                        }
                    } else {
                        let px = pa.x[i], py = pa.y[i], pz = pa.z[i]
                        let xs = X + j0, ys = Y + j0, zs = Z + j0
                        let magic = 4_503_599_627_370_496.0, mask: UInt64 = (1 << 52) - 1
                        for t in 0..<m {
                            let dx = xs[t] - px, dy = ys[t] - py, dz = zs[t] - pz
                            let x = (dx * dx + dy * dy + dz * dz).squareRoot() * invW
                            let r = x + magic
                            bins[t] = Int32(truncatingIfNeeded: Int64(bitPattern: r.bitPattern & mask))
                            let fixed = (x - (r - magic) + 0.5) * offsetScale + magic
                            offs[t] = Int32(truncatingIfNeeded: Int64(bitPattern: fixed.bitPattern & mask))
                        }
                    }
                    // 2. the scatter: one 64-bit add per pair.
                    for t in 0..<m { h[Int(bins[t])] &+= one | Int64(offs[t]) }
                }
                jb = je
            }
        } } }
    }

    struct SoA { var x: [Double]; var y: [Double]; var z: [Double]; var count: Int { x.count } }

    /// Coordinates split into x, y, z arrays, ordered along a Morton (z-order) curve of 4 Å cells.
    static func sortedSoA(_ p: [SIMD3<Double>], lo: SIMD3<Double>) -> SoA {
        func spread(_ v: UInt64) -> UInt64 {
            var x = v & 0x1F_FFFF
            x = (x | x << 32) & 0x1F_0000_0000_FFFF
            x = (x | x << 16) & 0x1F_0000_FF00_00FF
            x = (x | x << 8) & 0x100F_00F0_0F00_F00F
            x = (x | x << 4) & 0x10C3_0C30_C30C_30C3
            x = (x | x << 2) & 0x1249_2492_4924_9249
            return x
        }
        let keyed = p.map { q -> (UInt64, SIMD3<Double>) in
            let c = (q - lo) / 4
            let code = spread(UInt64(max(0, c.x))) | spread(UInt64(max(0, c.y))) << 1 | spread(UInt64(max(0, c.z))) << 2
            return (code, q)
        }.sorted { $0.0 < $1.0 }
        return SoA(x: keyed.map { $0.1.x }, y: keyed.map { $0.1.y }, z: keyed.map { $0.1.z })
    }

    /// The histogram of the structure expanded uniformly by `factor` (all distances × factor).
    public func scaled(by factor: Double) -> PairHistogram {
        var h = self
        h.distances = distances.map { $0.map { $0 * factor } }
        return h
    }

    /// Number of pairs counted (i < j).
    public var pairCount: Double { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Largest pair distance (Å).
    public var maximumDistance: Double { distances.compactMap(\.last).max() ?? 0 }

    /// Removes the bins below `distance` (Å): the pairs of a mixed site's species.
    mutating func dropPairs(closerThan distance: Double) {
        for p in distances.indices {
            let keep = distances[p].indices.filter { distances[p][$0] >= distance }
            if keep.count == distances[p].count { continue }
            distances[p] = keep.map { distances[p][$0] }
            counts[p] = keep.map { counts[p][$0] }
        }
    }
}
