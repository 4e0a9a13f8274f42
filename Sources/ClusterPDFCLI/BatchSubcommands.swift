import ArgumentParser
import ClusterPDF
import Foundation

struct BatchStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status",
        abstract: "Done / running / failed / missing per task of a `batch --slurm` output (shard files and squeue).")
    @Argument(help: "The batch output (OUT.jsonl).") var output: String

    func run() throws {
        try reportingErrors {
            let layout = BatchLayout(output: output)
            if FileManager.default.fileExists(atPath: layout.plan) {
                print(try BatchStatus.read(layout).text, terminator: "")
            } else {
                // A single-process output: counts of its records.
                let lines = try BatchOutputFile.lines(output)
                guard FileManager.default.fileExists(atPath: output) else { throw InputError(file: output, "no such file") }
                let ok = lines.lines.filter { $0.summary.status == .ok }.count
                let unfinished = lines.lines.filter { !$0.summary.isFinal }.count
                print("\(lines.lines.count) record(s): \(ok) classified, \(lines.lines.count - ok - unfinished) failed, \(unfinished) unfinished" +
                      (lines.partialTail ? "; a partly written last line (a killed run) will be redone" : ""))
            }
        }
    }
}

struct BatchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge",
        abstract: "Join the shard files of a `batch --slurm` output into OUT.jsonl in input order (the merge job runs this).")
    @Argument(help: "The batch output (OUT.jsonl).") var output: String

    func run() throws {
        let missing = try reportingErrors { () -> Int in
            let layout = BatchLayout(output: output)
            let r = try BatchMerge.merge(layout)
            print("merged \(r.lines.count) curve(s) into \(output): \(r.ok) classified, \(r.failed) failed, \(r.missing) missing")
            for s in r.shares where s.missing > 0 {
                print("  task \(s.index): \(s.missing) of \(s.assigned) curve(s) missing" + (s.partialTail ? " (its file ends mid-line: the task was killed)" : ""))
            }
            if r.missing > 0 { print("run the same batch command again to complete the missing curves") }
            try BatchMergeCommand.writeExtras(layout)
            return r.missing
        }
        if missing > 0 { throw ExitCode(Int32(min(missing, 250))) }
    }

    /// The CSV and report the plan asks for.
    static func writeExtras(_ layout: BatchLayout) throws {
        let plan = try BatchPlan.load(layout)
        guard plan.csv != nil || plan.report != nil else { return }
        try BatchOutputs.write(records: try BatchRunner.existingRecords(layout.output), csv: plan.csv, report: plan.report)
    }
}

struct BatchReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report",
        abstract: "An HTML report of a batch output (overview, timeline, table), or one curve's classify report (--curve).")
    @Argument(help: "The batch output (OUT.jsonl).") var output: String
    @Option(name: [.customShort("o"), .long], help: "The HTML file to write (default: OUT.html, or OUT-NAME.html with --curve).") var to: String?
    @Option(help: "One curve's detail page: its path as recorded, or its file name.") var curve: String?

    func run() throws {
        try reportingErrors {
            guard FileManager.default.fileExists(atPath: output) else { throw InputError(file: output, "no such file") }
            let records = try BatchRunner.records(output)
            let base = (output as NSString).deletingPathExtension
            if let name = curve {
                let matches = records.filter { $0.curve == name || ($0.curve as NSString).lastPathComponent == name }
                guard let r = matches.first else { throw ValidationError("no record of '\(name)' in \(output)") }
                if matches.count > 1 { warn("\(matches.count) records match '\(name)'; showing \(r.curve)") }
                let path = to ?? base + "-" + (((r.curve as NSString).lastPathComponent) as NSString).deletingPathExtension + ".html"
                try AtomicFile.write(BatchReport.detail(record: r), to: path)
                print(path)
            } else {
                let path = to ?? base + ".html"
                try AtomicFile.write(BatchReport.html(records: records, title: "ClusterPDF batch: \((output as NSString).lastPathComponent)"), to: path)
                print(path)
            }
        }
    }
}
