import XCTest
@testable import ClusterPDF

/// The install scripts, run against a stand-in `apt-get` (first on PATH) that reports the dpkg
/// lock as held a given number of times.
final class ScriptTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs Scripts/apt-wait with a fake apt-get that is locked for `locked` calls (then succeeds,
    /// or fails with another error when `otherError`).
    func aptWait(locked: Int, otherError: Bool = false, wait: Int = 30) throws -> (status: Int32, err: String, calls: Int) {
        let dir = temporaryDirectory()
        let counter = dir + "/calls"
        let fake = """
        #!/bin/bash
        n=$(cat '\(counter)' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '\(counter)'
        if [ $n -le \(locked) ]; then echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2; exit 100; fi
        \(otherError ? "echo 'E: Unable to locate package nosuchpackage' >&2; exit 100" : "exit 0")
        """
        try fake.write(toFile: dir + "/apt-get", atomically: true, encoding: .utf8)
        chmod(dir + "/apt-get", 0o755)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.root + "/Scripts/apt-wait")
        p.arguments = ["install", "-y", "nosuchpackage"]
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = dir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["CLUSTERPDF_APT_WAIT"] = "\(wait)"; env["CLUSTERPDF_APT_POLL"] = "0.1"
        p.environment = env
        let e = Pipe()
        p.standardError = e; p.standardOutput = FileHandle.nullDevice
        try p.run()
        let err = String(decoding: e.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let calls = Int((try? String(contentsOfFile: counter, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        return (p.terminationStatus, err, calls)
    }

    func testAptWaitsForTheLockThenInstalls() throws {
        guard getuid() == 0 else { throw XCTSkip("apt-wait goes through sudo when not root") }
        let r = try aptWait(locked: 3)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.calls, 4)
        XCTAssertTrue(r.err.contains("holds the lock"), r.err)
        XCTAssertEqual(r.err.components(separatedBy: "waiting up to").count - 1, 1, "says it waits once")
        // Free at once: no message.
        let free = try aptWait(locked: 0)
        XCTAssertEqual(free.status, 0); XCTAssertEqual(free.calls, 1); XCTAssertEqual(free.err, "")
    }

    func testAptGivesUpAfterTheBoundAndReportsOtherErrorsAtOnce() throws {
        guard getuid() == 0 else { throw XCTSkip("apt-wait goes through sudo when not root") }
        let start = Date()
        let held = try aptWait(locked: 1_000_000, wait: 1)
        XCTAssertNotEqual(held.status, 0)
        XCTAssertTrue(held.err.contains("giving up"), held.err)
        XCTAssertTrue(held.err.contains("held by process 4242"), held.err)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        let other = try aptWait(locked: 0, otherError: true)
        XCTAssertNotEqual(other.status, 0)
        XCTAssertEqual(other.calls, 1, "no retry on an error that is not the lock")
        XCTAssertTrue(other.err.contains("Unable to locate package"), other.err)
    }
}
