/// An unordered pair of elements, stored cation-like first: by periodic-table group, then atomic
/// number, hydrogen last ("Se-Cd" and "Cd-Se" are one pair, written "Cd-Se"; "In-P", "C-H").
public struct ElementPair: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The element with the lower atomic number.
    public let first: Element
    /// The other element.
    public let second: Element

    /// The unordered pair of `a` and `b`.
    public init(_ a: Element, _ b: Element) {
        if ElementPair.precedes(a, b) || a == b { first = a; second = b } else { first = b; second = a }
    }

    /// Parses "Cd-Se" (either order, case-insensitive).
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == ":" || $0 == "," })
        guard parts.count == 2, let a = Element(symbol: String(parts[0]).trimmingCharacters(in: .whitespaces)),
              let b = Element(symbol: String(parts[1]).trimmingCharacters(in: .whitespaces)) else { return nil }
        self.init(a, b)
    }

    /// "Cd-Se".
    public var description: String { "\(first.symbol)-\(second.symbol)" }
    /// Ordered by first, then second element.
    public static func < (l: ElementPair, r: ElementPair) -> Bool {
        l.first != r.first ? precedes(l.first, r.first) : precedes(l.second, r.second)
    }

    static func precedes(_ a: Element, _ b: Element) -> Bool {
        (a.atomicNumber == 1 ? 99 : a.group, a.atomicNumber) < (b.atomicNumber == 1 ? 99 : b.group, b.atomicNumber)
    }
}

import Foundation
