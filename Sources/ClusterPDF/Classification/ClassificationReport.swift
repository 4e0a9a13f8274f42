import Foundation

/// Text, CSV, plots and the HTML report of classifications.
public enum ClassificationReport {
    /// The readable summary printed by `clusterpdf classify`: verdict, best models, margin,
    /// settings with their sources, warnings and the ranking table.
    public static func text(_ c: Classification) -> String {
        var o = "curve:    \(c.curve)\nverdict:  \(c.verdict)"
        if let top = c.families?.first, Verdict.structuralClasses.contains(c.verdict) {
            // The family that won, beside the class (bulk wurtzite is not a pseudo-wurtzite MSC core).
            o += String(format: " (most probable family: %@, p %.3f)", top.family.rawValue, top.probability)
        }
        if c.verdict == .mixture, let m = c.mixture { o += " of " + MixtureVerdict.summary(m.members) }
        o += "\n"
        if c.rule != nil, c.families != nil {
            o += "classes:  zincblende-like = zincblende cuts and tetrahedra; pseudo-wurtzite = wurtzite-like cuts and pseudo-wurtzite cores; "
                + "faulted stackings vote by their cubic fraction (mixed-or-faulted in between); a class probability sums its candidates' weights, "
                + "so it can differ from its families' sum when faulted candidates vote elsewhere\n"
        }
        if let r = c.noMatchReason { o += "reason:   \(r)\n" }
        if let m = c.mixture {
            if m.stage == .screen {
                o += "mixture:  (not the verdict) " + m.reason + "\n"
            } else {
                o += (m.accepted ? "mixture:  " : "mixture:  (not the verdict) ") + MixtureVerdict.summary(m.members)
                    + String(format: "; Rw %.4f against %.4f for the best single candidate — ", m.rw, m.singleRw) + m.reason + "\n"
                if !m.alternatives.isEmpty {
                    o += String(format: "          fitting as well (within ΔRw %.4f): ", m.tolerance ?? 0) + m.alternatives.prefix(4).map { $0.joined(separator: " + ") }.joined(separator: "; ") + "\n"
                }
            }
        }
        for n in c.notes ?? [] { o += "note:     \(n)\n" }
        if let p = c.probabilities, !p.isEmpty {
            o += "probability: " + Verdict.structuralClasses.map { String(format: "%@ %.3f", $0.rawValue, p[$0] ?? 0) }.joined(separator: ", ") + "\n"
        }
        if let fams = c.families, !fams.isEmpty {
            o += "families (probability, best candidate, Rw and its source, atoms, equivalent diameter range over candidates indistinguishable from the best, candidates refined):\n"
            for f in fams {
                let d = f.diameterRange
                // A crystal's size is its particle (psize), not the atoms of its unit cell.
                let size = f.best.psize.map { String(format: "particle %.1f Å", $0) } ?? "\(f.best.atoms) atoms"
                o += String(format: "  %-16@ %.3f  %@  Rw %.4f (%@)  %@  %.1f–%.1f Å  %@", f.family.rawValue as NSString, f.probability,
                            f.best.name, f.best.rw, f.best.rwSource.rawValue, size, d.lowerBound, d.upperBound, f.best.shape)
                o += f.refined.map { "  \($0) of \(f.candidates) refined\n" } ?? "\n"
            }
        }
        if let n = c.candidatesScreened, let lib = c.library {
            o += "candidates: \(n) screened (generator \(lib.generator), space \(lib.spaceKey), library hash \(lib.hash)"
            o += lib.sources.isEmpty ? ")\n" : "; also \(lib.sources.joined(separator: ", ")))\n"
        }
        if let k = c.ranking {
            o += String(format: "ranking:  %d screened, %d evaluated exactly at their screened optimum, %d refined; ", k.screened, k.evaluated, k.refined)
            o += k.settled ? String(format: "no unrefined candidate can beat the best by more than ΔRw %.3f\n", k.tolerance)
                : "refinement limit reached before the ranking settled: a better candidate may remain unrefined\n"
        }
        if let rule = c.rule {
            o += String(format: "rule:     a class needs probability ≥ %.2f; no-match above Rw %.2f; BIC weights, temperature %.2f\n", rule.probability, rule.noMatchRw, rule.temperature)
        }
        guard c.verdict != .noMatch || !c.bestModel.isEmpty else { return o }
        o += String(format: "best:     %@ (Rw %.4f)\n", c.bestModel, c.bestRw)
        if let d = c.scores.first?.psize { o += String(format: "size:     particle diameter %.1f Å (attenuated crystal, sphere envelope)\n", d) }
        for cls in Verdict.classes {
            if let s = c.bestByClass[cls] { o += String(format: "best %-16@ %@  Rw %.4f\n", cls.rawValue as NSString, s.model, s.rw) }
        }
        o += ClassificationReport.settingsLine(c) + "\n"
        for w in c.warnings { o += "warning (best model): \(w.message)\n" }
        let width = max(5, c.scores.map(\.model.count).max() ?? 0)
        o += "\n" + (c.rule == nil ? "" : "refined finalists (every Rw below is refined):\n") + "model".padding(toLength: width, withPad: " ", startingAt: 0)
            + " family            Rw       zoom     uiso     delta2   psize/Å\n"
        for s in c.scores {
            o += s.model.padding(toLength: width, withPad: " ", startingAt: 0) + " " + s.family.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
            o += String(format: "  %.4f  %.4f  %.5f  %.3f", s.rw, s.zoom, s.uiso, s.delta2) + (s.psize.map { String(format: "  %.1f", $0) } ?? "") + "\n"
        }
        return o
    }

