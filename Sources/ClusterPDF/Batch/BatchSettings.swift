import Foundation

/// The settings that decide a batch's results (the classifier's options, named as on the command
/// line: `--rmax`, `--space`, `--library` …, plus the ClusterPDF record format), with a stable hash.
///
/// Every batch record carries both, so that a resumed run, a shard of an array job or a merge never
/// mixes results made with different settings, and a mismatch names the option that differs.
/// Options that do not change results (`--jobs`, `--shard`, `--cache`, outputs) are not settings.
public struct BatchSettings: Codable, Sendable, Hashable {
    /// Option name → value as text ("default" for an option left at its default).
    public var values: [String: String]

    /// Settings from option names and values.
    public init(_ values: [String: String]) {
        var v = values
        v["format"] = BatchSettings.formatVersion
        self.values = v
    }

    /// Version of the record format and of the classifier's numbers: records of another version
    /// are never mixed with this one's.
    public static let formatVersion = "clusterpdf-batch-4"

    /// 16 hex digits: FNV-1a (64 bit) of the sorted `name=value` lines. Stable across runs,
    /// machines and Swift versions (unlike `Hasher`).
    public var hash: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for line in values.sorted(by: { $0.key < $1.key }).map({ "\($0.key)=\($0.value)\n" }) {
            for b in line.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        }
        return String(format: "%016llx", h)
    }

    /// The options whose values differ, as "--rmax: 12 in the existing records, 20 now" lines.
    public func differences(from existing: BatchSettings) -> [String] {
        let names = Set(values.keys).union(existing.values.keys).sorted()
        return names.compactMap { n in
            let old = existing.values[n] ?? "absent", new = values[n] ?? "absent"
            return old == new ? nil : "\(n): \(old) in the existing records, \(new) now"
        }
    }

    /// A content digest (FNV-1a, 16 hex digits) of files whose contents are settings (library
    /// models, a candidate-space file): a changed file is a changed setting even under the same path.
    public static func digest(files: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for f in files {
            let data = FileManager.default.contents(atPath: f) ?? Data("missing:\(f)".utf8)
            for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
        }
        return String(format: "%016llx", h)
    }
}

/// Records of a batch output made with other settings than the current run's.
public struct SettingsMismatchError: Error, CustomStringConvertible, Sendable {
    /// The output file holding the other records.
    public var file: String
    /// The differing options ("--rmax: 12 in the existing records, 20 now").
    public var differences: [String]
    /// "OUT: holds results made with other settings (--rmax: …); use the same options or another --output".
    public var description: String {
        "\(file): holds results made with other settings (\(differences.joined(separator: "; "))); " +
        "use the same options to resume, or another --output"
    }
}
