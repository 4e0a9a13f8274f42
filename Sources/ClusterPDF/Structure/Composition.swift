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
}
