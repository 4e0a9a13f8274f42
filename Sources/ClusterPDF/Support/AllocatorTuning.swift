import Foundation

/// Process-wide tuning of the C allocator, for programs (the CLI, the benchmarks) rather than
/// the library: glibc gives freed memory back to the system as soon as 128 kB lie free at the
/// top of the heap, and serves blocks above 128 kB from fresh `mmap` pages, so a loop that
/// allocates and frees a few hundred kB per call (a crystal refinement evaluates its model
/// thousands of times) spends a tenth of its time having the kernel clear pages. Keeping freed
/// memory (up to the peak the program reached anyway) avoids that; results are unchanged.
public enum AllocatorTuning {
    /// Keeps freed heap memory for reuse and serves blocks below 32 MB from the heap; idempotent.
    /// A no-op where the C library has no `mallopt` (not glibc).
    public static func keepFreedMemory() {
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "mallopt") else { return }
        let mallopt = unsafeBitCast(sym, to: MallOpt.self)
        // <malloc.h>: M_TRIM_THRESHOLD = −1, M_MMAP_THRESHOLD = −3 (not imported into Swift).
        _ = mallopt(-1, 512 << 20)
        _ = mallopt(-3, 32 << 20)
    }
}
