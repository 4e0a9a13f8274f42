/// A sequence of close-packed double layers of a tetrahedral semiconductor, written with the
/// letters A, B, C of the three lateral positions of a close-packed layer.
///
/// Zincblende is …ABC…, wurtzite …AB…, the polytypes 4H …ABCB… and 6H …ABCACB…; a randomly
/// faulted sequence takes each new layer cubic (the third letter) with probability
/// `cubicFraction`, else hexagonal (the letter two layers down), with a seeded generator so the
/// same parameters always give the same sequence.
public struct StackingSequence: Sendable, Hashable, Codable {
    /// How the sequence was made.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// …ABC… (3C).
        case zincblende
        /// …AB… (2H).
        case wurtzite
        /// …ABCB…: half the layers cubic.
        case polytype4H = "4H"
        /// …ABCACB…: two thirds of the layers cubic.
        case polytype6H = "6H"
        /// Random stacking with a given fraction of cubic layers.
        case faulted
    }

    /// How the sequence was made.
    public var kind: Kind
    /// For `faulted`: probability that a layer is stacked cubically (0 = wurtzite, 1 = zincblende).
    public var cubicFraction: Double
    /// For `faulted`: the random seed.
    public var seed: UInt64

    /// A periodic stacking (zincblende, wurtzite, 4H, 6H).
    public init(_ kind: Kind) { self.kind = kind; cubicFraction = kind.nominalCubicFraction; seed = 0 }

    /// A randomly faulted stacking with a fraction `cubicFraction` of cubic layers.
    public init(faultedWithCubicFraction p: Double, seed: UInt64) {
        kind = .faulted; cubicFraction = min(1, max(0, p)); self.seed = seed
    }

    /// Lateral positions (0 = A, 1 = B, 2 = C) of layers `range` (layer 0 is A; layer 1 is B).
    public func letters(_ range: ClosedRange<Int>) -> [Int] {
        // Build upwards from layer 0 and downwards from layer 1 with the same rule, so that any
        // range contains the same layers (the sequence does not depend on the range asked for).
        let up = max(range.upperBound, 1), down = min(range.lowerBound, 0)
        let above = grow([0, 1], count: up + 1, seed: seed &+ 0x5eed) { $0 }        // layers 0, 1, 2, …
        let below = grow([1, 0], count: 2 - down, seed: seed &+ 0xd0e1) { 1 - $0 }   // layers 1, 0, −1, …
        return range.map { $0 >= 0 ? above[$0] : below[1 - $0] }
    }

    /// Extends `start` to `count` layers by the stacking rule; element j is layer `layer(j)`
    /// (which sets the phase of a periodic stacking).
    private func grow(_ start: [Int], count: Int, seed: UInt64, layer: (Int) -> Int) -> [Int] {
        var s = start
        var rng = SplitMix64(seed: seed)
        let period = kind.periodicCubic
        while s.count < count {
            let j = s.count
            let cubic = kind == .faulted ? rng.uniform() < cubicFraction : period[((layer(j) % period.count) + period.count) % period.count]
            s.append(cubic ? 3 - s[j - 1] - s[j - 2] : s[j - 2])
        }
        return s
    }

    /// Fraction of cubic layers in `letters` (a layer is cubic when its neighbours differ).
    public static func cubicFraction(of letters: [Int]) -> Double {
        guard letters.count >= 3 else { return 0 }
        let inner = 1..<(letters.count - 1)
        let cubic = inner.filter { letters[$0 - 1] != letters[$0 + 1] }.count
        return Double(cubic) / Double(inner.count)
    }

    /// Short name: "zincblende", "wurtzite", "4H", "6H", "faulted-c0.25-s1".
    public var name: String {
        kind == .faulted ? "faulted-c\(cubicFraction)-s\(seed)" : kind.rawValue
    }
}

extension StackingSequence.Kind {
    /// Fraction of cubic layers of the periodic stackings (faulted: 0.5 nominal).
    public var nominalCubicFraction: Double {
        switch self {
        case .zincblende: return 1
        case .wurtzite: return 0
        case .polytype4H: return 0.5
        case .polytype6H: return 2.0 / 3
        case .faulted: return 0.5
        }
    }

    /// Cubic (true) or hexagonal (false) stacking of successive layers over one period.
    var periodicCubic: [Bool] {
        switch self {
        case .zincblende: return [true]
        case .wurtzite: return [false]
        case .polytype4H: return [true, false]
        case .polytype6H: return [true, true, false]
        case .faulted: return [false]
        }
    }
}
