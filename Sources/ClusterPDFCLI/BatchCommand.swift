import ArgumentParser
import ClusterPDF
import Foundation

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify many curves into a JSON-lines file: here, as a Slurm array job, or following a directory.",
        discussion: "`clusterpdf batch INPUT… -o OUT.jsonl` runs `batch run`; its options: clusterpdf batch run --help. Guide: docs/batch.md.",
        subcommands: [BatchRun.self, BatchStatusCommand.self, BatchMergeCommand.self, BatchReportCommand.self],
        defaultSubcommand: BatchRun.self)
}

struct BatchRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Classify many curves in parallel into a JSON-lines file (resumable, fault-isolated).",
        discussion: """
        INPUT: data files, directories (every .gr/.fgr/.dat and .xy/.xye/.chi/.iq/.sq/.fq inside) or manifests (.csv with a 'path' \
        column, or .jsonl; optional rmin, rmax, qdamp per curve). One JSON line per curve, in input \
        order; a bad, missing or unreadable file gives an error record and the rest go on. Re-running with the same --output \
        skips curves already recorded; records made with other settings are an error naming the option. \
        --slurm submits an array job and a merge job instead (see docs/batch.md). The exit status is the number of failed curves (at most 250).
        """)
    @Argument(help: "Files, directories or manifests (with --follow: one directory).") var inputs: [String]
    @Option(name: [.customShort("o"), .long], help: "Output JSON-lines file (appended; resumed).") var output: String
    @OptionGroup var library: LibraryOptions
    @OptionGroup var fit: ClassifyFitOptions
    @Option(name: [.customLong("jobs"), .customLong("threads")], help: "Curves classified at once (default: all cores).")
    var jobsOption: Int?
    var jobs: Int { jobsOption ?? ProcessInfo.processInfo.activeProcessorCount }
    @Option(help: "Process share i of n (e.g. 3/8); 'auto' from an array job's variables (Slurm, SGE), 'auto/n' (also PBS).") var shard: String?
    @Option(help: "Also write all results as CSV to this file.") var csv: String?
    @Option(help: "Write a self-contained HTML report of all results.") var report: String?
    @OptionGroup(title: "Slurm array jobs") var slurm: SlurmFlags
    @OptionGroup(title: "Following a directory") var follow: FollowFlags

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1") }
        if let s = shard { do { _ = try ShardSpec(parsing: s) } catch { throw ValidationError("\(error)") } }
        try slurm.validate(shard: shard, follow: follow.follow)
        if follow.follow && inputs.count != 1 { throw ValidationError("--follow watches one directory; give exactly one") }
    }

    func run() throws {
        let failed = try reportingErrors { () -> Int in
            let settingArgs = fit.settingArguments(library: library)
            let settings = settingArgs.settings
            if slurm.slurm {
                try slurm.submit(inputs: inputs, output: output, settings: settings, arguments: settingArgs.arguments + fit.cacheArguments,
                                 csv: csv, report: report)
                return 0
            }
            var items = follow.follow ? [] : try BatchInputs.expand(inputs)
            if let s = shard { items = try ShardSpec(parsing: s).select(items) }
            let (extra, sources) = try library.extraModels()
            var runner = BatchRunner(miner: try fit.miner(extra: extra, sources: sources, threads: 1), jobs: jobs)
            runner.source = fit.pattern.source
            runner.settings = settings
            let stop = StopSignal()
            if follow.follow {
                try follow.run(directory: inputs[0], runner: runner, output: output, stop: stop)
            } else {
                let result = try runner.run(items: items, output: output, progress: BatchProgressBar.make(), shouldStop: { stop.isSet })
                BatchProgressBar.finish()
                warn("\(result.processed) curve(s) processed, \(result.failed) failed, \(result.skipped) already in \(output)" +
                     (stop.isSet ? "; stopped by a signal: run again to complete" : ""))
            }
            let keys = Set(items.map(\.key))
            let mine = try BatchRunner.existingRecords(output).filter { keys.isEmpty || keys.contains($0.key) }
            try BatchOutputs.write(records: mine, csv: csv, report: report)
            return mine.filter { $0.status != .ok }.count
        }
        if failed > 0 { throw ExitCode(Int32(min(failed, 250))) }
    }
}

/// The terminal progress bar of a batch (only on a terminal).
enum BatchProgressBar {
    static let tty = isatty(STDERR_FILENO) != 0
    static func make() -> (@Sendable (BatchProgress) -> Void)? {
        guard tty else { return nil }
        return { p in
            let rate = Double(p.done) / max(p.elapsed, 1e-9)
            let left = rate > 0 ? Double(p.total - p.done) / rate : 0
            let width = 30, filled = p.total > 0 ? width * p.done / p.total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data(String(format: "\r[%@] %d/%d  %.1f curves/s  %d:%02d left ", bar, p.done, p.total, rate, Int(left) / 60, Int(left) % 60).utf8))
        }
    }
    static func finish() { if tty { FileHandle.standardError.write(Data("\n".utf8)) } }
}

/// The CSV and HTML report written beside a batch output.
enum BatchOutputs {
    static func write(records: [BatchRecord], csv: String?, report: String?) throws {
        var files = [(text: String, path: String)]()
        if let c = csv { files.append((ClassificationReport.csv(records: records), c)) }
        if let rep = report { files.append((BatchReport.html(records: records, title: "ClusterPDF batch"), rep)) }
        try AtomicFile.writeAll(files)
    }
}
