import XCTest
@testable import ClusterPDF

/// Array-job batches without a real Slurm: shares from array variables, settings, merge of
/// shard files, job scripts, the shared cache, following a directory and the 10,000-curve report.
/// (The real thing, on a one-node Slurm, is Scripts/test-slurm.)
final class BatchArrayJobTests: XCTestCase {
    func testShardFromArrayVariables() throws {
        XCTAssertEqual(try ShardSpec(parsing: "3/8").description, "3/8")
        // Slurm arrays numbered from 0 or from 1 give the same shares.
        XCTAssertEqual(try ShardSpec(parsing: "auto", environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"]).description, "1/4")
        XCTAssertEqual(try ShardSpec(parsing: "auto", environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"]).description, "4/4")
        XCTAssertEqual(try ShardSpec(parsing: "auto", environment: ["SGE_TASK_ID": "3", "SGE_TASK_FIRST": "1", "SGE_TASK_LAST": "5", "SGE_TASK_STEPSIZE": "1"]).description, "3/5")
        XCTAssertEqual(try ShardSpec(parsing: "auto/3", environment: ["PBS_ARRAY_INDEX": "2"]).description, "2/3")
        XCTAssertEqual(try ShardSpec(parsing: "auto/6", environment: ["PBS_ARRAYID": "6"]).description, "6/6")
        assertError(ShardError.self, try ShardSpec(parsing: "auto", environment: ["PBS_ARRAY_INDEX": "2"]), contains: ["auto/n"])
        assertError(ShardError.self, try ShardSpec(parsing: "auto", environment: [:]), contains: ["SLURM_ARRAY_TASK_ID", "--shard i/n"])
        assertError(ShardError.self, try ShardSpec(parsing: "auto/2", environment: ["PBS_ARRAY_INDEX": "3"]), contains: ["outside 1…2"])
        assertError(ShardError.self, try ShardSpec(parsing: "0/4"), contains: ["1 ≤ i ≤ n"])
        assertError(ShardError.self, try ShardSpec(parsing: "x"), contains: ["i/n"])
        // The shares partition the items.
        let items = (0..<10).map { BatchItem(path: "c\($0).gr") }
        let shares = try (1...3).map { try ShardSpec(index: $0, count: 3).select(items) }
        XCTAssertEqual(shares.flatMap { $0 }.map(\.path).sorted(), items.map(\.path).sorted())
    }

    func testSettingsHashIsStableAndDifferencesNameTheOption() {
        let a = BatchSettings(["--rmax": "12", "--space": "default"])
        let b = BatchSettings(["--space": "default", "--rmax": "12"])
        XCTAssertEqual(a.hash, b.hash)
        XCTAssertEqual(a.hash.count, 16)
        // FNV-1a of fixed text: the same on every machine and Swift version (unlike Hasher).
        XCTAssertEqual(BatchSettings.digest(files: []), "cbf29ce484222325")
        let c = BatchSettings(["--rmax": "20", "--space": "default"])
        XCTAssertNotEqual(a.hash, c.hash)
        XCTAssertEqual(c.differences(from: a), ["--rmax: 12 in the existing records, 20 now"])
    }

    /// Records of a share, fabricated (error records are enough for the merge's bookkeeping).
    func record(_ item: BatchItem, _ settings: BatchSettings) -> Data {
        BatchRecord(key: item.key, curve: item.name, status: .error, error: "\(item.path): test", settings: settings).line
    }

    func testMergeMarksUnfinishedCurvesAndARunRedoesThem() throws {
        let dir = temporaryDirectory()
        let layout = BatchLayout(output: dir + "/out.jsonl")
        try FileManager.default.createDirectory(atPath: layout.logs, withIntermediateDirectories: true)
        let settings = BatchSettings(["--rmax": "12"])
        let items = (0..<7).map { BatchItem(path: dir + "/c\($0).gr") }
        try BatchPlan.writeItems(items, layout)
        try BatchPlan(tasks: 2, settings: settings, curves: 7).save(layout)
        // Share 0 (items 0, 2, 4, 6) complete; share 1 (1, 3, 5) stopped after item 1, mid-line.
        try Data([0, 2, 4, 6].map { record(items[$0], settings) }.joined()).write(to: URL(fileURLWithPath: layout.shard(0)))
        var partial = record(items[1], settings)
        partial.append(record(items[3], settings).prefix(40))
        try partial.write(to: URL(fileURLWithPath: layout.shard(1)))
        let r = try BatchMerge.merge(layout)
        XCTAssertEqual(r.lines.count, 7)
        XCTAssertEqual(r.missing, 2)
        XCTAssertTrue(r.shares[1].partialTail)
        let merged = try BatchOutputFile.lines(layout.output).lines
        XCTAssertEqual(merged.map(\.summary.key), items.map(\.key), "input order")
        XCTAssertEqual(merged.filter { !$0.summary.isFinal }.map(\.summary.key), [items[3].key, items[5].key])
        XCTAssertTrue(merged[3].summary.error?.contains("array task 1") ?? false, merged[3].summary.error ?? "")
        // A re-run's shard 1 would redo exactly items 3 and 5.
        var job = SlurmBatch(output: layout.output, tasks: 2, settings: settings, items: items, executable: "/bin/true", arguments: [])
        job.client = SlurmClient(environment: ["PATH": "/nonexistent"])
        let incomplete = try job.incompleteShares(plan: try BatchPlan.load(layout), items: try BatchPlan.items(layout))
        XCTAssertEqual(incomplete.map(\.index), [1]); XCTAssertEqual(incomplete.map(\.missing), [2])
        // A single-process run on the merged file drops the placeholders and keeps the rest.
        var runner = BatchRunner(miner: ClusterMiner(options: .init()), jobs: 1)
        runner.settings = settings
        let done = try runner.prepare(output: layout.output)
        XCTAssertEqual(done, Set([0, 1, 2, 4, 6].map { items[$0].key }))
        // Without Slurm, submitting says which command is missing.
        assertError(SlurmClient.SlurmError.self, try job.submit(), contains: ["sbatch", "not found"])
        // Records of other settings are refused, naming the option.
        try Data(record(items[1], BatchSettings(["--rmax": "15"]))).write(to: URL(fileURLWithPath: layout.shard(1)))
        assertError(SettingsMismatchError.self, try BatchMerge.merge(layout), contains: ["--rmax: 15 in the existing records, 12 now"])
        // Another --tasks, or changed inputs, are refused as well.
        job.tasks = 3
        assertError(SlurmBatch.PlanError.self, try job.submit(), contains: ["--tasks 2"])
        job.tasks = 2; job.items.removeLast()
        assertError(SlurmBatch.PlanError.self, try job.submit(), contains: ["inputs changed", "1 gone"])
    }

    func testArraySpecAndJobScripts() throws {
        XCTAssertEqual(SlurmBatch.arraySpec([0, 1, 2, 3]), "0-3")
        XCTAssertEqual(SlurmBatch.arraySpec([2]), "2")
        XCTAssertEqual(SlurmBatch.arraySpec([6, 0, 1, 3, 5]), "0-1,3,5-6")
        let dir = temporaryDirectory() + "/with space"
        let layout = BatchLayout(output: dir + "/out.jsonl")
        var o = SlurmJobOptions()
        o.partition = "short"; o.time = "1:00:00"; o.cpusPerTask = 2; o.extra = ["--qos=low"]
        let task = SlurmJobScript.task(layout: layout, tasks: 4, executable: "/opt/bin/clusterpdf", arguments: ["--rmax", "12", "--elements", "Cd,Se"],
                                       options: o, workingDirectory: dir)
        for line in ["#SBATCH --partition=short", "#SBATCH --time=1:00:00", "#SBATCH --cpus-per-task=2", "#SBATCH --qos=low",
                     "--shard $((K + 1))/4", "shard-$K.jsonl", "--jobs ${SLURM_CPUS_PER_TASK:-1}", "'\(layout.inputs)'", "--rmax 12"] {
            XCTAssertTrue(task.contains(line), "task script lacks \(line):\n\(task)")
        }
        let merge = SlurmJobScript.merge(layout: layout, executable: "/opt/bin/clusterpdf", options: o, workingDirectory: dir)
        XCTAssertTrue(merge.contains("batch merge '\(layout.output)'"), merge)
        XCTAssertFalse(merge.contains("cpus-per-task"))
        // Both are valid bash.
        for script in [task, merge] {
            let f = writeTemporary(script, name: "job.sbatch")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-n", f]
            try p.run(); p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, script)
        }
        XCTAssertEqual(SlurmJobScript.quote("it's"), "'it'\\''s'")
    }

    func testSharedCacheIsBuiltOnceAndChecked() throws {
        let dir = temporaryDirectory() + "/cache"
        let space = CandidateSpace(stackings: [StackingSequence(.zincblende)], shapes: [ParticleShape(.sphere, radius: 1)], radii: [5, 6],
                                   centers: [.cation], surfaces: [SurfaceRule()], tetrahedronEdges: [3, 4], coreLayers: [], coreRings: [], coreTwists: [])
        let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
        // Four "tasks" (separate cache objects, as separate processes have) start on an empty directory at once.
        let results = Mutex([(fromCache: Bool, entries: Int)]())
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let r = CandidateCache(directory: dir).candidates(space: space, cation: cd, anion: se, threads: 1)
            results.withLock { $0.append((r.fromCache, r.set.entries.count)) }
        }
        let all = results.withLock { $0 }
        XCTAssertEqual(all.filter { !$0.fromCache }.count, 1, "one builder, three readers")
        XCTAssertEqual(Set(all.map(\.entries)).count, 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        XCTAssertEqual(files.filter { $0.hasSuffix(".cpdfhist") }.count, 1)
        XCTAssertTrue(files.filter { $0.contains("tmp") }.isEmpty, "\(files)")
        // A damaged byte in the middle fails the checksum: the file is rebuilt, never trusted.
        let path = CandidateCache(directory: dir).path(key: space.key(cation: cd, anion: se))
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[data.count / 2] ^= 0x40
        try data.write(to: URL(fileURLWithPath: path))
        let again = CandidateCache(directory: dir).candidates(space: space, cation: cd, anion: se, threads: 1)
        XCTAssertFalse(again.fromCache)
        XCTAssertTrue(again.stored)
        XCTAssertTrue(CandidateCache(directory: dir).candidates(space: space, cation: cd, anion: se, threads: 1).fromCache)
    }
}

import Synchronization
