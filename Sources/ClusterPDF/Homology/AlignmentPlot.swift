import Foundation

/// A and B (aligned onto A) overlaid in three orthogonal projections (x–y, x–z, y–z of A's frame),
/// coloured by element: A's atoms filled discs, B's atoms rings, matched pairs joined.
public enum AlignmentPlot {
    /// Colour (hex) of an element: a fixed table for common cluster elements, else from its number.
    public static func colour(_ e: Element) -> String {
        let table: [String: String] = ["Cd": "#3b75af", "Zn": "#6a51a3", "In": "#a67573", "Ga": "#c28f8f", "Hg": "#b8b8d0",
                                       "Se": "#ff7f0e", "S": "#e0c000", "Te": "#d47a00", "P": "#2ca02c", "As": "#9467bd",
                                       "O": "#d62728", "C": "#555555", "N": "#1f77b4", "H": "#aaaaaa", "Cl": "#17becf"]
        if let c = table[e.symbol] { return c }
        let hue = Double((e.atomicNumber * 47) % 360)
        return "hsl(\(Int(hue)),60%,45%)"
    }

    /// The SVG document.
    public static func svg(a: Structure, alignedB b: Structure, alignment: ClusterAlignment, title: String) -> String {
        let panel = 320.0, margin = 30.0
        let all = a.atoms.map(\.position) + b.atoms.map(\.position)
        let c = a.centroid
        let half = max(1, all.map { p -> Double in let d = p - c; return max(abs(d.x), abs(d.y), abs(d.z)) }.max() ?? 1) * 1.08
        let axes: [(Int, Int, String)] = [(0, 1, "x–y"), (0, 2, "x–z"), (1, 2, "y–z")]
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(3 * panel + 4 * margin))\" height=\"\(Int(panel + 2 * margin + 40))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(margin)\" y=\"18\" font-size=\"14\">\(escape(title))</text>\n"
        for (k, (i, j, name)) in axes.enumerated() {
            let x0 = margin + Double(k) * (panel + margin), y0 = margin
            func px(_ p: SIMD3<Double>) -> (Double, Double) {
                (x0 + (p[i] - c[i] + half) / (2 * half) * panel, y0 + panel - (p[j] - c[j] + half) / (2 * half) * panel)
            }
            s += "<g><rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(panel)\" height=\"\(panel)\" fill=\"none\" stroke=\"#ccc\"/>"
            s += "<text x=\"\(x0 + 4)\" y=\"\(y0 + 14)\" fill=\"#666\">\(name) (Å, A's frame)</text>\n"
            for m in alignment.matches {
                let (ax, ay) = px(a.atoms[m.a - 1].position), (bx, by) = px(b.atoms[m.b - 1].position)
                s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-width=\"0.8\"/>", ax, ay, bx, by)
            }
            // Back to front along the viewing axis.
            let depth = 3 - i - j
            for atom in a.atoms.sorted(by: { $0.position[depth] < $1.position[depth] }) {
                let (x, y) = px(atom.position)
                s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%@\" opacity=\"0.85\"/>", x, y, colour(atom.element))
            }
            for atom in b.atoms {
                let (x, y) = px(atom.position)
                s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"%@\" stroke-width=\"1.5\"/>", x, y, colour(atom.element))
            }
            s += "</g>\n"
        }
        var lx = margin
        let ly = margin + panel + 24
        s += "<text x=\"\(lx)\" y=\"\(ly)\">filled: A · rings: B (aligned) · lines: matched pairs</text>\n"
        lx += 330
        for e in Set(a.elements + b.elements).sorted() {
            s += "<circle cx=\"\(lx)\" cy=\"\(ly - 4)\" r=\"5\" fill=\"\(colour(e))\"/><text x=\"\(lx + 9)\" y=\"\(ly)\">\(e.symbol)</text>\n"
            lx += 45
        }
        return s + "</svg>\n"
    }

    static func escape(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
