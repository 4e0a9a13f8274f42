import Foundation

/// Joins the shard files of an array-job batch into one output in input order.
///
/// Every curve gets exactly one line: its record from its share's file (a re-run's record of the
/// same curve replaces nothing: the first final record counts), else an error record marked
/// `unfinished` that says which task did not finish it, so that a re-run of the same command redoes
/// exactly those curves. Records with other settings than the plan's are an error.
public enum BatchMerge {
    /// Counts of one share.
    public struct ShareCount: Sendable {
        /// Array index (0-based; share index+1).
        public var index: Int
        /// Curves assigned.
        public var assigned = 0
        /// Curves recorded (classified or failed on their input).
        public var done = 0
        /// Of those, error records.
        public var failed = 0
        /// Whether the shard file ends in a partly written line (a killed task).
        public var partialTail = false
        /// Curves assigned but not recorded.
        public var missing: Int { assigned - done }
    }

    /// The merged lines (one per curve, in input order) and per-share counts.
    public struct Result: Sendable {
        /// One line per curve.
        public var lines: [Data]
        /// Counts per share.
        public var shares: [ShareCount]
        /// Curves without a record.
        public var missing: Int { shares.reduce(0) { $0 + $1.missing } }
        /// Error records (bad input), not counting missing curves.
        public var failed: Int { shares.reduce(0) { $0 + $1.failed } }
        /// Classified curves.
        public var ok: Int { shares.reduce(0) { $0 + $1.done - $1.failed } }
    }

    /// Reads the plan's shard files and builds the merged lines.
    public static func collect(_ layout: BatchLayout, plan: BatchPlan, items: [BatchItem]) throws -> Result {
        var shares = (0..<plan.tasks).map { ShareCount(index: $0) }
        var found = [String: BatchOutputFile.Line]()
        for k in 0..<plan.tasks {
            let (lines, partial) = try BatchOutputFile.lines(layout.shard(k))
            try BatchOutputFile.checkSettings(lines, plan.settings, file: layout.shard(k))
            shares[k].partialTail = partial
            for l in lines where l.summary.isFinal && found[l.summary.key] == nil { found[l.summary.key] = l }
        }
        var out = [Data]()
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let k = i % plan.tasks
            shares[k].assigned += 1
            if let l = found[item.key] {
                shares[k].done += 1
                if l.summary.status != .ok { shares[k].failed += 1 }
                out.append(l.bytes)
            } else {
                let log = (layout.logs as NSString).appendingPathComponent("task-\(k).log")
                let r = BatchRecord(key: item.key, curve: item.name, status: .error,
                                    error: "not finished: array task \(k) (share \(k + 1) of \(plan.tasks)) stopped before this curve " +
                                           "(cancelled, timed out or failed; see \(log)); run the same command again to complete it",
                                    settings: plan.settings, unfinished: true)
                out.append(r.line)
            }
        }
        return Result(lines: out, shares: shares)
    }

    /// The lines as one buffer (appended whole: joining byte by byte costs seconds at 300 MB).
    static func concatenate(_ lines: [Data]) -> Data {
        var d = Data(capacity: lines.reduce(0) { $0 + $1.count })
        for l in lines { d.append(l) }
        return d
    }

    /// Merges into `layout.output` (atomically) and returns the counts.
    @discardableResult
    public static func merge(_ layout: BatchLayout) throws -> Result {
        let plan = try BatchPlan.load(layout)
        let items = try BatchPlan.items(layout)
        let result = try collect(layout, plan: plan, items: items)
        try AtomicFile.write(data: concatenate(result.lines), to: layout.output)
        return result
    }
}
