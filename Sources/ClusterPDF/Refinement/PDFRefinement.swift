import Foundation

/// Refines a cluster model against a measured G(r).
///
/// The data settings are resolved once (`DataSettings`: option, then header, then default). The
/// scale is solved in closed form (within its bounds) at every evaluation; the other free
/// parameters are found in two stages: a deterministic global stage (`GlobalSearch`: a fixed grid
/// over zoom, Uiso and δ2 inside their bounds) and bounded Levenberg–Marquardt
/// (`LevenbergMarquardt`) from its best few points. Statistics and uncertainties come from
/// `FitStatistics` and `ParameterCovariance` (see `UncertaintyModel`); results at a limit carry
/// `RefinementWarning`s. The local stage and the result are `CurveRefinement`'s.
public struct PDFRefinement: CurveRefinement {
    /// The model structure.
    public let structure: Structure
    /// The measured curve.
    public let data: MeasuredCurve
    /// The options as given.
    public let options: RefinementOptions
    /// The resolved data settings (fit range clipped to the data points used).
    public let settings: DataSettings
    let model: PDFModel
    let parameters: ParameterSet
    /// Observed G(r) and weights at the fit points.
    let observed: [Double]
    let weights: [Double]
    let rootWeights: [Double]

    /// Prepares a refinement; throws `RefinementError` (or a reader/settings error) naming the
    /// option or file at fault.
    public init(structure: Structure, data: MeasuredCurve, options: RefinementOptions = RefinementOptions()) throws {
        let points = try FitPoints(data: data, overrides: options.overrides, fitRange: Defaults.fitRange)
        let s = points.settings
        let params = try ParameterSet(options: options, elements: structure.elements, settings: s, formula: structure.formula)
        try points.check(free: params.freeIndices.count + (params.scaleIsFree ? 1 : 0), file: data.path)
        self.structure = structure
        self.data = data
        self.options = options
        settings = s
        parameters = params
        observed = points.observed
        weights = points.weights
        rootWeights = points.rootWeights
        let (i0, i1) = (points.indices.lowerBound, points.indices.upperBound)
        model = try PDFModel(structure: structure, curve: data, indices: i0..<(i1 + 1), settings: s, threads: options.threads)
    }

    /// Unscaled model curves at the fit points for several free-parameter vectors.
    func unscaledCurves(_ vectors: [[Double]]) throws -> [[Double]] {
        try model.curves(vectors.map(parameters.point))
    }

    /// The model's title, formula and fit-point r for the result.
    var resultModel: (title: String, formula: String, r: [Double]) { (structure.title, structure.formula, model.r) }

    /// Runs the refinement; `keepCurves` keeps r, Gobs and Gcalc in the result.
    public func run(keepCurves: Bool = true) throws -> RefinementResult {
        var starts = [parameters.vector]
        var gridPoints = 0
        if options.globalSearch, !parameters.freeIndices.isEmpty {
            let search = try GlobalSearch(refinement: self, topCells: max(1, options.globalStarts)).run()
            starts = search.best
            gridPoints = search.gridPoints
        }
        let best = try refine(from: starts)
        return try finish(best.parameters, iterations: best.iterations, starts: starts.count, gridPoints: gridPoints, keepCurves: keepCurves)
    }

    /// Rw of the model at the starting values (`options.start`, scale in closed form), without
    /// refining: one exact evaluation (the miner ranks its screened candidates by it).
    public func startingRw() throws -> Double {
        let g = try model.curves([parameters.point(parameters.vector)])[0]
        let scale = scale(for: g)
        return FitStatistics(observed: observed, calculated: g.map { $0 * scale }, weights: weights).rw
    }
}
