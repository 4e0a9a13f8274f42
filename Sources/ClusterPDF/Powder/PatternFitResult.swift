import Foundation

/// Observed and calculated curves of a reciprocal-space refinement over its fit points.
public struct PatternFitCurves: Codable, Sendable {
    /// x of the fit points (2θ in degrees or Q in Å⁻¹).
    public var x: [Double]
    /// Observed y.
    public var yObserved: [Double]
    /// Calculated y (scaled, with background).
    public var yCalculated: [Double]
    /// The background alone (with the constant 1 of an S(Q) model).
    public var background: [Double]
}

/// The outcome of `PatternRefinement`.
public struct PatternFitResult: Codable, Sendable {
    /// Title of the model structure.
    public var model: String
    /// Path of the data.
    public var data: String
    /// Formula of the model.
    public var formula: String
    /// What the data are (xrd, iq, sq, fq).
    public var kind: ReciprocalKind
    /// λ1 of a 2θ pattern (Å).
    public var wavelength: Double?
    /// λ2 (Kα2) of a 2θ pattern (Å).
    public var secondWavelength: Double?
    /// Every parameter, free and fixed.
    public var parameters: [RefinementParameter]
    /// Rwp = sqrt(Σ w (yobs − ycalc)² / Σ w yobs²).
    public var rw: Double
    /// Rw with w = 1.
    public var rwUnweighted: Double
    /// Pearson correlation of yobs and ycalc.
    public var pearson: Double
    /// χ² = Σ w (yobs − ycalc)².
    public var chi2: Double
    /// χ²/(N − p).
    public var reducedChi2: Double
    /// Fit points N.
    public var points: Int
    /// Independent pieces of information: (Qmax − Qmin)·D/π for a cluster of largest pair
    /// distance D (Shannon sampling of a finite object's intensity), at most N.
    public var effectivePoints: Double
    /// Free parameters p (scale and background included).
    public var freeParameters: Int
    /// Levenberg–Marquardt iterations of the best start.
    public var iterations: Int
    /// Local refinements run.
    public var starts: Int
    /// Points of the global zoom × Uiso grid (0 when off).
    public var gridPoints: Int
    /// The data carry uncertainties (weights 1/dy²).
    public var weighted: Bool
    /// Anomalous dispersion used (nil: none).
    public var anomalous: String?
    /// X-rays or neutrons.
    public var radiation: Radiation
    /// What the user must know before trusting the result.
    public var warnings: [RefinementWarning]
    /// Assumptions and sources of settings (profile, wavelength, weights).
    public var notes: [String]
    /// Wall time (s).
    public var seconds: Double
    /// The curves (absent in `fit --json`).
    public var curves: PatternFitCurves?

    /// The parameter of that name, if the model has it.
    public func parameter(_ name: ParameterName) -> RefinementParameter? { parameters.first { $0.name == name } }

    /// (Qmax − Qmin)·D/π, between 1 and `points`.
    static func effectivePoints(qRange: ClosedRange<Double>, diameter: Double, points: Int) -> Double {
        min(Double(points), max(1, (qRange.upperBound - qRange.lowerBound) * max(diameter, 1) / Double.pi))
    }

    /// x axis label.
    var xLabel: String { kind == .pattern ? "2θ (degrees)" : "Q (Å⁻¹)" }
    /// y axis label.
    var yLabel: String {
        switch kind {
        case .pattern, .intensity: return "I (a.u.)"
        case .structureFactor: return "S(Q)"
        case .reducedStructureFunction: return "F (Å⁻¹)"
        }
    }

