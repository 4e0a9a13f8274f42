import Foundation

/// Fractions of cubic stacking that split faulted candidates among the verdict classes: a faulted
/// cluster at most `wurtzite` cubic votes for the pseudo-wurtzite class, one at least `zincblende`
/// cubic for the zincblende-like class, one in between for mixed-or-faulted.
///
/// Calibrated numbers: re-derive them with `clusterpdf calibrate --mining --stacking-limits …`,
/// which compares several pairs on the same classifications (docs/classify.md, "Calibration").
public struct StackingLimits: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Cubic fraction (0…1) up to which a faulted cluster counts as wurtzite-like.
    public var wurtzite: Double
    /// Cubic fraction (0…1) from which a faulted cluster counts as zincblende-like.
    public var zincblende: Double

    /// Limits; `wurtzite` < `zincblende`, both in [0, 1].
    public init(wurtzite: Double, zincblende: Double) throws {
        guard wurtzite.isFinite, zincblende.isFinite, wurtzite >= 0, zincblende <= 1, wurtzite < zincblende else {
            throw SettingsError.invalid(String(format: "stacking limits %g/%g: need 0 ≤ wurtzite limit < zincblende limit ≤ 1 (fractions of cubic stacking)", wurtzite, zincblende))
        }
        self.wurtzite = wurtzite; self.zincblende = zincblende
    }

    /// Parses "W/Z", e.g. "0.2/0.8".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let w = parts[0], let z = parts[1] else {
            throw SettingsError.invalid("stacking limits '\(text)': write them as W/Z, e.g. 0.2/0.8 (fractions of cubic stacking)")
        }
        try self.init(wurtzite: w, zincblende: z)
    }

    /// The calibrated limits: 0.2/0.8. With generator mining-2, 0.25/0.75 gave 91.6 % right
    /// verdicts on seed 7 and 90.9 % on the held-apart seed 11, 0.2/0.8 93.8 % and 94.1 %; with
    /// mining-3 (cubic fractions by atoms of inner layers) 0.2/0.8 gives 100 % on seeds 7, 11 and 13.
    public static let calibrated = try! StackingLimits(wurtzite: 0.2, zincblende: 0.8)

    /// The class a faulted stacking with cubic fraction `f` votes for.
    public func verdictClass(cubicFraction f: Double) -> Verdict {
        if f <= wurtzite + 1e-9 { return .pseudoWurtzite }
        if f >= zincblende - 1e-9 { return .zincblendeLike }
        return .mixedOrFaulted
    }

    /// The class a candidate of `family` votes for: its family's class, except that a faulted
    /// stacking votes by its cubic fraction (`verdictClass(cubicFraction:)`).
    public func verdictClass(family: ModelLibrary.Family, cubicFraction f: Double?) -> Verdict {
        guard family == .faulted, let f else { return family.verdictClass }
        return verdictClass(cubicFraction: f)
    }

    /// "0.2/0.8".
    public var description: String { "\(Self.format(wurtzite))/\(Self.format(zincblende))" }

    private static func format(_ x: Double) -> String { String(format: "%g", x) }
}
