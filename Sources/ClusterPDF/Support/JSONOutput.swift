import Foundation

/// The JSON form of ClusterPDF's results: pretty-printed, keys sorted, slashes unescaped.
public enum JSONOutput {
    /// Encodes `value`; throws (rather than writing a partial document) if it holds a NaN or an
    /// infinity, which JSON cannot represent.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }

    /// The same on one line (JSON Lines records).
    public static func compactString<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }
}
