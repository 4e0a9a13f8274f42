import Foundation

/// BIC weights of candidates and the probabilities of families and classes (`MiningThresholds`
/// documents the rule).
struct MiningProbabilities {
    /// The scores with `deltaBIC` and `weight` filled in.
    var scores: [CandidateScore]
    /// Families, most probable first.
    var families: [FamilySummary]
    /// Class probabilities (every structural class present, summing to 1).
    var classProbabilities: [Verdict: Double]

    /// Effective number of independent points of G(r) on [rmin, rmax] for Qmax (Nyquist).
    static func effectivePoints(rmin: Double, rmax: Double, qmax: Double) -> Double {
        max(2, (rmax - rmin) * qmax / Double.pi)
    }

    init(scores input: [CandidateScore], rmin: Double, rmax: Double, qmax: Double, temperature: Double, limits: StackingLimits) {
        self.init(scores: input, effectivePoints: MiningProbabilities.effectivePoints(rmin: rmin, rmax: rmax, qmax: qmax),
                  temperature: temperature, limits: limits)
    }

    /// Weights with `nEff` independent points (reciprocal-space data give their own count); faulted
    /// candidates vote for a class by `limits`.
    init(scores input: [CandidateScore], effectivePoints nEff: Double, temperature: Double, limits: StackingLimits) {
        var s = input
        let bestIndex = s.indices.min { (s[$0].rw, s[$0].name) < (s[$1].rw, s[$1].name) }!
        let rwBest = max(s[bestIndex].rw, 1e-12)
        let dof = max(1, nEff - Double(s[bestIndex].freeParameters))
        let bic = s.map { dof * ($0.rw / rwBest) * ($0.rw / rwBest) + Double($0.freeParameters) * log(nEff) }
        let bicMin = bic.min()!
        var count = [ModelLibrary.Family: Int]()
        for c in s { count[c.family, default: 0] += 1 }
        let t = max(temperature, 1e-9)
        var weights = [Double]()
        for (k, c) in s.enumerated() {
            s[k].deltaBIC = bic[k] - bicMin
            weights.append(exp(-s[k].deltaBIC / (2 * t)) / Double(count[c.family]!))
        }
        let total = weights.reduce(0, +)
        for k in s.indices { s[k].weight = weights[k] / total }
        var familyP = [ModelLibrary.Family: Double]()
        for c in s { familyP[c.family, default: 0] += c.weight }
        var summaries = [FamilySummary]()
        for (fam, p) in familyP {
            let members = s.indices.filter { s[$0].family == fam }
            let best = members.min { (s[$0].rw, s[$0].name) < (s[$1].rw, s[$1].name) }!
            let close = members.filter { s[$0].deltaBIC - s[best].deltaBIC <= 2 * t }
            let d = close.map { s[$0].equivalentDiameter }, a = close.map { s[$0].atoms }
            summaries.append(FamilySummary(family: fam, probability: p, candidates: members.count, best: s[best],
                                           diameterRange: d.min()!...d.max()!, atomRange: a.min()!...a.max()!, indistinguishable: close.count,
                                           refined: members.filter { s[$0].rwSource == .refined }.count))
        }
        summaries.sort { ($0.probability, $1.family.rawValue) > ($1.probability, $0.family.rawValue) }
        var classes = [Verdict: Double]()
        for c in s { classes[c.verdictClass(limits: limits), default: 0] += c.weight }
        scores = s; families = summaries; classProbabilities = classes
    }
}

extension Classification {
    /// The class probabilities this G(r) classification's candidates give under another BIC
    /// temperature or other stacking limits — what `calibrate --temperatures` re-derives. Exact
    /// only when every candidate is listed (`ClusterMiner.Options.listed` at least the number
    /// screened); nil without candidates or for reciprocal-space evidence.
    public func classProbabilities(temperature: Double, limits: StackingLimits) -> [Verdict: Double]? {
        guard let c = candidates, !c.isEmpty, evidence == nil else { return nil }
        return MiningProbabilities(scores: c, rmin: rmin, rmax: rmax, qmax: qmax, temperature: temperature, limits: limits).classProbabilities
    }
}
