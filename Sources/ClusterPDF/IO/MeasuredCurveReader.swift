import Foundation

/// What the first column of a data file is.
public enum CurveAxis: String, Sendable, Codable, CaseIterable {
    /// r in Å (G(r) files).
    case r
    /// Q in Å⁻¹ (I(Q), S(Q), F(Q) files, or powder patterns on a Q axis).
    case q
    /// 2θ in degrees (laboratory powder patterns).
    case twoTheta = "2theta"

    /// The axis implied by a file: a column name on the `#L` line or a header key (`xaxis`,
    /// `axis`, `x`), else the extension (.gr/.fgr → r; .iq/.sq/.fq → Q; .xy/.xye/.chi → 2θ unless
    /// the header says Q). Returns nil when nothing tells.
    public static func detect(path: String, header: [String: String], columnNames: [String]) -> CurveAxis? {
        let hints = ([columnNames.first ?? ""] + ["xaxis", "axis", "x", "xunit", "xunits"].compactMap { header[$0] }).map { $0.lowercased() }
        for h in hints where !h.isEmpty {
            if h.contains("2theta") || h.contains("2θ") || h.contains("tth") || h.contains("two_theta") || h.contains("twotheta") { return .twoTheta }
            if h.hasPrefix("q") || h.contains("q(") || h.contains("a^-1") || h.contains("nm^-1") { return .q }
            if h.hasPrefix("r") || h.contains("r(") { return .r }
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "gr", "fgr": return .r
        case "iq", "sq", "fq": return .q
        case "xy", "xye", "chi": return .twoTheta
        default: return nil
        }
    }
}

/// A curve read from a data file: columns (x, y[, dx, dy] or x, y, dy) and header values.
public struct MeasuredCurve: Sendable {
    /// Where the curve was read from.
    public var path: String
    /// First column (r in Å, Q in Å⁻¹ or 2θ in degrees), increasing.
    public var x: [Double] { didSet { spectralQRange = nil; spectrumRead = false } }
    /// Second column (G in Å⁻², or an intensity).
    public var y: [Double] { didSet { spectralQRange = nil; spectrumRead = false } }
    /// The Q range the curve's own spectrum implies (`QRangeEstimate`), when worked out
    /// (`withSpectralQRange()`; the reader does it for G(r) files); cleared when x or y change.
    public internal(set) var spectralQRange: QRangeEstimate?
    /// Whether `spectralQRange` was worked out (it is nil also when the spectrum shows no edge).
    public internal(set) var spectrumRead = false
    /// Uncertainties of y, when the file gives them (4-column r, G, dr, dG or 3-column x, y, dy).
    public var dy: [Double]?
    /// Header `key = value` pairs (keys lower-cased), e.g. qmin, qmax, composition, wavelength.
    public var header: [String: String]
    /// Column names from a `#L` line, if any.
    public var columnNames: [String]
    /// What x is (r, Q or 2θ), from `MeasuredCurveReader.read(path:axis:)`'s argument or detected.
    public var axis: CurveAxis? { explicitAxis ?? CurveAxis.detect(path: path, header: header, columnNames: columnNames) }
    var explicitAxis: CurveAxis?
    /// Line number (from 1) of each data row in the file, for error messages; empty for curves
    /// made from arrays.
    public internal(set) var rowLines: [Int] = []

    /// "FILE, line N" of data row `index` (or just the file).
    public func location(ofRow index: Int) -> (file: String, line: Int?) {
        (path, rowLines.indices.contains(index) ? rowLines[index] : nil)
    }

    /// A curve from arrays (for the Swift API and tests).
    public init(path: String, x: [Double], y: [Double], dy: [Double]? = nil, header: [String: String] = [:], columnNames: [String] = []) {
        self.path = path; self.x = x; self.y = y; self.dy = dy; self.header = header; self.columnNames = columnNames
    }

