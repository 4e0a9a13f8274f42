import XCTest
@testable import ClusterPDF

final class ClassifierTests: XCTestCase {
    /// The measured bulk CdSe curve is pseudo-wurtzite (wurtzite-like) with a clear Rw difference,
    /// classified against a fixed model list (the library's models only: `CandidateSpace.none`).
    func testMeasuredBulkIsPseudoWurtzite() throws {
        let models = try ClassifierModel.load(ModelLibrary.load(directory: repoRoot + "/Structures"))
        let curve = try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr"))
        let (c, fits) = try modelListMiner(models).classify(curve)
        XCTAssertEqual(c.verdict, .pseudoWurtzite)
        XCTAssertGreaterThan(c.classRwDifference!, 0.2)
        XCTAssertEqual(c.ranking?.screened, 0, "no generated candidate")
        XCTAssertEqual(c.rule, MiningThresholds.calibrated, "one rule for model lists and generated candidates")
        XCTAssertGreaterThan(c.probabilities?[.pseudoWurtzite] ?? 0, 0.99)
        XCTAssertEqual(c.bestByClass[.pseudoWurtzite]!.family, .wurtziteLike)
        XCTAssertFalse(c.scores.contains { $0.formula == "In35P20" }, "composition filter: only Cd–Se models")
        XCTAssertEqual(fits.count, c.scores.count)
        XCTAssertEqual(zip(c.scores, c.scores.dropFirst()).allSatisfy { $0.rw <= $1.rw }, true, "ranked by Rw")
    }

    /// Held-apart synthetic curves of both families and a non-semiconductor probe.
    func testSyntheticHeldApartAndNoMatch() throws {
        let all = try BuiltinModels.all()
        var rng = SplitMix64(seed: 11)
        for name in ["Cd56Se35.xyz", "CdSe-wurtzite-R8.xyz"] {
            let held = all.first { $0.name == name }!
            let rest = all.filter { $0.name != name }
            var curve = try MiningCalibration.simulate(held.structure, rng: &rng)
            XCTAssertNotNil(curve.headerNumber("qdamp"), "the classifier takes qdamp from the header")
            curve.header["composition"] = "Cd Se"
            let (c, _) = try modelListMiner(rest).classify(curve)
            XCTAssertEqual(c.verdict, held.family.verdictClass, name)
        }
        let probe = try MiningCalibration.probes(rng: &rng)[0].1
        var au = try MiningCalibration.simulate(probe, rng: &rng)
        au.header["composition"] = "Au"
        let (c, _) = try modelListMiner(all).classify(au)
        XCTAssertEqual(c.verdict, .noMatch, "gold is neither family")
        XCTAssertTrue(c.noMatchReason?.contains("Au") ?? false, c.noMatchReason ?? "no reason")
    }

    /// classify --json prints one JSON document: an object for one curve, an array for several.
    func testClassifyJSONIsOneDocument() throws {
        let lib = ["--library", repoRoot + "/Structures", "--json", "--quick"]
        let one = try runCLI(["classify", fixture("measured/CdSe-bulk.gr")] + lib)
        XCTAssertEqual(one.status, 0, one.err)
        XCTAssertTrue(try JSONSerialization.jsonObject(with: Data(one.out.utf8)) is [String: Any])
        let two = try runCLI(["classify", fixture("measured/CdSe-bulk.gr"), fixture("measured/CdSe-4.gr")] + lib)
        XCTAssertEqual(two.status, 0, two.err)
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(two.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 2)
        XCTAssertEqual(array[0]["verdict"] as? String, "pseudo-wurtzite")
    }

    func testCompositionFilter() throws {
        XCTAssertEqual(Composition.elements(in: "Cd Se"), [Element(symbol: "Se")!, Element(symbol: "Cd")!])
        XCTAssertEqual(Composition.elements(in: "In1.0P1.0"), [Element(symbol: "P")!, Element(symbol: "In")!])
        let x = stride(from: 1.0, through: 20, by: 0.01).map { $0 }
        let curve = MeasuredCurve(path: "zn.gr", x: x, y: x.map { sin(4 * $0) }, dy: nil, header: ["composition": "Zn S"], columnNames: [])
        let (c, _) = try modelListMiner(try BuiltinModels.all()).classify(curve)
        XCTAssertEqual(c.verdict, .noMatch)
        XCTAssertTrue(c.noMatchReason?.contains("S, Zn") ?? false, c.noMatchReason ?? "no reason")
    }

    func testHomology() throws {
        let cdse = try TetrahedronBuilder.build(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, size: 5)
        let inp = try StructureTransforms.swap(cdse, map: StructureTransforms.parseMap("Cd=In,Se=P"))
        let same = try PairDistributionHomology.compare(cdse, inp)
        XCTAssertTrue(same.homologous)
        XCTAssertEqual(same.mapping, ["In": "Cd", "P": "Se"])
        XCTAssertGreaterThan(same.pearson, 0.999)
        XCTAssertLessThan(same.rw, 0.01)
        let wz = try ClusterCarver.carve(CrystalBuilder.wurtzite(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!), radius: 7)
        XCTAssertEqual(Double(wz.count), Double(cdse.count), accuracy: 15, "clusters of about the same size")
        let different = try PairDistributionHomology.compare(cdse, wz)
        XCTAssertFalse(different.homologous)
        XCTAssertLessThan(different.coordinationOverlap["anion"]!, 0.7)
        // The CLI prints the verdict.
        let r = try runCLI(["homology", repoRoot + "/Structures/Cd35Se20.xyz", repoRoot + "/Structures/In35P20.xyz"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("verdict:   homologous"), r.out)
    }

    func testClassifyCLIReportAndErrors() throws {
        let dir = temporaryDirectory()
        let bad = writeTemporary("1 2\n", name: "short.gr")
        let r = try runCLI(["classify", fixture("measured/CdSe-bulk.gr"), bad, "--csv", "--report", dir + "/r.html", "--plot", dir + "/plots", "--quick"])
        XCTAssertEqual(r.status, 1, "one curve failed")
        XCTAssertTrue(r.err.contains("short.gr"), r.err)
        XCTAssertTrue(r.out.hasPrefix(ClassificationReport.csvHeader), r.out)
        XCTAssertTrue(r.out.contains("CdSe-bulk.gr,pseudo-wurtzite,CdSe-wurtzite.cif"), r.out)
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<svg") && html.contains("pseudo-wurtzite") && html.contains("short.gr") && !html.contains("src=\"http"))
        XCTAssertTrue(html.contains("verdict needs ≥ 0.90") && html.contains("<th>candidate</th>"), "probability bar, rule and ranking")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/plots/CdSe-bulk.svg"))
    }
}
