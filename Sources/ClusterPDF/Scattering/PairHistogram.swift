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
    public let kinds: AtomKinds
    /// For each kind pair (same order as `kinds.pairs`): non-empty bins as (mean distance Å, pair count).
    public internal(set) var distances: [[Double]]
    public internal(set) var counts: [[Double]]

    static let fixedScale = 4294967296.0  // 2^32 sub-bin resolution
    static let magic = 4503599627370496.0  // 2^52: x + 2^52 holds round(x) in its mantissa
    static let mantissa: UInt64 = (1 << 52) - 1

    /// Builds the histogram with `threads` Dispatch workers.
    public init(kinds: AtomKinds, binWidth: Double, threads: Int) {
        self.binWidth = binWidth
        self.kinds = kinds
        let all = kinds.positions.flatMap { $0 }
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for p in all { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let span = all.isEmpty ? 0 : simd_length(hi - lo)
        let nBins = Int(span / binWidth) + 3
        let pairs = kinds.pairs
        var dist = [[Double]]()
        var cnt = [[Double]]()
        let invW = 1 / binWidth
        // Structure-of-arrays copies, sorted along a Morton curve so that consecutive partners
        // are close in space and land in nearby bins (cache-friendly scatter).
        let soa = kinds.positions.map { PairHistogram.sortedSoA($0, lo: lo) }
        for (a, b) in pairs {
            let pa = soa[a], pb = soa[b]
            let same = a == b
            let rows = pa.count
            let workers = max(1, min(threads, rows))
            // Cache blocking: rows in blocks of 32 (the parallel work unit), partners in blocks of
            // 512. Both are contiguous on the Morton curve, hence compact in space, so one tile
            // touches a narrow band of bins that stays in cache.
            let rowBlock = 32, colBlock = 512
            let blockCount = (rows + rowBlock - 1) / rowBlock
            let acc = SharedBuffer<Int64>(repeating: 0, count: 2 * nBins * workers)
            ParallelBlocks.run(blocks: blockCount, threads: workers) { block, w in
                let h = acc.pointer + 2 * w * nBins
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: colBlock)
                let bins = UnsafeMutablePointer<Int32>.allocate(capacity: colBlock)
                let offs = UnsafeMutablePointer<Int64>.allocate(capacity: colBlock)
                defer { scratch.deallocate(); bins.deallocate(); offs.deallocate() }
                pb.x.withUnsafeBufferPointer { bx in
                pb.y.withUnsafeBufferPointer { by in
                pb.z.withUnsafeBufferPointer { bz in
                    let n = bx.count
                    let X = bx.baseAddress!, Y = by.baseAddress!, Z = bz.baseAddress!
                    let i0 = block * rowBlock, i1 = min(rows, i0 + rowBlock)
                    var jb = same ? i0 : 0
                    while jb < n {
                        let je = min(n, jb + colBlock)
                        for i in i0..<i1 {
                            let px = pa.x[i], py = pa.y[i], pz = pa.z[i]
                            let j0 = same ? max(jb, i + 1) : jb
                            let m = je - j0
                            if m <= 0 { continue }
                            // 1. distances in bin units (a loop LLVM vectorises, sqrt included);
                            let xs = X + j0, ys = Y + j0, zs = Z + j0
                            for t in 0..<m {
                                let dx = xs[t] - px, dy = ys[t] - py, dz = zs[t] - pz
                                scratch[t] = (dx * dx + dy * dy + dz * dz).squareRoot() * invW
                            }
                            // 2. bin index (nearest integer) and fixed-point offset, with the 2^52
                            //    "magic number" conversions (no range checks, vectorisable);
                            for t in 0..<m {
                                let x = scratch[t]
                                let rounded = x + PairHistogram.magic
                                let k = Int64(bitPattern: rounded.bitPattern & PairHistogram.mantissa)
                                let frac = x - (rounded - PairHistogram.magic) + 0.5      // in [0, 1]
                                let fixed = frac * PairHistogram.fixedScale + PairHistogram.magic
                                bins[t] = Int32(truncatingIfNeeded: k)
                                offs[t] = Int64(bitPattern: fixed.bitPattern & PairHistogram.mantissa)
                            }
                            // 3. the scatter.
                            for t in 0..<m {
                                let slot = h + 2 * Int(bins[t])
                                slot[0] &+= 1
                                slot[1] &+= offs[t]
                            }
                        }
                        jb = je
                    }
                } } }
            }
            // Merge workers (integers: order-independent) and keep non-empty bins.
            var d = [Double](), n = [Double]()
            for k in 0..<nBins {
                var c: Int64 = 0, o: Int64 = 0
                for w in 0..<workers { c &+= acc.pointer[2 * (w * nBins + k)]; o &+= acc.pointer[2 * (w * nBins + k) + 1] }
                if c > 0 {
                    // Bin k covers [k − ½, k + ½) bin widths; offsets are measured from k − ½.
                    d.append((Double(k) - 0.5 + Double(o) / PairHistogram.fixedScale / Double(c)) * binWidth)
                    n.append(Double(c))
                }
            }
            dist.append(d); cnt.append(n)
        }
        distances = dist
        counts = cnt
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
}
