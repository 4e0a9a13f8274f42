import Foundation

/// Writes computed curves in the PDFgetX3 layout that PDFgui, diffpy and xPDFsuite load unchanged:
/// `key = value` header lines, `#### start data`, `#S 1`, `#L` with the column names, then columns.
public enum CurveWriter {
    /// The file text. `header` is written in order.
    public static func string(_ curve: Curve, header: [(String, String)]) -> String {
        var out = ""
        for (k, v) in header { out += "\(k) = \(v.replacingOccurrences(of: "\n", with: " "))\n" }
        out += "\n#### start data\n#S 1\n#L " + curve.labels.joined(separator: " ") + "\n"
        out.reserveCapacity(out.count + curve.x.count * 20 * (curve.columns.count + 1))
        for i in curve.x.indices {
            out += format(curve.x[i], fixed: true)
            for c in curve.columns { out += " " + format(c[i], fixed: false) }
            out += "\n"
        }
        return out
    }

    static func format(_ v: Double, fixed: Bool) -> String {
        fixed ? String(format: "%.6f", v) : String(format: "%.10e", v)
    }
}

/// Writes files atomically: to a temporary file beside the target, then renamed, so a failed or
/// interrupted run never leaves a half-written output.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot write (\(reason))" }
    }

    public static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw WriteError(path: path, reason: "directory \(dir.path) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw WriteError(path: path, reason: "it is a directory")
        }
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try Data(text.utf8).write(to: tmp)
            // rename(2) replaces the target atomically.
            guard rename(tmp.path, url.path) == 0 else {
                throw WriteError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch let e as WriteError {
            try? FileManager.default.removeItem(at: tmp)
            throw e
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw WriteError(path: path, reason: "\(error.localizedDescription)")
        }
    }
}
