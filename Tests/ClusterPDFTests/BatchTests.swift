import XCTest
@testable import ClusterPDF

/// Synthetic measured curves for classifier and batch tests.
enum SyntheticCurves {
    static let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    /// G(r) of `structure` with jitter, Uiso, qdamp and noise, written as a PDFgetX3-style file.
    static func write(_ structure: Structure, to path: String, seed: UInt64, jitter: Double = 0.03, uiso: Double = 0.01,
                      qdamp: Double = 0.04, noise: Double = 0.02, rmax: Double = 20) throws {
        var s = ScatteringSettings()
        s.qmin = 1; s.qmax = 20; s.qdamp = qdamp; s.rmin = 1.5; s.rmax = rmax; s.rstep = 0.01
        s.displacements = DisplacementSettings(all: uiso)
        let jittered = try StructureTransforms.jitter(structure, sigma: jitter, seed: seed)
        let g = try DebyeCalculator(structure: jittered, settings: s).pairDistributionFunction()
        let amp = g.y.map(abs).max()!
        var rng = SplitMix64(seed: seed &* 7919)
        var text = "composition = Cd Se\nqmin = 1\nqmax = 20\nqdamp = \(qdamp)\n\n#### start data\n#S 1\n#L r G\n"
        for (r, v) in zip(g.x, g.y) { text += String(format: "%.4f %.8e\n", r, v + noise * amp * rng.gaussian()) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A small two-family library: the Cd35Se20 tetrahedron and a 6 Å wurtzite sphere.
    static func smallModels() throws -> [ClassifierModel] {
        [ClassifierModel(name: "Cd35Se20", path: "builtin:Cd35Se20.xyz", family: .zincblendeLike, structure: try TetrahedronBuilder.build(cation: cd, anion: se, size: 5)),
         ClassifierModel(name: "wz-R6", path: "builtin:CdSe-wurtzite-R6.xyz", family: .wurtziteLike,
                         structure: try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: cd, anion: se), radius: 6))]
    }

    /// `count` curves alternating between the two small models; every 20th file is corrupted.
    static func directory(count: Int) throws -> (dir: String, bad: Set<String>) {
        let dir = temporaryDirectory()
        let models = try smallModels()
        var bad = Set<String>()
        for i in 0..<count {
            let path = dir + String(format: "/curve-%04d.gr", i)
            if i % 20 == 7 {
                try "qmin = 1\n#### start data\n1.5 0.1\n1.51 0.2\n1.52 nan\n".write(toFile: path, atomically: true, encoding: .utf8)
                bad.insert(path)
            } else {
                try write(models[i % 2].structure, to: path, seed: UInt64(i + 1), rmax: 12)
            }
        }
        return (dir, bad)
    }
}

final class BatchTests: XCTestCase {
    /// A miner over a tiny candidate space (tetrahedra and small wurtzite/zincblende spheres),
    /// shared in memory, so that batches of tens of curves take seconds.
    static let store = CandidateStore(cache: nil)
    func classifier() throws -> ClusterMiner {
        var o = ClusterMiner.Options()
        o.refinement.overrides.rmax = 12
        o.space = CandidateSpace(stackings: [StackingSequence(.zincblende), StackingSequence(.wurtzite)],
                                 shapes: [ParticleShape(.sphere, radius: 1)], radii: [5, 6, 7], centers: [.cation],
                                 surfaces: [SurfaceRule()], tetrahedronEdges: [4, 5, 6], coreLayers: [], coreRings: [], coreTwists: [])
        o.includeCrystals = false
        o.finalistsPerFamily = 1
        o.store = BatchTests.store
        return ClusterMiner(options: o)
    }

