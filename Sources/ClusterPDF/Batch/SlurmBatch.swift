import Foundation

/// A batch as a Slurm array job: plans it (frozen manifest, settings, shares), writes the job
/// scripts, submits the array and a merge that depends on it, and on a re-run submits only the
/// shares that are not complete (or merges at once when all are).
public struct SlurmBatch: Sendable {
    /// Where the files go.
    public var layout: BatchLayout
    /// Array tasks (shares).
    public var tasks: Int
    /// The settings every record carries.
    public var settings: BatchSettings
    /// The curves in input order.
    public var items: [BatchItem]
    /// sbatch settings.
    public var options = SlurmJobOptions()
    /// The clusterpdf executable the tasks run (absolute).
    public var executable: String
    /// The options each task passes to `clusterpdf batch` (classifier settings and cache).
    public var arguments: [String]
    /// The directory the tasks run in (relative paths of the inputs are relative to it).
    public var workingDirectory = FileManager.default.currentDirectoryPath
    /// CSV and HTML report the merge writes as well (absolute paths).
    public var csv: String?, report: String?
    /// The Slurm commands.
    public var client = SlurmClient()

    /// A batch of `items` in `tasks` shares into `output`.
    public init(output: String, tasks: Int, settings: BatchSettings, items: [BatchItem], executable: String, arguments: [String]) {
        layout = BatchLayout(output: output); self.tasks = tasks; self.settings = settings; self.items = items
        self.executable = executable; self.arguments = arguments
    }

    /// What a call of `submit` did.
    public enum Outcome: Sendable {
        /// Submitted these array indices as `arrayJob`, and the merge as `mergeJob`.
        case submitted(arrayJob: String, mergeJob: String, indices: [Int], curves: Int)
        /// Every curve was already recorded: merged here, nothing submitted.
        case complete(BatchMerge.Result)
    }

    /// A re-run that cannot go on (other tasks, other curves, jobs still queued).
    public struct PlanError: Error, CustomStringConvertible, Sendable {
        /// The problem and what to do.
        public var description: String
    }

    /// Array indices of shares with curves not yet recorded.
    public func incompleteShares(plan: BatchPlan, items: [BatchItem]) throws -> [(index: Int, missing: Int)] {
        var out = [(Int, Int)]()
        for k in 0..<plan.tasks {
            let (lines, _) = try BatchOutputFile.lines(layout.shard(k))
            try BatchOutputFile.checkSettings(lines, plan.settings, file: layout.shard(k))
            let done = Set(lines.filter(\.summary.isFinal).map(\.summary.key))
            let missing = items.enumerated().filter { $0.offset % plan.tasks == k && !done.contains($0.element.key) }.count
            if missing > 0 { out.append((k, missing)) }
        }
        return out
    }

    /// Plans (or checks the existing plan), then submits what is not done.
    public func submit() throws -> Outcome {
        let fm = FileManager.default
        try fm.createDirectory(atPath: layout.logs, withIntermediateDirectories: true)
        var plan: BatchPlan
        let frozen: [BatchItem]
        if fm.fileExists(atPath: layout.plan) {
            plan = try BatchPlan.load(layout)
            let diff = settings.differences(from: plan.settings)
            if !diff.isEmpty { throw SettingsMismatchError(file: layout.output, differences: diff) }
            guard plan.tasks == tasks else {
                throw PlanError(description: "\(layout.output): planned with --tasks \(plan.tasks), now --tasks \(tasks); use --tasks \(plan.tasks) to resume, or another --output")
            }
            frozen = try BatchPlan.items(layout)
            let now = items.map(\.key), then = frozen.map(\.key)
            if now != then {
                let added = Set(now).subtracting(then).count, gone = Set(then).subtracting(now).count
                throw PlanError(description: "\(layout.output): the inputs changed since it was planned (\(added) curve(s) new, \(gone) gone" +
                                (added == 0 && gone == 0 ? ", order changed" : "") + "); use another --output (or `batch --follow` for a growing directory)")
            }
            if let last = plan.submissions.last {
                let queued = client.queueStates(jobs: [last.arrayJob, last.mergeJob])
                if !queued.isEmpty {
                    throw PlanError(description: "\(layout.output): jobs \(last.arrayJob) (array) and \(last.mergeJob) (merge) are still queued or running; " +
                                    "wait for them (clusterpdf batch status \(layout.output)) or scancel them, then run again")
                }
            }
            plan.csv = csv; plan.report = report
        } else {
            plan = BatchPlan(tasks: tasks, settings: settings, curves: items.count, csv: csv, report: report)
            try BatchPlan.writeItems(items, layout)
            frozen = try BatchPlan.items(layout)
        }
        let incomplete = try incompleteShares(plan: plan, items: frozen)
        if incomplete.isEmpty {
            try plan.save(layout)
            return .complete(try BatchMerge.merge(layout))
        }
        try AtomicFile.write(SlurmJobScript.task(layout: layout, tasks: tasks, executable: executable, arguments: arguments,
                                                 options: options, workingDirectory: workingDirectory), to: layout.taskScript)
        try AtomicFile.write(SlurmJobScript.merge(layout: layout, executable: executable, options: options,
                                                  workingDirectory: workingDirectory), to: layout.mergeScript)
        let indices = incomplete.map(\.index)
        let array = try client.submit(script: layout.taskScript, arguments: ["--array=\(SlurmBatch.arraySpec(indices))"])
        let merge: String
        do {
            merge = try client.submit(script: layout.mergeScript, arguments: ["--dependency=afterany:\(array)"])
        } catch {
            _ = try? client.run("scancel", [array])
            throw error
        }
        let date = ISO8601DateFormatter().string(from: Date())
        plan.submissions.append(.init(arrayJob: array, mergeJob: merge, indices: indices, date: date))
        try plan.save(layout)
        return .submitted(arrayJob: array, mergeJob: merge, indices: indices, curves: incomplete.reduce(0) { $0 + $1.missing })
    }

    /// Slurm's `--array` list of `indices` with runs folded ("0-3,7,9-10").
    public static func arraySpec(_ indices: [Int]) -> String {
        var parts = [String](), i = 0
        let s = indices.sorted()
        while i < s.count {
            var j = i
            while j + 1 < s.count, s[j + 1] == s[j] + 1 { j += 1 }
            parts.append(j > i ? "\(s[i])-\(s[j])" : "\(s[i])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
