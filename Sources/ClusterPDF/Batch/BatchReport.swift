import Foundation

/// The HTML report of a batch, made for thousands of curves: counts per verdict, a timeline of the
/// class probabilities and the best Rw over the input order (or the frames' time or temperature),
/// and one table row per curve (verdict, probabilities, best model, Rw, size, warnings) that can be
/// sorted and filtered. The rows are drawn by a small script from compact embedded data, so 10,000
/// curves stay a few megabytes; a curve's full classify report is made on demand
/// (`clusterpdf batch report OUT.jsonl --curve NAME`, `detail(record:)`). The page links only to
/// anchors it holds.
public enum BatchReport {
    static func esc(_ s: String) -> String { ClassificationReport.escape(s) }

    /// One row's fields.
    struct Row {
        var index: Int, curve: String, verdict: String
        var p: [Double?]
        var model: String, rw: Double?, atoms: Int?, diameter: Double?
        var warnings: [String], error: String?
        var x: Double?
    }

    static func rows(_ records: [BatchRecord], axis: String?) -> [Row] {
        records.enumerated().map { i, r in
            guard let c = r.classification else {
                return Row(index: i, curve: r.curve, verdict: r.unfinished == true ? "unfinished" : "error", p: [nil, nil, nil], model: "", rw: nil,
                           atoms: nil, diameter: nil, warnings: [], error: r.error, x: axis.flatMap { r.frame?[$0] })
            }
            let best = c.candidates?.first(where: { $0.name == c.bestModel }) ?? c.candidates?.first
            let p = Verdict.structuralClasses.map { v in c.probabilities.map { $0[v] ?? 0 } }
            var w = c.warnings.map(\.message)
            if let reason = c.noMatchReason { w.insert("no-match: \(reason)", at: 0) }
            return Row(index: i, curve: r.curve, verdict: c.verdict.rawValue, p: p, model: c.bestModel, rw: c.bestRw,
                       atoms: best?.atoms, diameter: best?.equivalentDiameter, warnings: w, error: nil, x: axis.flatMap { r.frame?[$0] })
        }
    }

    /// The frame value used as the timeline's x axis: `time`, else `temperature`, when every
    /// classified record has it.
    static func axis(_ records: [BatchRecord]) -> String? {
        let ok = records.filter { $0.classification != nil }
        guard !ok.isEmpty else { return nil }
        return ["time", "temperature"].first { k in ok.allSatisfy { $0.frame?[k] != nil } }
    }