    func testBatchFaultIsolationOrderAndDeterminism() throws {
        let (dir, bad) = try SyntheticCurves.directory(count: 40)
        let items = try BatchInputs.expand([dir])
        XCTAssertEqual(items.count, 40)
        let out1 = temporaryDirectory() + "/a.jsonl", out2 = temporaryDirectory() + "/b.jsonl"
        let r1 = try BatchRunner(miner: classifier(), jobs: 1).run(items: items, output: out1)
        let r2 = try BatchRunner(miner: classifier(), jobs: 3).run(items: items, output: out2)
        XCTAssertEqual(r1.failed, bad.count)
        XCTAssertEqual(r2.failed, bad.count)
        XCTAssertEqual(try String(contentsOfFile: out1, encoding: .utf8), try String(contentsOfFile: out2, encoding: .utf8), "same results whatever --jobs is")
        let records = try BatchRunner.existingRecords(out1)
        XCTAssertEqual(records.map(\.curve), items.map(\.path), "input order")
        XCTAssertEqual(Set(records.filter { $0.status == .error }.map(\.curve)), bad)
        for r in records where r.status == .error { XCTAssertTrue(r.error!.contains(":5:"), r.error!) }
        // Synthetic curves of each family are classified correctly.
        for (i, r) in records.enumerated() where r.status == .ok {
            XCTAssertEqual(r.classification!.verdict, i % 2 == 0 ? .zincblendeLike : .pseudoWurtzite, r.curve)
        }
        // Re-running skips everything.
        let again = try BatchRunner(miner: classifier(), jobs: 2).run(items: items, output: out1)
        XCTAssertEqual(again.processed, 0)
        XCTAssertEqual(again.skipped, 40)
    }

