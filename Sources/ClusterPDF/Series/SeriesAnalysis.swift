import Foundation

/// One component of a series: a cluster model (end member).
public struct SeriesModel: Sendable {
    /// Name shown in outputs (the file name).
    public var name: String
    /// The cluster.
    public var structure: Structure
    /// A model named `name`.
    public init(name: String, structure: Structure) { self.name = name; self.structure = structure }
}

/// A reaction series: every frame modelled as a mixture of the end-member clusters (atom
/// fractions with Nyquist-honest uncertainties), and the number of independent components the
/// frames hold.
///
/// The end members' zoom, Uiso and δ2 are shared across the series: each model is refined once
/// (`PDFRefinement`, the `fit` engine) on the frame where a first mixture pass gives it its largest
/// share, then every frame's amplitudes are solved by non-negative least squares
/// (`MixtureSolver`) on the fit range. A mixture of kinds k with atom fractions x_k scatters as
/// G = Σ_k x_k (⟨f⟩_k²/⟨f⟩²) G_k, ⟨f⟩ = Σ_k x_k ⟨f⟩_k (f at Q = 0, X-rays: the electron count), so
/// x_k ∝ a_k/⟨f⟩_k²; clusters of one composition have equal weights.
public struct SeriesAnalysis: Sendable {
    /// The end members.
    public var models: [SeriesModel]
    /// Fit range, Q range, damping and radiation (the data headers' values where not given).
    public var refinement = RefinementOptions()
    /// Worker threads of the end-member refinements.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Refine one Uiso per element for each end member (default: one shared Uiso per member).
    public var uisoPerElement = false
    /// Model-free components to resolve besides the models (nil: models only).
    public var components: ComponentRequest?
    /// Refine each member's zoom, Uiso and δ2 on every frame (`--per-frame`), starting from the
    /// shared end members, instead of sharing them across the series.
    public var perFrame = false
    /// Starting zoom, Uiso and δ2 of each model (by model; nil: zoom 1, Uiso 0.01 Å², δ2 0). With
    /// starting values every member is refined with the others' parts subtracted from the first
    /// round on (without, the first round refines each on the whole frame).
    public var start: [[ParameterName: Double]]?

    /// How many components `series --components` asks for.
    public enum ComponentRequest: Sendable, Hashable {
        /// As many as the singular values show (`ComponentCount`).
        case auto
        /// This many in all (models included).
        case count(Int)
    }

    /// An analysis with `models` as end members.
    public init(models: [SeriesModel]) { self.models = models }

    /// One frame's result.
    public struct Frame: Sendable, Codable {
        /// The curve's path.
        public var curve: String
        /// The frame's position: its header's time, temperature or x, else its index.
        public var x: Double
        /// Where `x` came from ("time", "temperature", "x" or "index").
        public var xSource: String
        /// Atom fraction per model name.
        public var fractions: [String: Double]
        /// Standard uncertainty of each fraction.
        public var uncertainties: [String: Double]
        /// Rw of the mixture (nil when the frame failed or holds no signal; never NaN in JSON).
        public var rw: Double?
        /// Models at their bound 0 in this frame.
        public var atBound: [String]
        /// The error, when the frame could not be read or fitted (then the rest is empty).
        public var error: String?
        /// With `perFrame`: each member's parameters refined on this frame, by model name.
        public var parameters: [String: MemberParameters]? = nil

        /// The entry of a frame that could not be read or fitted.
        static func failed(_ curve: String, x: Double, xSource: String, error: String) -> Frame {
            Frame(curve: curve, x: x, xSource: xSource, fractions: [:], uncertainties: [:], rw: nil, atBound: [], error: error)
        }
    }

    /// A member's parameters refined on one frame (`perFrame`).
    public struct MemberParameters: Sendable, Codable, Hashable {
        /// Zoom, Uiso (Å²; the mean over elements with `uisoPerElement`) and δ2 (Å²).
        public var zoom: Double, uiso: Double, delta2: Double
        /// Uiso per element ("uiso:Cd" → Å²), with `uisoPerElement`.
        public var uisoPerElement: [String: Double]?
    }

