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

    /// Builds the histogram with `threads` Dispatch workers.
    public init(kinds: AtomKinds, binWidth: Double, threads: Int) {
        self.binWidth = binWidth
        self.kinds = kinds
        let all = kinds.positions.flatMap { $0 }
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for p in all { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let span = all.isEmpty ? 0 : simd_length(hi - lo)
        let nBins = Int(span / binWidth) + 2
        let pairs = kinds.pairs
        var dist = [[Double]]()
        var cnt = [[Double]]()
        let invW = 1 / binWidth
        for (a, b) in pairs {
            let pa = kinds.positions[a], pb = kinds.positions[b]
            let same = a == b
            let rows = pa.count
            let workers = max(1, min(threads, rows))
            let blockCount = min(rows, 64 * workers)
            let counts = SharedBuffer<UInt32>(repeating: 0, count: nBins * workers)
            let offsets = SharedBuffer<Int64>(repeating: 0, count: nBins * workers)
            ParallelBlocks.run(blocks: blockCount, threads: workers) { block, w in
                let c = counts.pointer + w * nBins
                let o = offsets.pointer + w * nBins
                pb.withUnsafeBufferPointer { pbp in
                    var i = block
                    while i < rows {
                        let p = pa[i]
                        let jStart = same ? i + 1 : 0
                        var j = jStart
                        while j < pbp.count {
                            let d = pbp[j] - p
                            let r = (d.x * d.x + d.y * d.y + d.z * d.z).squareRoot()
                            let x = r * invW
                            let k = Int(x)
                            c[k] &+= 1
                            o[k] &+= Int64((x - Double(k)) * PairHistogram.fixedScale)
                            j += 1
                        }
                        i += blockCount
                    }
                }
            }
            // Merge workers (integers: order-independent) and keep non-empty bins.
            var d = [Double](), n = [Double]()
            for k in 0..<nBins {
                var c: UInt64 = 0, o: Int64 = 0
                for w in 0..<workers { c += UInt64(counts.pointer[w * nBins + k]); o &+= offsets.pointer[w * nBins + k] }
                if c > 0 {
                    d.append((Double(k) + Double(o) / PairHistogram.fixedScale / Double(c)) * binWidth)
                    n.append(Double(c))
                }
            }
            dist.append(d); cnt.append(n)
        }
        distances = dist
        counts = cnt
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
