import Foundation

/// The files `clusterpdf series` writes: CSV and the figure of fractions against the frames.
extension SeriesAnalysis.Result {
    /// CSV: curve, x, x source, Rw, then a fraction and an uncertainty column per model, error.
    public var csv: String {
        let names = models.map(\.name) + (componentCurves ?? []).map(\.name)
        func q(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        let perFrameNames = perFrame ? models.map(\.name) : []
        var columns: [String] = ["curve", "x", "x_source", "rw"]
        for n in names { columns += ["fraction_" + n, "sigma_" + n] }
        for n in perFrameNames { columns += ["zoom_" + n, "uiso_" + n, "delta2_" + n] }
        columns.append("error")
        var out = columns.map(q).joined(separator: ",") + "\n"
        for f in frames {
            var row = [q(f.curve), String(format: "%.6g", f.x), f.xSource, f.rw.map { String(format: "%.5f", $0) } ?? ""]
            for n in names {
                row.append(f.fractions[n].map { String(format: "%.4f", $0) } ?? "")
                row.append(f.uncertainties[n].map { String(format: "%.4f", $0) } ?? "")
            }
            for n in perFrameNames {
                let p = f.parameters?[n]
                row += [p.map { String(format: "%.5f", $0.zoom) } ?? "", p.map { String(format: "%.5f", $0.uiso) } ?? "", p.map { String(format: "%.4f", $0.delta2) } ?? ""]
            }
            row.append(q(f.error ?? ""))
            out += row.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Fractions against x, one line per model with its ±1σ band (dashed), and the mixture's Rw.
    public func plot(title: String) -> SVGPlot {
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
        let ok = frames.filter { $0.error == nil }.sorted { $0.x < $1.x }
        var series = [SVGPlot.Series]()
        let members = models.map { ($0.name, "\($0.name) (\($0.formula))") } + (componentCurves ?? []).map { ($0.name, "\($0.name) (model-free)") }
        for (k, (name, label)) in members.enumerated() {
            let c = colors[k % colors.count]
            let x = ok.map(\.x), y = ok.map { $0.fractions[name] ?? 0 }, s = ok.map { $0.uncertainties[name] ?? 0 }
            series.append(SVGPlot.Series(x: x, y: y, label: label, color: c, style: .line))
            series.append(SVGPlot.Series(x: x, y: zip(y, s).map { $0 + $1 }, label: "± 1σ", color: c, style: .dashed))
            series.append(SVGPlot.Series(x: x, y: zip(y, s).map { $0 - $1 }, label: "", color: c, style: .dashed))
        }
        let withRw = ok.filter { $0.rw != nil }
        series.append(SVGPlot.Series(x: withRw.map(\.x), y: withRw.map { $0.rw! }, label: "Rw of the mixture", color: "#555555", style: .circles))
        var p = SVGPlot(title: title, xLabel: ok.first.map { $0.xSource == "index" ? "frame (input order)" : $0.xSource } ?? "frame", yLabel: "atom fraction", series: series)
        p.subtitle = (components.map { "\($0) component\($0 == 1 ? "" : "s") in the frames (model-free)" } ?? "component count not estimated") +
            " · end members refined on the frames they dominate"
        return p
    }
}

extension SeriesAnalysis.Result {
    /// A waterfall of the frames' G(r) (each offset by `step` times its order), oldest at the
    /// bottom, coloured from blue to red along x — a reaction read at a glance.
    public static func waterfall(frames: [(name: String, r: [Double], g: [Double])], title: String) -> SVGPlot {
        let amp = frames.flatMap(\.g).map(abs).max() ?? 1
        let step = 0.6 * amp
        var series = [SVGPlot.Series]()
        for (i, f) in frames.enumerated() {
            let t = frames.count > 1 ? Double(i) / Double(frames.count - 1) : 0
            let color = String(format: "#%02x%02x%02x", Int(31 + 183 * t), Int(119 - 80 * t), Int(180 - 140 * t))
            let label = i == 0 || i == frames.count - 1 ? f.name : ""
            series.append(SVGPlot.Series(x: f.r, y: f.g.map { $0 + step * Double(i) }, label: label, color: color))
        }
        return SVGPlot(title: title, xLabel: "r (Å)", yLabel: "G (Å⁻²), offset per frame", series: series)
    }

    /// A heat map of the fit residuals Gobs − Gcalc (`residuals`): r across, one row per frame in
    /// input order (first at the top), blue negative, red positive, white zero, scaled to the
    /// largest |residual| (given in the caption, with the largest |Gobs| for comparison); nil
    /// without residuals.
    public func residualHeatMap(title: String, observedPeak: Double? = nil) -> String? {
        guard let map = residuals, !map.r.isEmpty, !map.residuals.isEmpty else { return nil }
        let width = 720.0, rowHeight = max(4.0, min(18.0, 360.0 / Double(map.residuals.count))), left = 150.0, top = 40.0
        let height = rowHeight * Double(map.residuals.count)
        let peak = map.residuals.flatMap { $0 }.map(abs).max() ?? 0
        let scale = peak > 0 ? peak : 1
        // At most ~360 columns: neighbouring points are averaged.
        let columns = min(map.r.count, 360)
        let per = Double(map.r.count) / Double(columns)
        let cell = (width - left - 20) / Double(columns)
        func color(_ v: Double) -> String {
            let t = max(-1, min(1, v / scale))
            let a = Int(255 * (1 - abs(t)))
            return t >= 0 ? String(format: "#ff%02x%02x", a, a) : String(format: "#%02x%02xff", a, a)
        }
        func esc(_ s: String) -> String { ClassificationReport.escape(s) }
        var svg = String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"11\">\n", width, top + height + 60)
        svg += "<text x=\"\(left)\" y=\"16\" font-size=\"14\">\(esc(title))</text>\n"
        svg += String(format: "<text x=\"%.0f\" y=\"32\" fill=\"#555\">colour: Gobs − Gcalc from −%.3g (blue) to +%.3g (red) Å⁻²%@</text>\n", left, peak, peak,
                      observedPeak.map { String(format: "; largest |Gobs| %.3g", $0) } ?? "")
        for (row, res) in map.residuals.enumerated() {
            let y = top + Double(row) * rowHeight
            for c in 0..<columns {
                let lo = Int(Double(c) * per), hi = max(lo + 1, min(res.count, Int(Double(c + 1) * per)))
                guard lo < res.count else { continue }
                let v = res[lo..<hi].reduce(0, +) / Double(hi - lo)
                svg += String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%@\"/>", left + Double(c) * cell, y, cell + 0.3, rowHeight + 0.3, color(v))
            }
            if map.residuals.count <= 40 || row % max(1, map.residuals.count / 20) == 0 {
                svg += String(format: "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%@</text>\n", left - 6, y + rowHeight * 0.8, esc(map.names[row]))
            }
        }
        let r0 = map.r.first!, r1 = map.r.last!
        for k in 0...5 {
            let rv = r0 + (r1 - r0) * Double(k) / 5
            let x = left + (width - left - 20) * Double(k) / 5
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>\n", x, top + height + 16, rv)
        }
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">r (Å)</text>\n</svg>\n", left + (width - left - 20) / 2, top + height + 34)
        return svg
    }