    /// "settings: rmin … (source), …" for a G(r), "data: xrd, 2θ 10–80°, λ …" for reciprocal-space data.
    static func settingsLine(_ c: Classification) -> String {
        if let e = c.evidence {
            let unit = e.kind == .pattern ? "2θ" : "Q"
            var o = String(format: "data:     %@, %@ %.3f–%.3f, %d points (%.1f independent), Q %.3f–%.3f Å⁻¹", e.kind.rawValue, unit,
                           e.xRange.lowerBound, e.xRange.upperBound, e.points, e.effectivePoints, c.qmin, c.qmax)
            if !e.wavelengths.isEmpty { o += ", λ " + e.wavelengths.map { "\($0)" }.joined(separator: "/") + " Å" }
            return o + ", \(c.settings.radiation.value.rawValue)"
        }
        return "settings: " + c.settings.summary.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    }

    /// Header line of `csvRow`.
    /// The mixture columns (`mixture_1`, `fraction_1`, …, `mixture_rw`) are filled when the verdict
    /// is `mixture`.
    public static let csvHeader = "curve,verdict,best_model,best_rw,best_zincblende_like,rw_zincblende_like,best_pseudo_wurtzite,rw_pseudo_wurtzite,margin,"
        + "mixture_1,fraction_1,sigma_1,mixture_2,fraction_2,sigma_2,mixture_rw"

