import Foundation

/// A self-contained SVG line plot with labelled axes, ticks and a legend.
public struct SVGPlot: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable { case line, circles, dashed }
    /// One curve of a plot.
    public struct Series: Sendable {
        /// Abscissae.
        public var x: [Double]
        /// Ordinates.
        public var y: [Double]
        /// Legend text.
        public var label: String
        /// CSS colour.
        public var color: String
        /// Line, circles or dashes.
        public var style: Style
        /// A series.
        public init(x: [Double], y: [Double], label: String, color: String = "#1f77b4", style: Style = .line) {
            self.x = x; self.y = y; self.label = label; self.color = color; self.style = style
        }
    }
    /// Title above the plot.
    public var title: String
    /// A smaller line under the title: the settings the curves were made with (Qmax, qdamp, Uiso …).
    public var subtitle: String?
    /// x-axis label.
    public var xLabel: String
    /// y-axis label.
    public var yLabel: String
    /// The curves.
    public var series: [Series]
    /// Element id prefix, unique per plot when several share one HTML page.
    public var identifier = "plot"
    /// Width in pixels.
    public var width = 800.0
    /// Height in pixels.
    public var height = 500.0

    /// A plot of `series`.
    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// "Nice" tick positions covering [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double, target: Int = 6) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(target)
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var t = (lo / step).rounded(.up) * step
        var out = [Double]()
        while t <= hi + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e4 || abs(v) < 1e-3 { return String(format: "%.1e", v) }
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// The plot as a standalone SVG document.
    public func render() -> String {
        let ml = 80.0, mr = 20.0, mt = subtitle == nil ? 40.0 : 56.0, mb = 60.0
        let pw = width - ml - mr, ph = height - mt - mb
        let xs = series.flatMap(\.x).filter(\.isFinite), ys = series.flatMap(\.y).filter(\.isFinite)
        var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1, y0 = ys.min() ?? 0, y1 = ys.max() ?? 1
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y1 = y0 + 1 }
        let pad = 0.05 * (y1 - y0); y0 -= pad; y1 += pad
        func px(_ x: Double) -> Double { ml + (x - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { mt + (1 - (y - y0) / (y1 - y0)) * ph }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(ml + pw / 2)\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">\(SVGPlot.escape(title))</text>\n"
        if let sub = subtitle {
            s += "<text x=\"\(ml + pw / 2)\" y=\"42\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\(SVGPlot.escape(sub))</text>\n"
        }
        for t in SVGPlot.ticks(x0, x1) {
            let X = px(t)
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", X, mt, X, mt + ph)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>\n", X, mt + ph + 18, SVGPlot.label(t))
        }
        for t in SVGPlot.ticks(y0, y1) {
            let Y = py(t)
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", ml, Y, ml + pw, Y)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>\n", ml - 6, Y + 4, SVGPlot.label(t))
        }
        s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n", ml, mt, pw, ph)
        s += "<text x=\"\(ml + pw / 2)\" y=\"\(height - 15)\" text-anchor=\"middle\">\(SVGPlot.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(20,\(mt + ph / 2)) rotate(-90)\" text-anchor=\"middle\">\(SVGPlot.escape(yLabel))</text>\n"
        s += "<defs><clipPath id=\"\(identifier)-area\"><rect x=\"\(ml)\" y=\"\(mt)\" width=\"\(pw)\" height=\"\(ph)\"/></clipPath></defs>\n<g clip-path=\"url(#\(identifier)-area)\">\n"
        for se in series {
            switch se.style {
            case .circles:
                let stride = max(1, se.x.count / 400)
                for i in Swift.stride(from: 0, to: se.x.count, by: stride) where se.y[i].isFinite {
                    s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"none\" stroke=\"%@\"/>\n", px(se.x[i]), py(se.y[i]), se.color)
                }
            case .line, .dashed:
                var d = ""
                for i in se.x.indices where se.y[i].isFinite { d += String(format: "%@%.2f,%.2f", d.isEmpty ? "M" : " L", px(se.x[i]), py(se.y[i])) }
                s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(se.color)\" stroke-width=\"1.5\"\(se.style == .dashed ? " stroke-dasharray=\"5,4\"" : "")/>\n"
            }
        }
        s += "</g>\n"
        // Legend box sized to its longest label (≈ 7 px per character at 13 px).
        // Series without a label (e.g. the second edge of an uncertainty band) stay out of it.
        let listed = series.filter { !$0.label.isEmpty }
        let legendWidth = min(pw - 10, 44 + 7.0 * Double(listed.map(\.label.count).max() ?? 0))
        if !listed.isEmpty {
            s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n",
                        ml + pw - legendWidth - 6, mt + 4, legendWidth, Double(listed.count) * 18 + 6)
        }
        for (i, se) in listed.enumerated() {
            let Y = mt + 16 + Double(i) * 18, X = ml + pw - legendWidth
            if se.style == .circles {
                s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"none\" stroke=\"%@\"/>\n", X + 12, Y - 4, se.color)
            } else {
                s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"2\"%@/>\n", X, Y - 4, X + 24, Y - 4, se.color,
                            se.style == .dashed ? " stroke-dasharray=\"5,4\"" : "")
            }
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>\n", X + 30, Y, SVGPlot.escape(se.label))
        }
        s += "</svg>\n"
        return s
    }
}
