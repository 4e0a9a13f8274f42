import Foundation

/// The files `clusterpdf series` writes: CSV and the figure of fractions against the frames.
extension SeriesAnalysis.Result {
    /// CSV: curve, x, x source, Rw, then a fraction and an uncertainty column per model, error.
    public var csv: String {
        let names = models.map(\.name) + (componentCurves ?? []).map(\.name)
        func q(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var out = (["curve", "x", "x_source", "rw"] + names.flatMap { ["fraction_\($0)", "sigma_\($0)"] } + ["error"]).map(q).joined(separator: ",") + "\n"
        for f in frames {
            var row = [q(f.curve), String(format: "%.6g", f.x), f.xSource, f.rw.isFinite ? String(format: "%.5f", f.rw) : ""]
            for n in names {
                row.append(f.fractions[n].map { String(format: "%.4f", $0) } ?? "")
                row.append(f.uncertainties[n].map { String(format: "%.4f", $0) } ?? "")
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
        series.append(SVGPlot.Series(x: ok.map(\.x), y: ok.map(\.rw), label: "Rw of the mixture", color: "#555555", style: .circles))
        var p = SVGPlot(title: title, xLabel: ok.first.map { $0.xSource == "index" ? "frame (input order)" : $0.xSource } ?? "frame", yLabel: "atom fraction", series: series)
        p.subtitle = (components.map { "\($0) component\($0 == 1 ? "" : "s") in the frames (model-free)" } ?? "component count not estimated") +
            " · end members refined on the frames they dominate"
        return p
    }
}
