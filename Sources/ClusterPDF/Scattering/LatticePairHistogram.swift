import CFFTW
import Foundation

/// The lattice path of `PairHistogram`: for atoms on a `SiteGrid`, the number of pairs of kinds
/// (a, b) at each grid vector d is the cross-correlation C_ab(d) = Σ_x n_a(x) n_b(x + d) of the
/// kinds' site occupancies, computed with three-dimensional FFTs (FFTW) in O(M log M) for M grid
/// points instead of O(N²) pairs. Each grid vector's distance |o_b − o_a + Σ d_j e_j| is binned
/// exactly as the Float64 pair loop bins one pair, with the vector's count as its weight, so the
/// histogram is the pair loop's: identical counts (tested on spheres, tetrahedra, faulted
/// polytypes, shaped cuts, vacancies and trimmed surfaces) and mean distances within the grid's
/// tolerance.
enum LatticePairHistogram {
    /// Grid points of one FFT above which the path is not taken (memory: 16 bytes a point and kind).
    static let largestTransform = 1 << 25

    /// FFT size ≥ n with no prime factor above 7.
    static func transformSize(_ n: Int) -> Int {
        var m = max(n, 1)
        while true {
            var r = m
            for p in [2, 3, 5, 7] { while r % p == 0 { r /= p } }
            if r == 1 { return m }
            m += 1
        }
    }

    /// FFT sizes along the three axes for `grid` (zero padding: no wrap-around of the correlation).
    static func sizes(_ grid: SiteGrid) -> SIMD3<Int> {
        SIMD3(transformSize(2 * grid.extent.x - 1), transformSize(2 * grid.extent.y - 1), transformSize(2 * grid.extent.z - 1))
    }

    /// Estimated seconds of the lattice path, for choosing it over the pair loop.
    static func estimatedSeconds(_ grid: SiteGrid, kinds: Int, threads: Int) -> Double {
        let p = sizes(grid)
        let m = Double(p.x * p.y * p.z)
        let transforms = Double(kinds + kinds * (kinds + 1) / 2)
        let binning = Double(kinds * (kinds + 1) / 2) * m * 4e-9 / Double(max(threads, 1))
        return transforms * m * log2(max(m, 2)) * 1.5e-9 / Double(min(max(threads, 1), kinds)) + binning
    }

    /// Integer pair counts and fixed-point offset sums per bin for each kind pair (`kinds.pairs`
    /// order), or nil when the grid is too large or the transform's rounding is in doubt.
    static func binned(kinds: AtomKinds, grid: SiteGrid, bins nBins: Int, invWidth: Double, threads: Int) -> [(counts: [Int64], offsets: [Int64])]? {
        let p = sizes(grid)
        let m = p.x * p.y * p.z
        guard m <= largestTransform else { return nil }
        let half = p.z / 2 + 1
        let spectral = p.x * p.y * half
        let kindCount = kinds.kinds.count
        // Forward transforms of each kind's occupancy.
        let spectra = (0..<kindCount).map { _ in FFTWBuffer<fftw_complex>(count: spectral) }
        ParallelBlocks.run(blocks: kindCount, threads: threads) { k, _ in
            let occupancy = FFTWBuffer<Double>(count: m)
            occupancy.pointer.initialize(repeating: 0, count: m)
            for s in grid.sites[k] { occupancy.pointer[(Int(s.x) * p.y + Int(s.y)) * p.z + Int(s.z)] += 1 }
            FFTWBuffer<Double>.transform(r2c: occupancy, spectra[k], sizes: p)
        }
        let pairs = kinds.pairs
        var results = [(counts: [Int64], offsets: [Int64])?](repeating: nil, count: pairs.count)
        let out = SharedBuffer<(counts: [Int64], offsets: [Int64])?>(repeating: nil, count: pairs.count)
        let failed = SharedBuffer<Bool>(repeating: false, count: pairs.count)
        ParallelBlocks.run(blocks: pairs.count, threads: threads) { index, _ in
            let (a, b) = pairs[index]
            // conj(F_a) · F_b → C_ab(d) = Σ_x n_a(x) n_b(x + d) (times m: FFTW does not normalise).
            let product = FFTWBuffer<fftw_complex>(count: spectral)
            let fa = UnsafeMutableRawPointer(spectra[a].pointer).assumingMemoryBound(to: Double.self)
            let fb = UnsafeMutableRawPointer(spectra[b].pointer).assumingMemoryBound(to: Double.self)
            let pr = UnsafeMutableRawPointer(product.pointer).assumingMemoryBound(to: Double.self)
            for i in 0..<spectral {
                let ar = fa[2 * i], ai = fa[2 * i + 1], br = fb[2 * i], bi = fb[2 * i + 1]
                pr[2 * i] = ar * br + ai * bi
                pr[2 * i + 1] = ar * bi - ai * br
            }
            let correlation = FFTWBuffer<Double>(count: m)
            FFTWBuffer<Double>.transform(c2r: product, correlation, sizes: p)
            var counts = [Int64](repeating: 0, count: nBins), offsets = [Int64](repeating: 0, count: nBins)
            let ok = bin(correlation.pointer, sizes: p, extent: grid.extent, same: a == b, selfCount: kinds.positions[a].count,
                         shift: grid.origins[b] - grid.origins[a], basis: grid.basis, invWidth: invWidth, scale: 1 / Double(m),
                         counts: &counts, offsets: &offsets)
            if ok { out.pointer[index] = (counts, offsets) } else { failed.pointer[index] = true }
        }
        if failed.array.contains(true) { return nil }
        results = out.array
        return results.map { $0! }
    }

