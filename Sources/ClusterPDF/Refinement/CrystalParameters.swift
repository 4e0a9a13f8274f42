import Foundation

/// The parameters of a crystal refinement and the map from their values to what the periodic
/// engine evaluates: for each phase a `CrystalPoint` (cell from the free cell parameters through
/// the metric constraints, each site moved along its free directions, U from the allowed
/// components) and an `Envelope`. Scales are linear and solved in closed form.
struct CrystalParameters: Sendable {
    /// One phase's view of the parameter list.
    struct Phase: Sendable {
        let crystal: Crystal
        let constraints: SymmetryConstraints
        let scale: Int
        let lattice: [Int]
        /// Per site, per free direction (row of `constraints.positions[s]`).
        let coordinates: [[Int]]
        /// Per site: its Uiso parameter (isotropic mode).
        let uiso: [Int]
        /// Per site, per allowed U component (anisotropic mode; empty otherwise).
        let anisotropic: [[Int]]
        let occupancy: [Int]
        let delta1: Int, delta2: Int
        let envelope: [EnvelopeParameter: Int]
        let notes: [String]
    }

    var all: [RefinementParameter]
    let phases: [Phase]
    let qdamp: Int, qbroad: Int
    let envelopeKind: EnvelopeKind
    let table: TabulatedEnvelope?
    /// Indices of the free nonlinear parameters (scales excluded), in vector order.
    let freeIndices: [Int]

