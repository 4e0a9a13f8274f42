import Foundation
import XCTest
@testable import ClusterPDF

/// Path of a bundled test fixture.
func fixture(_ name: String) -> String {
    Bundle.module.resourcePath! + "/Fixtures/" + name
}

/// The repository's root (for the bundled `Structures` library).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A fresh temporary directory for one test.
func temporaryDirectory() -> String {
    let d = NSTemporaryDirectory() + "clusterpdf-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

/// Writes `text` to a temporary file with the given name and returns its path.
func writeTemporary(_ text: String, name: String) -> String {
    let p = temporaryDirectory() + "/" + name
    try! text.write(toFile: p, atomically: true, encoding: .utf8)
    return p
}

/// Asserts that `body` throws an InputError whose description contains every fragment.
func assertInputError<T>(_ body: @autoclosure () throws -> T, contains fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
    assertError(InputError.self, try body(), contains: fragments, file: file, line: line)
}

/// Asserts that `body` throws a `RefinementError` whose message contains every fragment.
func assertRefinementError<T>(_ body: @autoclosure () throws -> T, contains fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
    assertError(RefinementError.self, try body(), contains: fragments, file: file, line: line)
}

/// Asserts that `body` throws an error of type `E` whose message contains every fragment.
func assertError<E: Error & CustomStringConvertible, T>(_ type: E.Type, _ body: @autoclosure () throws -> T, contains fragments: [String],
                                                       file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected \(E.self) containing \(fragments)", file: file, line: line)
    } catch let e as E {
        for f in fragments { XCTAssertTrue(e.description.contains(f), "'\(e.description)' lacks '\(f)'", file: file, line: line) }
    } catch {
        XCTFail("expected \(E.self), got \(Swift.type(of: error)): \(error)", file: file, line: line)
    }
}

/// The `clusterpdf` executable built next to the test bundle.
var executableURL: URL {
    var dir = Bundle.module.bundleURL.deletingLastPathComponent()
    if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("clusterpdf").path) {
        dir = Bundle.main.bundleURL
    }
    return dir.appendingPathComponent("clusterpdf")
}

/// Runs the CLI; returns exit status, stdout and stderr.
func runCLI(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = executableURL
    p.arguments = args
    // Candidate histograms go to a cache of the test run, never the user's.
    var env = ProcessInfo.processInfo.environment
    env["XDG_CACHE_HOME"] = (NSTemporaryDirectory() as NSString).appendingPathComponent("clusterpdf-test-cache")
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let o = Pipe(), e = Pipe()
    p.standardOutput = o
    p.standardError = e
    try p.run()
    let od = o.fileHandleForReading.readDataToEndOfFile()
    let ed = e.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: od, as: UTF8.self), String(decoding: ed, as: UTF8.self))
}

/// A miner over a fixed model list (`CandidateSpace.none`, no attenuated crystals): the same rule,
/// probabilities and thresholds as the generated space.
func modelListMiner(_ models: [ClassifierModel], refinement: RefinementOptions = RefinementOptions(), threads: Int = 2) -> ClusterMiner {
    var o = ClusterMiner.Options()
    o.space = .none
    o.extraModels = models
    o.includeCrystals = false
    o.refinement = refinement
    o.threads = threads
    o.store = CandidateStore(cache: nil)
    return ClusterMiner(options: o)
}
