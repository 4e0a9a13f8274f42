import Foundation

/// A space-group operation on fractional coordinates: x' = R·x + t.
public struct SymmetryOperation: Hashable, Sendable, CustomStringConvertible {
    /// Rows of R.
    public var rotation: [SIMD3<Double>]
    /// Translation (fractional).
    public var translation: SIMD3<Double>
    /// x, y, z.
    public static let identity = SymmetryOperation(rotation: [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)], translation: .zero)

    /// The operation r → R·r + t (fractional coordinates); rows of R.
    public init(rotation: [SIMD3<Double>], translation: SIMD3<Double>) {
        self.rotation = rotation
        self.translation = translation
    }

    /// Parses the CIF form "-x+1/2, y, z-1/4" (also "x-y", "1/2+x", "x+0.5", upper case).
    public init?(_ text: String) {
        let parts = text.lowercased().replacingOccurrences(of: " ", with: "").split(separator: ",")
        guard parts.count == 3 else { return nil }
        var rows = [SIMD3<Double>]()
        var t = SIMD3<Double>()
        for (k, p) in parts.enumerated() {
            var row = SIMD3<Double>()
            var constant = 0.0
            var s = Substring(p)
            guard !s.isEmpty else { return nil }
            while !s.isEmpty {
                var sign = 1.0
                if s.first == "+" { s = s.dropFirst() } else if s.first == "-" { sign = -1; s = s.dropFirst() }
                var term = ""
                while let ch = s.first, ch != "+", ch != "-" { term.append(ch); s = s.dropFirst() }
                guard !term.isEmpty else { return nil }
                if let axisChar = term.last, "xyz".contains(axisChar) {
                    let axis = axisChar == "x" ? 0 : (axisChar == "y" ? 1 : 2)
                    var coef = String(term.dropLast())
                    if coef.hasSuffix("*") { coef.removeLast() }
                    let c = coef.isEmpty ? 1.0 : SymmetryOperation.number(coef)
                    guard let cc = c else { return nil }
                    row[axis] += sign * cc
                } else {
                    guard let v = SymmetryOperation.number(term) else { return nil }
                    constant += sign * v
                }
            }
            rows.append(row)
            t[k] = constant
        }
        rotation = rows
        translation = t
    }

    static func number(_ s: String) -> Double? {
        if let slash = s.firstIndex(of: "/") {
            guard let a = Double(s[..<slash]), let b = Double(s[s.index(after: slash)...]), b != 0 else { return nil }
            return a / b
        }
        return parseFinite(s)
    }

    /// "1/2" for 0.5 and other multiples of 1/24; the decimal otherwise.
    static func fraction(_ v: Double) -> String {
        for d in [1, 2, 3, 4, 6, 8, 12, 24] {
            let n = (v * Double(d)).rounded()
            if abs(v * Double(d) - n) < 1e-9 { return d == 1 ? "\(Int(n))" : "\(Int(n))/\(d)" }
        }
        return "\(v)"
    }

    /// Applies the operation to fractional coordinates.
    public func apply(_ f: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((rotation[0] * f).sum(), (rotation[1] * f).sum(), (rotation[2] * f).sum()) + translation
    }

    /// The operation as a CIF triplet ("-x+1/2,y,z").
    public var description: String {
        (0..<3).map { k -> String in
            var s = ""
            for (i, n) in ["x", "y", "z"].enumerated() where rotation[k][i] != 0 {
                let c = rotation[k][i]
                s += (c < 0 ? "-" : (s.isEmpty ? "" : "+")) + (abs(c) == 1 ? "" : "\(abs(c))*") + n
            }
            if translation[k] != 0 { s += (translation[k] < 0 ? "-" : "+") + SymmetryOperation.fraction(abs(translation[k])) }
            return s
        }.joined(separator: ",")
    }
}
