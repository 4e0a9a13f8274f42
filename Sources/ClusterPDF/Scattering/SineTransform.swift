import Foundation

/// The discrete sine transform between G(r) and F(Q) used by periodic (real-space) PDFs:
///
///     F(q_k) = Δr · Σ_j G(r_j) sin(q_k r_j),     r_j = j·Δr,  q_k = k·Δq,  Δq = π/(N·Δr)
///
/// with N the number of r points rounded up to a power of two (zero padding), so that the r and
/// Q grids are conjugate and the transform is its own inverse up to 2/π:
/// G(r_j) = (2/π) Δq · Σ_k F(q_k) sin(q_k r_j). It is computed with a radix-2 FFT of the odd
/// extension (length 2N) in O(N log N) — the convention of libdiffpy's `fftgtof`/`fftftog`, so that
/// band-limiting a curve to [Qmin, Qmax] (`bandLimited`) reproduces diffpy.srreal's
/// PDFCalculator.
public struct SineTransform: Sendable {
    /// Number of grid points N (a power of two).
    public let count: Int
    /// r step Δr (Å).
    public let rStep: Double
    /// Q step Δq = π/(N·Δr) (Å⁻¹).
    public var qStep: Double { Double.pi / (Double(count) * rStep) }
    private let fft: RadixTwoFFT

    /// A transform for curves of up to `points` samples with step `rStep` (Å); N is the next
    /// power of two ≥ `points`.
    public init(points: Int, rStep: Double) {
        var n = 1
        while n < max(points, 2) { n <<= 1 }
        count = n
        self.rStep = rStep
        fft = RadixTwoFFT(size: 2 * n)
    }

    /// Σ_j y_j sin(π j k / N) for k = 0…N−1 (y zero-padded to N).
    func sineSums(_ y: [Double]) -> [Double] {
        let n = count
        var re = [Double](repeating: 0, count: 2 * n), im = [Double](repeating: 0, count: 2 * n)
        for j in 1..<min(y.count, n) { re[j] = y[j]; re[2 * n - j] = -y[j] }
        fft.transform(&re, &im)
        // Σ_j x_j e^{−2πi jk/2N} with x odd → −2i Σ_j y_j sin(π jk/N).
        return (0..<n).map { -0.5 * im[$0] }
    }

    /// F(q_k) = Δr Σ_j G(r_j) sin(q_k r_j) for k = 0…N−1.
    public func forward(_ g: [Double]) -> [Double] { sineSums(g).map { $0 * rStep } }

    /// G(r_j) = (2/π) Δq Σ_k F(q_k) sin(q_k r_j) for j = 0…N−1.
    public func inverse(_ f: [Double]) -> [Double] { sineSums(f).map { $0 * qStep * 2 / Double.pi } }

    /// Number of Q steps below `q`: the first k with k·Δq ≥ q (libdiffpy's `qminSteps`, with the
    /// same tolerance for q on a grid point).
    func stepsBelow(_ q: Double) -> Int {
        var k = Int((q / qStep).rounded(.up))
        if abs(q - Double(k - 1) * qStep) <= 1e-7 * max(1, abs(q)) { k -= 1 }
        return max(0, k)
    }

    /// The curve with its Fourier components outside [Qmin, Qmax] removed: F(Q) is set to zero
    /// for k·Δq < Qmin and for k ≥ ⌈Qmax/Δq⌉, then transformed back. Returns N points.
    public func bandLimited(_ g: [Double], qmin: Double, qmax: Double) -> [Double] {
        var f = forward(g)
        let lo = min(stepsBelow(qmin), f.count)
        let hi = min(Int((qmax / qStep).rounded(.up)), f.count)
        for k in 0..<lo { f[k] = 0 }
        for k in hi..<f.count { f[k] = 0 }
        return inverse(f)
    }
}

/// An in-place iterative radix-2 complex FFT (forward, e^{−2πi jk/n}) with precomputed twiddles.
struct RadixTwoFFT: Sendable {
    let size: Int
    private let cosines: [Double]
    private let sines: [Double]
    private let reversed: [Int]

    init(size: Int) {
        precondition(size > 0 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        cosines = (0..<(size / 2)).map { cos(2 * Double.pi * Double($0) / Double(size)) }
        sines = (0..<(size / 2)).map { -sin(2 * Double.pi * Double($0) / Double(size)) }
        var bits = 0
        while (1 << bits) < size { bits += 1 }
        reversed = (0..<size).map { i in
            var r = 0, x = i
            for _ in 0..<bits { r = (r << 1) | (x & 1); x >>= 1 }
            return r
        }
    }

    func transform(_ re: inout [Double], _ im: inout [Double]) {
        let n = size
        for i in 0..<n where reversed[i] > i { re.swapAt(i, reversed[i]); im.swapAt(i, reversed[i]) }
        re.withUnsafeMutableBufferPointer { xr in
            im.withUnsafeMutableBufferPointer { xi in
                var len = 2
                while len <= n {
                    let half = len / 2, stride = n / len
                    var start = 0
                    while start < n {
                        for k in 0..<half {
                            let wr = cosines[k * stride], wi = sines[k * stride]
                            let a = start + k, b = a + half
                            let tr = xr[b] * wr - xi[b] * wi, ti = xr[b] * wi + xi[b] * wr
                            xr[b] = xr[a] - tr; xi[b] = xi[a] - ti
                            xr[a] += tr; xi[a] += ti
                        }
                        start += len
                    }
                    len <<= 1
                }
            }
        }
    }
}