    /// The fit residuals Gobs − Gcalc of the frames on the first frame's fit grid (for the heat
    /// map of the series page; not part of the JSON).
    public struct ResidualMap: Sendable {
        /// r (Å) of the fit grid.
        public var r: [Double]
        /// Frame names, positions and residuals (Å⁻²), in input order.
        public var names: [String], x: [Double], residuals: [[Double]]
    }

    /// A model-free component's curve.
    public struct ComponentCurve: Sendable, Codable {
        /// "component 1", …
        public var name: String
        /// r (Å) and G (Å⁻²) on the frames' fit range.
        public var r: [Double], g: [Double]
        /// Its classification (`Result.classifyComponents`), when asked for.
        public var classification: ComponentVerdict? = nil
    }

    /// An end member as refined.
    public struct ModelInfo: Sendable, Codable {
        /// Its name.
        public var name: String
        /// Formula.
        public var formula: String
        /// Refined zoom and Uiso (Å²; the mean over elements with `uisoPerElement`).
        public var zoom: Double, uiso: Double
        /// Refined Uiso per element ("uiso:Cd" → Å²), with `uisoPerElement`.
        public var uisoPerElement: [String: Double]?
        /// Refined δ2 (Å²).
        public var delta2: Double
        /// The frame it was refined on, and that single fit's Rw.
        public var refinedOn: String, rw: Double
        /// Its scattering weight ⟨f⟩² (f at Q = 0).
        public var weight: Double
        /// The warnings of its refinement (parameters at bounds, …).
        public var warnings: [String]
    }

    /// The whole result (the JSON `series` writes).
    public struct Result: Sendable, Codable {
        /// Frames in input order.
        public var frames: [Frame]
        /// The end members.
        public var models: [ModelInfo]
        /// The number of components the frames hold (model-free), when it could be estimated.
        public var components: Int?
        /// What `components` was decided on.
        public var componentEstimate: ComponentCount.Estimate?
        /// The model-free component curves resolved (`--components`), each of which can be classified.
        public var componentCurves: [ComponentCurve]?
        /// Notes and warnings (a model never needed, more components than models, …).
        public var warnings: [String]
        /// Whether members were refined per frame (`--per-frame`).
        public var perFrame = false
        /// The residuals of the frames (not in the JSON).
        public var residuals: ResidualMap? = nil

        private enum CodingKeys: String, CodingKey { case frames, models, components, componentEstimate, componentCurves, warnings, perFrame }
    }