    /// The series page: fractions against the frames, the waterfall, the end members, the frame
    /// table (fractions ± σ, Rw, bounds, errors), the component count and the warnings.
    public func html(title: String, waterfall: SVGPlot?) -> String {
        func esc(_ s: String) -> String { ClassificationReport.escape(s) }
        let names = models.map(\.name) + (componentCurves ?? []).map(\.name)
        var h = HTMLPage.start(title: title, css: HTMLPage.verdictCSS + "th, td { border: 1px solid #ccc; padding: 3px 8px; font-size: 13px; } th { background: #f0f0f0; }\n")
        h += "<h1>\(esc(title))</h1>\n<p>\(frames.count) frames; generated by ClusterPDF \(ClusterPDFVersion.string). Definitions and rules: docs/series.md.</p>\n"
        for w in warnings { h += "<p class=\"warning\">warning: \(esc(w))</p>\n" }
        h += "<h2 id=\"fractions\">Fractions</h2>\n" + plot(title: title).render()
        if let w = waterfall { h += "<h2 id=\"frames\">Frames</h2>\n" + w.render() }
        if let map = residualHeatMap(title: "Fit residuals, frame by frame") {
            h += "<h2 id=\"residuals\">Fit residuals</h2>\n<p>Gobs − Gcalc of every frame on the fit range: a structure the models lack shows up as a band of colour over the frames where it is present.</p>\n" + map
        }
        if !models.isEmpty {
            h += "<h2 id=\"members\">End members</h2>\n<table><tr><th>model</th><th>formula</th><th>zoom</th><th>Uiso (Å²)</th><th>δ2 (Å²)</th><th>refined on</th><th>Rw there</th></tr>\n"
            for m in models {
                h += "<tr><td>\(esc(m.name))</td><td>\(esc(m.formula))</td>" + String(format: "<td class=\"num\">%.4f</td><td class=\"num\">%.4f</td><td class=\"num\">%.2f</td>", m.zoom, m.uiso, m.delta2)
                h += "<td>\(esc((m.refinedOn as NSString).lastPathComponent))</td>" + String(format: "<td class=\"num\">%.4f</td></tr>\n", m.rw)
            }
            h += "</table>\n"
        }
        if let e = componentEstimate {
            h += "<h2 id=\"components\">Components</h2>\n<p>\(e.components) component\(e.components == 1 ? "" : "s") in the frames: singular values " +
                e.singularValues.prefix(8).map { String(format: "%.3g", $0) }.joined(separator: ", ") + String(format: " against the threshold %.3g.</p>\n", e.threshold)
        }
        let classified = (componentCurves ?? []).filter { $0.classification != nil }
        if !classified.isEmpty {
            h += "<table><tr><th>model-free component</th><th>verdict</th><th>most probable family</th><th>best candidate</th><th>Rw</th></tr>\n"
            for c in classified {
                let v = c.classification!
                h += "<tr><td>\(esc(c.name))</td><td class=\"\(v.verdict.rawValue)\">\(v.verdict.rawValue)</td><td>"
                    + (v.family.map { String(format: "%@ (p %.3f)", $0.rawValue, v.familyProbability ?? 0) } ?? "") + "</td><td>\(esc(v.bestCandidate))</td>"
                    + String(format: "<td class=\"num\">%.4f</td></tr>\n", v.rw)
            }
            h += "</table>\n"
        }
        h += "<h2 id=\"table\">Frames</h2>\n<table><tr><th>frame</th><th>x</th>" + names.map { "<th>\(esc($0)) ± σ</th>" }.joined() + "<th>Rw</th></tr>\n"
        for f in frames {
            h += "<tr><td>\(esc((f.curve as NSString).lastPathComponent))</td>"
            if let e = f.error { h += "<td colspan=\"\(names.count + 2)\" class=\"error\">\(esc(e))</td></tr>\n"; continue }
            h += String(format: "<td class=\"num\">%.4g</td>", f.x)
            for n in names {
                h += String(format: "<td class=\"num\">%.3f ± %.3f%@</td>", f.fractions[n] ?? 0, f.uncertainties[n] ?? 0, f.atBound.contains(n) ? " (at 0)" : "")
            }
            h += "<td class=\"num\">" + (f.rw.map { String(format: "%.4f", $0) } ?? "") + "</td></tr>\n"
        }
        h += "</table>\n</body></html>\n"
        return h
    }
}
