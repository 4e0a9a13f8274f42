import XCTest
@testable import ClusterPDF

/// The miner's ranking: the best candidate it reports is the best refined candidate of the space,
/// up to the stated tolerance.
final class RankingTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
    static let store = CandidateStore(cache: nil)

    func miner(_ configure: (inout ClusterMiner.Options) -> Void = { _ in }) -> ClusterMiner {
        var o = ClusterMiner.Options()
        o.space = .quick
        o.store = RankingTests.store
        o.threads = 2
        configure(&o)
        return ClusterMiner(options: o)
    }

    /// A realistic curve of a quick-space tetrahedron (Cd Uiso 3× Se, δ2 5.5, zoom 0.995, noise).
    func curve(edge: Int, anionTerminated: Bool, seed: UInt64) throws -> MeasuredCurve {
        var s = SyntheticCurve()
        s.uisoPerElement = [se: 0.009, cd: 0.027]; s.delta2 = 5.5; s.zoom = 0.995; s.qmin = 1; s.qmax = 19; s.qdamp = 0.045
        s.noise = 0.01; s.seed = seed
        let spec = CandidateSpec(cation: cd, anion: se, generator: .tetrahedron(edge: edge, anionTerminated: anionTerminated))
        let (r, g) = try s.curve(of: spec.build())
        return try MeasuredCurveReader.parse(text: s.text(r: r, g: g, composition: "Cd Se", header: true), file: spec.name + ".gr")
    }

    /// The stopping rule holds on its output: every candidate evaluated but not refined lies at
    /// least the tolerance above the best refined one, the summary says so, and every Rw in the
    /// list names its source.
    func testStoppingRuleHolds() throws {
        let (c, _) = try miner().classify(try curve(edge: 6, anionTerminated: false, seed: 21))
        let k = try XCTUnwrap(c.ranking)
        XCTAssertTrue(k.settled)
        XCTAssertGreaterThan(k.evaluated, k.refined)
        XCTAssertGreaterThanOrEqual(k.refined, 3)
        let generated = try XCTUnwrap(c.candidates).filter { $0.recipe != nil }
        let bestRefined = try XCTUnwrap(generated.filter { $0.rwSource == .refined }.map(\.rw).min())
        for s in generated where s.rwSource == .evaluated { XCTAssertGreaterThanOrEqual(s.rw - k.tolerance, bestRefined, s.name) }
        XCTAssertEqual(generated.first?.rwSource, .refined, "the best listed candidate is a refined one")
        XCTAssertEqual(generated.first?.name, "CdSe-tetrahedron-N6-cation")
        XCTAssertTrue(ClassificationReport.text(c).contains("ranking:"))
        let decoded = try JSONDecoder().decode(Classification.self, from: JSONEncoder().encode(c))
        XCTAssertEqual(decoded.ranking, k)
    }

    /// No class probability rests on an unrefined candidate in contention: the best candidate of
    /// every class (faulted ones by their vote) within ΔBIC 18 of the best is refined; and the
    /// class probabilities re-derived from the listed candidates at the rule's own temperature are
    /// the classification's (what `calibrate --temperatures` and `misspecified` rely on).
    func testEveryClassInContentionIsRefined() throws {
        let m = miner { $0.listed = 1_000_000 }
        for (edge, anion, seed) in [(5, false, 41), (6, true, 42)] {
            let (c, _) = try m.classify(try curve(edge: edge, anionTerminated: anion, seed: UInt64(seed)))
            let generated = try XCTUnwrap(c.candidates).filter { $0.recipe != nil }
            let limits = m.options.thresholds.stackingLimits
            for cls in Verdict.structuralClasses {
                guard let best = generated.filter({ $0.verdictClass(limits: limits) == cls }).min(by: { ($0.rw, $0.name) < ($1.rw, $1.name) }),
                      best.deltaBIC <= 18 else { continue }
                XCTAssertEqual(best.rwSource, .refined, "\(cls): \(best.name) ΔBIC \(best.deltaBIC)")
            }
            let again = try XCTUnwrap(c.classProbabilities(temperature: m.options.thresholds.temperature, limits: limits))
            for (cls, p) in try XCTUnwrap(c.probabilities) { XCTAssertEqual(again[cls] ?? -1, p, accuracy: 1e-12, "\(cls)") }
        }
    }

    /// Regret against refining every candidate within 0.1 of the best screened one (the screen's
    /// Rw lies at most ~0.09 above the refined one): at most 0.002, on held-apart curves.
    func testRegretAgainstExhaustiveRefinement() throws {
        let m = miner()
        for (edge, anion, seed) in [(5, false, 31), (7, true, 32), (4, false, 33)] {
            let data = try curve(edge: edge, anionTerminated: anion, seed: UInt64(seed))
            let (c, _) = try m.classify(data)
            let reported = try XCTUnwrap(c.candidates?.first { $0.recipe != nil })
            let all = try ExhaustiveRefinement.run(m, curve: data, window: 0.1)
            let best = try XCTUnwrap(all.entries.map(\.refinedRw).min())
            XCTAssertLessThanOrEqual(reported.rw - best, 0.002, "\(data.path): reported \(reported.name) \(reported.rw), best \(best)")
        }
    }

    /// The screen's calibration recovers a known linear relation and refuses too few samples.
    func testScreenCalibration() throws {
        var samples = [(features: [Double], exact: Double)]()
        var rng = SplitMix64(seed: 5)
        for _ in 0..<40 {
            let f = ScreenCalibration.features(screenedRw: 0.2 + 0.3 * rng.uniform(), atoms: 20 + Int(rng.next() % 500),
                                               cationShare: 0.5 + 0.2 * rng.uniform(), uiso: 0.01 + 0.05 * rng.uniform(), delta2: 6 * rng.uniform())
            samples.append((f, 0.01 + 0.9 * f[1] + 0.05 * f[2] - 0.02 * f[3]))
        }
        let cal = try XCTUnwrap(ScreenCalibration(samples: samples))
        // Exact up to the small ridge (10⁻⁶·n on the diagonal), far below the 0.003 scatter of real curves.
        XCTAssertLessThan(cal.scatter, 1e-4)
        XCTAssertEqual(cal.predict(samples[3].features), samples[3].exact, accuracy: 1e-4)
        XCTAssertEqual(cal.coefficients[1], 0.9, accuracy: 0.01)
        XCTAssertNil(ScreenCalibration(samples: Array(samples.prefix(5))))
    }
}