    /// Runs the analysis on `paths` (frames that fail to read give error entries).
    public func run(paths: [String]) throws -> Result {
        guard !models.isEmpty || components != nil else {
            throw MixtureSolver.SolverError(description: "a series needs models (--models A.xyz B.xyz), model-free components (--components auto|K), or both")
        }
        var curves = [(index: Int, curve: MeasuredCurve)]()
        var frames = [Frame?](repeating: nil, count: paths.count)
        for (i, p) in paths.enumerated() {
            do {
                let c = try MeasuredCurveReader.read(path: p)
                if let a = c.axis, a != .r { throw SettingsError.invalid("\(p) is reciprocal-space data; a series fits G(r)") }
                curves.append((i, c))
            } catch {
                frames[i] = .failed(p, x: Double(i), xSource: "index", error: "\(error)")
            }
        }
        guard let first = curves.first else { throw MixtureSolver.SolverError(description: "no frame could be read") }
        let cache = ModelCurveCache()
        let (params, infos, weights) = models.isEmpty ? ([], [], []) : try endMembers(curves.map(\.curve), cache: cache)
        var residualRows = [Int: (r: [Double], residual: [Double])]()
        // Per frame: the shared members' non-negative mixture, or (perFrame) each member refined on
        // the frame from the shared parameters.
        let fitted = SharedBuffer<(Frame, [Double], [Double])?>(repeating: nil, count: curves.count)
        let read = curves
        ParallelBlocks.run(blocks: models.isEmpty ? 0 : read.count, threads: perFrame ? threads : 1) { k, _ in
            let c = read[k]
            let (x, source) = SeriesAnalysis.position(c.curve, index: c.index)
            do {
                if perFrame {
                    var local = self
                    local.perFrame = false; local.start = params; local.threads = 1
                    let f = try local.fit(c.curve, rounds: 2)
                    var frame = f.frame
                    frame.x = x; frame.xSource = source
                    frame.parameters = Dictionary(uniqueKeysWithValues: f.models.map {
                        ($0.name, MemberParameters(zoom: $0.zoom, uiso: $0.uiso, delta2: $0.delta2, uisoPerElement: $0.uisoPerElement))
                    })
                    fitted.pointer[k] = (frame, f.r, zip(f.gObserved, f.gCalculated).map { $0 - $1 })
                } else {
                    let s = try mixture(c.curve, params: params, weights: weights, cache: cache)
                    let frame = Frame(curve: c.curve.path, x: x, xSource: source,
                                      fractions: Dictionary(uniqueKeysWithValues: zip(models.map(\.name), s.values)),
                                      uncertainties: Dictionary(uniqueKeysWithValues: zip(models.map(\.name), s.sigmas)),
                                      rw: s.rw, atBound: zip(models.map(\.name), s.atZero).filter(\.1).map(\.0), error: nil)
                    var residual = s.observed
                    for (a, col) in zip(s.amplitudes, s.columns) { for i in residual.indices { residual[i] -= a * col[i] } }
                    fitted.pointer[k] = (frame, s.r, residual)
                }
            } catch {
                fitted.pointer[k] = (.failed(c.curve.path, x: x, xSource: source, error: "\(error)"), [], [])
            }
        }
        for (k, c) in curves.enumerated() {
            guard let (frame, r, residual) = fitted.array[k] else { continue }
            frames[c.index] = frame
            if !residual.isEmpty { residualRows[c.index] = (r, residual) }
        }
        // Model-free count on the frames that share the first frame's grid.
        var estimate: ComponentCount.Estimate?
        // A value at a limit in an end member's refinement is a limit of every fraction.
        var warnings = infos.flatMap { m in m.warnings.map { "\(m.name): \($0)" } }
        let range = fitRange(first.curve)
        let grid = first.curve.x.indices.filter { range.contains(first.curve.x[$0]) }
        let same = curves.filter { $0.curve.x.count == first.curve.x.count && zip($0.curve.x, first.curve.x).allSatisfy { abs($0 - $1) < 1e-9 } }
        // Oversampling of the frames' grid: π/((Qmax − Qmin)·Δr).
        let step = grid.count > 1 ? first.curve.x[grid[1]] - first.curve.x[grid[0]] : 0.01
        let q = (try? DataSettings.resolve(first.curve, overrides: refinement.overrides)).map { ($0.qmin.value, $0.qmax.value) } ?? (1.0, 25.0)
        let oversampling = Double.pi / (max(1, q.1 - q.0) * max(1e-6, step))
        let data = same.map { c in grid.map { c.curve.y[$0] } }
        if same.count >= 3, grid.count > same.count {
            estimate = try? ComponentCount.estimate(frames: data, oversampling: oversampling)
            if let e = estimate, e.components > models.count, components == nil {
                warnings.append("the frames hold \(e.components) independent components but \(models.count) model\(models.count == 1 ? "" : "s") were given: an intermediate or another structure is likely")
            }
        } else {
            warnings.append("component count not estimated: it needs at least 3 frames on one r grid")
        }
        for m in models where curves.allSatisfy({ (frames[$0.index]?.fractions[m.name] ?? 0) < 0.02 }) {
            warnings.append("\(m.name) takes less than 2 % of every frame: it may not be in this series")
        }
        var resolved: [ComponentCurve]?
        if let request = components {
            let k: Int
            switch request {
            case .auto:
                guard let e = estimate else { throw MixtureSolver.SolverError(description: "--components auto needs the component count, which needs at least 3 frames on one r grid") }
                k = e.components
            case .count(let c): k = c
            }
            if k <= models.count {
                warnings.append("\(k) component\(k == 1 ? "" : "s") asked or found, no more than the \(models.count) model\(models.count == 1 ? "" : "s"): no model-free component resolved")
            } else {
                var fixed = [[Double]]()
                if !models.isEmpty {
                    let mix = try mixture(first.curve, params: params, weights: weights, cache: cache)
                    guard mix.r.count == grid.count else { throw MixtureSolver.SolverError(description: "the models' grid (\(mix.r.count) points) differs from the frames' fit range (\(grid.count))") }
                    fixed = mix.columns
                }
                let res = try ComponentResolution.resolve(frames: data, count: k, fixed: fixed, oversampling: oversampling)
                let names = models.map(\.name) + (1...(k - models.count)).map { "component \($0)" }
                for (row, c) in same.enumerated() {
                    let (x, source) = SeriesAnalysis.position(c.curve, index: c.index)
                    let model = zip(data[row].indices, data[row]).map { p, _ in (0..<k).reduce(0.0) { $0 + res.fractions[row][$1] * res.curves[$1][p] } }
                    let obs = data[row]
                    let rss = zip(obs, model).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, norm = obs.reduce(0) { $0 + $1 * $1 }
                    residualRows[c.index] = (grid.map { first.curve.x[$0] }, zip(obs, model).map { $0 - $1 })
                    frames[c.index] = Frame(curve: c.curve.path, x: x, xSource: source,
                                            fractions: Dictionary(uniqueKeysWithValues: zip(names, res.fractions[row])),
                                            uncertainties: Dictionary(uniqueKeysWithValues: zip(names, res.uncertainties[row])),
                                            rw: norm > 0 ? (rss / norm).squareRoot() : nil,
                                            atBound: zip(names, res.fractions[row]).filter { $0.1 == 0 }.map(\.0), error: nil)
                }
                for c in curves where !same.contains(where: { $0.index == c.index }) {
                    frames[c.index] = .failed(c.curve.path, x: Double(c.index), xSource: "index",
                                              error: "\(c.curve.path): not on the first frame's r grid; model-free components need one grid")
                }
                let r = grid.map { first.curve.x[$0] }
                resolved = (models.count..<k).map { ComponentCurve(name: names[$0], r: r, g: res.curves[$0]) }
                warnings.append("with model-free components, fractions are shares of each frame's G(r) (scattering fractions), not atom fractions; their uncertainties hold the component curves fixed")
            }
        }
        var residuals: ResidualMap?
        if let r0 = residualRows.keys.min().flatMap({ residualRows[$0]?.r }), !r0.isEmpty {
            let rows = residualRows.keys.sorted().filter { residualRows[$0]!.r == r0 }
            residuals = ResidualMap(r: r0, names: rows.map { (frames[$0]!.curve as NSString).lastPathComponent }, x: rows.map { frames[$0]!.x },
                                    residuals: rows.map { residualRows[$0]!.residual })
        }
        return Result(frames: frames.map { $0! }, models: infos, components: estimate?.components, componentEstimate: estimate,
                      componentCurves: resolved, warnings: warnings, perFrame: perFrame && !models.isEmpty, residuals: residuals)
    }

