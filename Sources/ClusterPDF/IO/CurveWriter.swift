import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How the header of a written curve looks.
public enum HeaderStyle: String, Sendable, CaseIterable, Codable {
    /// `key = value` lines (PDFgetX3; PDFgui, diffpy and xPDFsuite read it).
    case pdfgetx3
    /// `# key = value` lines: every header line a comment, so that `numpy.loadtxt`, gnuplot and
    /// spreadsheets skip it; PDFgui, diffpy and ClusterPDF still read the values.
    case comment
}

/// Writes computed curves in the PDFgetX3 layout that PDFgui, diffpy and xPDFsuite load unchanged:
/// `key = value` header lines, `#### start data`, `#S 1`, `#L` with the column names, then columns.
/// With `HeaderStyle.comment` every header line starts with `#`.
public enum CurveWriter {
    /// The file text. `header` is written in order.
    public static func string(_ curve: Curve, header: [(String, String)], style: HeaderStyle = .pdfgetx3) -> String {
        var out = ""
        let prefix = style == .comment ? "# " : ""
        for (k, v) in header { out += "\(prefix)\(k) = \(v.replacingOccurrences(of: "\n", with: " "))\n" }
        out += (style == .comment ? "#" : "") + "\n#### start data\n#S 1\n#L " + curve.labels.joined(separator: " ") + "\n"
        // Numbers are printed with C's vsnprintf into one byte buffer (String(format:) costs
        // 2.5× more, which shows on small structures whose whole run is a few milliseconds).
        var bytes = [UInt8]()
        bytes.reserveCapacity(curve.x.count * 18 * (curve.columns.count + 1))
        var scratch = [CChar](repeating: 0, count: 64)
        func append(_ v: Double, _ format: String) {
            let n = withVaList([v]) { vsnprintf(&scratch, 64, format, $0) }
            scratch.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: 64) {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(Int(n), 63)))
                }
            }
        }
        for i in curve.x.indices {
            append(curve.x[i], "%.6f")
            for c in curve.columns { bytes.append(UInt8(ascii: " ")); append(c[i], "%.10e") }
            bytes.append(UInt8(ascii: "\n"))
        }
        return out + String(decoding: bytes, as: UTF8.self)
    }
}

/// Writes files atomically: to a temporary file beside the target, then renamed, so a failed or
/// interrupted run never leaves a half-written output.
public enum AtomicFile {
    /// An output file that could not be written.
    public struct WriteError: Error, CustomStringConvertible {
        /// The target path.
        public let path: String
        /// Why (directory missing, permission, disk full, …).
        public let reason: String
        /// "PATH: cannot write (REASON)".
        public var description: String { "\(path): cannot write (\(reason))" }
    }

    /// Host, process and a random number: temporary names that two processes never share, even
    /// on different machines writing to one shared file system.
    static var uniqueSuffix: String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Writes `text` to `path` through a temporary file and a rename ("-": standard output).
    public static func write(_ text: String, to path: String) throws {
        try writeAll([(text, path)])
    }

    /// Writes binary `data` to the regular file `path` through a temporary file and a rename.
    public static func write(data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(uniqueSuffix)")
        do { try data.write(to: tmp) } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw WriteError(path: path, reason: error.localizedDescription)
        }
        try commit(tmp, to: path)
    }

    /// Writes several files all or nothing: every text goes to its temporary file first, and
    /// only when all are written are they renamed into place.
    /// A path of "-" is standard output (at most one), written after the files.
    /// No output may be one of `inputs` (the same file by device and inode, whatever the path).
    public static func writeAll(_ files: [(text: String, path: String)], inputs: [String] = []) throws {
        for f in files where f.path != "-" {
            var so = stat()
            guard stat(f.path, &so) == 0, (so.st_mode & S_IFMT) == S_IFREG else { continue }
            for input in inputs where input != "-" {
                var si = stat()
                if stat(input, &si) == 0, si.st_dev == so.st_dev, si.st_ino == so.st_ino {
                    throw WriteError(path: f.path, reason: "it is an input of this command (\(input)); choose another output")
                }
            }
        }
        let toStdout = files.filter { $0.path == "-" }
        guard toStdout.count <= 1 else { throw WriteError(path: "-", reason: "only one output can go to standard output") }
        // Only regular files are replaced (temporary file and rename); an existing device or pipe
        // (/dev/null, a FIFO) is written into, never replaced, and its write errors are reported.
        let direct = files.filter { $0.path != "-" && isSpecial($0.path) }
        let real = files.filter { $0.path != "-" && !isSpecial($0.path) }
        var temps = [URL]()
        do {
            for f in real { temps.append(try temporaryCopy(f.text, for: f.path)) }
        } catch {
            for t in temps { try? FileManager.default.removeItem(at: t) }
            throw error
        }
        for (t, f) in zip(temps, real) { try commit(t, to: f.path) }
        for f in direct { try writeDirectly(f.text, to: f.path) }
        if let out = toStdout.first { try writeDirectly(out.text, to: "/dev/stdout", name: "standard output", descriptor: 1) }
    }

    /// Whether `path` exists and is not a regular file (a device, FIFO or socket).
    static func isSpecial(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR
    }

    /// Writes all of `text` with write(2), reporting the first error (a full device, a closed pipe).
    static func writeDirectly(_ text: String, to path: String, name: String? = nil, descriptor: Int32? = nil) throws {
        let fd = descriptor ?? open(path, O_WRONLY)
        guard fd >= 0 else { throw WriteError(path: name ?? path, reason: String(cString: strerror(errno))) }
        defer { if descriptor == nil { close(fd) } }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: name ?? path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    static func temporaryCopy(_ text: String, for path: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw WriteError(path: path, reason: "directory \(dir.path) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw WriteError(path: path, reason: "it is a directory")
        }

        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(uniqueSuffix)")
        do {
            try Data(text.utf8).write(to: tmp)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw WriteError(path: path, reason: "\(error.localizedDescription)")
        }
        return tmp
    }

    static func commit(_ tmp: URL, to path: String) throws {
        // rename(2) replaces the target atomically.
        guard rename(tmp.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw WriteError(path: path, reason: reason)
        }
    }
}
