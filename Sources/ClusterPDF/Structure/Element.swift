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

/// A chemical element, H (1) … Cf (98).
public struct Element: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Atomic number Z.
    public let atomicNumber: Int

    /// Creates the element with atomic number `z` (1…98), or nil.
    public init?(atomicNumber z: Int) {
        guard z >= 1, z <= elementTable.count else { return nil }
        atomicNumber = z
    }

    /// Element from an exact symbol, case-insensitive ("cd", "CD", "Cd").
    public init?(symbol: String) {
        let key = symbol.lowercased()
        guard let z = Element.symbolIndex[key] else { return nil }
        atomicNumber = z
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
    /// Element symbol, e.g. "Cd".
    public var symbol: String { record.symbol }
    /// Standard atomic weight (u).
    public var mass: Double { record.mass }
    /// Covalent radius in Å (Cordero 2008), 1.5 Å where the table has none.
    public var covalentRadius: Double { record.covalentRadius ?? 1.5 }
    /// Neutron coherent scattering length b_c in fm, nil where unknown.
    public var neutronScatteringLength: Double? { record.neutronLength }
    /// The symbol.
    public var description: String { symbol }
    /// Ordered by atomic number.
    public static func < (a: Element, b: Element) -> Bool { a.atomicNumber < b.atomicNumber }

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
