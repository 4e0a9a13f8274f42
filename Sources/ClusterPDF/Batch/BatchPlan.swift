import Foundation

/// Where an array-job batch keeps its files: beside `OUT.jsonl`, the job scripts
/// `OUT.jsonl.sbatch` and `OUT.jsonl.merge.sbatch`; in `OUT.jsonl.d/`, the frozen list of curves
/// (`inputs.jsonl`, a manifest), the plan (`plan.json`), one result file per array task
/// (`shard-K.jsonl`, K = the array index 0…N−1, holding share K+1 of N) and the tasks' logs (`logs/`).
public struct BatchLayout: Sendable, Hashable {
    /// The merged output (absolute path).
    public var output: String
    /// A layout for `output` (made absolute against the working directory).
    public init(output: String) {
        self.output = URL(fileURLWithPath: output).standardizedFileURL.path
    }
    /// `OUT.d`.
    public var directory: String { output + ".d" }
    /// The frozen manifest of curves in input order.
    public var inputs: String { directory + "/inputs.jsonl" }
    /// The plan.
    public var plan: String { directory + "/plan.json" }
    /// The logs directory.
    public var logs: String { directory + "/logs" }
    /// The array task's job script.
    public var taskScript: String { output + ".sbatch" }
    /// The merge job's script.
    public var mergeScript: String { output + ".merge.sbatch" }
    /// The result file of array index `k` (0-based; share k+1).
    public func shard(_ k: Int) -> String { directory + "/shard-\(k).jsonl" }
}

/// What a `batch --slurm` run planned and submitted (`OUT.jsonl.d/plan.json`): the settings, the
/// number of tasks, the curves, the outputs the merge writes and the jobs submitted so far.
public struct BatchPlan: Codable, Sendable {
    /// Array tasks (shares).
    public var tasks: Int
    /// The settings every record must carry.
    public var settings: BatchSettings
    /// Number of curves (the lines of `inputs.jsonl`).
    public var curves: Int
    /// CSV the merge writes as well, if any (absolute).
    public var csv: String?
    /// HTML report the merge writes as well, if any (absolute).
    public var report: String?
    /// One submission: the array job, the merge job and the array indices it ran.
    public struct Submission: Codable, Sendable {
        /// Array job id.
        public var arrayJob: String
        /// Merge job id.
        public var mergeJob: String
        /// Array indices submitted.
        public var indices: [Int]
        /// When (ISO 8601).
        public var date: String
    }
    /// Submissions, oldest first.
    public var submissions: [Submission] = []

    /// A plan.
    public init(tasks: Int, settings: BatchSettings, curves: Int, csv: String? = nil, report: String? = nil) {
        self.tasks = tasks; self.settings = settings; self.curves = curves; self.csv = csv; self.report = report
    }

    /// Reads `layout.plan`; a missing plan says the output was never planned as an array job.
    public static func load(_ layout: BatchLayout) throws -> BatchPlan {
        guard FileManager.default.fileExists(atPath: layout.plan) else {
            throw InputError(file: layout.output, "has no array-job plan (\(layout.plan)); it was not written by `batch --slurm`")
        }
        do { return try JSONDecoder().decode(BatchPlan.self, from: Data(contentsOf: URL(fileURLWithPath: layout.plan))) } catch {
            throw InputError(file: layout.plan, "not a ClusterPDF batch plan: \(error)")
        }
    }

    /// Writes the plan atomically.
    public func save(_ layout: BatchLayout) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(data: try enc.encode(self), to: layout.plan)
    }

    /// The curves in input order, from the frozen manifest.
    public static func items(_ layout: BatchLayout) throws -> [BatchItem] {
        try BatchInputs.expand([layout.inputs])
    }

    /// Writes the frozen manifest of `items` (absolute paths; per-curve settings kept).
    public static func writeItems(_ items: [BatchItem], _ layout: BatchLayout) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var d = Data()
        for var item in items {
            item.label = item.name
            item.path = URL(fileURLWithPath: item.path).standardizedFileURL.path
            d.append(try enc.encode(item)); d.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(data: d, to: layout.inputs)
    }
}
