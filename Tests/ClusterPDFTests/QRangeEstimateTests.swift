import XCTest
@testable import ClusterPDF

/// The Q range read off a curve's spectrum (`QRangeEstimate`) and its use when the header is silent.
final class QRangeEstimateTests: XCTestCase {
    let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!

    /// A realistic synthetic G(r) of a Cd35Se20 tetrahedron (Cd Uiso 3× Se, δ2 5.5, zoom 0.995).
    func synthetic(qmin: Double, qmax: Double, noise: Double, rmax: Double = 30, seed: UInt64 = 3) throws -> (r: [Double], g: [Double]) {
        var s = SyntheticCurve()
        s.qmin = qmin; s.qmax = qmax; s.noise = noise; s.seed = seed; s.rmax = rmax
        s.uisoPerElement = [se: 0.008, cd: 0.024]; s.delta2 = 5.5; s.zoom = 0.995; s.qdamp = 0.045
        return try s.curve(of: TetrahedronBuilder.build(cation: cd, anion: se, size: 5))
    }

    /// Seeds other than the one that set `edgeBias`: qmax within ±0.5 Å⁻¹ for qmax 12–25 Å⁻¹,
    /// with and without noise, over short and long r ranges.
    func testEstimatedQmaxWithinHalfAnInverseAngstrom() throws {
        for (k, (qmax, noise, rmax)) in [(12.0, 0.0, 20.0), (15.5, 0.01, 30.0), (18.0, 0.02, 50.0), (21.3, 0.005, 25.0), (25.0, 0.0, 40.0)].enumerated() {
            let (r, g) = try synthetic(qmin: 0.8, qmax: qmax, noise: noise, rmax: rmax, seed: UInt64(100 + k))
            let e = try XCTUnwrap(QRangeEstimate.estimate(r: r, g: g), "qmax \(qmax)")
            XCTAssertEqual(e.qmax, qmax, accuracy: 0.5, "qmax \(qmax), noise \(noise), rmax \(rmax)")
            XCTAssertGreaterThan(e.qmaxUncertainty, 0)
            XCTAssertLessThan(e.qmaxUncertainty, 0.5)
            XCTAssertGreaterThanOrEqual(e.qmaxContrast, QRangeEstimate.minimumEdgeContrast)
        }
    }

    /// A lower edge at qmin 1 is found; a curve transformed from Q = 0 has none (qmin 0).
    func testLowerEdge() throws {
        let (r1, g1) = try synthetic(qmin: 1, qmax: 20, noise: 0.005, rmax: 50)
        XCTAssertEqual(try XCTUnwrap(QRangeEstimate.estimate(r: r1, g: g1)).qmin, 1, accuracy: 0.3)
        let (r0, g0) = try synthetic(qmin: 0, qmax: 20, noise: 0, rmax: 30)
        XCTAssertEqual(try XCTUnwrap(QRangeEstimate.estimate(r: r0, g: g0)).qmin, 0)
    }

    /// White noise up to the grid's Nyquist Q has no band edge: no estimate, never a guess.
    func testNoEdgeGivesNil() {
        var rng = SplitMix64(seed: 9)
        let r = (1...3000).map { Double($0) * 0.01 }
        XCTAssertNil(QRangeEstimate.estimate(r: r, g: r.map { _ in rng.gaussian() }))
        XCTAssertNil(QRangeEstimate.estimate(r: Array(r.prefix(10)), g: Array(repeating: 1, count: 10)))
        XCTAssertNil(QRangeEstimate.estimate(r: r, g: Array(repeating: 0, count: r.count)))
    }

    /// Header-less curve: qmin/qmax estimated (source `estimated`, with uncertainties); options
    /// still win; a header wins over the spectrum.
    func testSettingsUseTheEstimateOnlyWhenNothingIsStated() throws {
        let (r, g) = try synthetic(qmin: 1, qmax: 18, noise: 0.01)
        let path = writeTemporary(SyntheticCurve().text(r: r, g: g, composition: nil, header: false), name: "bare.gr")
        let bare = try MeasuredCurveReader.read(path: path)
        let s = try DataSettings.resolve(bare)
        XCTAssertEqual(s.qmax.source, .estimated)
        XCTAssertEqual(s.qmax.value, 18, accuracy: 0.5)
        XCTAssertEqual(s.qmin.source, .estimated)
        XCTAssertNotNil(s.spectralQRange)
        XCTAssertTrue(s.summary.contains { $0.0 == "qmax" && $0.1.contains("±") && $0.1.contains("estimated") })
        XCTAssertTrue(s.qRangeWarnings(file: path).isEmpty)
        let forced = try DataSettings.resolve(bare, overrides: SettingOverrides(qmin: 0.5, qmax: 17))
        XCTAssertEqual(forced.qmax.source, .option); XCTAssertEqual(forced.qmax.value, 17)
        XCTAssertEqual(forced.qmin.source, .option)
        // Built from arrays (not read): estimated on the fly all the same.
        XCTAssertEqual(try DataSettings.resolve(MeasuredCurve(path: "a", x: r, y: g)).qmax.source, .estimated)
    }

    /// A header qmax the spectrum contradicts is used, with a warning naming the spectrum's value;
    /// one that agrees gives none (the bundled measured curves, qmax 19).
    func testContradictingHeaderIsWarned() throws {
        let (r, g) = try synthetic(qmin: 1, qmax: 18, noise: 0.01)
        var syn = SyntheticCurve(); syn.qmax = 25
        let path = writeTemporary(syn.text(r: r, g: g, composition: "Cd Se", header: true), name: "wrong.gr")
        let s = try DataSettings.resolve(try MeasuredCurveReader.read(path: path))
        XCTAssertEqual(s.qmax.source, .header); XCTAssertEqual(s.qmax.value, 25)
        let w = s.qRangeWarnings(file: path)
        XCTAssertEqual(w.map(\.kind), [.qRangeMismatch])
        XCTAssertTrue(w[0].message.contains("qmax = 25") && w[0].message.contains("spectrum ends at 18"), w[0].message)
        let fit = try PDFRefinement(structure: TetrahedronBuilder.build(cation: cd, anion: se, size: 5),
                                    data: try MeasuredCurveReader.read(path: path), options: RefinementOptions()).run()
        XCTAssertTrue(fit.warnings.contains { $0.kind == .qRangeMismatch })
        for name in ["CdSe-3", "CdSe-bulk"] {
            let m = try MeasuredCurveReader.read(path: fixture("measured/\(name).gr"))
            let e = try XCTUnwrap(m.spectralQRange, name)
            XCTAssertEqual(e.qmax, 19, accuracy: 0.5, name)
            XCTAssertTrue(try DataSettings.resolve(m).qRangeWarnings(file: name).isEmpty, name)
        }
    }

    /// No header and no visible edge: the default is used and said.
    func testDefaultIsNeverSilent() throws {
        var rng = SplitMix64(seed: 4)
        let r = (1...3000).map { Double($0) * 0.01 }
        let curve = MeasuredCurve(path: "noise.gr", x: r, y: r.map { _ in rng.gaussian() })
        let s = try DataSettings.resolve(curve)
        XCTAssertEqual(s.qmax.source, .default)
        XCTAssertTrue(s.qRangeWarnings(file: "noise.gr").contains { $0.message.contains("default qmax") })
    }
}
