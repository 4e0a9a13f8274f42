import Synchronization

/// Zero-filled `Double` arrays lent out and returned, so that a loop that needs a large, mostly
/// untouched work array (the periodic engine's 0.001 Å bins) does not allocate — and fault in —
/// fresh pages at every call. Whoever returns an array must have set every element it touched
/// back to zero; what the pool hands out is then indistinguishable from a new array.
final class ZeroedBufferPool: Sendable {
    private let free = Mutex<[[Double]]>([])
    /// Arrays kept at most (one per thread is enough).
    let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    /// A zero-filled array of at least `count` elements.
    func take(count: Int) -> [Double] {
        if let a = free.withLock({ f -> [Double]? in
            guard let i = f.firstIndex(where: { $0.count >= count }) else { return nil }
            return f.remove(at: i)
        }) { return a }
        return [Double](repeating: 0, count: count)
    }

    /// Returns an array whose elements are all zero again.
    func give(_ a: [Double]) {
        free.withLock { f in if f.count < capacity { f.append(a) } }
    }
}
