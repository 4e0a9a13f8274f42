import Foundation

/// One line of a batch output file (JSON lines).
public struct BatchRecord: Codable, Sendable {
    /// The work item's key (`BatchItem.key`): path plus per-curve settings, for resuming.
    public var key: String
    /// Path of the curve.
    public var curve: String
    /// Whether the curve was classified.
    public enum Status: String, Codable, Sendable { case ok, error }
    /// `ok` or `error`.
    public var status: Status
    /// The classification, when `status` is `ok`.
    public var classification: Classification?
    /// The error message (file, line, problem), when `status` is `error`.
    public var error: String?
    /// The settings the record was made with (nil only in records of ClusterPDF before batch-3).
    public var settings: BatchSettings?
    /// `settings.hash`, for a quick look (`grep`, `jq`).
    public var settingsHash: String?
    /// True for the error record a merge writes for a curve whose task stopped before it
    /// (cancelled, timed out, node failure): such a curve is redone by a re-run, unlike a curve
    /// whose file is bad.
    public var unfinished: Bool?
    /// Frame values from the data header (`time`, `temperature`, … when present), for series plots.
    public var frame: [String: Double]?

    /// A record.
    public init(key: String, curve: String, status: Status, classification: Classification? = nil, error: String? = nil,
                settings: BatchSettings? = nil, unfinished: Bool? = nil, frame: [String: Double]? = nil) {
        self.key = key; self.curve = curve; self.status = status; self.classification = classification; self.error = error
        self.settings = settings; self.settingsHash = settings?.hash; self.unfinished = unfinished; self.frame = frame
    }

    /// True when a later run must not redo the curve (classified, or failed on its own input).
    public var isFinal: Bool { unfinished != true }

    /// Header keys read as frame values (the first of each group found), for series and timelines.
    public static let frameKeys: [(name: String, aliases: [String])] = [
        ("time", ["time", "time_s", "t", "elapsed", "timestamp"]),
        ("temperature", ["temperature", "temp", "t_k", "temperature_k"]),
        ("frame", ["frame", "index", "scan"]),
    ]

    /// The numeric frame values of a data header.
    public static func frame(header: [String: String]) -> [String: Double]? {
        let lower = Dictionary(header.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        var out = [String: Double]()
        for (name, aliases) in frameKeys {
            for a in aliases {
                if let t = lower[a], let v = Double(t.split(separator: " ").first.map(String.init) ?? ""), v.isFinite { out[name] = v; break }
            }
        }
        return out.isEmpty ? nil : out
    }

    /// One JSON line, newline-terminated: the small fields first (sorted keys), the classification
    /// last, so that `BatchOutputFile` reads keys and status without parsing the classification.
    public var line: Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var head = self
        head.classification = nil
        guard var d = try? enc.encode(head) else { return Data("{\"status\":\"error\"}\n".utf8) }
        if let c = classification, let body = try? enc.encode(c) {
            d.removeLast()  // "}"
            d.append(contentsOf: Array(",\"classification\":".utf8))
            d.append(body)
            d.append(UInt8(ascii: "}"))
        }
        d.append(UInt8(ascii: "\n"))
        return d
    }
}
