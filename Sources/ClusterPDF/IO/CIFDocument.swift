import Foundation

/// A CIF value with the line it came from (internal: the CIF syntax tree behind `CIFReader`). `nil` text means `.` (inapplicable) or `?` (unknown).
struct CIFValue: Sendable, Hashable {
    /// The value as written (quotes removed); nil for `.` or `?`.
    var text: String?
    /// Line of the file (1-based).
    var line: Int

    /// The number, standard uncertainty stripped ("4.2991(3)" → 4.2991); nil for `.`/`?`/non-numbers.
    var number: Double? {
        guard var t = text else { return nil }
        if let p = t.firstIndex(of: "(") { t = String(t[..<p]) }
        return parseFinite(t)
    }
}

/// A `loop_` table: column tags (lower-cased) and rows.
struct CIFLoop: Sendable {
    /// Column tags, lower-cased.
    var tags: [String]
    /// Rows of values, one per loop packet.
    var rows: [[CIFValue]]
    /// Line of `loop_` (1-based).
    var line: Int

    /// The column index of the first of `names` present.
    func column(_ names: String...) -> Int? {
        for n in names { if let i = tags.firstIndex(of: n) { return i } }
        return nil
    }
}

/// One `data_` block: single items and loops. Tags are case-insensitive (stored lower-cased).
struct CIFBlock: Sendable {
    /// Block name (after `data_`).
    var name: String
    /// Line of `data_` (1-based).
    var line: Int
    /// Single items by lower-cased tag.
    var items: [String: CIFValue] = [:]
    /// The loops, in file order.
    var loops: [CIFLoop] = []

    /// A single item, or the first row of a loop holding that tag.
    func value(_ tag: String) -> CIFValue? {
        if let v = items[tag] { return v }
        for l in loops { if let c = l.tags.firstIndex(of: tag), let r = l.rows.first { return r[c] } }
        return nil
    }

    /// The loop that has `tag` among its columns.
    func loop(with tag: String) -> CIFLoop? { loops.first { $0.tags.contains(tag) } }
}

/// Parser for CIF 1.1 syntax and the common CIF 2.0 subset (triple-quoted strings, lists as text).
enum CIFParser {
    struct Token { var text: String; var line: Int; var quoted: Bool }

    /// Parses every data block of `text`; `file` names the source in errors.
    static func parse(text: String, file: String) throws -> [CIFBlock] {
        let tokens = try tokenize(text, file: file)
        var blocks = [CIFBlock]()
        var i = 0
        func isTag(_ t: Token) -> Bool { !t.quoted && t.text.hasPrefix("_") }
        func isKeyword(_ t: Token) -> Bool {
            guard !t.quoted else { return false }
            let l = t.text.lowercased()
            return l == "loop_" || l.hasPrefix("data_") || l.hasPrefix("save_") || l == "global_" || l == "stop_"
        }
        func value(_ t: Token) -> CIFValue {
            if !t.quoted && (t.text == "." || t.text == "?") { return CIFValue(text: nil, line: t.line) }
            return CIFValue(text: t.text, line: t.line)
        }
        while i < tokens.count {
            let t = tokens[i]
            let low = t.text.lowercased()
            if !t.quoted && low.hasPrefix("data_") {
                blocks.append(CIFBlock(name: String(t.text.dropFirst(5)), line: t.line)); i += 1; continue
            }
            if !t.quoted && (low.hasPrefix("save_") || low == "global_") { i += 1; continue }
            guard !blocks.isEmpty else {
                throw InputError(file: file, line: t.line, "'\(t.text.prefix(30))' appears before any data_ block")
            }
            if !t.quoted && low == "loop_" {
                var tags = [String]()
                var j = i + 1
                while j < tokens.count, isTag(tokens[j]) { tags.append(tokens[j].text.lowercased()); j += 1 }
                guard !tags.isEmpty else { throw InputError(file: file, line: t.line, "loop_ without column tags") }
                var vals = [CIFValue]()
                while j < tokens.count, !isTag(tokens[j]), !isKeyword(tokens[j]) { vals.append(value(tokens[j])); j += 1 }
                guard vals.count % tags.count == 0 else {
                    let lastLine = vals.last?.line ?? t.line
                    throw InputError(file: file, line: lastLine, item: "loop of \(tags[0])",
                                     "loop has \(vals.count) values for \(tags.count) columns: a value is missing (or extra) in the last row")
                }
                let rows = stride(from: 0, to: vals.count, by: tags.count).map { Array(vals[$0..<($0 + tags.count)]) }
                blocks[blocks.count - 1].loops.append(CIFLoop(tags: tags, rows: rows, line: t.line))
                i = j; continue
            }
            if isTag(t) {
                guard i + 1 < tokens.count, !isTag(tokens[i + 1]), !isKeyword(tokens[i + 1]) else {
                    throw InputError(file: file, line: t.line, item: t.text, "item \(t.text) has no value")
                }
                blocks[blocks.count - 1].items[low] = value(tokens[i + 1])
                i += 2; continue
            }
            throw InputError(file: file, line: t.line, "unexpected value '\(t.text.prefix(30))' (not preceded by a tag)")
        }
        if blocks.isEmpty { throw InputError(file: file, "no data_ block found: not a CIF file") }
        return blocks
    }

