import Dispatch
import Synchronization

/// Runs `blocks` independent work items on up to `threads` Dispatch workers. Workers take the
/// next unclaimed block from a shared counter, so a worker that starts late (or runs on a busy
/// core) simply takes fewer blocks. Which worker runs a block varies from run to run: callers keep
/// per-block results, or per-worker integer accumulators, so that results are bit-identical for
/// any thread count and any schedule.
enum ParallelBlocks {
    static func run(blocks: Int, threads: Int, _ body: @Sendable (_ block: Int, _ worker: Int) -> Void) {
        let t = max(1, min(threads, blocks))
        if t == 1 {
            for b in 0..<blocks { body(b, 0) }
            return
        }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: t) { w in
            while true {
                let b = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if b >= blocks { break }
                body(b, w)
            }
        }
    }
}

/// A fixed-size buffer that workers write to at disjoint indices.
///
/// `@unchecked Sendable`: the buffer hands out a raw pointer, and its users guarantee that no two
/// workers touch the same index and that results are read only after `ParallelBlocks.run`
/// returns (which joins every worker). That discipline is what makes it safe, not the type system.
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
