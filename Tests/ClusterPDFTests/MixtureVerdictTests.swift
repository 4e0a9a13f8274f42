import XCTest
@testable import ClusterPDF

/// The `mixture` verdict of `classify`: a 50/50 mixture of a zincblende tetrahedron and a
/// pseudo-wurtzite core (realistic: Cd Uiso 3× Se, δ2 5.5 Å², zoom 0.995, band-limited noise) is
/// named a mixture with both members and their fractions; curves of either member alone are not.
final class MixtureVerdictTests: XCTestCase {
    static let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
    static let store = CandidateStore(cache: nil)
    /// Cd35Se20 (zincblende tetrahedron) and Cd30Se30 (pseudo-wurtzite core, 5 double layers).
    static let a = CandidateSpec(cation: cd, anion: se, generator: .tetrahedron(edge: 5, anionTerminated: false))
    static let b = CandidateSpec(cation: cd, anion: se, generator: .pseudoWurtzite(layers: 5, ring: 6, twist: 30, surface: SurfaceRule()))

    func miner() -> ClusterMiner {
        var o = ClusterMiner.Options()
        o.space = .quick
        o.store = Self.store
        o.threads = 2
        // The quick space skips the mixture check by default (too sparse: faulted particles look
        // like mixtures there); these curves are of its own candidates, so it is forced on.
        o.checkMixtures = true
        return ClusterMiner(options: o)
    }

    static func recipe(seed: UInt64) -> SyntheticCurve {
        var syn = SyntheticCurve()
        syn.uisoPerElement = [se: 0.008, cd: 0.024]; syn.delta2 = 5.5; syn.zoom = 0.995; syn.qdamp = 0.04
        syn.qmin = 1; syn.qmax = 20; syn.rmax = 30; syn.noise = 0.01; syn.seed = seed
        return syn
    }

    static func curve(_ members: [(CandidateSpec, Double)], seed: UInt64, name: String) throws -> MeasuredCurve {
        let syn = recipe(seed: seed)
        let (r, g) = try syn.curve(ofMixture: members.map { (try $0.0.build(), $0.1) })
        return try MeasuredCurveReader.parse(text: syn.text(r: r, g: g, composition: "Cd Se", header: true), file: name)
    }

    func testFiftyFiftyMixtureNamesBothMembers() throws {
        let curve = try Self.curve([(Self.a, 0.5), (Self.b, 0.5)], seed: 5, name: "mix.gr")
        let (c, _) = try miner().classify(curve)
        let m = try XCTUnwrap(c.mixture)
        XCTAssertEqual(c.verdict, .mixture, m.reason)
        XCTAssertTrue(m.accepted)
        XCTAssertEqual(Set(m.members.map(\.name)), [Self.a.name, Self.b.name])
        for member in m.members {
            XCTAssertEqual(member.fraction, 0.5, accuracy: 0.05, member.name)
            XCTAssertGreaterThan(member.uncertainty, 0)
            XCTAssertLessThan(abs(member.fraction - 0.5), 3 * member.uncertainty + 0.01, "fraction \(member.fraction) ± \(member.uncertainty)")
        }
        XCTAssertEqual(m.members.map(\.fraction).reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertEqual(Set(m.members.map(\.verdictClass)), [.zincblendeLike, .pseudoWurtzite])
        XCTAssertLessThan(m.rw, m.singleRw * (1 - MixtureRule.calibrated.improvement))
        // Text, CSV and report say so.
        let text = ClassificationReport.text(c)
        XCTAssertTrue(text.contains("verdict:  mixture"), text)
        XCTAssertTrue(text.contains(Self.a.name) && text.contains(Self.b.name))
        let row = ClassificationReport.csvRow(c).split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(row.count, ClassificationReport.csvHeader.split(separator: ",").count)
        XCTAssertEqual(row[1], "mixture")
        XCTAssertTrue(row.contains(Substring(Self.a.name)) && row.contains(Substring(Self.b.name)), "\(row)")
        let html = ClassificationReport.html(title: "t", rows: [(curve.path, c, nil)], plots: [:])
        XCTAssertTrue(html.contains("class=\"mixture\">mixture"), "report lacks the mixture verdict")
        // JSON carries the members.
        let json = try JSONOutput.string(c)
        XCTAssertTrue(json.contains("\"mixture\"") && json.contains("\"fraction\""))
    }

    func testQuickSpaceSkipsTheCheckAndSaysSo() throws {
        var o = ClusterMiner.Options()
        o.space = .quick
        o.store = Self.store
        let curve = try Self.curve([(Self.a, 0.5), (Self.b, 0.5)], seed: 5, name: "mix.gr")
        let (c, _) = try ClusterMiner(options: o).classify(curve)
        XCTAssertNil(c.mixture)
        XCTAssertNotEqual(c.verdict, .mixture)
        XCTAssertTrue((c.notes ?? []).contains { $0.contains("mixtures not checked") }, "\(c.notes ?? [])")
    }

    func testSingleStructuresAreNotMixtures() throws {
        for (spec, seed) in [(Self.a, UInt64(6)), (Self.b, UInt64(7))] {
            let curve = try Self.curve([(spec, 1)], seed: seed, name: spec.name + ".gr")
            let (c, _) = try miner().classify(curve)
            XCTAssertNotEqual(c.verdict, .mixture, "\(spec.name): \(c.mixture?.reason ?? "")")
            XCTAssertEqual(c.mixture?.accepted, false)
            // No mixture columns for a single structure.
            XCTAssertTrue(ClassificationReport.csvRow(c).hasSuffix(",,,,,,"))
        }
    }

    func testMixtureCurveOfOneMemberIsItsCurve() throws {
        let syn = Self.recipe(seed: 1)
        var quiet = syn
        quiet.noise = 0
        let s = try Self.a.build(), t = try Self.b.build()
        let one = try quiet.curve(ofMixture: [(s, 1), (t, 0)]), alone = try quiet.curve(of: s)
        XCTAssertEqual(one.g.count, alone.g.count)
        for (x, y) in zip(one.g, alone.g) { XCTAssertEqual(x, y, accuracy: 1e-12) }
    }

    /// The mixture search runs parallel loops: the same answer on one thread and on two.
    func testMixtureIndependentOfThreadCount() throws {
        let curve = try Self.curve([(Self.a, 0.5), (Self.b, 0.5)], seed: 5, name: "mix.gr")
        var one = miner(), two = miner()
        one.options.threads = 1; two.options.threads = 2
        let a = try one.classify(curve).0, b = try two.classify(curve).0
        XCTAssertEqual(try JSONOutput.string(a.mixture), try JSONOutput.string(b.mixture))
        XCTAssertEqual(a.verdict, b.verdict)
    }
}
