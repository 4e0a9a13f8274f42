import Foundation

/// One line of a batch output file (JSON lines).
///
/// The record has the schema of `classify --json`: a classified curve's line is its
/// `Classification` document, flat, plus the batch's bookkeeping fields — `key`, `status`,
/// `batchSettings` (the settings that decide the result; `settings` is the classification's data
/// settings, as in `classify --json`), `settingsHash`, and `frame`, `unfinished`, `error` when
/// present. An error record has only the bookkeeping fields and `curve`. Records of ClusterPDF
/// before batch-4 (the classification nested under `classification`, the batch settings under
/// `settings`) are still read.
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
    /// The settings the record was made with (JSON `batchSettings`; nil only in records of
    /// ClusterPDF before batch-3).
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

    enum CodingKeys: String, CodingKey {
        case key, curve, status, error, batchSettings, settingsHash, unfinished, frame
        /// Records before batch-4: the nested classification and the batch settings.
        case classification, settings
        /// Present in every classification document.
        case verdict
    }

    /// Reads a record in the flat schema, or in the nested one of ClusterPDF before batch-4.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        curve = try c.decode(String.self, forKey: .curve)
        status = try c.decode(Status.self, forKey: .status)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        settingsHash = try c.decodeIfPresent(String.self, forKey: .settingsHash)
        unfinished = try c.decodeIfPresent(Bool.self, forKey: .unfinished)
        frame = try c.decodeIfPresent([String: Double].self, forKey: .frame)
        if c.contains(.classification) || !c.contains(.batchSettings) && !c.contains(.verdict) {
            classification = try c.decodeIfPresent(Classification.self, forKey: .classification)
            settings = try c.decodeIfPresent(BatchSettings.self, forKey: .settings)
        } else {
            settings = try c.decodeIfPresent(BatchSettings.self, forKey: .batchSettings)
            classification = c.contains(.verdict) ? try Classification(from: decoder) : nil
        }
    }

    /// Writes the flat record (as `line` does, without its field order).
    public func encode(to encoder: Encoder) throws {
        try classification?.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(curve, forKey: .curve)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(settings, forKey: .batchSettings)
        try c.encodeIfPresent(settingsHash, forKey: .settingsHash)
        try c.encodeIfPresent(unfinished, forKey: .unfinished)
        try c.encodeIfPresent(frame, forKey: .frame)
    }

    /// The bookkeeping fields, in the order `line` writes them (sorted keys).
    private struct Head: Encodable {
        var batchSettings: BatchSettings?, curve: String, error: String?, frame: [String: Double]?, key: String,
            settingsHash: String?, status: Status, unfinished: Bool?
    }

    /// One JSON line, newline-terminated: the bookkeeping fields first (sorted keys, `curve`
    /// among them), then the classification's fields (sorted, from `bestByClass` on), so that
    /// `BatchOutputFile` reads keys and status without parsing the classification.
    public var line: Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let head = Head(batchSettings: settings, curve: curve, error: error, frame: frame, key: key, settingsHash: settingsHash,
                        status: status, unfinished: unfinished)
        guard var d = try? enc.encode(head) else { return Data("{\"status\":\"error\"}\n".utf8) }
        if let c = classification, let body = try? enc.encode(c),
           var fields = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            fields["curve"] = nil
            if let rest = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]), rest.count > 2 {
                d.removeLast()  // "}"
                d.append(UInt8(ascii: ","))
                d.append(rest.dropFirst())  // without "{"
            }
        }
        d.append(UInt8(ascii: "\n"))
        return d
    }
}