    /// One CSV line per classification (quoted where needed).
    public static func csvRow(_ c: Classification) -> String {
        func q(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        let zb = c.bestByClass[.zincblendeLike], pw = c.bestByClass[.pseudoWurtzite]
        return [q(c.curve), c.verdict.rawValue, q(c.bestModel), String(format: "%.6f", c.bestRw),
                q(zb?.model ?? ""), zb.map { String(format: "%.6f", $0.rw) } ?? "",
                q(pw?.model ?? ""), pw.map { String(format: "%.6f", $0.rw) } ?? "",
                c.classRwDifference.map { String(format: "%.6f", $0) } ?? ""].joined(separator: ",") + "," + mixtureColumns(c)
    }

    /// The seven mixture columns of `csvRow` (empty unless the verdict is `mixture`).
    static func mixtureColumns(_ c: Classification) -> String {
        guard c.verdict == .mixture, let m = c.mixture, m.members.count == 2 else { return ",,,,,," }
        return (m.members.flatMap { [$0.name, String(format: "%.4f", $0.fraction), String(format: "%.4f", $0.uncertainty)] }
                + [String(format: "%.6f", m.rw)]).joined(separator: ",")
    }

    /// The measured curve with the best model of each class and their difference curves.
    public static func overlay(curve: MeasuredCurve, classification c: Classification, fits: [(Verdict, [Double], [Double])]) -> SVGPlot {
        let colors: [Verdict: String] = [.zincblendeLike: "#d62728", .pseudoWurtzite: "#2ca02c"]
        var series = [SVGPlot.Series]()
        guard let first = fits.first else { return SVGPlot(title: c.curve, xLabel: "r (Å)", yLabel: "G (Å⁻²)", series: []) }
        let r = first.1
        let obs = curve.x.indices.filter { curve.x[$0] >= r.first! - 1e-9 && curve.x[$0] <= r.last! + 1e-9 }.map { curve.y[$0] }
        series.append(SVGPlot.Series(x: r, y: obs, label: "measured", color: "#1f77b4", style: .circles))
        let lo = obs.min() ?? 0, span = (obs.max() ?? 1) - lo
        for (i, (cls, rr, g)) in fits.enumerated() {
            let s = c.bestByClass[cls]
            series.append(SVGPlot.Series(x: rr, y: g, label: "\(s?.model ?? cls.rawValue) (Rw \(String(format: "%.3f", s?.rw ?? .nan)))", color: colors[cls] ?? "#9467bd"))
            let off = lo - span * (0.35 + 0.3 * Double(i))
            series.append(SVGPlot.Series(x: rr, y: zip(obs, g).map { $0 - $1 + off }, label: "difference, \(cls.rawValue)", color: colors[cls] ?? "#9467bd", style: .dashed))
        }
        let name = (c.curve as NSString).lastPathComponent
        return SVGPlot(title: "\(name): \(c.verdict)" + (c.classRwDifference.map { String(format: ", ΔRw = %.3f", $0) } ?? ""),
                       xLabel: "r (Å)", yLabel: "G (Å⁻²)", series: series)
    }

    /// The overlay plot of a classification with the refinements it returned (`Classifier.classify`),
    /// best model of each class.
    public static func overlay(curve: MeasuredCurve, classification c: Classification, results: [RefinementResult]) -> SVGPlot {
        var chosen = [(Verdict, [Double], [Double])]()
        for cls in Verdict.classes {
            if let s = c.bestByClass[cls], let i = c.scores.firstIndex(where: { $0.model == s.model }), i < results.count {
                chosen.append((cls, results[i].r, results[i].gCalculated))
            }
        }
        return overlay(curve: curve, classification: c, fits: chosen)
    }

    /// The CSV of batch records: `csvRow` plus status and error columns (error rows keep the
    /// curve, the status and the message).
    public static func csv(records: [BatchRecord]) -> String {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var text = csvHeader + ",status,error\n"
        for r in records {
            if let c = r.classification { text += csvRow(c) + ",ok,\n" } else {
                text += "\(q(r.curve)),error,,,,,,,,,,,,,,,error,\(q(r.error ?? ""))\n"
            }
        }
        return text
    }

    /// Recomputes the best-of-class model curves of a classification from its recorded parameters.
    public static func remakeFits(curve: MeasuredCurve, classification c: Classification) throws -> [(Verdict, [Double], [Double])] {
        var out = [(Verdict, [Double], [Double])]()
        for cls in Verdict.classes {
            guard let s = c.bestByClass[cls] else { continue }
            let m = try ClassifierModel.reload(path: s.path, family: s.family)
            var o = RefinementOptions()
            o.overrides = SettingOverrides(rmin: c.rmin, rmax: c.rmax, qmin: c.qmin, qmax: c.qmax, qdamp: s.qdamp,
                                           qbroad: c.settings.qbroad.value, radiation: c.settings.radiation.value)
            o.free = [.scale]
            o.start = [.zoom: s.zoom, .uiso: s.uiso, .delta2: s.delta2]
            o.globalSearch = false
            o.bounds = [.zoom: 0...10, .uiso: 0...10, .delta2: 0...1000]
            let r = try PDFRefinement(structure: m.structure, data: curve, options: o).run()
            out.append((cls, r.r, r.gCalculated))
        }
        return out
    }

    /// The "how sure" part of a curve's section: probability bar per class, the rule, the no-match
    /// reason and notes, and the ranking of the best candidates.
    static func miningDetail(_ c: Classification) -> String {
        var h = ""
        if let r = c.noMatchReason { h += "<p class=\"warning\">no-match: \(escape(r))</p>\n" }
        for n in c.notes ?? [] { h += "<p class=\"settings\">note: \(escape(n))</p>\n" }
        if let m = c.mixture {
            if m.stage == .screen {
                h += "<p class=\"settings\">mixture check: \(escape(m.reason))</p>\n"
            } else {
                h += "<p class=\"\(m.accepted ? "mixture" : "settings")\">" + (m.accepted ? "mixture: " : "best mixture (not the verdict): ")
                    + escape(MixtureVerdict.summary(m.members)) + String(format: "; Rw %.4f against %.4f for the best single candidate — ", m.rw, m.singleRw) + escape(m.reason) + "</p>\n"
            }
        }
        if let p = c.probabilities, !p.isEmpty {
            let colors: [Verdict: String] = [.zincblendeLike: "#d62728", .pseudoWurtzite: "#2ca02c", .mixedOrFaulted: "#9467bd"]
            h += "<div style=\"display:flex;width:600px;height:18px;border:1px solid #999\">"
            for v in Verdict.structuralClasses {
                let w = (p[v] ?? 0) * 100
                guard w >= 0.05 else { continue }
                h += String(format: "<div title=\"%@ %.3f\" style=\"width:%.2f%%;background:%@\"></div>", v.rawValue, p[v] ?? 0, w, colors[v] ?? "#888")
            }
            h += "</div>\n<p class=\"settings\">" + Verdict.structuralClasses.map { String(format: "%@ %.3f", $0.rawValue, p[$0] ?? 0) }.joined(separator: " · ")
            if let rule = c.rule { h += String(format: " — verdict needs ≥ %.2f; no-match above Rw %.2f", rule.probability, rule.noMatchRw) }
            h += "</p>\n"
        }
        if let cands = c.candidates, !cands.isEmpty {
            h += "<table><thead><tr><th>candidate</th><th>family</th><th>Rw</th><th>atoms</th><th>diameter (Å)</th><th>shape</th><th>weight</th></tr></thead><tbody>\n"
            for s in cands.prefix(10) {
                h += "<tr><td>\(escape(s.name))</td><td>\(s.family.rawValue)</td>" + String(format: "<td class=\"num\">%.4f</td><td class=\"num\">%d</td><td class=\"num\">%.1f</td>", s.rw, s.atoms, s.equivalentDiameter)
                h += "<td>\(escape(s.shape))</td>" + String(format: "<td class=\"num\">%.3g</td></tr>\n", s.weight)
            }
            h += "</tbody></table>\n"
        }
        return h
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// One self-contained HTML page: a sortable summary table and, per curve, its overlay plot.
    /// `rows` are classifications (or error messages) in order; `plots` the SVG text per curve.
    public static func html(title: String, rows: [(curve: String, classification: Classification?, error: String?)], plots: [String: String]) -> String {
        var h = HTMLPage.start(title: title, css: HTMLPage.verdictCSS + """
        th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; font-size: 14px; }
        th { background: #f0f0f0; cursor: pointer; user-select: none; }
        th:hover { background: #e0e6f0; }
        .plot { margin: 12px 0 28px 0; }

        """) + """
        <h1>\(escape(title))</h1>
        <p>\(rows.count) curve\(rows.count == 1 ? "" : "s"); generated by ClusterPDF \(ClusterPDFVersion.string). Click a column heading to sort.</p>
        <table id="summary"><thead><tr><th>curve</th><th>verdict</th><th>best model</th><th>Rw</th><th>ΔRw (zb − pw)</th></tr></thead><tbody>

        """
        for (i, row) in rows.enumerated() {
            let name = escape((row.curve as NSString).lastPathComponent)
            if let c = row.classification {
                // Link only to sections this page holds.
                let cell = plots[row.curve] != nil || rows.count == 1 || !c.warnings.isEmpty ? "<a href=\"#curve\(i)\">\(name)</a>" : name
                h += "<tr><td>\(cell)</td><td class=\"\(c.verdict.rawValue)\">\(c.verdict.rawValue)</td><td>\(escape(c.bestModel))</td>"
                h += String(format: "<td class=\"num\">%.4f</td><td class=\"num\">%@</td></tr>\n", c.bestRw, c.classRwDifference.map { String(format: "%.4f", $0) } ?? "")
            } else {
                h += "<tr><td>\(name)</td><td class=\"error\">error</td><td colspan=\"3\" class=\"error\">\(escape(row.error ?? ""))</td></tr>\n"
            }
        }
        h += "</tbody></table>\n"
        for (i, row) in rows.enumerated() {
            let svg = plots[row.curve]
            guard svg != nil || (row.classification != nil && (rows.count == 1 || !(row.classification?.warnings.isEmpty ?? true))) else { continue }
            h += "<div class=\"plot\" id=\"curve\(i)\"><h3>\(escape((row.curve as NSString).lastPathComponent))</h3>\n"
            if let c = row.classification {
                let settings = ClassificationReport.settingsLine(c)
                h += "<p class=\"settings\">\(escape(settings))</p>\n"
                for w in c.warnings { h += "<p class=\"warning\">warning (best model): \(escape(w.message))</p>\n" }
                h += miningDetail(c)
            }
            h += "\(svg ?? "")</div>\n"
        }
        h += """
        <script>
        document.querySelectorAll('#summary th').forEach(function (th, col) {
          th.addEventListener('click', function () {
            var body = th.closest('table').tBodies[0];
            var rows = Array.from(body.rows);
            var asc = th.dataset.asc !== 'true';
            th.dataset.asc = asc;
            rows.sort(function (a, b) {
              var x = a.cells[col] ? a.cells[col].textContent : '', y = b.cells[col] ? b.cells[col].textContent : '';
              var nx = parseFloat(x), ny = parseFloat(y);
              var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
              return asc ? c : -c;
            });
            rows.forEach(function (r) { body.appendChild(r); });
          });
        });
        </script>
        </body></html>

        """
        return h
    }
}