    init(crystals: [Crystal], options o: CrystalRefinementOptions, settings d: DataSettings) throws {
        var all = [RefinementParameter]()
        let multi = crystals.count > 1
        envelopeKind = o.envelope
        table = o.envelopeTable
        if o.envelope == .coreShell, crystals.count != 2 {
            throw RefinementError.invalidSetting(option: "--envelope", message: "core-shell needs two models, the core then the shell (got \(crystals.count))")
        }
        if o.envelope == .file, o.envelopeTable == nil {
            throw RefinementError.invalidSetting(option: "--envelope-file", message: "--envelope file needs --envelope-file with columns r and γ(r)")
        }
        // Names the user may give: known once the list is built; checked at the end.
        func lookup<T>(_ map: [ParameterName: T], _ name: ParameterName) -> T? {
            if let v = map[name] { return v }
            if case .phase(_, let p) = name {
                if let v = map[p] { return v }
                if case .elementUiso = p, let v = map[.uiso] { return v }
                if case .anisotropicU = p, let v = map[.uiso] { return v }
                return nil
            }
            if case .elementUiso = name { return map[.uiso] }
            return nil
        }
        func add(_ name: ParameterName, _ value: Double, defaultFree: Bool, bounds b: ClosedRange<Double>) -> Int {
            let free: Bool
            if let f = o.free { free = f.contains(name) || lookup(Dictionary(uniqueKeysWithValues: f.map { ($0, true) }), name) == true }
            else { free = defaultFree }
            let isFixed = o.fixed.contains(name) || lookup(Dictionary(uniqueKeysWithValues: o.fixed.map { ($0, true) }), name) == true
            let bounds = lookup(o.bounds, name) ?? b
            all.append(RefinementParameter(name, value: lookup(o.start, name) ?? value, free: free && !isFixed, bounds: bounds))
            return all.count - 1
        }
        func named(_ p: Int, _ n: ParameterName) -> ParameterName { multi ? .phase(p + 1, n) : n }
        // Shared envelope sizes (core-shell) come first among the envelope parameters.
        var sharedEnvelope = [EnvelopeParameter: Int]()
        qdamp = add(.qdamp, d.qdamp.value, defaultFree: false, bounds: ParameterName.qdamp.defaultBounds)
        qbroad = add(.qbroad, d.qbroad.value, defaultFree: false, bounds: ParameterName.qbroad.defaultBounds)
        if o.envelope == .coreShell {
            for e in o.envelope.parameters { sharedEnvelope[e] = add(.envelope(e), e.startingValue, defaultFree: true, bounds: e.defaultBounds) }
        }
        var phases = [Phase]()
        for (pi, crystal) in crystals.enumerated() {
            let c = SymmetryConstraints(crystal: crystal)
            let scale = add(named(pi, .scale), 1, defaultFree: true, bounds: ParameterName.scale.defaultBounds)
            let lattice = c.latticeParameters.map { lp -> Int in
                let v = lp.value(in: crystal.lattice)
                let b = [.alpha, .beta, .gamma].contains(lp) ? max(1, v - 10)...min(179, v + 10) : (0.9 * v)...(1.1 * v)
                return add(named(pi, .lattice(lp)), v, defaultFree: true, bounds: b)
            }
            var notes = [String]()
            let coordinates = crystal.sites.indices.map { s -> [Int] in
                c.positions[s].pivots.map { axis -> Int in
                    let held = c.fixedOrigin.contains { $0.site == s && $0.axis == axis }
                    let v = crystal.sites[s].fractional[axis]
                    let name = named(pi, .coordinate(site: crystal.sites[s].label, axis: axis))
                    if held { notes.append("\(name) held at \(v): the space group is polar along \(["x", "y", "z"][axis]), so the origin is free") }
                    return add(name, v, defaultFree: !held, bounds: (v - 0.1)...(v + 0.1))
                }
            }
            var uisoByElement = [Element: Int]()
            var uiso = [Int](), anisotropic = [[Int]]()
            for (s, site) in crystal.sites.enumerated() {
                if o.anisotropic {
                    let basis = c.adps[s]
                    let u0 = site.uCIF.map { [$0.u11, $0.u22, $0.u33, $0.u12, $0.u13, $0.u23] }
                    anisotropic.append(basis.pivots.map { comp -> Int in
                        let iso = site.uiso ?? 0.01
                        let v = u0?[comp] ?? (comp < 3 ? iso : 0)
                        return add(named(pi, .anisotropicU(site: site.label, component: comp)), v, defaultFree: true,
                                   bounds: ParameterName.anisotropicU(site: "", component: comp).defaultBounds)
                    })
                    uiso.append(-1)
                } else {
                    if let k = uisoByElement[site.element] { uiso.append(k); continue }
                    let values = crystal.sites.filter { $0.element == site.element }.compactMap { $0.uiso ?? $0.uCIF?.uEquivalent }
                    let v = values.isEmpty ? 0.01 : values.reduce(0, +) / Double(values.count)
                    let k = add(named(pi, .elementUiso(site.element)), min(max(v, 1e-4), 0.1), defaultFree: true, bounds: ParameterName.uiso.defaultBounds)
                    uisoByElement[site.element] = k
                    uiso.append(k)
                }
            }
            let occupancy = crystal.sites.map { add(named(pi, .occupancy(site: $0.label)), $0.occupancy, defaultFree: false, bounds: 0...1) }
            let delta1 = add(named(pi, .delta1), 0, defaultFree: false, bounds: ParameterName.delta1.defaultBounds)
            let delta2 = add(named(pi, .delta2), 0, defaultFree: true, bounds: ParameterName.delta2.defaultBounds)
            var envelope = sharedEnvelope
            if o.envelope != .coreShell {
                for e in o.envelope.parameters { envelope[e] = add(named(pi, .envelope(e)), e.startingValue, defaultFree: true, bounds: e.defaultBounds) }
            }
            phases.append(Phase(crystal: crystal, constraints: c, scale: scale, lattice: lattice, coordinates: coordinates, uiso: uiso,
                                anisotropic: anisotropic, occupancy: occupancy, delta1: delta1, delta2: delta2, envelope: envelope, notes: notes))
        }
        // Every name the user gave must exist.
        let known = Set(all.map(\.name))
        func exists(_ n: ParameterName) -> Bool {
            if known.contains(n) { return true }
            if n == .uiso { return known.contains { if case .elementUiso = $0.unphased { return true }; if case .anisotropicU = $0.unphased { return true }; return false } }
            return known.contains { $0.unphased == n }
        }
        for n in Array(o.free ?? []) + Array(o.fixed) + Array(o.start.keys) + Array(o.bounds.keys) where !exists(n) {
            throw RefinementError.invalidSetting(option: "--free/--fix/--bounds", message: "the crystal model has no parameter '\(n)'; it has \(all.map { "\($0.name)" }.joined(separator: ", "))")
        }
        for p in all where !p.value.isFinite || ((p.free || o.start[p.name] != nil) && !p.bounds.contains(p.value) && p.name.unphased != .scale) {
            throw RefinementError.startOutsideBounds(p.name, value: p.value, bounds: p.bounds)
        }
        for p in all where !p.name.admits(p.bounds) {
            throw RefinementError.invalidBounds(p.name, lower: p.lower, upper: p.upper)
        }
        self.all = all
        self.phases = phases
        let scales = Set(phases.map(\.scale))
        freeIndices = all.indices.filter { all[$0].free && !scales.contains($0) }
    }