    /// Bins every grid vector d with C(d) ≠ 0 (for one kind, only half of them and the coincident
    /// pairs at d = 0). Returns false when a correlation value is not within 0.25 of an integer.
    static func bin(_ c: UnsafeMutablePointer<Double>, sizes p: SIMD3<Int>, extent e: SIMD3<Int>, same: Bool, selfCount: Int,
                    shift: SIMD3<Double>, basis: [SIMD3<Double>], invWidth: Double, scale: Double,
                    counts: inout [Int64], offsets: inout [Int64]) -> Bool {
        let magic = 4_503_599_627_370_496.0, mask: UInt64 = (1 << 52) - 1
        let offsetScale = PairHistogram.offsetScale
        func signed(_ i: Int, _ n: Int, _ l: Int) -> Int? {
            if i < l { return i }
            if i > n - l { return i - n }
            return nil
        }
        for i0 in 0..<p.x {
            guard let d0 = signed(i0, p.x, e.x) else { continue }
            for i1 in 0..<p.y {
                guard let d1 = signed(i1, p.y, e.y) else { continue }
                let rowBase = (i0 * p.y + i1) * p.z
                let partial = shift + Double(d0) * basis[0] + Double(d1) * basis[1]
                for i2 in 0..<p.z {
                    guard let d2 = signed(i2, p.z, e.z) else { continue }
                    let value = c[rowBase + i2] * scale
                    var n = value.rounded()
                    if abs(value - n) > 0.25 { return false }
                    if n == 0 { continue }
                    if same {
                        // Each unordered pair appears at d and −d: keep d > 0 (lexicographically);
                        // at d = 0 the atoms themselves, and pairs of coincident atoms, twice.
                        if d0 < 0 || (d0 == 0 && (d1 < 0 || (d1 == 0 && d2 < 0))) { continue }
                        if d0 == 0 && d1 == 0 && d2 == 0 {
                            n = (n - Double(selfCount)) / 2
                            if n == 0 { continue }
                        }
                    }
                    let v = partial + Double(d2) * basis[2]
                    let x = (v.x * v.x + v.y * v.y + v.z * v.z).squareRoot() * invWidth
                    let r = x + magic
                    let k = Int(r.bitPattern & mask)
                    let fixed = (x - (r - magic) + 0.5) * offsetScale + magic
                    let o = Int64(fixed.bitPattern & mask)
                    let count = Int64(n)
                    counts[k] &+= count
                    offsets[k] &+= count &* o
                }
            }
        }
        return true
    }
}

/// A buffer from `fftw_malloc` (aligned as FFTW's SIMD code expects), freed on release.
/// `@unchecked Sendable`: workers use disjoint buffers or read shared ones after they are written.
final class FFTWBuffer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(count: Int) {
        pointer = fftw_malloc(MemoryLayout<T>.stride * max(count, 1))!.bindMemory(to: T.self, capacity: max(count, 1))
    }
    deinit { fftw_free(pointer) }

    /// Real-to-complex 3-D transform of `input` (sizes p) into `output` (p.x · p.y · (p.z/2 + 1)).
    static func transform(r2c input: FFTWBuffer<Double>, _ output: FFTWBuffer<fftw_complex>, sizes p: SIMD3<Int>) {
        FFTWPlanner.executeOnce { fftw_plan_dft_r2c_3d(Int32(p.x), Int32(p.y), Int32(p.z), input.pointer, output.pointer, UInt32(FFTW_ESTIMATE)) }
    }

    /// Complex-to-real 3-D transform (unnormalised; `input` is overwritten).
    static func transform(c2r input: FFTWBuffer<fftw_complex>, _ output: FFTWBuffer<Double>, sizes p: SIMD3<Int>) {
        FFTWPlanner.executeOnce { fftw_plan_dft_c2r_3d(Int32(p.x), Int32(p.y), Int32(p.z), input.pointer, output.pointer, UInt32(FFTW_ESTIMATE)) }
    }
}
