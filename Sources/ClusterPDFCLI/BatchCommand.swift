import ArgumentParser
import ClusterPDF
import Foundation

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify many curves in parallel into a JSON-lines file (resumable, fault-isolated).",
        discussion: """
        INPUT: data files, directories (every .gr/.fgr/.dat and .xy/.xye/.chi/.iq/.sq/.fq inside) or manifests (.csv with a 'path' \
        column, or .jsonl; optional rmin, rmax, qdamp per curve). One JSON line per curve, in input \
        order; bad files give error records. Re-running with the same --output skips curves already \
        recorded. The exit status is the number of failed curves (at most 250).
        """)
    @Argument(help: "Files, directories or manifests.") var inputs: [String]
    @Option(help: "Output JSON-lines file (appended; resumed).") var output: String
    @OptionGroup var library: LibraryOptions
    @OptionGroup var fit: ClassifyFitOptions
    @Option(help: "Parallel curves (default: all cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Process share i of n (e.g. 3/8), for array jobs.") var shard: String?
    @Option(help: "Also write all results as CSV to this file.") var csv: String?
    @Option(help: "Write a self-contained HTML report of all results.") var report: String?

    func run() throws {
        let failed = try reportingErrors { () -> Int in
            var items = try BatchInputs.expand(inputs)
            if let s = shard {
                let p = s.split(separator: "/").compactMap { Int($0) }
                guard p.count == 2, p[1] >= 1, (1...p[1]).contains(p[0]) else { throw ValidationError("--shard must be i/n with 1 ≤ i ≤ n, got '\(s)'") }
                items = BatchInputs.shard(items, index: p[0], of: p[1])
            }
            guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1") }
            let (extra, sources) = try library.extraModels()
            var runner = BatchRunner(miner: try fit.miner(extra: extra, sources: sources, threads: 1), jobs: jobs)
            runner.source = fit.pattern.source
            let tty = isatty(STDERR_FILENO) != 0
            let result = try runner.run(items: items, output: output) { p in
                guard tty else { return }
                let rate = Double(p.done) / max(p.elapsed, 1e-9)
                let left = rate > 0 ? Double(p.total - p.done) / rate : 0
                let width = 30, filled = p.total > 0 ? width * p.done / p.total : width
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardError.write(Data(String(format: "\r[%@] %d/%d  %.1f curves/s  %d:%02d left ", bar, p.done, p.total, rate, Int(left) / 60, Int(left) % 60).utf8))
            }
            if tty { FileHandle.standardError.write(Data("\n".utf8)) }
            let records = try BatchRunner.existingRecords(output)
            let keys = Set(items.map(\.key))
            let mine = records.filter { keys.contains($0.key) }
            warn("\(result.processed) curve(s) processed, \(result.failed) failed, \(result.skipped) already in \(output)")
            var files = [(text: String, path: String)]()
            if let c = csv { files.append((ClassificationReport.csv(records: mine), c)) }
            if let rep = report { files.append((ClassificationReport.html(records: mine, title: "ClusterPDF batch"), rep)) }
            try AtomicFile.writeAll(files)
            return mine.filter { $0.status != .ok }.count
        }
        if failed > 0 { throw ExitCode(Int32(min(failed, 250))) }
    }
}