    var lower: [Double] { freeIndices.map { all[$0].lower } }
    var upper: [Double] { freeIndices.map { all[$0].upper } }
    var vector: [Double] { freeIndices.map { all[$0].value } }
    var freeNames: [ParameterName] { freeIndices.map { all[$0].name } }

    /// All values with the free ones from `v`.
    func values(_ v: [Double]) -> [Double] {
        var x = all.map(\.value)
        for (k, i) in freeIndices.enumerated() { x[i] = v[k] }
        return x
    }

    /// The crystal point of phase `p` at values `x`.
    func point(_ p: Int, _ x: [Double]) throws -> CrystalPoint {
        let ph = phases[p]
        var point = CrystalPoint(crystal: ph.crystal)
        point.lattice = try ph.constraints.lattice(ph.lattice.map { x[$0] })
        for s in ph.crystal.sites.indices {
            let basis = ph.constraints.positions[s]
            var f = ph.crystal.sites[s].fractional
            for (m, row) in basis.rows.enumerated() {
                let delta = x[ph.coordinates[s][m]] - ph.crystal.sites[s].fractional[basis.pivots[m]]
                for k in 0..<3 { f[k] += delta * row[k] }
            }
            point.fractional[s] = f
            point.occupancy[s] = x[ph.occupancy[s]]
            if ph.anisotropic.isEmpty {
                point.uiso[s] = x[ph.uiso[s]]
                point.uCIF[s] = nil
            } else {
                let u = ph.constraints.adps[s].vector(ph.anisotropic[s].map { x[$0] })
                let a = AnisotropicDisplacement(u11: u[0], u22: u[1], u33: u[2], u12: u[3], u13: u[4], u23: u[5])
                point.uCIF[s] = a
                point.uiso[s] = a.uEquivalent
            }
        }
        point.peakWidth = PeakWidth(delta1: x[ph.delta1], delta2: x[ph.delta2], qbroad: x[qbroad])
        return point
    }

    /// The particle envelope of phase `p` at values `x`.
    func envelope(_ p: Int, _ x: [Double]) -> Envelope {
        envelopeKind.envelope(phase: p, values: phases[p].envelope.mapValues { x[$0] }, table: table)
    }

    /// Finite-difference steps: 1e-5 absolute for coordinates, else 1e-4 of the value (at least
    /// 1e-6), turned inward at an upper bound.
    func steps(_ v: [Double]) -> [Double] {
        freeIndices.enumerated().map { k, i in
            let h: Double
            if case .coordinate = all[i].name.unphased { h = 1e-5 } else { h = max(1e-6, 1e-4 * abs(v[k])) }
            return v[k] + h > all[i].upper ? -h : h
        }
    }
}