    /// The timeline: class probabilities (0–1, left axis) and best Rw (dashed, same scale) per curve.
    static func timeline(_ rows: [Row], axis: String?) -> String {
        let ok = rows.filter { $0.rw != nil }
        guard ok.count >= 2 else { return "" }
        let xs = ok.map { $0.x ?? Double($0.index) }
        guard let lo = xs.min(), let hi = xs.max(), hi > lo else { return "" }
        let w = 900.0, h = 240.0, left = 50.0, bottom = 30.0, top = 10.0
        func px(_ x: Double) -> Double { left + (x - lo) / (hi - lo) * (w - left - 10) }
        func py(_ y: Double) -> Double { top + (1 - min(max(y, 0), 1)) * (h - top - bottom) }
        // At most ~2 points per pixel column: a 10,000-frame run stays small.
        let stride = max(1, ok.count / 1600)
        func line(_ values: [Double?], color: String, dash: Bool = false) -> String {
            var pts = ""
            for i in Swift.stride(from: 0, to: ok.count, by: stride) { if let v = values[i] { pts += String(format: "%.1f,%.1f ", px(xs[i]), py(v)) } }
            return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.2\"\(dash ? " stroke-dasharray=\"4 3\"" : "") points=\"\(pts)\"/>\n"
        }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\" aria-label=\"timeline\">\n"
        s += String(format: "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>\n", left, top, w - left - 10, h - top - bottom)
        for t in [0.0, 0.5, 1.0] { s += String(format: "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.1f</text>\n", left - 4, py(t) + 4, t) }
        s += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%@</text>\n", left, h - 8, esc(axis.map { "\($0) (header): \(Self.num(lo)) … \(Self.num(hi))" } ?? "curve number (input order): 0 … \(Int(hi))") as NSString)
        let colors = ["#d62728", "#2ca02c", "#9467bd"]
        for k in 0..<3 { s += line(ok.map { $0.p[k] }, color: colors[k]) }
        s += line(ok.map(\.rw), color: "#333", dash: true)
        s += "</svg>\n<p class=\"settings\"><span style=\"color:#d62728\">■ p(zincblende-like)</span> · <span style=\"color:#2ca02c\">■ p(pseudo-wurtzite)</span> · " +
             "<span style=\"color:#9467bd\">■ p(mixed-or-faulted)</span> · <span>- - best Rw</span></p>\n"
        return s
    }

    static func num(_ v: Double) -> String { String(format: "%.4g", v) }

    /// The report page.
    public static func html(records: [BatchRecord], title: String) -> String {
        let axis = axis(records)
        let rows = rows(records, axis: axis)
        var counts = [String: Int]()
        for r in rows { counts[r.verdict, default: 0] += 1 }
        // Compact data: strings that repeat (models, warnings, folders) go into a table once.
        var strings = [String](), index = [String: Int]()
        func id(_ s: String) -> Int {
            if let i = index[s] { return i }
            strings.append(s); index[s] = strings.count - 1; return strings.count - 1
        }
        func f(_ v: Double?, _ digits: Int) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "null" }
        var data = "["
        for (n, r) in rows.enumerated() {
            if n > 0 { data += ",\n" }
            let dir = (r.curve as NSString).deletingLastPathComponent, name = (r.curve as NSString).lastPathComponent
            let ws = r.warnings.map { String(id($0)) }.joined(separator: ",")
            data += "[\(id(dir)),\(json(name)),\(id(r.verdict)),\(f(r.p[0], 3)),\(f(r.p[1], 3)),\(f(r.p[2], 3)),\(id(r.model)),\(f(r.rw, 4)),"
            data += "\(r.atoms.map(String.init) ?? "null"),\(f(r.diameter, 1)),[\(ws)],\(r.error.map(json) ?? "null"),\(f(r.x, 3))]"
        }
        data += "]"
        let stringTable = "[" + strings.map(json).joined(separator: ",") + "]"
        var h = HTMLPage.start(title: title, css: HTMLPage.verdictCSS + """
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; font-size: 13px; }
        th { background: #f0f0f0; cursor: pointer; user-select: none; }
        .unfinished { color: #b00; } .warning { font-size: 12px; }
        code { background: #f4f4f4; padding: 1px 4px; }

        """) + """
        <h1 id="top">\(esc(title))</h1>
        <p>\(rows.count) curve\(rows.count == 1 ? "" : "s"); generated by ClusterPDF \(ClusterPDFVersion.string).
        One curve's full report: <code>clusterpdf batch report OUT.jsonl --curve NAME</code>.</p>
        <h2 id="overview">Verdicts</h2>
        <table id="counts"><thead><tr><th>verdict</th><th>curves</th><th>share</th></tr></thead><tbody>

        """
        for v in Verdict.allCases.map(\.rawValue) + ["error", "unfinished"] {
            guard let n = counts[v] else { continue }
            h += "<tr><td class=\"\(v)\">\(v)</td><td class=\"num\">\(n)</td><td class=\"num\">" + String(format: "%.1f %%", 100 * Double(n) / Double(max(rows.count, 1))) + "</td></tr>\n"
        }
        h += "</tbody></table>\n<h2 id=\"timeline\">Timeline</h2>\n" + timeline(rows, axis: axis)
        h += """
        <h2 id="curves">Curves</h2>
        <p>Filter: <input id="filter" type="search" placeholder="name, model or warning" size="40">
        <select id="verdict"><option value="">all verdicts</option>\((Verdict.allCases.map(\.rawValue) + ["error", "unfinished"]).filter { counts[$0] != nil }.map { "<option>\($0)</option>" }.joined())</select>
        <label><input id="warned" type="checkbox"> with warnings only</label> <span id="shown"></span> · click a heading to sort, a row for its warnings</p>
        <table id="summary"><thead><tr><th data-k="n">#</th><th data-k="c">curve</th><th data-k="v">verdict</th><th data-k="p0">p(zb)</th><th data-k="p1">p(pw)</th>
        <th data-k="p2">p(mixed)</th><th data-k="m">best model</th><th data-k="rw">Rw</th><th data-k="a">atoms</th><th data-k="d">diameter (Å)</th>\(axis.map { "<th data-k=\"x\">\($0)</th>" } ?? "")<th data-k="w">warnings</th></tr></thead><tbody></tbody></table>
        <script>
        const S = \(stringTable);
        const D = \(data);
        const X = \(axis == nil ? "false" : "true");
        const body = document.querySelector('#summary tbody');
        let order = D.map((_, i) => i), sortKey = null, asc = true;
        function val(r, k, i) {
          return {n: i, c: r[1], v: S[r[2]], p0: r[3], p1: r[4], p2: r[5], m: S[r[6]], rw: r[7], a: r[8], d: r[9], x: r[12], w: r[10].length}[k];
        }
        function fmt(v, d) { return v === null ? '' : v.toFixed(d); }
        function esc(s) { return String(s).replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'})[c]); }
        function draw() {
          const q = document.getElementById('filter').value.toLowerCase(), vf = document.getElementById('verdict').value,
                wo = document.getElementById('warned').checked;
          const out = [];
          let shown = 0;
          for (const i of order) {
            const r = D[i], v = S[r[2]];
            if (vf && v !== vf) continue;
            if (wo && r[10].length === 0 && r[11] === null) continue;
            const text = (S[r[0]] + '/' + r[1] + ' ' + S[r[6]] + ' ' + r[10].map(w => S[w]).join(' ') + ' ' + (r[11] || '')).toLowerCase();
            if (q && text.indexOf(q) < 0) continue;
            shown++;
            if (out.length >= 4000) continue;
            const first = r[10].length ? S[r[10][0]] : '';
            const warn = r[11] !== null ? '<span class="error">' + esc(r[11]) + '</span>' :
              (r[10].length ? '<span class="warning">' + esc(first.length > 90 ? first.slice(0, 88) + '…' : first) + '</span>' +
               (r[10].length > 1 ? ' (+' + (r[10].length - 1) + ' more)' : '') : '');
            out.push('<tr data-i="' + i + '"><td class="num">' + i + '</td><td title="' + esc(S[r[0]]) + '">' + esc(r[1]) + '</td><td class="' + v + '">' + v +
              '</td><td class="num">' + fmt(r[3], 3) + '</td><td class="num">' + fmt(r[4], 3) + '</td><td class="num">' + fmt(r[5], 3) + '</td><td>' + esc(S[r[6]]) +
              '</td><td class="num">' + fmt(r[7], 4) + '</td><td class="num">' + (r[8] === null ? '' : r[8]) + '</td><td class="num">' + fmt(r[9], 1) + '</td>' +
              (X ? '<td class="num">' + fmt(r[12], 3) + '</td>' : '') + '<td>' + warn + '</td></tr>');
          }
          body.innerHTML = out.join('');
          document.getElementById('shown').textContent = shown + ' of ' + D.length + ' shown' + (shown > 4000 ? ' (first 4000 rows drawn; filter to see others)' : '');
        }
        document.querySelectorAll('#summary th').forEach(th => th.addEventListener('click', () => {
          const k = th.dataset.k;
          asc = sortKey === k ? !asc : true; sortKey = k;
          order.sort((a, b) => {
            const x = val(D[a], k, a), y = val(D[b], k, b);
            if (x === y) return a - b;
            if (x === null) return 1; if (y === null) return -1;
            const c = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
            return asc ? c : -c;
          });
          draw();
        }));
        body.addEventListener('click', e => {
          const tr = e.target.closest('tr[data-i]');
          if (!tr) return;
          const next = tr.nextElementSibling;
          if (next && next.classList.contains('detail')) { next.remove(); return; }
          const r = D[+tr.dataset.i];
          const ws = r[10].map(w => '<div class="warning">warning: ' + esc(S[w]) + '</div>').join('') || '<div class="settings">no warnings</div>';
          const cmd = '<div class="settings">full report: <code>clusterpdf batch report OUT.jsonl --curve ' + esc(S[r[0]] ? S[r[0]] + '/' + r[1] : r[1]) + '</code></div>';
          tr.insertAdjacentHTML('afterend', '<tr class="detail"><td colspan="12">' + ws + cmd + '</td></tr>');
        });
        ['filter', 'verdict', 'warned'].forEach(id => document.getElementById(id).addEventListener('input', draw));
        draw();
        </script>
        </body></html>

        """
        return h
    }

    /// A JSON string literal.
    static func json(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
    }

    /// One curve's page: its classify report (overlay plot when the curve can be read again,
    /// probabilities, ranking, warnings) or its error.
    public static func detail(record r: BatchRecord) -> String {
        var plots = [String: String]()
        if let c = r.classification, let curve = try? MeasuredCurveReader.read(path: r.curve),
           let fits = try? ClassificationReport.remakeFits(curve: curve, classification: c) {
            var svg = ClassificationReport.overlay(curve: curve, classification: c, fits: fits)
            svg.identifier = "curve0"
            plots[r.curve] = svg.render()
        }
        return ClassificationReport.html(title: "ClusterPDF: \((r.curve as NSString).lastPathComponent)",
                                         rows: [(curve: r.curve, classification: r.classification, error: r.error)], plots: plots)
    }
}