    /// Every k-th point of the curve (the first kept), k the largest that keeps the mean step at
    /// most `maximumStep` (x units), with the whole curve's Q-range estimate: for quick rankings on
    /// an oversampled G(r), whose neighbouring points are not independent.
    func thinned(maximumStep: Double) -> MeasuredCurve {
        guard x.count > 1, let first = x.first, let last = x.last, last > first else { return self }
        let k = Int((maximumStep / ((last - first) / Double(x.count - 1))).rounded(.down))
        guard k > 1 else { return self }
        let keep = Array(stride(from: 0, to: x.count, by: k))
        var c = self
        c.x = keep.map { x[$0] }
        c.y = keep.map { y[$0] }
        c.dy = dy.map { d in keep.map { d[$0] } }
        c.rowLines = rowLines.isEmpty ? [] : keep.map { rowLines[$0] }
        c.spectralQRange = spectralQRange
        c.spectrumRead = spectrumRead
        return c
    }

    /// The curve with `spectralQRange` worked out (a G(r): x in Å), so that every refinement of it
    /// reads the estimate instead of repeating it (20–100 ms).
    public func withSpectralQRange() -> MeasuredCurve {
        guard !spectrumRead, axis == nil || axis == .r else { return self }
        var c = self
        c.spectralQRange = QRangeEstimate.estimate(r: x, g: y)
        c.spectrumRead = true
        return c
    }

    /// A numeric header value (e.g. "qmax").
    public func headerNumber(_ key: String) -> Double? { header[key.lowercased()].flatMap { parseFinite($0.split(separator: " ").first ?? "") } }
}

/// Reads measured curves: PDFgetX3/xPDFsuite `.gr` (header, `#### start data`, `#S`, `#L`),
/// PDFgui `.fgr`, `.fq`/`.sq`/`.iq`, `.xy`/`.xye`/`.chi` and plain 2–4 column text with `#` comments.
/// Fit files are read as their observed curve: a PDFgui fit export (`##### PDFgui fit`, columns r,
/// Gcalc, dr, dGcalc, Gdiff) gives Gobs = Gcalc + Gdiff, ClusterPDF's fit file (r, Gobs, Gcalc,
/// Gdiff) gives Gobs; neither carries data uncertainties.
public enum MeasuredCurveReader {
    /// Reads a data file; `axis` states what the first column is (default: detected, see `CurveAxis`).
    public static func read(path: String, axis: CurveAxis? = nil) throws -> MeasuredCurve {
        var c = try parse(text: TextFile.read(path), file: TextFile.displayName(path))
        c.explicitAxis = axis
        return c.withSpectralQRange()
    }

