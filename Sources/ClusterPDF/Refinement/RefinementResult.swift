/// The observed and calculated curves of a refinement over its fit points.
public struct FitCurves: Codable, Sendable {
    /// r of the fit points (Å).
    public var r: [Double]
    /// Observed G(r) (Å⁻²).
    public var gObserved: [Double]
    /// Calculated G(r), scaled (Å⁻²).
    public var gCalculated: [Double]
    /// The three columns.
    public init(r: [Double], gObserved: [Double], gCalculated: [Double]) {
        self.r = r; self.gObserved = gObserved; self.gCalculated = gCalculated
    }
}

/// The outcome of a refinement.
public struct RefinementResult: Codable, Sendable {
    /// Title of the model structure.
    public var model: String
    /// Path of the data.
    public var data: String
    /// Formula of the model.
    public var formula: String
    /// Every parameter, free and fixed, in report order.
    public var parameters: [RefinementParameter]
    /// Rw = sqrt(Σ w (Gobs − Gcalc)² / Σ w Gobs²), w = 1/dG² when the data give dG, else 1.
    public var rw: Double
    /// Rw with w = 1.
    public var rwUnweighted: Double
    /// Pearson correlation of Gobs and Gcalc.
    public var pearson: Double
    /// χ² = Σ w (Gobs − Gcalc)².
    public var chi2: Double
    /// χ²/(N − p), pointwise.
    public var reducedChi2: Double
    /// Number of fit points N.
    public var points: Int
    /// N divided by the oversampling ratio: the number of independent points.
    public var effectivePoints: Double
    /// π/((Qmax − Qmin)·Δr), at least 1.
    public var oversampling: Double
    /// How the uncertainties were estimated.
    public var uncertaintyModel: UncertaintyModel
    /// Free parameters p (scale included).
    public var freeParameters: Int
    /// Levenberg–Marquardt iterations of the best start.
    public var iterations: Int
    /// Local refinements run (starts of the global stage, or 1).
    public var starts: Int
    /// Grid points scanned by the global stage (0 when off).
    public var gridPoints: Int
    /// The data carry dG (Rw weighted by 1/dG²).
    public var weighted: Bool
    /// The settings used, each with its source (option, header, default).
    public var settings: DataSettings
    /// What the user must know before trusting the result (parameters at bounds, …).
    public var warnings: [RefinementWarning]
    /// The curves (absent when not asked for, as in `fit --json`).
    public var curves: FitCurves?
    /// Crystal models: each phase with its space group, envelope, scale and fraction (nil for
    /// cluster models).
    public var phases: [PhaseResult]?

    /// First and last r of the fit (Å).
    public var rmin: Double { settings.rmin.value }
    /// Last r of the fit (Å).
    public var rmax: Double { settings.rmax.value }
    /// Q range of the model (Å⁻¹).
    public var qmin: Double { settings.qmin.value }
    /// Upper end of the Q range (Å⁻¹).
    public var qmax: Double { settings.qmax.value }
    /// r of the fit points (empty when the curves were dropped).
    public var r: [Double] { curves?.r ?? [] }
    /// Observed G(r) at the fit points.
    public var gObserved: [Double] { curves?.gObserved ?? [] }
    /// Calculated G(r) at the fit points.
    public var gCalculated: [Double] { curves?.gCalculated ?? [] }

    /// The parameter of that name, if the model has it.
    public func parameter(_ name: ParameterName) -> RefinementParameter? { parameters.first { $0.name == name } }
    /// The value of a parameter, if the model has it.
    public func value(_ name: ParameterName) -> Double? { parameter(name)?.value }
    /// The standard uncertainty of a parameter, if free and determined.
    public func uncertainty(_ name: ParameterName) -> Double? { parameter(name)?.uncertainty }
    /// Uiso of one element (its own parameter, else the shared one) (Å²).
    public func uiso(of element: Element) -> Double? { value(.elementUiso(element)) ?? value(.uiso) }
    /// The shared Uiso, or the mean of the per-element values (Å²).
    public var meanUiso: Double {
        if let u = value(.uiso) { return u }
        let us = parameters.filter { $0.name.shared == .uiso }.map(\.value)
        return us.isEmpty ? 0 : us.reduce(0, +) / Double(us.count)
    }
}