    /// A run interrupted mid-line resumes to the same file as an uninterrupted run.
    /// A batch record has the schema of `classify --json`: the same document, flat, plus the
    /// batch's bookkeeping fields; records of the earlier nested format are still read.
    func testBatchRecordHasTheSchemaOfClassifyJSON() throws {
        let dir = temporaryDirectory()
        let curve = dir + "/one.gr"
        try SyntheticCurves.write(try SyntheticCurves.smallModels()[0].structure, to: curve, seed: 3, rmax: 12)
        let common = ["--quick", "--rmax", "12"]
        let single = try runCLI(["classify", curve, "--json"] + common)
        XCTAssertEqual(single.status, 0, single.err)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(single.out.utf8)) as? [String: Any])
        let out = dir + "/out.jsonl"
        let batch = try runCLI(["batch", curve, "-o", out, "--jobs", "1"] + common)
        XCTAssertEqual(batch.status, 0, batch.err)
        let line = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")[0]
        let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertNil(record["classification"], "no nested classification")
        XCTAssertEqual(Set(record.keys).subtracting(doc.keys), ["key", "status", "batchSettings", "settingsHash"])
        XCTAssertEqual(Set(doc.keys).subtracting(record.keys), [])
        for k in ["verdict", "bestModel", "curve"] { XCTAssertEqual(record[k] as? String, doc[k] as? String, k) }
        XCTAssertEqual(record["bestRw"] as? Double, doc["bestRw"] as? Double)
        XCTAssertEqual((record["settings"] as? [String: Any])?.keys.sorted(), (doc["settings"] as? [String: Any])?.keys.sorted(),
                       "settings are the data settings in both")
        // The record reads back whole, and its summary comes from the bookkeeping fields alone.
        let r = try JSONDecoder().decode(BatchRecord.self, from: Data(line.utf8))
        XCTAssertEqual(r.classification?.verdict.rawValue, doc["verdict"] as? String)
        XCTAssertEqual(r.settings?.hash, record["settingsHash"] as? String)
        XCTAssertEqual(String(decoding: r.line.dropLast(), as: UTF8.self), String(line), "written again byte for byte")
        let summary = try XCTUnwrap(BatchOutputFile.summary(Data(line.utf8), JSONDecoder()))
        XCTAssertEqual(summary.curve, curve)
        XCTAssertEqual(summary.status, .ok)
        // A record of the earlier format (nested classification, batch settings under `settings`).
        var old = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        var nested = [String: Any]()
        for k in doc.keys { nested[k] = old.removeValue(forKey: k) }
        nested["curve"] = curve
        old["curve"] = curve
        old["settings"] = old.removeValue(forKey: "batchSettings")
        old["classification"] = nested
        let legacy = try JSONDecoder().decode(BatchRecord.self, from: JSONSerialization.data(withJSONObject: old))
        XCTAssertEqual(legacy.classification?.bestModel, r.classification?.bestModel)
        XCTAssertEqual(legacy.settings?.hash, r.settings?.hash)
    }

    func testResumeAfterPartialWrite() throws {
        let (dir, _) = try SyntheticCurves.directory(count: 20)
        let items = try BatchInputs.expand([dir])
        let clean = temporaryDirectory() + "/clean.jsonl"
        _ = try BatchRunner(miner: classifier(), jobs: 2).run(items: items, output: clean)
        let text = try String(contentsOfFile: clean, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let partial = temporaryDirectory() + "/partial.jsonl"
        try (lines.prefix(7).joined(separator: "\n") + "\n" + lines[7].prefix(50)).write(toFile: partial, atomically: true, encoding: .utf8)
        let r = try BatchRunner(miner: classifier(), jobs: 2).run(items: items, output: partial)
        XCTAssertEqual(r.skipped, 7)
        XCTAssertEqual(try String(contentsOfFile: partial, encoding: .utf8), text)
    }

    func testShardsPartitionInputs() throws {
        let items = (0..<10).map { BatchItem(path: "c\($0).gr") }
        let shards = (1...3).map { BatchInputs.shard(items, index: $0, of: 3) }
        XCTAssertEqual(shards.map(\.count), [4, 3, 3])
        XCTAssertEqual(Set(shards.flatMap { $0 }), Set(items))
    }

    func testManifests() throws {
        let dir = temporaryDirectory()
        try "path,rmin,rmax\na.gr,2,15\n/abs/b.gr,,\n".write(toFile: dir + "/m.csv", atomically: true, encoding: .utf8)
        let csv = try BatchInputs.expand([dir + "/m.csv"])
        XCTAssertEqual(csv.map(\.path), [dir + "/a.gr", "/abs/b.gr"])
        XCTAssertEqual(csv[0].rmin, 2); XCTAssertEqual(csv[0].rmax, 15); XCTAssertNil(csv[1].rmin)
        try "{\"path\": \"x.gr\", \"qdamp\": 0.03}\n\n".write(toFile: dir + "/m.jsonl", atomically: true, encoding: .utf8)
        let jl = try BatchInputs.expand([dir + "/m.jsonl"])
        XCTAssertEqual(jl.first?.qdamp, 0.03)
        try "path\nok.gr\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        try "rmin\n1\n".write(toFile: dir + "/nopath.csv", atomically: true, encoding: .utf8)
        assertInputError(try BatchInputs.expand([dir + "/nopath.csv"]), contains: ["nopath.csv:1", "path"])
        // A missing input is a work item (its record will say "no such file"), never a stop.
        XCTAssertEqual(try BatchInputs.expand([dir + "/missing", dir + "/m.jsonl"]).map(\.path), [dir + "/missing", dir + "/x.gr"])
        // Quoted fields may hold commas and doubled quotes (RFC 4180).
        try "path,rmin\n\"run 1, sample \"\"A\"\".gr\",2.5\n".write(toFile: dir + "/q.csv", atomically: true, encoding: .utf8)
        let q = try BatchInputs.expand([dir + "/q.csv"])
        XCTAssertEqual(q.map(\.path), [dir + "/run 1, sample \"A\".gr"])
        XCTAssertEqual(q[0].rmin, 2.5)
        // The same curve named twice (directly, through "./", a directory and a manifest) is processed once.
        let sub = dir + "/curves"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        try "1 0\n2 1\n".write(toFile: sub + "/c.gr", atomically: true, encoding: .utf8)
        try "path\ncurves/c.gr\n".write(toFile: dir + "/dup.csv", atomically: true, encoding: .utf8)
        let once = try BatchInputs.expand([sub + "/c.gr", sub + "/./c.gr", sub, dir + "/dup.csv", dir + "/curves/../curves/c.gr"])
        XCTAssertEqual(once.map(\.path), [sub + "/c.gr"])
    }

    /// The real thing: the CLI killed halfway (SIGKILL) and run again gives the clean result.
    func testCLIKillAndResume() throws {
        let (dir, bad) = try SyntheticCurves.directory(count: 40)
        let lib = temporaryDirectory() + "/lib"
        for m in try SyntheticCurves.smallModels() {
            let f = temporaryDirectory() + "/\(m.name).xyz"
            try XYZWriter.string(m.structure).write(toFile: f, atomically: true, encoding: .utf8)
            try ModelLibrary.add(file: f, family: m.family, directory: lib)
        }
        let space = temporaryDirectory() + "/space.json"
        let enc = JSONEncoder()
        try enc.encode(try classifier().options.space).write(to: URL(fileURLWithPath: space))
        let args = ["batch", dir, "--library", lib, "--space", space, "--rmax", "12", "--jobs", "2", "--output"]
        let clean = temporaryDirectory() + "/clean.jsonl"
        let c = try runCLI(args + [clean])
        XCTAssertEqual(c.status, Int32(bad.count), c.err)
        let killed = temporaryDirectory() + "/killed.jsonl"
        let p = Process()
        p.executableURL = executableURL
        p.arguments = args + [killed]
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until some results are written, then kill -9.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let n = (try? String(contentsOfFile: killed, encoding: .utf8))?.filter { $0 == "\n" }.count ?? 0
            if n >= 10 { break }
            usleep(20_000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let before = (try String(contentsOfFile: killed, encoding: .utf8)).filter { $0 == "\n" }.count
        XCTAssertLessThan(before, 40, "the run was killed before the end")
        let resumed = try runCLI(args + [killed])
        XCTAssertEqual(resumed.status, Int32(bad.count), resumed.err)
        XCTAssertEqual(try String(contentsOfFile: killed, encoding: .utf8), try String(contentsOfFile: clean, encoding: .utf8))
    }

    /// A missing, unreadable or vanished input is an error record like any other; the rest go on.
    func testMissingAndVanishedInputsAreErrorRecords() throws {
        let dir = temporaryDirectory()
        let good = dir + "/good.gr", gone = dir + "/gone.gr"
        try SyntheticCurves.write(try SyntheticCurves.smallModels()[0].structure, to: good, seed: 3, rmax: 12)
        try "x".write(toFile: gone, atomically: true, encoding: .utf8)
        let items = try BatchInputs.expand([dir + "/never.gr", gone, good, dir + "/no-such-dir"])
        try FileManager.default.removeItem(atPath: gone)
        let out = dir + "/out.jsonl"
        let r = try BatchRunner(miner: try classifier(), jobs: 2).run(items: items, output: out)
        XCTAssertEqual(r.processed, 4); XCTAssertEqual(r.failed, 3)
        let recs = try BatchRunner.existingRecords(out)
        XCTAssertEqual(recs.map(\.curve), [dir + "/never.gr", gone, good, dir + "/no-such-dir"])
        XCTAssertEqual(recs.map(\.status), [.error, .error, .ok, .error])
        XCTAssertTrue(recs[0].error?.contains("never.gr: no such file") ?? false, recs[0].error ?? "")
        XCTAssertNotNil(recs[2].settingsHash)
    }

    /// --follow: curves that appear (by rename, or written in place and then left alone) are
    /// classified once each, in arrival order, until the idle timeout; half-written and hidden
    /// files wait.
    func testFollowDirectory() throws {
        let watch = temporaryDirectory(), stage = temporaryDirectory()
        let out = temporaryDirectory() + "/follow.jsonl"
        let models = try SyntheticCurves.smallModels()
        for i in 0..<3 { try SyntheticCurves.write(models[i % 2].structure, to: stage + "/f\(i).gr", seed: UInt64(40 + i), rmax: 12) }
        var f = DirectoryFollower(directory: watch)
        f.settle = 0.3; f.idleTimeout = 1.5; f.poll = 0.05
        let writer = Thread {
            // Arrival order b (rename), a (copied in place), c (rename); a hidden temp file never counts.
            try? FileManager.default.moveItem(atPath: stage + "/f0.gr", toPath: watch + "/b.gr")
            Thread.sleep(forTimeInterval: 0.6)
            try? FileManager.default.copyItem(atPath: stage + "/f1.gr", toPath: watch + "/a.gr")
            try? "partial".write(toFile: watch + "/.c.gr.tmp", atomically: false, encoding: .utf8)
            Thread.sleep(forTimeInterval: 0.6)
            try? FileManager.default.moveItem(atPath: stage + "/f2.gr", toPath: watch + "/c.gr")
        }
        writer.start()
        var runner = BatchRunner(miner: try classifier(), jobs: 1)
        runner.settings = BatchSettings(["test": "follow"])
        let start = Date()
        let r = try f.follow(runner: runner, output: out, shouldStop: { Date().timeIntervalSince(start) > 60 })
        XCTAssertEqual(r.processed, 3)
        XCTAssertEqual(try BatchRunner.existingRecords(out).map { ($0.curve as NSString).lastPathComponent }, ["b.gr", "a.gr", "c.gr"])
        // Following again finds nothing new and adds nothing.
        f.idleTimeout = 0.3
        XCTAssertEqual(try f.follow(runner: runner, output: out, shouldStop: { false }).processed, 0)
        XCTAssertEqual(try BatchRunner.existingRecords(out).count, 3)
    }

    /// The batch report of 10,000 curves: small, every in-page link resolves, probabilities,
    /// sizes, warnings and the timeline on the frames' time axis are there.
    func testReportOfTenThousandCurves() throws {
        let (dir, _) = try SyntheticCurves.directory(count: 2)
        let out = temporaryDirectory() + "/two.jsonl"
        _ = try BatchRunner(miner: try classifier(), jobs: 2).run(items: try BatchInputs.expand([dir]), output: out)
        let base = try BatchRunner.existingRecords(out)
        var c = try XCTUnwrap(base.first(where: { $0.classification != nil })?.classification)
        c.warnings.append(RefinementWarning(.atBound, "uiso at its upper bound 0.1 Å²"))
        var records = [BatchRecord]()
        for i in 0..<10_000 {
            if i % 500 == 7 {
                records.append(BatchRecord(key: "bad\(i)", curve: "run/frame-\(i).gr", status: .error, error: "run/frame-\(i).gr:3: 'nan' is not a number"))
                continue
            }
            var r = BatchRecord(key: "k\(i)", curve: "run/frame-\(i).gr", status: .ok, classification: c, frame: ["time": Double(i) * 2.5])
            r.classification?.bestRw = 0.2 + 0.1 * sin(Double(i) / 300)
            records.append(r)
        }
        let html = BatchReport.html(records: records, title: "test")
        let bytes = html.utf8.count
        XCTAssertLessThan(bytes, 5_000_000, "report of 10,000 curves is \(bytes) bytes")
        for needle in ["Verdicts", "Timeline", "time (header)", "p(zb)", "atoms", "diameter (Å)", "uiso at its upper bound", "'nan' is not a number", "frame-9999.gr", "<polyline"] {
            XCTAssertTrue(html.contains(needle), "report lacks \(needle)")
        }
        let ids = Set(matches(html, ##"id="([^"]+)""##))
        for target in matches(html, ##"href="#([^"]+)""##) { XCTAssertTrue(ids.contains(target), "link to #\(target) has no anchor") }
        XCTAssertEqual(matches(html, ##"href="([^#][^"]*)""##), [], "no links to other files")
        // One curve's page on demand.
        let detail = BatchReport.detail(record: base[0])
        XCTAssertTrue(detail.contains("<h3>") || detail.contains("error"), detail.prefix(300).description)
        for target in matches(detail, ##"href="#([^"]+)""##) { XCTAssertTrue(Set(matches(detail, ##"id="([^"]+)""##)).contains(target), "detail link #\(target)") }
    }

    /// `batch report` only reads: a partly written last line (a run still appending) stays.
    func testReportLeavesARunningOutputAlone() throws {
        let (dir, _) = try SyntheticCurves.directory(count: 2)
        let out = temporaryDirectory() + "/run.jsonl"
        _ = try BatchRunner(miner: try classifier(), jobs: 1).run(items: try BatchInputs.expand([dir]), output: out)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: out)); try h.seekToEnd(); try h.write(contentsOf: Data("{\"curve\":\"x".utf8)); try h.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let r = try runCLI(["batch", "report", out, "-o", temporaryDirectory() + "/r.html"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), before)
    }

    func matches(_ text: String, _ pattern: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern)
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
    }
}
