import Foundation
import Synchronization

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
    /// The settings written into every record and checked against existing ones.
    public var settings = BatchSettings([:])
    /// A runner with `jobs` parallel workers (at least 1).
    public init(miner: ClusterMiner, jobs: Int) { self.miner = miner; self.jobs = max(1, jobs) }

    /// Reads the complete records of an existing output file, truncating a partial last line
    /// (for the process that owns the file and is about to append to it).
    public static func existingRecords(_ output: String) throws -> [BatchRecord] {
        guard FileManager.default.fileExists(atPath: output) else { return [] }
        try BatchOutputFile.dropPartialTail(output)
        return try records(output)
    }

    /// The complete records of an output file, leaving the file as it is (a run may be appending
    /// to it: `batch report` and `status` only read).
    public static func records(_ output: String) throws -> [BatchRecord] {
        let decoder = JSONDecoder()
        return try BatchOutputFile.lines(output).lines.enumerated().map { n, l in
            guard let r = try? decoder.decode(BatchRecord.self, from: l.bytes) else {
                throw InputError(file: output, line: n + 1, "not a ClusterPDF batch record")
            }
            return r
        }
    }

    /// Prepares `output` for appending: removes a partly written last line, checks that its
    /// records carry this runner's settings (else `SettingsMismatchError`), drops placeholder
    /// records of unfinished curves (from a merge), and returns the keys already recorded.
    public func prepare(output: String) throws -> Set<String> {
        if FileManager.default.fileExists(atPath: output) { try BatchOutputFile.dropPartialTail(output) }
        let existing = try BatchOutputFile.lines(output).lines
        try BatchOutputFile.checkSettings(existing, settings, file: output)
        if existing.contains(where: { !$0.summary.isFinal }) {
            try AtomicFile.write(data: BatchMerge.concatenate(existing.filter(\.summary.isFinal).map(\.bytes)), to: output)
        }
        return Set(existing.filter(\.summary.isFinal).map(\.summary.key))
    }

    /// Processes `items` not yet in `output`; returns (processed now, failed now, skipped).
    /// `progress` is called (from worker threads) after every record written.
    /// `shouldStop` is asked before each curve starts: once it says yes, curves already started
    /// finish and are written, the rest are left for a later run.
    public func run(items: [BatchItem], output: String, progress: (@Sendable (BatchProgress) -> Void)? = nil,
                    shouldStop: (@Sendable () -> Bool)? = nil) throws -> (processed: Int, failed: Int, skipped: Int) {
        let done = try prepare(output: output)
        let todo = items.filter { !done.contains($0.key) }
        let r = try process(todo, output: output, progress: progress, shouldStop: shouldStop)
        return (r.processed, r.failed, items.count - todo.count)
    }

    /// Classifies `todo` (none of them recorded yet; see `prepare`) and appends their records.
    public func process(_ todo: [BatchItem], output: String, progress: (@Sendable (BatchProgress) -> Void)? = nil,
                        shouldStop: (@Sendable () -> Bool)? = nil) throws -> (processed: Int, failed: Int) {
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
                if shouldStop?() == true { return }
                let i = state.withLock { s in defer { s.next += 1 }; return s.next }
                if i >= todo.count { return }
                let item = todo[i]
                let record: BatchRecord
                var frame: [String: Double]?
                do {
                    let curve = try MeasuredCurveReader.parse(text: TextFile.read(item.path, name: item.name), file: item.name).withSpectralQRange()
                    frame = BatchRecord.frame(header: curve.header)
                    let cls: Classification
                    if let axis = curve.axis, axis != .r {
                        // Reciprocal-space data: the wavelength from the runner's source or the header.
                        if item.rmin != nil || item.rmax != nil || item.qdamp != nil {
                            throw SettingsError.invalid("the manifest gives rmin/rmax/qdamp, which apply to G(r); \(item.name) is reciprocal-space data")
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
                    record = BatchRecord(key: item.key, curve: item.name, status: .ok, classification: cls, settings: settings, frame: frame)
                } catch {
                    record = BatchRecord(key: item.key, curve: item.name, status: .error, error: "\(error)", settings: settings, frame: frame)
                }
                let p = state.withLock { s -> BatchProgress in
                    s.pending[i] = record
                    if record.status != .ok { s.failed += 1 }
                    // Append the completed prefix in input order, one whole line per write.
                    while let r = s.pending.removeValue(forKey: s.flushed) {
                        do { try handle.write(contentsOf: r.line) } catch { if s.writeError == nil { s.writeError = error } }
                        s.flushed += 1
                    }
                    return BatchProgress(done: s.flushed, total: todo.count, elapsed: Date().timeIntervalSince(start))
                }
                progress?(p)
            }
        }
        let (failed, writeError, flushed) = state.withLock { ($0.failed, $0.writeError, $0.flushed) }
        if let e = writeError { throw e }
        return (flushed, failed)
    }
}
