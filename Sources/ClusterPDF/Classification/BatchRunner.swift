import Foundation
import Synchronization

/// One line of a batch output file (JSON lines).
public struct BatchRecord: Codable, Sendable {
    /// The work item's key (`BatchItem.key`): path plus per-curve settings, for resuming.
    public var key: String
    /// Path of the curve.
    public var curve: String
    /// Whether the curve was classified.
    public enum Status: String, Codable, Sendable { case ok, error }
    /// `ok` or `error`.
    public var status: Status
    /// The classification, when `status` is `ok`.
    public var classification: Classification?
    /// The error message (file, line, problem), when `status` is `error`.
    public var error: String?
}

/// Progress of a running batch.
public struct BatchProgress: Sendable {
    /// Curves written so far in this run.
    public var done: Int
    /// Curves to process in this run.
    public var total: Int
    /// Seconds since the run started.
    public var elapsed: Double
}

/// Classifies many curves in parallel (Dispatch), appending one complete JSON line per curve to
/// the output in input order. A bad curve gives an error record and the run goes on. Curves that
/// already have a record in the output are skipped, so a killed run resumes where it stopped;
/// a partly written last line (from a kill) is removed first.
public struct BatchRunner: Sendable {
    /// The classifier applied to every curve (per-curve manifest settings override its options).
    public var miner: ClusterMiner
    /// Curves classified at once (one thread each).
    public var jobs: Int
    /// Source of 2θ patterns without a wavelength in their header (nil fields: from the header).
    public var source = PatternSource()
    /// A runner with `jobs` parallel workers (at least 1).
    public init(miner: ClusterMiner, jobs: Int) { self.miner = miner; self.jobs = max(1, jobs) }

    /// Reads the complete records of an existing output file, truncating a partial last line.
    public static func existingRecords(_ output: String) throws -> [BatchRecord] {
        guard FileManager.default.fileExists(atPath: output) else { return [] }
        guard let data = FileManager.default.contents(atPath: output) else { throw InputError(file: output, "cannot be read") }
        var complete = data
        if let last = data.last, last != UInt8(ascii: "\n") {
            let cut = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.startIndex
            complete = data.prefix(upTo: cut)
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            try h.truncate(atOffset: UInt64(complete.count))
            try h.close()
        }
        var out = [BatchRecord]()
        for (n, line) in complete.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            guard let r = try? JSONDecoder().decode(BatchRecord.self, from: Data(line)) else {
                throw InputError(file: output, line: n + 1, "not a ClusterPDF batch record: refusing to append to this file")
            }
            out.append(r)
        }
        return out
    }

    static func encode(_ r: BatchRecord) -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var d = (try? enc.encode(r)) ?? Data("{\"status\":\"error\"}".utf8)
        d.append(UInt8(ascii: "\n"))
        return d
    }

    /// Processes `items` not yet in `output`; returns (processed now, failed now, skipped).
    /// `progress` is called (from worker threads) after every record written.
    public func run(items: [BatchItem], output: String, progress: (@Sendable (BatchProgress) -> Void)? = nil) throws -> (processed: Int, failed: Int, skipped: Int) {
        let done = Set(try BatchRunner.existingRecords(output).map(\.key))
        let todo = items.filter { !done.contains($0.key) }
        if !FileManager.default.fileExists(atPath: output) {
            guard FileManager.default.createFile(atPath: output, contents: nil) else { throw AtomicFile.WriteError(path: output, reason: "cannot create") }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try handle.seekToEnd()
        defer { try? handle.close() }

        // Shared by the workers, behind one lock: the next item to start, the records finished
        // but not yet written (output order is input order), counts and the first write error.
        struct State {
            var next = 0, flushed = 0, failed = 0
            var pending = [Int: BatchRecord]()
            var writeError: Error?
        }
        let state = Mutex(State())
        let start = Date()
        let miner: ClusterMiner = { var m = self.miner; m.options.threads = 1; return m }()
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(1, todo.count))) { _ in
            while true {
                let i = state.withLock { s in defer { s.next += 1 }; return s.next }
                if i >= todo.count { return }
                let item = todo[i]
                let record: BatchRecord
                do {
                    let curve = try MeasuredCurveReader.read(path: item.path)
                    let cls: Classification
                    if let axis = curve.axis, axis != .r {
                        // Reciprocal-space data: the wavelength from the runner's source or the header.
                        if item.rmin != nil || item.rmax != nil || item.qdamp != nil {
                            throw SettingsError.invalid("the manifest gives rmin/rmax/qdamp, which apply to G(r); \(item.path) is reciprocal-space data")
                        }
                        let data = try ReciprocalData(curve: curve, wavelength: source.wavelength, anode: source.anode, kAlpha2: source.kAlpha2,
                                                      monochromator: source.monochromator)
                        cls = try miner.classify(data).0
                    } else {
                        var c = miner
                        if let v = item.rmin { c.options.refinement.overrides.rmin = v }
                        if let v = item.rmax { c.options.refinement.overrides.rmax = v }
                        if let v = item.qdamp { c.options.refinement.overrides.qdamp = v }
                        cls = try c.classify(curve).0
                    }
                    record = BatchRecord(key: item.key, curve: item.path, status: .ok, classification: cls, error: nil)
                } catch {
                    record = BatchRecord(key: item.key, curve: item.path, status: .error, classification: nil, error: "\(error)")
                }
                let p = state.withLock { s -> BatchProgress in
                    s.pending[i] = record
                    if record.status != .ok { s.failed += 1 }
                    // Append the completed prefix in input order, one whole line per write.
                    while let r = s.pending.removeValue(forKey: s.flushed) {
                        do { try handle.write(contentsOf: BatchRunner.encode(r)) } catch { if s.writeError == nil { s.writeError = error } }
                        s.flushed += 1
                    }
                    return BatchProgress(done: s.flushed, total: todo.count, elapsed: Date().timeIntervalSince(start))
                }
                progress?(p)
            }
        }
        let (failed, writeError) = state.withLock { ($0.failed, $0.writeError) }
        if let e = writeError { throw e }
        return (todo.count, failed, items.count - todo.count)
    }
}
