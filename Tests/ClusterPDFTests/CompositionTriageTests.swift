import XCTest
@testable import ClusterPDF

/// Curves without a stated composition: the binary comes from the data, never from an assumption.
final class CompositionTriageTests: XCTestCase {
    static let store = CandidateStore(cache: nil)

    /// A header-less realistic G(r) of a wurtzite or zincblende sphere of `binary`.
    func curve(_ binary: String, wurtzite: Bool, radius: Double, seed: UInt64) throws -> MeasuredCurve {
        let els = try XCTUnwrap(Composition.elements(in: binary))
        let c = els.first { !$0.isAnionLike }!, a = els.first { $0.isAnionLike }!
        let cell = wurtzite ? try CrystalBuilder.wurtzite(cation: c, anion: a) : try CrystalBuilder.zincblende(cation: c, anion: a)
        var s = SyntheticCurve()
        s.uisoPerElement = [a: 0.008, c: 0.02]; s.delta2 = 5; s.zoom = 0.997; s.qmin = 1; s.qmax = 20; s.noise = 0.01; s.seed = seed
        let (r, g) = try s.curve(of: ClusterCarver.carve(cell, radius: radius))
        return try MeasuredCurveReader.parse(text: s.text(r: r, g: g, composition: nil, header: false), file: "\(binary).gr").withSpectralQRange()
    }

    /// CdS, ZnSe and InP curves without a composition: the triage keeps their binary among at most
    /// two (InP and CdS have nearly the same lattice and X-ray contrast, so both may stay), every
    /// tabulated binary is tried, and the classification on the kept ones names the right binary.
    func testTriageFindsTheBinary() throws {
        var o = ClusterMiner.Options()
        o.space = .quick; o.store = CompositionTriageTests.store; o.threads = 2
        for (k, (binary, wz)) in [("CdS", true), ("ZnSe", false), ("InP", false)].enumerated() {
            let data = try curve(binary, wurtzite: wz, radius: 11, seed: UInt64(40 + k))
            let t = try CompositionTriage.run(data, options: RefinementOptions(), threads: 2)
            XCTAssertTrue(t.kept.contains(binary), t.summary)
            XCTAssertLessThanOrEqual(t.kept.count, CompositionTriage.maximumKept)
            XCTAssertGreaterThanOrEqual(t.evidence.count, MaterialTable.binaries.count, "every tabulated binary is tried")
            let (c, _) = try ClusterMiner(options: o).classify(data)
            XCTAssertTrue(c.bestModel.hasPrefix(binary + "-"), "\(binary): \(c.bestModel); \(t.summary)")
        }
    }

    /// The miner classifies on the triage's binaries and never assumes CdSe silently.
    func testClassificationWithoutComposition() throws {
        var o = ClusterMiner.Options()
        o.space = .quick; o.store = CompositionTriageTests.store; o.threads = 2
        let data = try curve("ZnSe", wurtzite: true, radius: 10, seed: 7)
        let (c, _) = try ClusterMiner(options: o).classify(data)
        XCTAssertTrue(c.bestModel.hasPrefix("ZnSe"), c.bestModel)
        let t = try XCTUnwrap(c.composition)
        XCTAssertEqual(t.kept.first, "ZnSe")
        let note = try XCTUnwrap(c.notes?.first { $0.hasPrefix("no composition") })
        XCTAssertTrue(note.contains("ZnSe Rw") && note.contains("classified on"), note)
        let decoded = try JSONDecoder().decode(Classification.self, from: JSONEncoder().encode(c))
        XCTAssertEqual(decoded.composition, t)
    }
}