    static func tokenize(_ text: String, file: String) throws -> [Token] {
        var tokens = [Token]()
        let lines = TextFile.lines(text)
        // CIF 2.0 syntax (lists [...], tables {...}, triple-quoted strings) only in files that
        // declare it on their first line; in CIF 1.1 "[" and triple quotes are ordinary characters.
        let cif2 = lines.first.map { $0.hasPrefix("#\\#CIF_2.0") } ?? false
        var n = 0
        while n < lines.count {
            let line = Array(lines[n])
            // Semicolon text field.
            if line.first == ";" {
                let start = n
                var body = [String(String(line.dropFirst()))]
                n += 1
                while n < lines.count, lines[n].first != ";" { body.append(String(lines[n])); n += 1 }
                guard n < lines.count else { throw InputError(file: file, line: start + 1, "text field starting with ';' is never closed") }
                tokens.append(Token(text: body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines), line: start + 1, quoted: true))
                // Anything after the closing ';' on the same line is tokenised normally.
                let rest = Array(lines[n].dropFirst())
                try tokenizeLine(rest, lineNumber: n + 1, into: &tokens, file: file, cif2: cif2)
                n += 1; continue
            }
            // CIF2 triple-quoted strings may span lines.
            if let r = try tokenizeLineOrTriple(lines: lines, index: &n, into: &tokens, file: file, cif2: cif2) { _ = r }
        }
        return tokens
    }

    /// Tokenises line `index`; handles a triple-quoted string that continues on later lines.
    static func tokenizeLineOrTriple(lines: [Substring], index n: inout Int, into tokens: inout [Token], file: String, cif2: Bool) throws -> Bool? {
        let s = String(lines[n])
        if cif2, let r = s.range(of: "\"\"\"") ?? s.range(of: "'''"), !s[..<r.lowerBound].contains("#") {
            let q = String(s[r])
            try tokenizeLine(Array(s[..<r.lowerBound]), lineNumber: n + 1, into: &tokens, file: file, cif2: cif2)
            var body = String(s[r.upperBound...])
            let start = n
            // The closing quotes lie within one line: each line is searched once (linear time).
            if let end = body.range(of: q) {
                tokens.append(Token(text: String(body[..<end.lowerBound]), line: start + 1, quoted: true))
                try tokenizeLine(Array(body[end.upperBound...]), lineNumber: n + 1, into: &tokens, file: file, cif2: cif2)
                n += 1
                return true
            }
            var parts = [body]
            while true {
                n += 1
                guard n < lines.count else { throw InputError(file: file, line: start + 1, "triple-quoted string is never closed") }
                let line = String(lines[n])
                if let end = line.range(of: q) {
                    parts.append(String(line[..<end.lowerBound]))
                    body = parts.joined(separator: "\n")
                    tokens.append(Token(text: body, line: start + 1, quoted: true))
                    try tokenizeLine(Array(line[end.upperBound...]), lineNumber: n + 1, into: &tokens, file: file, cif2: cif2)
                    n += 1
                    return true
                }
                parts.append(line)
            }
        }
        try tokenizeLine(Array(s), lineNumber: n + 1, into: &tokens, file: file, cif2: cif2)
        n += 1
        return nil
    }

    static func tokenizeLine(_ c: [Character], lineNumber: Int, into tokens: inout [Token], file: String, cif2: Bool) throws {
        var i = 0
        while i < c.count {
            let ch = c[i]
            if ch == " " || ch == "\t" { i += 1; continue }
            if ch == "#" { return }
            if ch == "'" || ch == "\"" {
                // A quote closes only when followed by whitespace or end of line.
                var j = i + 1
                while j < c.count, !(c[j] == ch && (j + 1 == c.count || c[j + 1] == " " || c[j + 1] == "\t")) { j += 1 }
                guard j < c.count else { throw InputError(file: file, line: lineNumber, "unterminated quoted string") }
                tokens.append(Token(text: String(c[(i + 1)..<j]), line: lineNumber, quoted: true))
                i = j + 1; continue
            }
            if cif2, ch == "[" || ch == "{" {
                // CIF2 list or table: kept as one text value.
                let close: Character = ch == "[" ? "]" : "}"
                var depth = 0, j = i
                while j < c.count { if c[j] == ch { depth += 1 } else if c[j] == close { depth -= 1; if depth == 0 { break } }; j += 1 }
                let end = min(j, c.count - 1)
                tokens.append(Token(text: String(c[i...end]), line: lineNumber, quoted: true))
                i = end + 1; continue
            }
            var j = i
            while j < c.count, c[j] != " ", c[j] != "\t" { j += 1 }
            tokens.append(Token(text: String(c[i..<j]), line: lineNumber, quoted: false))
            i = j
        }
    }
}
