import ArgumentParser
import ClusterPDF
import Foundation

/// Options of `batch --slurm`: the array job's size and its sbatch settings.
struct SlurmFlags: ParsableArguments {
    @Flag(help: "Submit a Slurm array job (one task per share) and a merge job, print their ids and return.") var slurm = false
    @Option(help: "Array tasks (shares) with --slurm.") var tasks: Int?
    @Option(help: "sbatch --partition.") var partition: String?
    @Option(help: "sbatch --time (e.g. 2:00:00).") var time: String?
    @Option(help: "sbatch --cpus-per-task: curves each task classifies at once (default 1).") var cpusPerTask: Int?
    @Option(help: "sbatch --mem (e.g. 4G).") var mem: String?
    @Option(help: "sbatch --account.") var account: String?
    @Option(help: "Any other sbatch option, passed through (repeatable), e.g. --sbatch-option=--qos=long.") var sbatchOption: [String] = []

    func validate(shard: String?, follow: Bool) throws {
        let given = tasks != nil || partition != nil || time != nil || cpusPerTask != nil || mem != nil || account != nil || !sbatchOption.isEmpty
        if !slurm {
            if given { throw ValidationError("--tasks, --partition, --time, --cpus-per-task, --mem, --account and --sbatch-option need --slurm") }
            return
        }
        guard let t = tasks, t >= 1, t <= 100_000 else { throw ValidationError("--slurm needs --tasks N (1 … 100000)") }
        if shard != nil { throw ValidationError("--slurm makes its own shares; leave out --shard") }
        if follow { throw ValidationError("--slurm and --follow do not go together") }
        if let c = cpusPerTask, c < 1 { throw ValidationError("--cpus-per-task must be ≥ 1") }
        for o in sbatchOption where !o.hasPrefix("-") { throw ValidationError("--sbatch-option takes an sbatch option such as --qos=long, got '\(o)'") }
    }

    var options: SlurmJobOptions {
        var o = SlurmJobOptions()
        o.partition = partition; o.time = time; o.cpusPerTask = cpusPerTask; o.mem = mem; o.account = account; o.extra = sbatchOption
        return o
    }

    /// Plans and submits (or merges at once when everything is recorded), printing what happened.
    func submit(inputs: [String], output: String, settings: BatchSettings, arguments: [String], csv: String?, report: String?) throws {
        let items = try BatchInputs.expand(inputs)
        guard !items.isEmpty else { throw ValidationError("no curves in \(inputs.joined(separator: ", "))") }
        var job = SlurmBatch(output: output, tasks: tasks ?? 1, settings: settings, items: items, executable: Self.executable, arguments: arguments)
        job.options = options
        job.csv = csv.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        job.report = report.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        switch try job.submit() {
        case let .submitted(array, merge, indices, curves):
            print("submitted array job \(array) (tasks \(SlurmBatch.arraySpec(indices)) of 0-\(job.tasks - 1), \(curves) curve(s) to classify) and merge job \(merge)")
            print("job script: \(job.layout.taskScript)")
            print("follow with: clusterpdf batch status \(output)")
        case let .complete(r):
            print("every curve is recorded: merged \(r.lines.count) curve(s) into \(output) (\(r.ok) classified, \(r.failed) failed); nothing submitted")
            try BatchMergeCommand.writeExtras(job.layout)
        }
    }

    /// This executable's absolute path, for the job scripts.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

/// Options of `batch --follow`.
struct FollowFlags: ParsableArguments {
    @Flag(help: "Follow a directory: classify each curve that appears in it, once, in arrival order.") var follow = false
    @Option(help: "With --follow: stop after this many seconds without a new curve (default: run until SIGINT/SIGTERM).") var idleTimeout: Double?
    @Option(help: "With --follow: seconds a file must be unchanged before it is read.") var settle: Double = 2

    func run(directory: String, runner: BatchRunner, output: String, stop: StopSignal) throws {
        var f = DirectoryFollower(directory: directory)
        f.settle = settle
        f.idleTimeout = idleTimeout
        warn("following \(directory) into \(output)" + (idleTimeout.map { " (until \($0) s without a new curve)" } ?? " (until SIGINT/SIGTERM)"))
        let r = try f.follow(runner: runner, output: output, shouldStop: { stop.isSet }) { n, bad in
            warn("\(n) curve(s) recorded" + (bad > 0 ? ", \(bad) failed" : ""))
        }
        warn("\(r.processed) curve(s) processed, \(r.failed) failed" + (stop.isSet ? "; stopped by a signal" : "; idle"))
    }
}
