import Synchronization

/// The crystal curves and pair lists a crystal refinement computed last, so that evaluations
/// that share a point (a Jacobian's base point and its envelope, scale and qdamp columns; an
/// accepted trial step and the next Jacobian) or a geometry (its U and δ columns) do not compute
/// them again. Entries are exact results keyed by phase and point; the oldest go first.
///
/// Shared by copies of one `CrystalRefinement` (a reference type behind a `Mutex`); what it
/// returns never depends on what was computed before, only how fast.
final class CrystalCurveCache: Sendable {
    /// A phase and its crystal state.
    struct Key: Hashable, Sendable {
        let phase: Int
        let point: CrystalPoint
    }

    private struct State {
        var curves: [(key: Key, curve: [Double])] = []
        var pairs: [(phase: Int, point: CrystalPoint, list: PeriodicPDFEngine.PairList)] = []
    }

    private let state = Mutex(State())
    /// Curves kept (each a few tens of kB).
    let curveCapacity: Int
    /// Pair lists kept (geometries).
    let pairCapacity: Int

    init(curveCapacity: Int = 48, pairCapacity: Int = 16) {
        self.curveCapacity = curveCapacity
        self.pairCapacity = pairCapacity
    }

    /// The curve of `key`, if kept.
    func curve(_ key: Key) -> [Double]? {
        state.withLock { s in s.curves.last(where: { $0.key == key })?.curve }
    }

    /// The pair list of `phase` at the geometry of `point`, if kept.
    func pairs(phase: Int, geometryOf point: CrystalPoint) -> PeriodicPDFEngine.PairList? {
        state.withLock { s in s.pairs.last(where: { $0.phase == phase && $0.point.sameGeometry(point) })?.list }
    }

    /// Keeps a curve.
    func store(_ key: Key, curve: [Double]) {
        state.withLock { s in
            s.curves.append((key, curve))
            if s.curves.count > curveCapacity { s.curves.removeFirst(s.curves.count - curveCapacity) }
        }
    }

    /// Keeps a pair list.
    func store(phase: Int, point: CrystalPoint, pairs list: PeriodicPDFEngine.PairList) {
        state.withLock { s in
            s.pairs.append((phase, point, list))
            if s.pairs.count > pairCapacity { s.pairs.removeFirst(s.pairs.count - pairCapacity) }
        }
    }
}
