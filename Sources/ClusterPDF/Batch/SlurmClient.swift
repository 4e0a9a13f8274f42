import Foundation
import Synchronization

/// Submits and queries Slurm jobs through its commands (`sbatch`, `squeue`), the way users'
/// own scripts do: no daemon protocol, no home-made scheduler.
public struct SlurmClient: Sendable {
    /// Directories searched for the commands (default: `PATH`).
    public var searchPath: [String]

    /// A client using `PATH`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        searchPath = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
    }

    /// A Slurm command that failed or is missing.
    public struct SlurmError: Error, CustomStringConvertible, Sendable {
        /// What went wrong.
        public var description: String
    }

    /// The full path of `command`, or nil.
    public func locate(_ command: String) -> String? {
        for dir in searchPath {
            let p = (dir as NSString).appendingPathComponent(command)
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs `command` with `arguments`; returns (exit status, standard output, standard error).
    public func run(_ command: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        guard let exe = locate(command) else {
            throw SlurmError(description: "'\(command)' not found on PATH: Slurm's client commands are needed for --slurm and batch status (Debian: slurm-client)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        // Read both pipes before waiting, so a chatty command cannot block on a full pipe.
        let errData = Mutex(Data())
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() } }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: errData.withLock { $0 }, as: UTF8.self))
    }

    /// Submits `script` with `arguments` (before the script) and returns the job id.
    public func submit(script: String, arguments: [String]) throws -> String {
        let r = try run("sbatch", ["--parsable"] + arguments + [script])
        let id = r.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard r.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError(description: "sbatch \((arguments + [script]).joined(separator: " ")) failed (exit \(r.status)): \(r.err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return id
    }

    /// States of the queued or running elements of `jobs` (`"12_3"` → `"RUNNING"`; a pending
    /// array's unstarted elements appear as `"12_[1-3]"`). Jobs Slurm no longer knows are absent.
    public func queueStates(jobs: [String]) -> [String: String] {
        var out = [String: String]()
        // One query per job: squeue refuses a whole list when one id is no longer known.
        for job in jobs {
            guard let r = try? run("squeue", ["-h", "-r", "-o", "%i|%T", "-j", job]), r.status == 0 else { continue }
            for line in r.out.split(separator: "\n") {
                let f = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                if f.count == 2 { out[f[0]] = f[1] }
            }
        }
        return out
    }
}