    /// The table printed by `clusterpdf fit`.
    public func table() -> String {
        var o = "model:   \(model) (\(formula))\ndata:    \(data) (\(kind.rawValue))\n"
        if let c = curves, let a = c.x.first, let b = c.x.last {
            o += String(format: "range:   %@ = %.3f – %.3f, %d points (%.1f independent)\n", kind == .pattern ? "2θ" : "Q", a, b, points, effectivePoints)
        }
        if let l = wavelength { o += "source:  λ1 = \(l) Å" + (secondWavelength.map { ", λ2 = \($0) Å" } ?? "") + ", \(radiation.rawValue)\n" }
        for n in notes { o += "note:    \(n)\n" }
        o += RefinementParameter.table(parameters)
        o += String(format: "\nRwp          %.5f%@\n", rw, weighted ? " (weighted by 1/dy²)" : "")
        o += String(format: "Rw (w = 1)   %.5f\nPearson r    %.5f\nchi2         %.6g\nreduced chi2 %.6g\n", rwUnweighted, pearson, chi2, reducedChi2)
        o += "free parameters \(freeParameters), iterations \(iterations), starts \(starts), grid points \(gridPoints); uncertainties: covariance × reduced χ² (independent points)\n"
        for w in warnings { o += "warning: \(w.message)\n" }
        return o
    }

    /// The fit file: parameters, settings and warnings in the header; x, yobs, ycalc, ydiff, background.
    public func fileText(style: HeaderStyle = .pdfgetx3) -> String {
        var header: [(String, String)] = [("program", "ClusterPDF \(ClusterPDFVersion.string)"), ("model", model), ("formula", formula),
                                          ("data", data), ("kind", kind.rawValue), ("radiation", radiation.rawValue)]
        if let l = wavelength { header.append(("wavelength", "\(l)")) }
        if let l = secondWavelength { header.append(("wavelength2", "\(l)")) }
        header.append(("anomalous", anomalous ?? "none"))
        for p in parameters {
            let text = p.free ? "\(p.value) +/- \(p.uncertainty.map { "\($0)" } ?? "?")" + (p.atBound ? " (at bound)" : "") : "\(p.value) (fixed)"
            header.append((p.name.description, text))
        }
        header += [("Rwp", "\(rw)"), ("Rw_unweighted", "\(rwUnweighted)"), ("pearson", "\(pearson)"), ("chi2", "\(chi2)"),
                   ("reduced_chi2", "\(reducedChi2)"), ("points", "\(points)"), ("effective_points", "\(effectivePoints)"),
                   ("free_parameters", "\(freeParameters)")]
        for (i, n) in notes.enumerated() { header.append(("note\(i + 1)", n)) }
        for (i, w) in warnings.enumerated() { header.append(("warning\(i + 1)", w.message)) }
        let c = curves ?? PatternFitCurves(x: [], yObserved: [], yCalculated: [], background: [])
        let xl = kind == .pattern ? "2theta(deg)" : "Q(A^-1)"
        let curve = Curve(x: c.x, columns: [c.yObserved, c.yCalculated, zip(c.yObserved, c.yCalculated).map { $0 - $1 }, c.background],
                          labels: [xl, "yobs", "ycalc", "ydiff", "background"])
        return CurveWriter.string(curve, header: header, style: style)
    }

    /// The Rietveld-style figure: data as circles, fit as a line, background dashed, difference
    /// offset below.
    public func plot(title: String? = nil) -> SVGPlot {
        let c = curves ?? PatternFitCurves(x: [], yObserved: [], yCalculated: [], background: [])
        let lo = min(c.yObserved.min() ?? 0, c.yCalculated.min() ?? 0, c.background.min() ?? 0)
        let diff = zip(c.yObserved, c.yCalculated).map { $0 - $1 }
        let offset = lo - (diff.max() ?? 0) - 0.05 * ((c.yObserved.max() ?? 1) - lo)
        return SVGPlot(
            title: title ?? String(format: "%@ vs %@: Rwp = %.3f", formula, (data as NSString).lastPathComponent, rw),
            xLabel: xLabel, yLabel: yLabel,
            series: [SVGPlot.Series(x: c.x, y: c.yObserved, label: "observed", color: "#1f77b4", style: .circles),
                     SVGPlot.Series(x: c.x, y: c.yCalculated, label: "calculated", color: "#d62728"),
                     SVGPlot.Series(x: c.x, y: c.background, label: "background", color: "#7f7f7f", style: .dashed),
                     SVGPlot.Series(x: c.x, y: diff.map { $0 + offset }, label: "observed − calculated (offset)", color: "#2ca02c")])
    }
}
