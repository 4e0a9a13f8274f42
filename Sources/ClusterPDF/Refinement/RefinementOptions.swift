import Foundation

/// What to refine and how. Settings of the data (fit range, Q range, qdamp, qbroad, radiation)
/// are in `overrides`: what is nil there comes from the data header or `Defaults`.
public struct RefinementOptions: Sendable {
    /// Explicit data settings (nil: from the data header, else `Defaults`).
    public var overrides = SettingOverrides()
    /// Refined parameters (`Defaults.freeParameters`: scale, zoom, uiso, delta2).
    public var free: Set<ParameterName> = Defaults.freeParameters
    /// Refine one Uiso per element when `uiso` is free (default: one shared value).
    public var uisoPerElement = false
    /// Starting values, and the values of fixed parameters (missing: `Defaults.startingValues`;
    /// qdamp and qbroad come from `overrides`/the header). A value given for `uiso` applies to
    /// every element without its own. With the global search on, the free zoom, Uiso and δ2 do
    /// not start from these values (see `globalSearch`).
    public var start: [ParameterName: Double] = [:]
    /// Bounds replacing `ParameterName.defaultBounds` (a `uiso` bound applies to every element).
    public var bounds: [ParameterName: ClosedRange<Double>] = [:]
    /// Run the deterministic global stage before least squares (default). It scans the free
    /// zoom, Uiso and δ2 over a fixed grid inside their bounds (scale in closed form) and starts
    /// Levenberg–Marquardt from the best cells and local minima of the grid (`globalStarts`), so the result does not depend
    /// on the starting values. Off: one local refinement from `start`.
    public var globalSearch = true
    /// Local refinements start from this many of the best grid cells and this many of the best
    /// local minima of the grid (the union: at most twice this number).
    public var globalStarts = 3
    /// How uncertainties are estimated (default: corrected for oversampled G(r)).
    public var uncertaintyModel = UncertaintyModel.nyquist
    /// Largest number of Levenberg–Marquardt iterations per start (0: global stage only).
    public var maxIterations = 100
    /// Compute standard uncertainties (one more Jacobian at the end).
    public var uncertainties = true
    /// Worker threads of the model evaluation; results do not depend on it.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    /// Default options: scale, zoom, uiso and δ2 free, global search on.
    public init() {}
}
