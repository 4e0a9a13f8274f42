import Foundation

extension RefinementParameter {
    /// The parameter table of `fit`: name, value, uncertainty (or "(fixed)"), bounds with unit
    /// (open bounds as ∞, unbounded ones left out) and "AT BOUND".
    static func table(_ parameters: [RefinementParameter]) -> String {
        // Full names (two-phase fits: "phase1.uiso:Cd", "phase1.delta2"): the column is as wide as the longest.
        let width = max(12, parameters.map { $0.name.description.count }.max() ?? 0)
        var o = "\n" + "parameter".padding(toLength: width, withPad: " ", startingAt: 0) + "     value          uncertainty   bounds\n"
        for p in parameters {
            o += p.name.description.padding(toLength: width, withPad: " ", startingAt: 0)
            o += String(format: " %14.6g", p.value)
            // A parameter held at a bound has no meaningful uncertainty (the curvature there is
            // one-sided): none is printed.
            let sigma = !p.free ? "(fixed)" : p.atBound ? "–" : (p.uncertainty.map { String(format: "± %.3g", $0) } ?? "± ?")
            o += "   " + sigma.padding(toLength: 12, withPad: " ", startingAt: 0)
            if p.free, p.lower > -Double.greatestFiniteMagnitude {
                o += " \(String(format: "%.6g", p.lower))…\(p.upper >= Double.greatestFiniteMagnitude ? "∞" : String(format: "%.6g", p.upper)) \(p.name.unit)" + (p.atBound ? "  AT BOUND" : "")
            }
            o += "\n"
        }
        return o
    }
}

/// Text, file and figure forms of a refinement result.
extension RefinementResult {
    /// The readable table printed by `clusterpdf fit`: settings with their sources, parameters
    /// with uncertainties and bounds, statistics, then the warnings.
    public func table() -> String {
        var o = "model:   \(model) (\(formula))\ndata:    \(data)\n"
        o += String(format: "range:   r = %.3f – %.3f Å, %d points (%.1f independent, oversampling %.1f); Q = %.2f – %.2f Å⁻¹\n",
                    rmin, rmax, points, effectivePoints, oversampling, qmin, qmax)
        o += "settings: " + settings.summary.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "\n"
        for (i, p) in (phases ?? []).enumerated() {
            o += String(format: "phase %d:  %@ (%@), space group %@, envelope %@, scale %.5g, fraction %.3f\n",
                        i + 1, p.name, p.formula, p.spaceGroup, p.envelope.rawValue, p.scale, p.fraction)
            for n in p.notes { o += "          note: \(n)\n" }
        }
        o += RefinementParameter.table(parameters)
        o += String(format: "\nRw           %.5f%@\n", rw, weighted ? " (weighted by 1/dG²)" : "")
        if weighted { o += String(format: "Rw (w = 1)   %.5f\n", rwUnweighted) }
        o += String(format: "Pearson r    %.5f\n", pearson)
        if weighted {
            o += String(format: "chi2         %.6g\nreduced chi2 %.6g (chi2 / (points − free parameters))\n", chi2, reducedChi2)
        } else {
            // Without dG there is no noise scale: χ² is only the residual sum in G's units.
            o += String(format: "chi2         %.6g (no dG in the data: Σ(Gobs − Gcalc)², not a goodness of fit)\n", chi2)
        }
        o += "free parameters \(freeParameters), iterations \(iterations), starts \(starts), grid points \(gridPoints); "
        o += "uncertainties: \(uncertaintyModel.rawValue)\n"
        for w in warnings { o += "warning: \(w.message)\n" }
        return o
    }

    /// The fit file: every parameter, setting and warning in the header, then r, Gobs, Gcalc,
    /// Gdiff (PDFgui's .fgr column order).
    public func fileText(style: HeaderStyle = .pdfgetx3) -> String {
        var header: [(String, String)] = [("program", "ClusterPDF \(ClusterPDFVersion.string)"), ("model", model), ("formula", formula), ("data", data)]
        header += settings.summary
        for (i, p) in (phases ?? []).enumerated() {
            header.append(("phase\(i + 1)", "\(p.name) (\(p.formula)), space group \(p.spaceGroup), envelope \(p.envelope.rawValue), scale \(p.scale), fraction \(p.fraction)"))
            for (k, n) in p.notes.enumerated() { header.append(("phase\(i + 1)_note\(k + 1)", n)) }
        }
        for p in parameters {
            let text = !p.free ? "\(p.value) (fixed)" : p.atBound ? "\(p.value) (at bound: no uncertainty)" : "\(p.value) +/- \(p.uncertainty.map { "\($0)" } ?? "?")"
            header.append((p.name.description, text))
        }
        header += [("Rw", "\(rw)"), ("Rw_unweighted", "\(rwUnweighted)"), ("pearson", "\(pearson)"), ("chi2", "\(chi2)"),
                   ("reduced_chi2", "\(reducedChi2)"), ("points", "\(points)"), ("effective_points", "\(effectivePoints)"),
                   ("free_parameters", "\(freeParameters)"), ("uncertainties", uncertaintyModel.rawValue)]
        for (i, w) in warnings.enumerated() { header.append(("warning\(i + 1)", w.message)) }
        let curve = Curve(x: r, columns: [gObserved, gCalculated, zip(gObserved, gCalculated).map { $0 - $1 }],
                          labels: ["r(A)", "Gobs(A^-2)", "Gcalc(A^-2)", "Gdiff(A^-2)"])
        return CurveWriter.string(curve, header: header, style: style)
    }

    /// The standard PDF fit figure: data as open circles, fit as a line, difference offset below.
    public func plot(title: String? = nil) -> SVGPlot {
        let lo = min(gObserved.min() ?? 0, gCalculated.min() ?? 0)
        let diff = zip(gObserved, gCalculated).map { $0 - $1 }
        let offset = lo - (diff.max() ?? 0) - 0.1 * ((gObserved.max() ?? 1) - lo)
        return SVGPlot(
            title: title ?? String(format: "%@ vs %@: Rw = %.3f", formula, (data as NSString).lastPathComponent, rw),
            xLabel: "r (Å)", yLabel: "G (Å⁻²)",
            series: [SVGPlot.Series(x: r, y: gObserved, label: "Gobs", color: "#1f77b4", style: .circles),
                     SVGPlot.Series(x: r, y: gCalculated, label: "Gcalc", color: "#d62728"),
                     SVGPlot.Series(x: r, y: diff.map { $0 + offset }, label: "Gobs − Gcalc (offset)", color: "#2ca02c")])
    }
}
