import Foundation

/// The element of a CIF atom site, with the rule that decided it.
struct SiteType: Sendable, Hashable {
    var element: Element
    var charge: Int
    /// A note when a rule beyond "the symbol is an element" was used.
    var note: String?
}

/// Why a site's element could not be identified.
struct SiteTypeProblem: Error, Sendable {
    var message: String
}

extension CIFReader {
    /// The element of an atom site: `_atom_site_type_symbol` first, else the label, each by these
    /// documented rules on the leading letters (case-insensitive):
    /// 1. water labels: Wat…, OW… → O; HW… → H (noted);
    /// 2. D, DW… (not Db, Ds, Dy) → deuterium (X-ray scattering of H, neutron length of ²H; noted);
    /// 3. dummy atoms (Q, Du, Dum, X, XX, M, Lp) are not elements: refused with the reason;
    /// 4. otherwise a two-letter element symbol, else a one-letter one (Element.parseLabel),
    ///    with an optional charge ("Fe3+").
    /// A type symbol that is "?" or "." defers to the label. A type symbol is exact: an element
    /// symbol with an optional charge (`Element.parseSymbol`), or one of the documented water,
    /// deuterium and dummy forms; a misspelt one ("Sx") is an error, never another element.
    static func siteType(type: String?, label: String) -> Result<SiteType, SiteTypeProblem> {
        if let t = type, !t.isEmpty {
            if let (e, q) = Element.parseSymbol(t) { return .success(SiteType(element: e, charge: q, note: nil)) }
            if let r = elementRule(t) {
                // Only the special forms (water, deuterium, dummies) are taken from a type symbol.
                if case .success(let st) = r, st.note == nil {
                    return .failure(SiteTypeProblem(message: "type symbol '\(t)' of atom site '\(label)' is not an element symbol (Cd, Se, Cd2+ …)"))
                }
                return r
            }
            return .failure(SiteTypeProblem(message: "type symbol '\(t)' of atom site '\(label)' is not an element symbol (Cd, Se, Cd2+ …)"))
        }
        if let r = elementRule(label) { return r }
        let shown = type ?? label
        return .failure(SiteTypeProblem(message: "cannot identify the element of atom site '\(label.isEmpty ? shown : label)'\(type != nil && type != label ? " (type symbol '\(type!)')" : ""): not an element symbol or a documented label"))
    }

    static func elementRule(_ text: String) -> Result<SiteType, SiteTypeProblem>? {
        let letters = String(text.trimmingCharacters(in: .whitespaces).prefix { $0.isASCII && $0.isLetter })
        let l = letters.lowercased()
        guard !l.isEmpty else { return nil }
        if l.hasPrefix("wat") || l == "ow" || l == "owh" {
            return .success(SiteType(element: Element(atomicNumber: 8)!, charge: 0, note: "water labels (Wat…, OW…) read as O"))
        }
        if l == "hw" || l == "hwa" || l == "hwb" {
            return .success(SiteType(element: Element(atomicNumber: 1)!, charge: 0, note: "water hydrogen labels (HW…) read as H"))
        }
        if ["q", "du", "dum", "x", "xx", "m", "lp"].contains(l) {
            return .failure(SiteTypeProblem(message: "atom site '\(text)' is a dummy atom (\(letters)), not an element: remove it from the file"))
        }
        if l.hasPrefix("d"), l.count == 1 || !["db", "ds", "dy"].contains(String(l.prefix(2))) {
            return .success(SiteType(element: .deuterium, charge: 0, note: "deuterium (D…): X-ray scattering of H, neutron scattering length of ²H (6.671 fm)"))
        }
        guard let (e, q) = Element.parseLabel(text) else { return nil }
        return .success(SiteType(element: e, charge: q, note: nil))
    }

    /// "1/4", "-3/4": a simple fraction written where a coordinate belongs (some COD files).
    static func simpleFraction(_ text: String?) -> Double? {
        guard let t = text, let slash = t.firstIndex(of: "/") else { return nil }
        guard let n = Double(t[..<slash]), let d = Double(t[t.index(after: slash)...]), d != 0, n.isFinite, d.isFinite, abs(d) <= 1000 else { return nil }
        return n / d
    }

    /// A cell parameter for a message.
    static func fmtCell(_ x: Double) -> String { String(format: "%.4g", x) }
}
