import Foundation

/// The state of an array-job batch per share, from the shard files and, when Slurm is reachable,
/// the queue (`squeue`).
public struct BatchStatus: Sendable {
    /// One share's row.
    public struct Row: Sendable {
        /// Counts from the shard file.
        public var count: BatchMerge.ShareCount
        /// `done`, `running`, `pending`, `failed` (the task stopped with curves missing) or
        /// `not submitted`; Slurm's own state word when it reports another.
        public var state: String
    }
    /// Rows, one per share.
    public var rows: [Row]
    /// The latest submission, if any.
    public var submission: BatchPlan.Submission?
    /// The merge job's state in the queue, if it is there.
    public var mergeState: String?
    /// Whether the merged output exists and is newer than every shard file.
    public var merged: Bool

    /// Reads the status of `layout`'s batch.
    public static func read(_ layout: BatchLayout, client: SlurmClient = SlurmClient()) throws -> BatchStatus {
        let plan = try BatchPlan.load(layout)
        let items = try BatchPlan.items(layout)
        let counts = try BatchMerge.collect(layout, plan: plan, items: items).shares
        let last = plan.submissions.last
        let queued = last.map { client.queueStates(jobs: [$0.arrayJob, $0.mergeJob]) } ?? [:]
        let submitted = Set(plan.submissions.flatMap(\.indices))
        let rows = counts.map { c -> Row in
            let state: String
            if let j = last, let q = queued["\(j.arrayJob)_\(c.index)"] {
                state = q.lowercased()
            } else if c.missing == 0 {
                state = "done"
            } else if let j = last, queued.keys.contains(where: { $0.hasPrefix("\(j.arrayJob)_[") }) {
                state = "pending"
            } else {
                state = submitted.contains(c.index) ? "failed" : "not submitted"
            }
            return Row(count: c, state: state)
        }
        func mtime(_ p: String) -> Date? { (try? FileManager.default.attributesOfItem(atPath: p))?[.modificationDate] as? Date }
        let outTime = mtime(layout.output)
        let merged = outTime != nil && (0..<plan.tasks).allSatisfy { k in mtime(layout.shard(k)).map { $0 <= outTime! } ?? true }
        return BatchStatus(rows: rows, submission: last, mergeState: last.flatMap { queued[$0.mergeJob] }?.lowercased(), merged: merged)
    }

    /// A table: share, state, assigned, done, failed, missing; then totals and what to do.
    public var text: String {
        func pad(_ s: String, _ w: Int, right: Bool = true) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        func row(_ c: [String]) -> String {
            pad(c[0], 6, right: false) + " " + pad(c[1], 14, right: false) + c[2...].map { " " + pad($0, 8) }.joined() + "\n"
        }
        var s = row(["task", "state", "curves", "done", "failed", "missing"])
        for r in rows {
            s += row(["\(r.count.index)", r.state, "\(r.count.assigned)", "\(r.count.done)", "\(r.count.failed)", "\(r.count.missing)"])
        }
        let total = rows.reduce(0) { $0 + $1.count.assigned }, done = rows.reduce(0) { $0 + $1.count.done }
        let failed = rows.reduce(0) { $0 + $1.count.failed }, missing = rows.reduce(0) { $0 + $1.count.missing }
        s += row(["all", "", "\(total)", "\(done)", "\(failed)", "\(missing)"])
        if let j = submission { s += "array job \(j.arrayJob), merge job \(j.mergeJob)\(mergeState.map { " (\($0))" } ?? "")\n" }
        s += merged ? "merged output is up to date\n" : "merged output not yet written or older than the shard files\n"
        if missing > 0 && !rows.contains(where: { ["running", "pending", "configuring", "completing"].contains($0.state) }) {
            s += "\(missing) curve(s) missing: run the same batch command again to complete them\n"
        }
        return s
    }
}
