import Foundation

/// The refined agreement of one model with one curve.
public struct ModelScore: Codable, Sendable {
    /// Model name (file name in the library).
    public var model: String
    /// Where the model was read from.
    public var path: String
    /// The model's structure family.
    public var family: ModelLibrary.Family
    /// Model formula.
    public var formula: String
    /// Rw of the refinement (screened models: of the global stage's best grid point).
    public var rw: Double
    /// Refined scale.
    public var scale: Double
    /// Refined zoom.
    public var zoom: Double
    /// Refined Uiso (Å²); the mean over elements when refined per element.
    public var uiso: Double
    /// Refined δ2 (Å²).
    public var delta2: Double
    /// qdamp used (Å⁻¹).
    public var qdamp: Double
    /// Parameters of this model's refinement that ended on a bound.
    public var atBound: [ParameterName]
    /// Attenuated-crystal models: the refined particle diameter psize (Å).
    public var psize: Double?
    /// Every source of this model when two of them gave the same structure (`ModelIdentity`).
    public var sources: [String]? = nil

    init(model m: ClassifierModel, result r: RefinementResult) {
        model = m.name; path = m.path; family = m.family; formula = m.structure.formula
        rw = r.rw
        scale = r.value(.scale) ?? 0
        zoom = r.value(.zoom) ?? 1
        uiso = r.meanUiso
        delta2 = r.value(.delta2) ?? 0
        qdamp = r.value(.qdamp) ?? r.settings.qdamp.value
        atBound = r.parameters.filter(\.atBound).map(\.name)
        psize = r.value(.envelope(.psize))
    }
}
