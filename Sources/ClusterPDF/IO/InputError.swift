import Foundation

/// A problem with an input file, located by file and line (or CIF item).
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file at fault.
    public var file: String
    /// 1-based line number, when known.
    public var line: Int?
    /// The CIF item or column concerned, when useful.
    public var item: String?
    /// The problem, in words.
    public var message: String

    /// An error in `file` at `line` (1-based) or CIF `item`.
    public init(file: String, line: Int? = nil, item: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.item = item
        self.message = message
    }

    /// "file:line: message (item _x)".
    public var description: String {
        var s = file
        if let l = line { s += ":\(l)" }
        s += ": " + message
        if let i = item { s += " (\(i))" }
        return s
    }
}

/// Reads a whole text file with the checks every reader shares: it exists, is a regular file,
/// is not empty and is text (no NUL bytes, valid UTF-8 or Latin-1).
enum TextFile {
    /// The name used in messages: "<stdin>" for "-".
    static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    static func read(_ path: String) throws -> String { try read(path, name: displayName(path)) }

    /// Reads `path`, naming the file `name` in errors (a batch's frozen manifest reads absolute
    /// paths but reports the path as the user typed it).
    static func read(_ path: String, name: String) throws -> String {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return try decode(data, name: name)
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw InputError(file: name, "no such file")
        }
        if isDir.boolValue { throw InputError(file: name, "is a directory, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: name, "cannot be read (permission denied?)")
        }
        return try decode(data, name: name)
    }

    /// The checks on the bytes: not empty, no NUL, UTF-8 or Latin-1.
    static func decode(_ data: Data, name path: String) throws -> String {
        if data.isEmpty { throw InputError(file: path, "file is empty") }
        if data.prefix(8192).contains(0) { throw InputError(file: path, "binary file, not text") }
        // A NUL further on (a damaged or concatenated file) would silently cut a number short.
        let nul: Int? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base, 0, raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        if let offset = nul {
            let k = data.startIndex + offset
            let line = data[data.startIndex..<k].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
            throw InputError(file: path, line: line, "contains a NUL byte (binary data in a text file)")
        }
        if let s = String(data: data, encoding: .utf8) { return s }
        if let s = String(data: data, encoding: .isoLatin1) { return s }
        throw InputError(file: path, "not a text file")
    }

    /// Splits into lines, accepting \n, \r\n and \r endings. Works on UTF-8 bytes (no grapheme
    /// breaking), which matters for files of 10⁵–10⁶ lines.
    static func lines(_ text: String) -> [Substring] {
        var out = [Substring]()
        let u = text.utf8
        var start = u.startIndex
        var i = u.startIndex
        while i != u.endIndex {
            let b = u[i]
            if b == 10 || b == 13 {
                out.append(Substring(text[start..<i]))
                var next = u.index(after: i)
                if b == 13, next != u.endIndex, u[next] == 10 { next = u.index(after: next) }
                start = next
                i = next
            } else {
                i = u.index(after: i)
            }
        }
        out.append(Substring(text[start..<u.endIndex]))
        return out
    }

    /// Whitespace-separated fields of a line (spaces and tabs), on UTF-8 bytes.
    static func fields(_ line: Substring) -> [Substring] {
        line.utf8.split(whereSeparator: { $0 == 32 || $0 == 9 }).map { Substring($0) }
    }
}

/// Parses a finite Double; nil for NaN, infinities and garbage.
func parseFinite<S: StringProtocol>(_ s: S) -> Double? {
    guard let v = Double(s), v.isFinite else { return nil }
    return v
}
