import Foundation

/// What a model-free component of a series is (`series --components`): its curve classified like
/// a measured curve.
public struct ComponentVerdict: Sendable, Codable, Hashable {
    /// The verdict (`zincblende-like`, `pseudo-wurtzite`, …, or `no-match`).
    public var verdict: Verdict
    /// The most probable family and its probability.
    public var family: ModelLibrary.Family?, familyProbability: Double?
    /// The best candidate and its Rw against the component curve.
    public var bestCandidate: String, rw: Double
    /// The classification's notes (composition, size, low confidence, …).
    public var notes: [String]
}

extension SeriesAnalysis.Result {
    /// Classifies every model-free component curve with `miner`; each curve is given `header`
    /// (the first frame's Q range, damping, radiation and composition), so that it is modelled
    /// with the settings of the frames it came from. A component that cannot be classified gets
    /// a `no-match` verdict with the error as its note; the others go on.
    public mutating func classifyComponents(miner: ClusterMiner, header: [String: String]) {
        guard var curves = componentCurves else { return }
        for k in curves.indices {
            let c = curves[k]
            let curve = MeasuredCurve(path: c.name, x: c.r, y: c.g, dy: nil, header: header, columnNames: [])
            do {
                let (cl, _) = try miner.classify(curve)
                let top = cl.families?.first
                curves[k].classification = ComponentVerdict(verdict: cl.verdict, family: top?.family, familyProbability: top?.probability,
                                                            bestCandidate: cl.bestModel, rw: cl.bestRw, notes: cl.notes ?? [])
            } catch {
                curves[k].classification = ComponentVerdict(verdict: .noMatch, family: nil, familyProbability: nil, bestCandidate: "", rw: 1,
                                                            notes: ["could not be classified: \(error)"])
            }
        }
        componentCurves = curves
    }
}
