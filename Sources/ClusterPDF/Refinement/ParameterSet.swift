/// The parameters of one refinement: every quantity of the model with its value, bounds and
/// free/fixed state, and the map between the vector of free nonlinear parameters that the
/// minimiser moves and the `ModelPoint` that the model evaluates. The scale is not in the
/// vector: it is solved in closed form at every evaluation.
struct ParameterSet: Sendable {
    /// Every parameter, in report order.
    var all: [RefinementParameter]
    /// Elements of the model, in `ModelPoint.uiso` order.
    let elements: [Element]
    /// Index in `all` of the parameter giving each element's Uiso.
    let uisoSource: [Int]
    /// Indices in `all` of the free nonlinear parameters, in vector order.
    let freeIndices: [Int]

    /// Builds the set; throws `RefinementError` for names of elements the model lacks, invalid
    /// bounds and starting values outside their bounds. `extra` are further parameters of the
    /// model (an ensemble's psize, psig, fault) with their default start and bounds, which
    /// `o.start` and `o.bounds` override.
    init(options o: RefinementOptions, elements: [Element], settings d: DataSettings, formula: String,
         extra: [(name: ParameterName, start: Double, bounds: ClosedRange<Double>)] = []) throws {
        self.elements = elements
        for name in Array(o.free) + Array(o.bounds.keys) + Array(o.start.keys) {
            if case .elementUiso(let e) = name, !elements.contains(e) { throw RefinementError.elementNotInModel(name, formula: formula) }
        }
        for (name, b) in o.bounds where !name.admits(b) {
            throw RefinementError.invalidBounds(name, lower: b.lowerBound, upper: b.upperBound)
        }
        func bounds(_ p: ParameterName) -> ClosedRange<Double> {
            o.bounds[p] ?? o.bounds[p.shared] ?? extra.first { $0.name == p }?.bounds ?? p.defaultBounds
        }
        func start(_ p: ParameterName) -> Double {
            if let e = extra.first(where: { $0.name == p }) { return o.start[p] ?? e.start }
            switch p {
            case .qdamp: return d.qdamp.value
            case .qbroad: return d.qbroad.value
            default: return o.start[p] ?? o.start[p.shared] ?? Defaults.startingValues[p.shared] ?? 1
            }
        }
        // Each element's Uiso is its own parameter (per-element refinement, or named `uiso:X`),
        // or tied to the shared `uiso`.
        let own = elements.filter { o.free.contains(.elementUiso($0)) || o.start[.elementUiso($0)] != nil || (o.uisoPerElement && o.free.contains(.uiso)) }
        var list: [ParameterName] = [.scale, .zoom]
        if own.count < elements.count { list.append(.uiso) }
        list += own.map { .elementUiso($0) }
        list += [.delta1, .delta2, .qdamp, .qbroad]
        list += extra.map(\.name)
        var all = [RefinementParameter]()
        for p in list {
            let free = o.free.contains(p) || (p != .uiso && p.shared == .uiso && o.uisoPerElement && o.free.contains(.uiso))
            let param = RefinementParameter(p, value: start(p), free: free, bounds: bounds(p))
            all.append(param)
        }
        for p in all where !p.value.isFinite {
            throw RefinementError.startOutsideBounds(p.name, value: p.value, bounds: p.bounds)
        }
        for p in all where p.free || p.name == .scale {
            let b = p.bounds
            if p.name == .scale, o.start[.scale] == nil { continue }
            if !b.contains(p.value) { throw RefinementError.startOutsideBounds(p.name, value: p.value, bounds: b) }
        }
        self.all = all
        uisoSource = elements.map { e in all.firstIndex { $0.name == .elementUiso(e) } ?? all.firstIndex { $0.name == .uiso } ?? 0 }
        freeIndices = all.indices.filter { all[$0].free && all[$0].name != .scale }
    }

    /// Whether the scale is refined.
    var scaleIsFree: Bool { all[0].free }
    /// The fixed scale (when not free).
    var fixedScale: Double { all[0].value }
    /// Names of the free nonlinear parameters in vector order.
    var freeNames: [ParameterName] { freeIndices.map { all[$0].name } }
    /// Bounds of the free nonlinear parameters in vector order.
    var lower: [Double] { freeIndices.map { all[$0].lower } }
    var upper: [Double] { freeIndices.map { all[$0].upper } }
    /// Current values of the free nonlinear parameters.
    var vector: [Double] { freeIndices.map { all[$0].value } }

    /// Index in the free vector of a parameter, if free.
    func position(of name: ParameterName) -> Int? { freeIndices.firstIndex { all[$0].name == name } }

    /// The model point of a free-parameter vector (fixed values filled in).
    func point(_ v: [Double]) -> ModelPoint {
        var values = all.map(\.value)
        for (k, i) in freeIndices.enumerated() { values[i] = v[k] }
        func value(_ n: ParameterName) -> Double { values[all.firstIndex { $0.name == n } ?? 0] }
        return ModelPoint(zoom: value(.zoom), uiso: uisoSource.map { values[$0] },
                          peakWidth: PeakWidth(delta1: value(.delta1), delta2: value(.delta2), qbroad: value(.qbroad)),
                          qdamp: value(.qdamp))
    }

    /// The value of `name` at the free-parameter vector `v` (its fixed value when not free).
    func value(_ name: ParameterName, in v: [Double]) -> Double {
        guard let i = all.firstIndex(where: { $0.name == name }) else { return 0 }
        if let k = freeIndices.firstIndex(of: i) { return v[k] }
        return all[i].value
    }

    /// Finite-difference steps: 1e-5 for zoom, else 1e-4 of the value (at least 1e-6), turned
    /// inward at an upper bound.
    func steps(_ v: [Double]) -> [Double] {
        freeIndices.enumerated().map { k, i in
            let h = all[i].name == .zoom ? 1e-5 : max(1e-6, 1e-4 * abs(v[k]))
            return v[k] + h > all[i].upper ? -h : h
        }
    }
}
