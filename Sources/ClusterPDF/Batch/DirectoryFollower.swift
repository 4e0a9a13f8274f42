import Foundation

/// Follows a directory a beamline pipeline writes into: classifies each data file that appears,
/// once, in arrival order, appending to a resumable batch output, until no new file has come for
/// `idleTimeout` seconds or a stop is asked (SIGINT/SIGTERM).
///
/// A file is taken when it is complete: its modification time at least `settle` seconds in the
/// past (a file moved in by rename is usually older than that already; one written in place is
/// taken once the writer has been quiet that long). Hidden files and `*.tmp`, `*.part` and
/// `*.partial` names are never taken.
public struct DirectoryFollower: Sendable {
    /// The directory.
    public var directory: String
    /// Seconds a file must have been unchanged.
    public var settle: Double = 2
    /// Seconds without a new file after which following ends (nil: until stopped).
    public var idleTimeout: Double?
    /// Seconds between looks at the directory.
    public var poll: Double = 0.5

    /// A follower of `directory`.
    public init(directory: String) { self.directory = directory }

    /// Whether `name` can be a finished data file.
    public static func isCandidate(_ name: String) -> Bool {
        let lower = name.lowercased()
        if name.hasPrefix(".") || lower.hasSuffix(".tmp") || lower.hasSuffix(".part") || lower.hasSuffix(".partial") { return false }
        return BatchInputs.dataExtensions.contains((lower as NSString).pathExtension)
    }

    /// Follows until idle or stopped; `onRecorded` is told after each group of curves is written.
    public func follow(runner: BatchRunner, output: String, shouldStop: @escaping @Sendable () -> Bool,
                       onRecorded: (_ processed: Int, _ failed: Int) -> Void = { _, _ in }) throws -> (processed: Int, failed: Int) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw InputError(file: directory, "not a directory (--follow watches a directory)")
        }
        var done = try runner.prepare(output: output)
        var firstSeen = [String: Int]()  // path → arrival order
        var order = 0
        var lastArrival = Date()
        var total = (processed: 0, failed: 0)
        while !shouldStop() {
            let now = Date()
            var ready = [(order: Int, item: BatchItem)]()
            var waiting = 0
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter(DirectoryFollower.isCandidate).sorted()
            for name in names {
                let path = (directory as NSString).appendingPathComponent(name)
                let item = BatchItem(path: path)
                if done.contains(item.key) { continue }
                if firstSeen[path] == nil { firstSeen[path] = order; order += 1; lastArrival = now }
                waiting += 1
                guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
                      (attrs[.type] as? FileAttributeType) == .typeRegular,
                      let mtime = attrs[.modificationDate] as? Date else { continue }
                if now.timeIntervalSince(mtime) >= settle { ready.append((firstSeen[path]!, item)) }
            }
            if !ready.isEmpty {
                let items = ready.sorted { $0.order < $1.order }.map(\.item)
                let r = try runner.process(items, output: output, shouldStop: shouldStop)
                // Only the written prefix counts as done; the rest are taken again next time.
                for item in items.prefix(r.processed) { done.insert(item.key) }
                total.processed += r.processed; total.failed += r.failed
                onRecorded(r.processed, r.failed)
                lastArrival = Date()
                continue
            }
            if let idle = idleTimeout, waiting == 0, Date().timeIntervalSince(lastArrival) >= idle {
                break
            }
            Thread.sleep(forTimeInterval: poll)
        }
        return total
    }
}
