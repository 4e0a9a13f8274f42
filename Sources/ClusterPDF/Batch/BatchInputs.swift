import Foundation

/// One curve of a batch, with optional per-curve settings from a manifest.
public struct BatchItem: Sendable, Hashable, Codable {
    /// Path of the curve.
    public var path: String
    /// Fit range start (Å) for this curve; nil: the classifier's setting.
    public var rmin: Double?
    /// Fit range end (Å) for this curve.
    public var rmax: Double?
    /// qdamp (Å⁻¹) for this curve; nil: the data header's, else the default.
    public var qdamp: Double?
    /// The curve's name in keys and records when it differs from `path`: the path as the user
    /// typed it, kept by the frozen manifest of an array job (whose `path` is absolute) so that
    /// its records equal a single process's.
    public var label: String?

    /// The path shown in records and used in the key.
    public var name: String { label ?? path }

    /// One work item.
    public init(path: String, rmin: Double? = nil, rmax: Double? = nil, qdamp: Double? = nil) {
        self.path = path; self.rmin = rmin; self.rmax = rmax; self.qdamp = qdamp
    }

    /// Identifies the work item in the output (path plus any per-curve settings), for resuming.
    public var key: String {
        var k = name
        if let v = rmin { k += "|rmin=\(v)" }
        if let v = rmax { k += "|rmax=\(v)" }
        if let v = qdamp { k += "|qdamp=\(v)" }
        return k
    }
}

/// Expands batch inputs: data files, directories (every .gr, .fgr or .dat inside, sorted) and
/// manifests (.csv with a `path` column, or .jsonl with {"path": …} objects; optional rmin, rmax,
/// qdamp; relative paths are relative to the manifest).
public enum BatchInputs {
    /// Extensions of the data files taken from a directory.
    public static let dataExtensions: Set<String> = ["gr", "fgr", "dat", "xy", "xye", "chi", "iq", "sq", "fq"]

    /// The work items of `inputs` in order (files, directories, manifests), each path once.
    public static func expand(_ inputs: [String]) throws -> [BatchItem] {
        var out = [BatchItem]()
        let fm = FileManager.default
        for input in inputs {
            var isDir: ObjCBool = false
            // A missing input is a work item like any other: its record says what is wrong and
            // the rest go on.
            guard fm.fileExists(atPath: input, isDirectory: &isDir) else { out.append(BatchItem(path: input)); continue }
            let ext = (input as NSString).pathExtension.lowercased()
            if isDir.boolValue {
                guard let all = try? fm.contentsOfDirectory(atPath: input) else { out.append(BatchItem(path: input)); continue }
                let names = all.filter { dataExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                out += names.map { BatchItem(path: (input as NSString).appendingPathComponent($0)) }
            } else if ext == "csv" {
                out += try csvManifest(input)
            } else if ext == "jsonl" || ext == "ndjson" {
                out += try jsonlManifest(input)
            } else {
                out.append(BatchItem(path: input))
            }
        }
        // Each curve once: the same file named twice (directly, through a directory or a
        // manifest, with "./" or "a/../") is processed at its first mention.
        var seen = Set<String>()
        return out.filter { seen.insert(URL(fileURLWithPath: $0.path).standardizedFileURL.resolvingSymlinksInPath().path).inserted }
    }

    /// The fields of one CSV record (RFC 4180: fields in double quotes may hold commas, and ""
    /// is a quote inside them).
    static func csvFields(_ line: String) -> [String] {
        var fields = [String](), field = "", quoted = false, i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if quoted {
                if c == "\"" {
                    let next = line.index(after: i)
                    if next < line.endIndex, line[next] == "\"" { field.append("\""); i = line.index(after: next); continue }
                    quoted = false
                } else { field.append(c) }
            } else if c == "\"" && field.trimmingCharacters(in: .whitespaces).isEmpty {
                field = ""; quoted = true
            } else if c == "," {
                fields.append(field.trimmingCharacters(in: .whitespaces)); field = ""
            } else { field.append(c) }
            i = line.index(after: i)
        }
        fields.append(quoted ? field : field.trimmingCharacters(in: .whitespaces))
        return fields
    }

    static func resolve(_ path: String, manifest: String) -> String {
        path.hasPrefix("/") ? path : ((manifest as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
    }

    static func csvManifest(_ file: String) throws -> [BatchItem] {
        let lines = TextFile.lines(try TextFile.read(file)).map { $0.trimmingCharacters(in: .whitespaces) }.enumerated().filter { !$0.element.isEmpty && !$0.element.hasPrefix("#") }
        guard let header = lines.first else { throw InputError(file: file, "empty manifest") }
        let cols = csvFields(header.element).map { $0.lowercased() }
        guard let pc = cols.firstIndex(of: "path") else { throw InputError(file: file, line: header.offset + 1, "manifest needs a 'path' column") }
        func num(_ f: [String], _ name: String, _ line: Int) throws -> Double? {
            guard let c = cols.firstIndex(of: name), c < f.count, !f[c].isEmpty else { return nil }
            guard let v = parseFinite(f[c]) else { throw InputError(file: file, line: line, item: name, "'\(f[c])' is not a number") }
            return v
        }
        return try lines.dropFirst().map { n, line in
            let f = csvFields(line)
            guard pc < f.count, !f[pc].isEmpty else { throw InputError(file: file, line: n + 1, "row has no path") }
            return BatchItem(path: resolve(f[pc], manifest: file), rmin: try num(f, "rmin", n + 1), rmax: try num(f, "rmax", n + 1), qdamp: try num(f, "qdamp", n + 1))
        }
    }

    static func jsonlManifest(_ file: String) throws -> [BatchItem] {
        var out = [BatchItem]()
        for (n, line) in TextFile.lines(try TextFile.read(file)).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard var item = try? JSONDecoder().decode(BatchItem.self, from: Data(t.utf8)) else {
                throw InputError(file: file, line: n + 1, "not a JSON object with a \"path\"")
            }
            item.path = resolve(item.path, manifest: file)
            out.append(item)
        }
        return out
    }

    /// The deterministic share i of n (1-based): items whose index ≡ i − 1 (mod n).
    public static func shard(_ items: [BatchItem], index i: Int, of n: Int) -> [BatchItem] {
        items.enumerated().filter { $0.offset % n == i - 1 }.map(\.element)
    }
}
