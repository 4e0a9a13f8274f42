import XCTest
@testable import ClusterPDF

/// `BandLimitCheck`: a curve transformed over [qmin, qmax] has nothing outside that range; what a
/// curve has there is misfit no model can remove, and the refinements say so.
final class BandLimitTests: XCTestCase {
    /// G(r) of a zincblende tetrahedron over Q 1–19 Å⁻¹ on r 0.5–30 Å.
    func simulated() throws -> Curve {
        let s = try StructureReader.read(path: fixture("golden/Cd35Se20-tetrahedron.xyz")).structure
        var set = ScatteringSettings()
        set.qmin = 1; set.qmax = 19; set.qdamp = 0.04
        set.rmin = 0.5; set.rmax = 30; set.rstep = 0.01
        set.displacements = DisplacementSettings(all: 0.01)
        return try DebyeCalculator(structure: s, settings: set).pairDistributionFunction()
    }

    func testBandLimitedCurveHasNothingOutside() throws {
        let g = try simulated()
        let band = try XCTUnwrap(BandLimitCheck.measure(r: g.x, g: g.y, qmin: 1, qmax: 19))
        XCTAssertLessThan(band.belowShare, 0.002)
        XCTAssertLessThan(band.aboveShare, 0.002)
        XCTAssertFalse(band.isMaterial)
        XCTAssertNil(band.warning(file: "t.gr"))
        // A narrower band than the curve's own is seen: the power between 1 and 3 Å⁻¹ is outside 3–19.
        XCTAssertGreaterThan(try XCTUnwrap(BandLimitCheck.measure(r: g.x, g: g.y, qmin: 3, qmax: 19)).belowShare, 0.05)
        // Degenerate input gives no check.
        XCTAssertNil(BandLimitCheck.measure(r: g.x, g: g.y.map { _ in 0 }, qmin: 1, qmax: 19))
        XCTAssertNil(BandLimitCheck.measure(r: Array(g.x.prefix(10)), g: Array(g.y.prefix(10)), qmin: 1, qmax: 19))
        XCTAssertNil(BandLimitCheck.measure(r: g.x, g: g.y.enumerated().map { $0.offset == 5 ? .nan : $0.element }, qmin: 1, qmax: 19))
    }

    /// A slow baseline (below qmin) and a fast ripple (above qmax) are found, on uniform and
    /// non-uniform grids alike; the Rw floor holds for a refinement of the right structure.
    func testOutsideComponentsAndRwFloor() throws {
        let g = try simulated()
        let baseline = g.x.map { -0.08 * $0 * exp(-($0 / 7) * ($0 / 7)) }
        let dirty = zip(g.y, baseline).map(+)
        let band = try XCTUnwrap(BandLimitCheck.measure(r: g.x, g: dirty, qmin: 1, qmax: 19))
        XCTAssertGreaterThan(band.belowShare, 0.05)
        XCTAssertLessThan(band.aboveShare, 0.002)
        // The same curve on a slightly irregular grid (the direct sum instead of the recurrence).
        let irregular = g.x.enumerated().map { $0.element + ($0.offset % 3 == 1 ? 0.002 : 0) }
        let direct = try XCTUnwrap(BandLimitCheck.measure(r: irregular, g: dirty, qmin: 1, qmax: 19))
        XCTAssertEqual(direct.belowShare, band.belowShare, accuracy: 0.1 * band.belowShare)
        let ripple = g.x.map { 0.6 * sin(22 * $0) * exp(-$0 / 4) }
        let fast = try XCTUnwrap(BandLimitCheck.measure(r: g.x, g: zip(g.y, ripple).map(+), qmin: 1, qmax: 19))
        XCTAssertGreaterThan(fast.aboveShare, 0.02)
        XCTAssertTrue(try XCTUnwrap(fast.warning(file: "f.gr")).message.contains("above qmax 19"))
        // Refining the very structure against the curve with the baseline: the warning names the
        // file and the share, and Rw does not fall below the floor it states.
        let curve = MeasuredCurve(path: "baseline.gr", x: g.x, y: dirty, header: ["qmin": "1", "qmax": "19", "qdamp": "0.04"])
        var o = RefinementOptions()
        o.overrides = SettingOverrides(rmin: 0.5, rmax: 30)
        let r = try PDFRefinement(structure: try StructureReader.read(path: fixture("golden/Cd35Se20-tetrahedron.xyz")).structure, data: curve, options: o).run()
        let w = try XCTUnwrap(r.warnings.first { $0.kind == .outsideQRange }, "\(r.warnings)")
        XCTAssertTrue(w.message.hasPrefix("baseline.gr: the curve has") && w.message.contains("below qmin 1 Å⁻¹"), w.message)
        XCTAssertGreaterThanOrEqual(r.rw, 0.9 * band.rwFloor)
        XCTAssertTrue(w.message.contains(String(format: "about %.2f", band.rwFloor)), w.message)
    }

    /// The bundled measured curves: CdSe-1 holds 14 % of its power below its header's qmin
    /// (warned, by cluster and crystal refinements alike); the bulk curve nothing.
    func testMeasuredCurves() throws {
        let one = try MeasuredCurveReader.read(path: fixture("measured/CdSe-1.gr"))
        let inRange = one.x.indices.filter { one.x[$0] >= 0.5 && one.x[$0] <= 40 }
        let band = try XCTUnwrap(BandLimitCheck.measure(r: inRange.map { one.x[$0] }, g: inRange.map { one.y[$0] }, qmin: 1, qmax: 19))
        XCTAssertEqual(band.belowShare, 0.14, accuracy: 0.02)
        var o = CrystalRefinementOptions()
        o.overrides = SettingOverrides(rmin: 0.5, rmax: 40, qmin: 1, qmax: 19, qdamp: 0.058, qbroad: 0)
        let crystal = try CrystalRefinement(crystals: [try StructureReader.read(path: fixture("CdSe-Wurtzite.cif")).periodicCrystal()], data: one,
                                            options: o).run(keepCurves: false)
        XCTAssertTrue(crystal.warnings.contains { $0.kind == .outsideQRange && $0.message.contains("CdSe-1.gr") }, "\(crystal.warnings)")
        let bulk = try MeasuredCurveReader.read(path: fixture("measured/CdSe-bulk.gr"))
        let b = try XCTUnwrap(BandLimitCheck.measure(r: bulk.x.filter { $0 >= 0.5 && $0 <= 40 }, g: bulk.x.indices.filter { bulk.x[$0] >= 0.5 && bulk.x[$0] <= 40 }.map { bulk.y[$0] }, qmin: 1, qmax: 19))
        XCTAssertLessThan(b.belowShare + b.aboveShare, 0.002)
    }
}
