import XCTest
@testable import ClusterPDF

/// Every command in the README and the guides (`docs/*.md`) runs on the bundled data and
/// succeeds, so the docs cannot drift from the program. A command is a line of a code block that
/// starts with `$B ` or `clusterpdf ` (with `\` continuations); a block preceded by
/// `<!-- not run: REASON -->` is skipped (a Slurm cluster, a job script), and the reason must be
/// given. Commands run in order per file, in one scratch directory per file where `Structures`,
/// `Tests` and `Scripts` are the repository's, so later commands may use earlier outputs.
final class DocsCommandTests: XCTestCase {
    struct Command { var file: String; var line: Int; var text: String }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The commands of one Markdown file and the number of skipped ones.
    static func commands(in path: String) throws -> (run: [Command], skipped: Int, reasonsMissing: [Int]) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        var out = [Command](), skipped = 0, missing = [Int]()
        var fenced = false, skipBlock = false, inBlock = false
        var lastText = ""
        var i = 0
        while i < lines.count {
            let l = lines[i]
            let t = l.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("```") {
                fenced.toggle()
                if fenced { inBlock = true; skipBlock = lastText.hasPrefix("<!-- not run") }
                i += 1; continue
            }
            let code = fenced || l.hasPrefix("    ")
            if code && !inBlock { inBlock = true; skipBlock = lastText.hasPrefix("<!-- not run") }
            if !code && !t.isEmpty { inBlock = false; lastText = t }
            if code, t.hasPrefix("$B ") || t.hasPrefix("clusterpdf ") {
                let start = i + 1
                var cmd = t
                while cmd.hasSuffix("\\"), i + 1 < lines.count {
                    i += 1
                    cmd = String(cmd.dropLast()).trimmingCharacters(in: .whitespaces) + " " + lines[i].trimmingCharacters(in: .whitespaces)
                }
                if skipBlock {
                    skipped += 1
                    if !lastText.contains("not run:") || lastText.count < 20 { missing.append(start) }
                } else {
                    out.append(Command(file: path, line: start, text: cmd))
                }
            }
            i += 1
        }
        return (out, skipped, missing)
    }

    func testEveryDocumentedCommandRuns() throws {
        let fm = FileManager.default
        let docs = try fm.contentsOfDirectory(atPath: Self.root + "/docs").filter { $0.hasSuffix(".md") }.sorted().map { Self.root + "/docs/" + $0 }
        let bin = executableURL.deletingLastPathComponent().path
        var ran = 0, skipped = 0
        for file in [Self.root + "/README.md"] + docs {
            let (commands, s, missing) = try Self.commands(in: file)
            skipped += s
            XCTAssertEqual(missing, [], "\(file): blocks marked not run without a reason at lines \(missing)")
            guard !commands.isEmpty else { continue }
            let work = temporaryDirectory()
            for name in ["Structures", "Tests", "Scripts", "Examples"] {
                try fm.createSymbolicLink(atPath: work + "/" + name, withDestinationPath: Self.root + "/" + name)
            }
            for c in commands {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/bin/bash")
                p.arguments = ["-c", "set -o pipefail; " + c.text]
                p.currentDirectoryURL = URL(fileURLWithPath: work)
                var env = ProcessInfo.processInfo.environment
                env["B"] = bin + "/clusterpdf"
                env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
                env["XDG_CACHE_HOME"] = (NSTemporaryDirectory() as NSString).appendingPathComponent("clusterpdf-test-cache")
                p.environment = env
                let err = Pipe()
                p.standardOutput = FileHandle.nullDevice
                p.standardError = err
                try p.run()
                let e = err.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                let rel = c.file.replacingOccurrences(of: Self.root + "/", with: "")
                XCTAssertEqual(p.terminationStatus, 0, "\(rel):\(c.line): `\(c.text)` failed (exit \(p.terminationStatus)): \(String(decoding: e, as: UTF8.self).suffix(400))")
                ran += 1
            }
        }
        print("documented commands: \(ran) run, \(skipped) marked not run")
        XCTAssertGreaterThanOrEqual(ran, 30)
    }

    /// Figures quoted in the docs hold: each `<!-- figure: COMMAND | KEY | VALUE ± TOLERANCE -->`
    /// marker (or `| KEY | TEXT` for a word) runs its command (which prints JSON), reads KEY
    /// (dotted path) and compares; the quoted value must also appear in the text just before the
    /// marker, so the check is tied to the prose it guards.
    func testQuotedFiguresHold() throws {
        let fm = FileManager.default
        let docs = try fm.contentsOfDirectory(atPath: Self.root + "/docs").filter { $0.hasSuffix(".md") }.sorted().map { Self.root + "/docs/" + $0 }
        let bin = executableURL.deletingLastPathComponent().path
        let work = temporaryDirectory()
        for name in ["Structures", "Tests", "Scripts", "Examples"] { try fm.createSymbolicLink(atPath: work + "/" + name, withDestinationPath: Self.root + "/" + name) }
        let re = try NSRegularExpression(pattern: "<!-- figure: (.+?) \\| ([A-Za-z0-9_.]+) \\| (.+?) -->")
        var checked = 0
        for file in [Self.root + "/README.md"] + docs {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let rel = file.replacingOccurrences(of: Self.root + "/", with: "")
            for m in re.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let r = { (k: Int) in String(text[Range(m.range(at: k), in: text)!]) }
                let (command, key, expected) = (r(1), r(2), r(3))
                let markerStart = Range(m.range, in: text)!.lowerBound
                let line = text[..<markerStart].filter { $0 == "\n" }.count + 1
                let before = String(text[text.index(markerStart, offsetBy: -min(1500, text.distance(from: text.startIndex, to: markerStart)))..<markerStart])
                let parts = expected.components(separatedBy: " ± ")
                XCTAssertTrue(before.contains(parts[0]), "\(rel):\(line): the quoted \(parts[0]) is not in the text before the marker")
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/bin/bash")
                p.arguments = ["-c", command]
                p.currentDirectoryURL = URL(fileURLWithPath: work)
                var env = ProcessInfo.processInfo.environment
                env["B"] = bin + "/clusterpdf"
                env["XDG_CACHE_HOME"] = (NSTemporaryDirectory() as NSString).appendingPathComponent("clusterpdf-test-cache")
                p.environment = env
                let out = Pipe()
                p.standardOutput = out; p.standardError = FileHandle.nullDevice
                try p.run()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                XCTAssertEqual(p.terminationStatus, 0, "\(rel):\(line): `\(command)` failed")
                var value: Any? = try? JSONSerialization.jsonObject(with: data)
                for k in key.split(separator: ".") {
                    if let i = Int(k), let a = value as? [Any] { value = i < a.count ? a[i] : nil } else { value = (value as? [String: Any])?[String(k)] }
                }
                if parts.count == 2, let want = Double(parts[0]), let tol = Double(parts[1]) {
                    let got = try XCTUnwrap((value as? Double) ?? (value as? Int).map(Double.init), "\(rel):\(line): no number at \(key)")
                    XCTAssertLessThanOrEqual(abs(got - want), tol, "\(rel):\(line): \(key) is \(got), the docs quote \(expected)")
                } else {
                    XCTAssertEqual(value as? String, expected, "\(rel):\(line): \(key)")
                }
                checked += 1
            }
        }
        print("quoted figures checked: \(checked)")
        XCTAssertGreaterThanOrEqual(checked, 5)
    }

    /// Every relative link of the README and the guides points to a file that exists, and every
    /// in-page anchor to a heading of that page.
    func testLinksResolve() throws {
        let fm = FileManager.default
        let docs = try fm.contentsOfDirectory(atPath: Self.root + "/docs").filter { $0.hasSuffix(".md") }.map { Self.root + "/docs/" + $0 }
        let re = try NSRegularExpression(pattern: "\\]\\(([^)\\s]+)\\)")
        var links = 0
        for file in [Self.root + "/README.md"] + docs {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let dir = (file as NSString).deletingLastPathComponent
            for m in re.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let target = String(text[Range(m.range(at: 1), in: text)!])
                if target.hasPrefix("http://") || target.hasPrefix("https://") { continue }
                let path = String(target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                if !path.isEmpty {
                    XCTAssertTrue(fm.fileExists(atPath: (dir as NSString).appendingPathComponent(path)), "\(file): link to \(target) does not resolve")
                }
                links += 1
            }
        }
        XCTAssertGreaterThan(links, 15)
    }
}
