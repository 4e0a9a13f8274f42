/// One row of the generated element table.
struct ElementRecord: Sendable {
    let symbol: String
    let atomicNumber: Int
    /// Standard atomic weight (u).
    let mass: Double
    /// Covalent radius (Å), Cordero et al. 2008; nil where unknown.
    let covalentRadius: Double?
    /// Neutron coherent scattering length b_c (fm); nil where unknown.
    let neutronLength: Double?
}

/// A chemical element, H (1) … Cf (98), and deuterium `D` (²H: the X-ray form factor, radius and
/// chemistry of H, its own mass and neutron scattering length).
public struct Element: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Atomic number Z.
    public let atomicNumber: Int
    /// Mass number of a specific isotope (2 for deuterium); nil: the natural element.
    public let massNumber: Int?

    /// Creates the element with atomic number `z` (1…98), or nil.
    public init?(atomicNumber z: Int) {
        guard z >= 1, z <= elementTable.count else { return nil }
        atomicNumber = z
        massNumber = nil
    }

    /// Element from an exact symbol, case-insensitive ("cd", "CD", "Cd"; "D" is deuterium).
    public init?(symbol: String) {
        let key = symbol.lowercased()
        if key == "d" { atomicNumber = 1; massNumber = 2; return }
        guard let z = Element.symbolIndex[key] else { return nil }
        atomicNumber = z
        massNumber = nil
    }

    /// Deuterium, ²H.
    public static let deuterium = Element(symbol: "D")!

    /// Deuterium: mass 2.01410178 u (AME 2016), b_c = 6.671 fm (Sears 1992).
    static let deuteriumMass = 2.01410178, deuteriumLength = 6.671

    /// Element and charge from an exact element symbol with an optional charge or number: "Cd",
    /// "CD", "Cd2+", "Se2-", "O-", "Fe+3", "Na0", "Fe1", "D". The letters must be a symbol exactly:
    /// "Sx", "Xx", "Se1A" give nil (a misspelt symbol is never read as another element). XYZ species and CIF `_atom_site_type_symbol` use this;
    /// only CIF labels are read leniently (`parseLabel`).
    public static func parseSymbol(_ text: String) -> (element: Element, charge: Int)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let letters = String(t.prefix { $0.isASCII && $0.isLetter })
        guard (1...2).contains(letters.count), let e = Element(symbol: letters) else { return nil }
        let rest = t.dropFirst(letters.count)
        if rest.isEmpty { return (e, 0) }
        // Digits alone: "Na0" (COD's oxidation state 0), "FE1" (a serial number); no charge.
        if rest.allSatisfy(\.isNumber) { return (e, 0) }
        // A charge: "2+", "+2", "+", "-", "3-", "-3".
        let signs = rest.filter { $0 == "+" || $0 == "-" }, digits = rest.filter(\.isNumber)
        guard signs.count == 1, digits.count + 1 == rest.count, digits.count <= 1,
              rest.first == signs.first || rest.last == signs.first else { return nil }
        let n = Int(String(digits)) ?? 1
        return (e, signs == "+" ? n : -n)
    }

    /// Element and charge from an atom label or typed symbol: "Cd", "CD1", "In3", "P2A", "Cd2+", "Se2-", "O1-".
    /// Leading letters are matched two-then-one against the symbols (case-insensitive); a trailing
    /// "n+"/"n-" (or "+n") gives the charge. Returns nil when no element matches.
    public static func parseLabel(_ label: String) -> (element: Element, charge: Int)? {
        let chars = Array(label.trimmingCharacters(in: .whitespaces))
        var letters = ""
        for c in chars { if c.isLetter && c.isASCII { letters.append(c) } else { break } }
        guard !letters.isEmpty else { return nil }
        var element: Element?
        if letters.count >= 2, let e = Element(symbol: String(letters.prefix(2))) {
            // Prefer a two-letter match only when the label is not obviously "C"+"A…" style all-caps
            // with a one-letter alternative and the two-letter symbol is exotic; chemists' labels
            // follow the two-letter rule in CIFs, so keep it.
            element = e
        } else if let e = Element(symbol: String(letters.prefix(1))) {
            element = e
        }
        guard let el = element else { return nil }
        // Charge: digits followed by + or -, or + / - followed by digits, at the end.
        var charge = 0
        let rest = String(chars.dropFirst(letters.count))
        if let last = rest.last, last == "+" || last == "-" {
            let digits = rest.dropLast().reversed().prefix { $0.isNumber }.reversed()
            let n = Int(String(digits)) ?? 1
            charge = last == "+" ? n : -n
        } else if let signIndex = rest.firstIndex(where: { $0 == "+" || $0 == "-" }) {
            let n = Int(rest[rest.index(after: signIndex)...]) ?? 1
            charge = rest[signIndex] == "+" ? n : -n
        }
        return (el, charge)
    }

    var record: ElementRecord { elementTable[atomicNumber - 1] }
    /// Element symbol, e.g. "Cd" ("D" for deuterium).
    public var symbol: String { massNumber == 2 && atomicNumber == 1 ? "D" : record.symbol }
    /// Symbol of the chemical element ("H" for deuterium): the key of X-ray form-factor tables.
    public var chemicalSymbol: String { record.symbol }
    /// Standard atomic weight (u); the isotope's mass for deuterium.
    public var mass: Double { massNumber == 2 && atomicNumber == 1 ? Element.deuteriumMass : record.mass }
    /// Covalent radius in Å (Cordero 2008), 1.5 Å where the table has none.
    public var covalentRadius: Double { record.covalentRadius ?? 1.5 }
    /// Neutron coherent scattering length b_c in fm, nil where unknown (deuterium: 6.671 fm).
    public var neutronScatteringLength: Double? { massNumber == 2 && atomicNumber == 1 ? Element.deuteriumLength : record.neutronLength }
    /// The symbol.
    public var description: String { symbol }
    /// Ordered by atomic number, an isotope after its natural element.
    public static func < (a: Element, b: Element) -> Bool { (a.atomicNumber, a.massNumber ?? 0) < (b.atomicNumber, b.massNumber ?? 0) }

    /// Group in the periodic table (1–18; lanthanides/actinides give 3).
    public var group: Int {
        let z = atomicNumber
        switch z {
        case 1: return 1
        case 2: return 18
        case 3...10: return z <= 4 ? z - 2 : z + 8
        case 11...18: return z <= 12 ? z - 10 : z
        case 19...36: return z - 18
        case 37...54: return z - 36
        case 55...56: return z - 54
        case 57...71: return 3
        case 72...86: return z - 68
        case 87...88: return z - 86
        default: return 3
        }
    }

    private static let symbolIndex: [String: Int] = {
        var d = [String: Int]()
        for r in elementTable { d[r.symbol.lowercased()] = r.atomicNumber }
        return d
    }()
}

import Foundation
