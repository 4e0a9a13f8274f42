import Dispatch

/// Runs `blocks` independent work items on `threads` workers (Dispatch). Worker t takes blocks
/// t, t+T, t+2T, …; a block's result never depends on which worker ran it, so callers that keep
/// per-block (or integer) accumulators get bit-identical results for any thread count.
enum ParallelBlocks {
    static func run(blocks: Int, threads: Int, _ body: (_ block: Int, _ worker: Int) -> Void) {
        let t = max(1, min(threads, blocks))
        if t == 1 {
            for b in 0..<blocks { body(b, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: t) { w in
                var b = w
                while b < blocks { body(b, w); b += t }
            }
        }
    }
}

/// A fixed-size buffer that workers write to at disjoint indices.
final class SharedBuffer<T>: @unchecked Sendable {
    var pointer: UnsafeMutablePointer<T>
    let count: Int
    init(repeating v: T, count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: v, count: count)
    }
    deinit { pointer.deinitialize(count: count); pointer.deallocate() }
    var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
