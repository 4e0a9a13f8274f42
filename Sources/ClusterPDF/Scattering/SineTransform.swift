import CFFTW
import Foundation
import Synchronization

/// The discrete sine transform between G(r) and F(Q) used by periodic (real-space) PDFs:
///
///     F(q_k) = Δr · Σ_j G(r_j) sin(q_k r_j),     r_j = j·Δr,  q_k = k·Δq,  Δq = π/(N·Δr)
///
/// with N the number of r points rounded up to a power of two (zero padding), so that the r and
/// Q grids are conjugate and the transform is its own inverse up to 2/π:
/// G(r_j) = (2/π) Δq · Σ_k F(q_k) sin(q_k r_j). It is computed by FFTW's type-I DST in
/// O(N log N) — the convention of libdiffpy's `fftgtof`/`fftftog`, so that
/// band-limiting a curve to [Qmin, Qmax] (`bandLimited`) reproduces diffpy.srreal's
/// PDFCalculator.
public struct SineTransform: Sendable {
    /// Number of grid points N (a power of two).
    public let count: Int
    /// r step Δr (Å).
    public let rStep: Double
    /// Q step Δq = π/(N·Δr) (Å⁻¹).
    public var qStep: Double { Double.pi / (Double(count) * rStep) }
    private let plan: SineTransformPlan

    /// A transform for curves of up to `points` samples with step `rStep` (Å); N is the next
    /// power of two ≥ `points`.
    public init(points: Int, rStep: Double) {
        var n = 1
        while n < max(points, 2) { n <<= 1 }
        count = n
        self.rStep = rStep
        plan = SineTransformPlan(size: n - 1)
    }

    /// Σ_j y_j sin(π j k / N) for k = 0…N−1 (y zero-padded to N): a type-I DST of y_1…y_{N−1}.
    func sineSums(_ y: [Double]) -> [Double] {
        let n = count
        var input = [Double](repeating: 0, count: n - 1)
        for j in 1..<min(y.count, n) { input[j - 1] = y[j] }
        var out = [Double](repeating: 0, count: n)
        input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in plan.execute(i.baseAddress!, o.baseAddress! + 1) }
        }
        for k in 1..<n { out[k] *= 0.5 }
        return out
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

/// An FFTW plan of the type-I discrete sine transform of `size` points (FFTW's RODFT00:
/// Y_k = 2 Σ_j X_j sin(π(j+1)(k+1)/(size+1))), planned for unaligned arrays so that any two
/// buffers can be passed to `execute`.
///
/// `@unchecked Sendable`: FFTW's planner is not thread-safe, so plans are made and destroyed under
/// `FFTWPlanner.lock`; executing a finished plan on new arrays (`fftw_execute_r2r`) is thread-safe
/// (FFTW manual, "Thread safety"), which is all the plan does after `init`.
final class SineTransformPlan: @unchecked Sendable {
    let size: Int
    private let plan: fftw_plan?

    init(size: Int) {
        self.size = size
        let a = UnsafeMutablePointer<Double>.allocate(capacity: max(size, 1)), b = UnsafeMutablePointer<Double>.allocate(capacity: max(size, 1))
        defer { a.deallocate(); b.deallocate() }
        nonisolated(unsafe) var made: fftw_plan?
        FFTWPlanner.lock.withLock { _ in
            made = fftw_plan_r2r_1d(Int32(size), a, b, FFTW_RODFT00, UInt32(FFTW_ESTIMATE | FFTW_UNALIGNED))
        }
        plan = made
    }

    deinit { if let plan { FFTWPlanner.lock.withLock { _ in fftw_destroy_plan(plan) } } }

    /// Transforms `input` (size values) into `output`.
    func execute(_ input: UnsafeMutablePointer<Double>, _ output: UnsafeMutablePointer<Double>) {
        fftw_execute_r2r(plan, input, output)
    }
}

/// The lock around FFTW's planner (global state inside the C library, not thread-safe).
enum FFTWPlanner {
    static let lock = Mutex(())

    /// Makes a plan with `make` under the lock, executes it once (outside the lock: executing a
    /// finished plan is thread-safe) and destroys it under the lock.
    static func executeOnce(_ make: () -> fftw_plan?) {
        nonisolated(unsafe) var plan: fftw_plan?
        lock.withLock { _ in plan = make() }
        fftw_execute(plan)
        lock.withLock { _ in fftw_destroy_plan(plan) }
    }
}
