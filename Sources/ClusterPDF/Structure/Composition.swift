/// Element lists from composition strings of data headers (`composition = Cd Se`, `CdSe`,
/// `Cd1.0 Se1.0`, `In37P20`).
public enum Composition {
    /// The elements a composition string names, sorted by atomic number; nil when it names none.
    /// An upper-case letter followed by a lower-case one is read as a two-letter symbol when such
    /// an element exists, else as a one-letter symbol.
    public static func elements(in text: String) -> [Element]? {
        var out = Set<Element>()
        let chars = Array(text)
        for (i, c) in chars.enumerated() where c.isUppercase {
            if i + 1 < chars.count, chars[i + 1].isLowercase, let e = Element(symbol: String([c, chars[i + 1]])) {
                out.insert(e)
            } else if let e = Element(symbol: String(c)) {
                out.insert(e)
            }
        }
        return out.isEmpty ? nil : out.sorted()
    }

    /// The inorganic core of a composition: elements inside parentheses only (`Cd35Se20(C2H3O2)30`)
    /// are ligand atoms, and C, H, N and O are ligand atoms whenever at least two other elements
    /// remain (so ZnO keeps its O). Returns the core elements and the stripped ones (sorted).
    public static func core(of text: String) -> (core: [Element], ligand: [Element])? {
        guard let all = elements(in: text) else { return nil }
        var outside = "", depth = 0
        for c in text {
            if c == "(" || c == "[" { depth += 1; continue }
            if c == ")" || c == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { outside.append(c) }
        }
        var core = Set(elements(in: outside) ?? all)
        let organic = Set(["C", "H", "D", "N", "O"].compactMap { Element(symbol: $0) })
        if core.subtracting(organic).count >= 2 { core.subtract(organic) }
        return (core.sorted(), Set(all).subtracting(core).sorted())
    }
}