    /// Reads curve text; `file` names it in error messages and selects the axis by extension.
    public static func parse(text: String, file: String) throws -> MeasuredCurve {
        let lines = TextFile.lines(text)
        var header = [String: String]()
        var names = [String]()
        var x = [Double](), y = [Double](), dy = [Double]()
        var fifth = [Double]()  // column 5 (PDFgui fit files: Gdiff)
        var pdfguiFit = false
        var rows = [Int]()
        var columns: Int?
        var inData = false
        for (n, raw) in lines.enumerated() {
            // Data rows (first non-blank byte a digit, sign or point) take a fast path on UTF-8
            // bytes; comment and header lines the general one.
            guard let first = raw.utf8.first(where: { $0 != 32 && $0 != 9 }) else { continue }
            let numeric = (48...57).contains(first) || first == 45 || first == 43 || first == 46
            let line = numeric ? raw : Substring(raw.trimmingCharacters(in: .whitespaces))
            if !numeric, line.hasPrefix("#") || line.hasPrefix("!") || line.hasPrefix("//") || line.hasPrefix("[") {
                let body = line.drop(while: { $0 == "#" || $0 == "!" || $0 == "/" }).trimmingCharacters(in: .whitespaces)
                if body.lowercased() == "start data" { inData = true; continue }
                if body.lowercased().contains("pdfgui fit") { pdfguiFit = true }
                if body.hasPrefix("L ") { names = body.dropFirst(2).split(separator: " ").map(String.init) }
                if let eq = body.firstIndex(of: "=") { storeHeader(body, eq, &header) }
                continue
            }
            let fields = line.utf8.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 44 }).map { Substring($0) }
            let nums = fields.map { Double($0) }
            if nums.contains(where: { $0 == nil }) {
                // Before the data, `key = value` header lines without '#' (PDFgetX3) are allowed.
                if x.isEmpty, !inData, let eq = line.firstIndex(of: "=") { storeHeader(line, eq, &header); continue }
                if x.isEmpty, !inData, fields.first.map({ Double($0) == nil }) == true { continue }  // free header text
                throw InputError(file: file, line: n + 1, "expected numbers, found '\(line.trimmingCharacters(in: .whitespaces).prefix(50))'")
            }
            let v = nums.map { $0! }
            guard v.count >= 2 else { throw InputError(file: file, line: n + 1, "need at least two columns (x, y), found \(v.count)") }
            if let c = columns, c != v.count {
                throw InputError(file: file, line: n + 1, "row has \(v.count) columns, earlier rows have \(c) (truncated or garbled line?)")
            }
            columns = v.count
            guard v.allSatisfy({ $0.isFinite }) else { throw InputError(file: file, line: n + 1, "value is not a finite number (NaN or inf)") }
            if let last = x.last, v[0] <= last {
                throw InputError(file: file, line: n + 1, "x = \(v[0]) does not increase (previous \(last))")
            }
            x.append(v[0]); y.append(v[1]); rows.append(n + 1)
            if v.count == 3 { dy.append(v[2]) } else if v.count >= 4 { dy.append(v[3]) }
            if v.count >= 5 { fifth.append(v[4]) }
        }
        guard x.count >= 2 else { throw InputError(file: file, "no data: found \(x.count) data row\(x.count == 1 ? "" : "s")") }
        var d: [Double]? = dy.count == x.count ? dy : nil
        if let dd = d, dd.contains(where: { $0 <= 0 }) { d = nil }  // zero/negative uncertainties: unweighted
        let lowerNames = names.map { $0.lowercased() }
        if fifth.count == x.count, pdfguiFit || lowerNames.last == "gdiff" {
            // PDFgui's exported fit (FitDataSet.writeCalcStr): r, Gcalc, dr, dGcalc, Gdiff. The
            // observed curve is Gcalc + Gdiff; dGcalc is not an uncertainty of the data. (PDFgui's
            // observed-data export has four columns r, G, dr, dG and is read as data.)
            y = zip(y, fifth).map { $0 + $1 }
            d = nil
            header["source"] = "PDFgui fit file: Gobs = Gcalc + Gdiff (columns 2 and 5)"
        } else if lowerNames.count >= 3, lowerNames[1].hasPrefix("gobs"), lowerNames.contains(where: { $0.hasPrefix("gcalc") }) {
            // ClusterPDF's own fit file (r, Gobs, Gcalc, Gdiff): the data are Gobs, without uncertainties.
            d = nil
            header["source"] = "fit file: Gobs (column 2)"
        }
        var curve = MeasuredCurve(path: file, x: x, y: y, dy: d, header: header, columnNames: names)
        curve.rowLines = rows
        // A G(r) is smooth on its grid: one value more than 10× every other is a corrupted number
        // (a lost or mistyped exponent), which would wreck every fit; refuse it, naming the line.
        if (curve.axis ?? .r) == .r, y.count >= 5 {
            var top = 0, second = 0.0
            for i in y.indices where abs(y[i]) > abs(y[top]) { top = i }
            for i in y.indices where i != top { second = max(second, abs(y[i])) }
            if abs(y[top]) > 10 * second, second > 0 {
                throw InputError(file: file, line: rows[top], "G = \(y[top]) at r = \(x[top]) is more than 10× every other value of the curve (largest \(String(format: "%.4g", second))): a corrupted number?")
            }
        }
        return curve
    }

    static func storeHeader<S: StringProtocol>(_ s: S, _ eq: S.Index, _ header: inout [String: String]) {
        let k = s[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
        let v = s[s.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        if !k.isEmpty, !k.contains(" ") || k.count < 40 { header[k] = v }
    }
}
