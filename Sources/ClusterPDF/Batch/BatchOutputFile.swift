import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading batch output files (JSON lines) without trusting them: a partly written last line (a
/// killed task) is ignored, a line that is not a batch record is an error naming file and line.
public enum BatchOutputFile {
    /// The small fields of a record, decoded without its classification.
    public struct Summary: Decodable, Sendable {
        /// The work item's key.
        public var key: String
        /// The curve's path.
        public var curve: String
        /// `ok` or `error`.
        public var status: BatchRecord.Status
        /// The settings hash (nil in records of old versions).
        public var settingsHash: String?
        /// True for a merge's placeholder of a curve whose task stopped.
        public var unfinished: Bool?
        /// The error, for error records.
        public var error: String?
        /// True when a later run must not redo the curve.
        public var isFinal: Bool { unfinished != true }
    }

    /// One complete line: its summary and its bytes (newline included).
    public struct Line: Sendable {
        /// Decoded small fields.
        public var summary: Summary
        /// The line as written.
        public var bytes: Data
    }

    /// The complete lines of `path` (none when it does not exist) and whether a partial last line
    /// was left out. Never changes the file.
    public static func lines(_ path: String) throws -> (lines: [Line], partialTail: Bool) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], false) }
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot be read") }
        // Lines found with memchr: a 10,000-curve merge reads some 300 MB.
        var out = [Line]()
        var cut = 0
        let decoder = JSONDecoder()
        var failure: Int?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var start = 0, n = 0
            while start < raw.count, let nl = memchr(base + start, Int32(UInt8(ascii: "\n")), raw.count - start) {
                let end = base.distance(to: UnsafeRawPointer(nl))
                n += 1
                if end > start {
                    let bytes = Data(bytes: base + start, count: end - start + 1)
                    guard let s = summary(bytes, decoder) else { failure = n; return }
                    out.append(Line(summary: s, bytes: bytes))
                }
                start = end + 1
                cut = start
            }
        }
        if let n = failure { throw InputError(file: path, line: n, "not a ClusterPDF batch record") }
        return (out, cut < data.count)
    }

    /// Where a record's classification begins: its first field (`bestByClass`, always present) in
    /// the flat records of batch-4, `classification` in older ones.
    static let classificationFields = [Data(",\"bestByClass\":".utf8), Data(",\"classification\":".utf8)]

    /// The small fields of one line: from the part before the classification when the record
    /// puts it last (as `BatchRecord.line` does), else from the whole line.
    static func summary(_ line: Data, _ decoder: JSONDecoder) -> Summary? {
        func find(_ pattern: Data) -> Int? {
            line.withUnsafeBytes { raw in
                pattern.withUnsafeBytes { pat in
                    guard let b = raw.baseAddress, let p = pat.baseAddress else { return nil }
                    // memchr for the leading comma, memcmp for the rest (memmem is a GNU extension).
                    var i = 0
                    while i + pat.count <= raw.count, let hit = memchr(b + i, Int32(UInt8(ascii: ",")), raw.count - pat.count + 1 - i) {
                        let k = b.distance(to: UnsafeRawPointer(hit))
                        if memcmp(b + k, p, pat.count) == 0 { return k }
                        i = k + 1
                    }
                    return nil
                }
            }
        }
        let at = classificationFields.lazy.compactMap(find).first
        if let at, at > 0 {
            var head = Data(line.prefix(at))
            head.append(UInt8(ascii: "}"))
            if let s = try? decoder.decode(Summary.self, from: head) { return s }
        }
        return try? decoder.decode(Summary.self, from: line)
    }

    /// Removes a partly written last line (from a killed run) so that appending starts on a
    /// fresh line.
    public static func dropPartialTail(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let last = data.last, last != UInt8(ascii: "\n") else { return }
        let cut = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.startIndex
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: UInt64(cut - data.startIndex))
        try h.close()
    }

    /// Throws `SettingsMismatchError` when a line of `lines` was made with other settings than
    /// `settings` (naming the differing options from that record's settings).
    public static func checkSettings(_ lines: [Line], _ settings: BatchSettings, file: String) throws {
        let hash = settings.hash
        guard let bad = lines.first(where: { $0.summary.settingsHash != hash }) else { return }
        guard bad.summary.settingsHash != nil else {
            throw SettingsMismatchError(file: file, differences: ["the records were written by a ClusterPDF before \(BatchSettings.formatVersion), without settings"])
        }
        let old = (try? JSONDecoder().decode(BatchRecord.self, from: bad.bytes))?.settings ?? BatchSettings([:])
        let diff = settings.differences(from: old)
        throw SettingsMismatchError(file: file, differences: diff.isEmpty ? ["settings hash \(bad.summary.settingsHash ?? "") vs \(hash)"] : diff)
    }
}