    /// The end members' parameters: a first pass with defaults finds the frame each dominates;
    /// each is refined there, then (`rounds` − 1 times) again with the other members' share of
    /// that frame subtracted.
    func endMembers(_ curves: [MeasuredCurve], rounds: Int = 2, cache: ModelCurveCache? = nil) throws -> (params: [[ParameterName: Double]], infos: [ModelInfo], weights: [Double]) {
        let weights = models.map { SeriesAnalysis.weight($0.structure, radiation: refinement.overrides.radiation ?? .xray) }
        var params: [[ParameterName: Double]] = start.flatMap { $0.count == models.count ? $0 : nil }
            ?? models.map { _ in [.zoom: 1.0, .uiso: 0.01, .delta2: 0.0] }
        var shares = try curves.map { try mixture($0, params: params, weights: weights, cache: cache).values }
        var infos = [ModelInfo]()
        for round in 0..<max(1, rounds) {
            infos = []
            var next = params
            for (k, m) in models.enumerated() {
                let best = shares.indices.max { shares[$0][k] < shares[$1][k] } ?? 0
                var data = curves[best]
                if round > 0 || start != nil, models.count > 1 {
                    let mix = try mixture(data, params: params, weights: weights, cache: cache)
                    var y = mix.observed
                    for j in models.indices where j != k { for i in y.indices { y[i] -= mix.amplitudes[j] * mix.columns[j][i] } }
                    data.x = mix.r; data.y = y; data.dy = nil
                }
                var o = refinement
                o.threads = threads
                o.uncertainties = false
                o.uisoPerElement = uisoPerElement
                // Given starting values: every round continues from the last.
                if start != nil { o.start.merge(params[k]) { _, b in b } }
                let r = try PDFRefinement(structure: m.structure, data: data, options: o).run()
                next[k] = Dictionary(r.parameters.filter { $0.name != .scale }.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                let uisos = r.parameters.filter { $0.name.description.hasPrefix("uiso") }
                infos.append(ModelInfo(name: m.name, formula: m.structure.formula, zoom: r.value(.zoom) ?? 1,
                                       uiso: uisos.map(\.value).reduce(0, +) / Double(max(1, uisos.count)),
                                       uisoPerElement: uisoPerElement ? Dictionary(uisos.map { ($0.name.description, $0.value) }, uniquingKeysWith: { a, _ in a }) : nil,
                                       delta2: r.value(.delta2) ?? 0, refinedOn: curves[best].path, rw: r.rw, weight: weights[k],
                                       warnings: r.warnings.map(\.message)))
            }
            params = next
            shares = try curves.map { try mixture($0, params: params, weights: weights, cache: cache).values }
        }
        return (params, infos, weights)
    }

    /// A two- or more-component fit of one curve (`clusterpdf fit A.xyz B.xyz DATA`): every member
    /// refined on the curve with the others subtracted, alternately (`rounds` times), then the
    /// mixture; the curves of the fit file (r, Gobs, Gcalc and each member's part).
    public struct MixtureFit: Sendable, Codable {
        /// Fractions, uncertainties, Rw, bounds.
        public var frame: Frame
        /// The members as refined.
        public var models: [ModelInfo]
        /// r (Å), observed and calculated G over the fit range.
        public var r: [Double], gObserved: [Double], gCalculated: [Double]
        /// Each member's part of gCalculated, by name.
        public var parts: [String: [Double]]
    }

    /// Fits `curve` as a mixture of the models.
    public func fit(_ curve: MeasuredCurve, rounds: Int = 4) throws -> MixtureFit {
        var (params, infos, weights) = try endMembers([curve], rounds: rounds)
        // The alternating refinement, polished by a joint one (`MixtureRefinement`) where that fits better.
        if models.count > 1, let before = try mixture(curve, params: params, weights: weights).rw,
           let joint = try? MixtureRefinement(structures: models.map(\.structure), options: refinement, uisoPerElement: uisoPerElement).refine(curve, start: params),
           joint.rw < before {
            for k in models.indices {
                params[k].merge(joint.parameters[k]) { _, b in b }
                let u = joint.parameters[k].filter { if case .elementUiso = $0.key { return true }; return $0.key == .uiso }
                infos[k].zoom = joint.parameters[k][.zoom] ?? infos[k].zoom
                infos[k].delta2 = joint.parameters[k][.delta2] ?? infos[k].delta2
                infos[k].uiso = u.values.reduce(0, +) / Double(max(1, u.count))
                if uisoPerElement { infos[k].uisoPerElement = Dictionary(uniqueKeysWithValues: u.map { ($0.key.description, $0.value) }) }
            }
        }
        let mix = try mixture(curve, params: params, weights: weights)
        var calc = [Double](repeating: 0, count: mix.observed.count), parts = [String: [Double]]()
        for (k, m) in models.enumerated() {
            let part = mix.columns[k].map { $0 * mix.amplitudes[k] }
            parts[m.name] = part
            for i in calc.indices { calc[i] += part[i] }
        }
        let (x, source) = SeriesAnalysis.position(curve, index: 0)
        let frame = Frame(curve: curve.path, x: x, xSource: source, fractions: Dictionary(uniqueKeysWithValues: zip(models.map(\.name), mix.values)),
                          uncertainties: Dictionary(uniqueKeysWithValues: zip(models.map(\.name), mix.sigmas)), rw: mix.rw,
                          atBound: zip(models.map(\.name), mix.atZero).filter(\.1).map(\.0), error: nil)
        return MixtureFit(frame: frame, models: infos, r: mix.r, gObserved: mix.observed, gCalculated: calc, parts: parts)
    }

    func fitRange(_ c: MeasuredCurve) -> ClosedRange<Double> {
        let lo = refinement.overrides.rmin ?? Defaults.fitRange.lowerBound, hi = refinement.overrides.rmax ?? Defaults.fitRange.upperBound
        return lo...max(lo, hi)
    }

    /// One frame's mixture: each model's G(r) with its parameters (scale 1) on the frame's grid,
    /// then non-negative amplitudes and fractions.
    func mixture(_ curve: MeasuredCurve, params: [[ParameterName: Double]], weights: [Double], cache: ModelCurveCache? = nil) throws
        -> (values: [Double], sigmas: [Double], rw: Double?, atZero: [Bool], amplitudes: [Double], columns: [[Double]], observed: [Double], r: [Double]) {
        let m = try modelCurves(curve, params: params, cache: cache)
        let sol = try MixtureSolver.solve(columns: m.columns, y: m.observed, oversampling: m.oversampling)
        let f = MixtureSolver.fractions(sol, weights: weights)
        let norm = m.observed.reduce(0) { $0 + $1 * $1 }
        return (f.values, f.sigmas, norm > 0 ? (sol.rss / norm).squareRoot() : nil, sol.atZero, sol.amplitudes, m.columns, m.observed, m.r)
    }

    /// Each model's G(r) at `params` (scale 1) on the curve's fit-range grid and settings, and the
    /// observed points there. Frames of a series share grid and settings, so the model curves are
    /// computed once per (grid, resolved settings, parameters) when a cache is given.
    func modelCurves(_ curve: MeasuredCurve, params: [[ParameterName: Double]], cache: ModelCurveCache?) throws
        -> (columns: [[Double]], observed: [Double], r: [Double], oversampling: Double) {
        let key = cache.flatMap { _ in try? ModelCurveCache.key(curve, overrides: refinement.overrides, params: params) }
        if let key, let hit = cache?.get(key), let start = curve.x.firstIndex(of: hit.r[0]), start + hit.r.count <= curve.x.count {
            return (hit.columns, Array(curve.y[start..<(start + hit.r.count)]), hit.r, hit.oversampling)
        }
        var columns = [[Double]](), observed = [Double](), oversampling = 1.0, grid = [Double]()
        for (k, m) in models.enumerated() {
            var o = refinement
            // Every parameter held: the model's G(r) at scale 1 on the frame's grid and settings.
            o.free = []
            o.start = params[k].merging([.scale: 1]) { _, b in b }
            o.uisoPerElement = uisoPerElement
            o.globalSearch = false
            o.uncertainties = false
            o.threads = 1
            o.bounds = [.zoom: 0.5...2, .uiso: 0...1, .delta2: 0...1000]
            let r = try PDFRefinement(structure: m.structure, data: curve, options: o).run()
            guard r.gCalculated.contains(where: { $0 != 0 }) else { throw SettingsError.invalid("\(m.name) gives no G(r) on \(curve.path)") }
            columns.append(r.gCalculated)
            observed = r.gObserved
            grid = r.r
            oversampling = r.oversampling
        }
        // Cached only when the observed points are exactly the curve's slice on that grid, so that
        // a hit gives what a fresh computation would.
        if let key, let first = grid.first, let start = curve.x.firstIndex(of: first), start + grid.count <= curve.x.count,
           Array(curve.y[start..<(start + grid.count)]) == observed, Array(curve.x[start..<(start + grid.count)]) == grid {
            cache?.put(key, (columns, grid, oversampling))
        }
        return (columns, observed, grid, oversampling)
    }

    /// ⟨f⟩² at Q = 0: X-rays, the mean electron count squared (neutral atoms); neutrons, the mean
    /// coherent scattering length squared.
    static func weight(_ s: Structure, radiation: Radiation) -> Double {
        let n = max(1e-12, s.atoms.reduce(0) { $0 + $1.occupancy })
        let f = s.atoms.reduce(0.0) { acc, a in
            acc + a.occupancy * (radiation == .neutron ? (a.element.neutronScatteringLength ?? 1) : Double(a.element.atomicNumber - a.charge))
        } / n
        // A mean neutron length of 0 (a null-scattering alloy) would make every fraction infinite:
        // such a member is weighted 1, like a member of the others' composition.
        return f * f > 1e-12 ? f * f : 1
    }

    /// A frame's position: header time, temperature or x, else its index in the input.
    static func position(_ c: MeasuredCurve, index: Int) -> (Double, String) {
        for key in ["time", "temperature", "x"] {
            if let t = c.header[key], let v = Double(t.split(separator: " ").first.map(String.init) ?? ""), v.isFinite { return (v, key) }
        }
        return (Double(index), "index")
    }
}

/// Model curves of a series run, shared by its frames (one grid and settings): keyed by the
/// frame's r grid, its resolved Q range, damping and radiation, and the models' parameters.
final class ModelCurveCache: @unchecked Sendable {
    private let lock = NSLock()
    private var store = [String: (columns: [[Double]], r: [Double], oversampling: Double)]()

    static func key(_ curve: MeasuredCurve, overrides: SettingOverrides, params: [[ParameterName: Double]]) throws -> String {
        let d = try DataSettings.resolve(curve, overrides: overrides)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in curve.x { var b = v.bitPattern; for _ in 0..<8 { h = (h ^ (b & 0xff)) &* 0x0000_0100_0000_01b3; b >>= 8 } }
        let p = params.map { $0.sorted { $0.key.description < $1.key.description }.map { "\($0.key)=\($0.value.bitPattern)" }.joined(separator: ",") }
        return "\(h)|\(d.qmin.value)|\(d.qmax.value)|\(d.qdamp.value)|\(d.qbroad.value)|\(d.radiation.value)|\(overrides.rmin ?? -1)|\(overrides.rmax ?? -1)|" + p.joined(separator: ";")
    }

    func get(_ key: String) -> (columns: [[Double]], r: [Double], oversampling: Double)? {
        lock.lock(); defer { lock.unlock() }
        return store[key]
    }

    func put(_ key: String, _ value: (columns: [[Double]], r: [Double], oversampling: Double)) {
        lock.lock(); defer { lock.unlock() }
        store[key] = value
    }
}
