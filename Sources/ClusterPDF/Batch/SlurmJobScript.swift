import Foundation

/// The sbatch settings of an array-job batch; each becomes an `#SBATCH` line of the job scripts.
public struct SlurmJobOptions: Sendable, Hashable, Codable {
    /// `--partition`.
    public var partition: String?
    /// `--time` (Slurm's formats: minutes, MM:SS, HH:MM:SS, D-HH …).
    public var time: String?
    /// `--cpus-per-task`: each task classifies this many curves at once (default 1).
    public var cpusPerTask: Int?
    /// `--mem` (e.g. 4G).
    public var mem: String?
    /// `--account`.
    public var account: String?
    /// Further sbatch options, passed through as written (e.g. `--qos=long`).
    public var extra: [String] = []
    /// `--job-name` (default "clusterpdf").
    public var jobName = "clusterpdf"

    /// Options with nothing set.
    public init() {}

    /// The directives, one per line ("#SBATCH --partition=x").
    public var directives: [String] {
        var d = ["--job-name=\(jobName)"]
        if let v = partition { d.append("--partition=\(v)") }
        if let v = time { d.append("--time=\(v)") }
        if let v = cpusPerTask { d.append("--cpus-per-task=\(v)") }
        if let v = mem { d.append("--mem=\(v)") }
        if let v = account { d.append("--account=\(v)") }
        d += extra
        return d
    }
}

/// The two job scripts of an array-job batch, readable and re-submittable by hand.
public enum SlurmJobScript {
    /// Quotes `s` for bash (single quotes).
    public static func quote(_ s: String) -> String {
        if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The array task's script: array index K classifies share K+1 of `tasks` of the frozen
    /// manifest into `shard-K.jsonl`, resuming whatever that file holds.
    /// `arguments`: the classifier's options, as on the command line.
    public static func task(layout: BatchLayout, tasks: Int, executable: String, arguments: [String],
                            options: SlurmJobOptions, workingDirectory: String) -> String {
        var s = "#!/bin/bash\n"
        s += "# ClusterPDF batch, array task: index K (0…\(tasks - 1)) classifies share K+1 of \(tasks) of\n"
        s += "# \(layout.inputs) into \(layout.directory)/shard-K.jsonl (resumable).\n"
        s += "# Written by `clusterpdf batch --slurm`; to submit by hand (all tasks, then the merge):\n"
        s += "#   sbatch --array=0-\(tasks - 1) \(quote(layout.taskScript))\n"
        s += "#   sbatch --dependency=afterany:<array job id> \(quote(layout.mergeScript))\n"
        for d in options.directives { s += "#SBATCH \(d)\n" }
        s += "#SBATCH --output=\(layout.logs)/task-%a.log\n"
        s += "#SBATCH --chdir=\(workingDirectory)\n"
        s += "set -eu\n"
        s += "K=${SLURM_ARRAY_TASK_ID:?submit as an array job: sbatch --array=0-\(tasks - 1) \(quote(layout.taskScript))}\n"
        let fixed = [executable, "batch", layout.inputs].map(quote).joined(separator: " ")
        let opts = arguments.map(quote).joined(separator: " ")
        s += "exec \(fixed) \(opts) \\\n"
        s += "  --output \(quote(layout.directory))/shard-$K.jsonl --shard $((K + 1))/\(tasks) --jobs ${SLURM_CPUS_PER_TASK:-1}\n"
        return s
    }

    /// The merge job's script (`batch merge`), run after the array job whatever its outcome.
    public static func merge(layout: BatchLayout, executable: String, options: SlurmJobOptions, workingDirectory: String) -> String {
        var m = options
        m.jobName = options.jobName + "-merge"
        m.cpusPerTask = nil
        var s = "#!/bin/bash\n"
        s += "# ClusterPDF batch, merge: joins \(layout.directory)/shard-*.jsonl into \(layout.output)\n"
        s += "# in input order, with an error record for every curve a task did not finish.\n"
        for d in m.directives where !d.hasPrefix("--array") { s += "#SBATCH \(d)\n" }
        s += "#SBATCH --output=\(layout.logs)/merge.log\n"
        s += "#SBATCH --chdir=\(workingDirectory)\n"
        s += "exec \(quote(executable)) batch merge \(quote(layout.output))\n"
        return s
    }
}
