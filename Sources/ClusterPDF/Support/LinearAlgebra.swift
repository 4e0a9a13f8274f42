import CLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// Thin, typed wrappers over the system BLAS/LAPACK (column-major storage throughout).
public enum LinearAlgebra {
    /// A LAPACK routine that reported failure.
    public struct Failure: Error, CustomStringConvertible {
        /// Routine name ("dgels").
        public let routine: String
        /// Its `info` code.
        public let info: Int32
        /// "ROUTINE failed (info = N)".
        public var description: String { "\(routine) failed (info = \(info))" }
    }

    /// ClusterPDF parallelises with Dispatch itself. When the system BLAS is OpenBLAS (pthread
    /// build), its own threads are turned off once, so calls from our workers do not oversubscribe
    /// the cores. (OpenBLAS's *serial* build is not safe for concurrent calls: do not install it.)
    /// OpenBLAS starts its worker threads when it is loaded, and they busy-wait for about 0.1 s
    /// before they sleep; they are also shut down here, so they stop competing with our workers.
    /// Runs at the first BLAS call; `useSingleThreadedBLAS()` runs it earlier (the CLI does, at start).
    static let singleThreaded: Void = {
        typealias SetThreads = @convention(c) (Int32) -> Void
        typealias Shutdown = @convention(c) () -> Int32
        guard let handle = dlopen(nil, RTLD_NOW) else { return }
        if let sym = dlsym(handle, "openblas_set_num_threads") {
            unsafeBitCast(sym, to: SetThreads.self)(1)
            if let stop = dlsym(handle, "blas_thread_shutdown_") { _ = unsafeBitCast(stop, to: Shutdown.self)() }
        }
    }()

    /// Makes the system BLAS single-threaded now (see `singleThreaded`); idempotent.
    public static func useSingleThreadedBLAS() { _ = singleThreaded }

    /// y ← A·x for a column-major m×n matrix A (BLAS dgemv).
    public static func multiply(_ a: UnsafePointer<Double>, rows m: Int, columns n: Int,
                                _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, accumulate: Bool = false) {
        gemv(transpose: false, a, rows: m, columns: n, leading: m, x, y, accumulate)
    }

    /// y ← Aᵀ·x for a column-major m×n matrix A with leading dimension `leading` (default m)
    /// (BLAS dgemv, transposed).
    public static func multiplyTransposed(_ a: UnsafePointer<Double>, rows m: Int, columns n: Int, leading: Int? = nil,
                                          _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, accumulate: Bool = false) {
        gemv(transpose: true, a, rows: m, columns: n, leading: leading ?? m, x, y, accumulate)
    }

    static func gemv(transpose: Bool, _ a: UnsafePointer<Double>, rows m: Int, columns n: Int, leading: Int,
                     _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ accumulate: Bool) {
        guard m > 0, n > 0 else { return }
        _ = singleThreaded
        var mm = Int32(m), nn = Int32(n), lda = Int32(leading), inc: Int32 = 1
        var alpha = 1.0, beta = accumulate ? 1.0 : 0.0
        var t = CChar(UInt8(ascii: transpose ? "T" : "N"))
        dgemv_(&t, &mm, &nn, &alpha, a, &lda, x, &inc, &beta, y, &inc)
    }

    /// General C ← op(A)·op(B) + β·C, column-major with explicit leading dimensions (BLAS dgemm).
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        _ = singleThreaded
        var mm = Int32(m), nn = Int32(n), kk = Int32(k), la = Int32(lda), lb = Int32(ldb), lc = Int32(ldc)
        var alpha = 1.0, bb = beta
        var ta = CChar(UInt8(ascii: transposeA ? "T" : "N")), tb = CChar(UInt8(ascii: transposeB ? "T" : "N"))
        dgemm_(&ta, &tb, &mm, &nn, &kk, &alpha, a, &la, b, &lb, &bb, c, &lc)
    }

    /// Least-squares solution of min ‖A·x − b‖ for a column-major m×n matrix (m ≥ n), LAPACK dgels.
    public static func leastSquares(_ a: [Double], rows m: Int, columns n: Int, _ b: [Double]) throws -> [Double] {
        precondition(a.count == m * n && b.count == m && m >= n)
        var A = a, B = b
        var mm = Int32(m), nn = Int32(n), nrhs: Int32 = 1, lda = Int32(m), ldb = Int32(m), info: Int32 = 0
        var t = CChar(UInt8(ascii: "N"))
        var lwork: Int32 = -1
        var query = 0.0
        dgels_(&t, &mm, &nn, &nrhs, &A, &lda, &B, &ldb, &query, &lwork, &info)
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        dgels_(&t, &mm, &nn, &nrhs, &A, &lda, &B, &ldb, &work, &lwork, &info)
        guard info == 0 else { throw Failure(routine: "dgels", info: info) }
        return Array(B.prefix(n))
    }

    /// Inverse of a symmetric positive-definite matrix (LAPACK dpotrf + dpotri), full storage.
    public static func inverseSPD(_ a: [Double], size n: Int) throws -> [Double] {
        var A = a
        var nn = Int32(n), info: Int32 = 0
        var u = CChar(UInt8(ascii: "U"))
        dpotrf_(&u, &nn, &A, &nn, &info)
        guard info == 0 else { throw Failure(routine: "dpotrf", info: info) }
        dpotri_(&u, &nn, &A, &nn, &info)
        guard info == 0 else { throw Failure(routine: "dpotri", info: info) }
        for j in 0..<n { for i in (j + 1)..<max(j + 1, n) where i < n { A[i + j * n] = A[j + i * n] } }
        return A
    }

    /// Eigenvalues (ascending) and eigenvectors (columns, column-major) of a symmetric n×n matrix
    /// given in full column-major storage (LAPACK dsyev).
    public static func symmetricEigen(_ a: [Double], size n: Int) throws -> (values: [Double], vectors: [Double]) {
        precondition(a.count == n * n && n > 0)
        var A = a, w = [Double](repeating: 0, count: n)
        var nn = Int32(n), info: Int32 = 0, lwork: Int32 = -1, query = 0.0
        var job = CChar(UInt8(ascii: "V")), u = CChar(UInt8(ascii: "U"))
        dsyev_(&job, &u, &nn, &A, &nn, &w, &query, &lwork, &info)
        lwork = max(1, Int32(query))
        var work = [Double](repeating: 0, count: Int(lwork))
        dsyev_(&job, &u, &nn, &A, &nn, &w, &work, &lwork, &info)
        guard info == 0 else { throw Failure(routine: "dsyev", info: info) }
        return (w, A)
    }
}
