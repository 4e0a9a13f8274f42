import XCTest
@testable import ClusterPDF

/// Comparison with reference curves from diffpy.srreal 1.4.0 and an independent direct Debye sum
/// (Fixtures/golden, parameters in each header): F(Q) within 1e-5 and G(r) within 1e-3 of the
/// curve's maximum.
final class GoldenTests: XCTestCase {
    func settings(from header: [String: String], radiation: Radiation) throws -> ScatteringSettings {
        var s = ScatteringSettings()
        s.radiation = radiation
        s.qmin = Double(header["qmin"]!)!
        s.qmax = Double(header["qmax"]!)!
        s.qdamp = Double(header["qdamp"]!)!
        s.delta2 = Double(header["delta2"]!)!
        s.delta1 = header["delta1"].flatMap(Double.init) ?? 0
        s.qbroad = header["qbroad"].flatMap(Double.init) ?? 0
        s.rmin = Double(header["rmin"]!)!
        s.rmax = Double(header["rmax"]!)!
        s.rstep = Double(header["rstep"]!)!
        s.displacements = try DisplacementSettings(parsing: header["uiso"]!.replacingOccurrences(of: ":", with: "=").replacingOccurrences(of: " ", with: ""))
        return s
    }

    func check(_ name: String, _ radiation: Radiation, mode: DebyeMode = .auto, file: StaticString = #filePath, line: UInt = #line) throws {
        let base = fixture("golden/\(name).\(radiation.rawValue)")
        let gr = try MeasuredCurveReader.read(path: base + ".gr")
        let fq = try MeasuredCurveReader.read(path: base + ".fq")
        let structure = try StructureReader.read(path: fixture("golden/\(name).xyz")).structure
        var s = try settings(from: gr.header, radiation: radiation)
        s.mode = mode
        let calc = try DebyeCalculator(structure: structure, settings: s)
        // F(Q) on the file's own grid.
        let qg = UniformGrid(start: fq.x[0], step: fq.x[1] - fq.x[0], count: fq.x.count)
        let f = calc.reducedStructureFunction(grid: qg).y
        let fmax = fq.y.map(abs).max()!
        let fErr = zip(f, fq.y).map { abs($0 - $1) }.max()! / fmax
        XCTAssertLessThan(fErr, 1e-5, "\(name) \(radiation) F(Q) max error / max|F| = \(fErr)", file: file, line: line)
        // G(r) on the file's grid.
        let g = calc.pairDistributionFunction().y
        XCTAssertEqual(g.count, gr.y.count, file: file, line: line)
        let gmax = gr.y.map(abs).max()!
        let gErr = zip(g, gr.y).map { abs($0 - $1) }.max()! / gmax
        XCTAssertLessThan(gErr, 1e-3, "\(name) \(radiation) G(r) max error / max|G| = \(gErr)", file: file, line: line)
        print("golden \(name) \(radiation) \(calc.effectiveMode): F rel err \(fErr), G rel err \(gErr)")
    }

    func testDimer() throws { try check("CdSe-dimer", .xray) }
    func testTetrahedronXray() throws { try check("Cd35Se20-tetrahedron", .xray) }
    func testTetrahedronNeutron() throws { try check("Cd35Se20-tetrahedron", .neutron) }
    func testTetrahedronQmin0() throws { try check("Cd35Se20-tetrahedron-q0", .xray) }
    func testWurtziteSphere() throws { try check("CdSe-wurtzite-sphere-R9", .xray) }
    func testWurtziteSphereHistogramMode() throws { try check("CdSe-wurtzite-sphere-R9", .xray, mode: .histogram) }

    /// PDFgui's peak-width convention (δ1, δ2 and qbroad all non-zero): G(r) equals libdiffpy's
    /// DebyePDFCalculator with the "jeong" peak width (the model of PDFgui and diffpy-cmi) to 1e-3
    /// of the maximum, in exact and histogram modes.
    func testPDFguiPeakWidthConvention() throws {
        for name in ["Cd35Se20-tetrahedron-jeong", "CdSe-wurtzite-sphere-R9-jeong"] {
            let gr = try MeasuredCurveReader.read(path: fixture("golden/\(name).xray.gr"))
            let xyz = gr.header["structure"]!
            let structure = try StructureReader.read(path: fixture("golden/\(xyz)")).structure
            var s = try settings(from: gr.header, radiation: .xray)
            XCTAssertTrue(s.delta1 > 0 || s.qbroad > 0)
            for mode in [DebyeMode.exact, .histogram] {
                s.mode = mode
                let g = try DebyeCalculator(structure: structure, settings: s).pairDistributionFunction().y
                XCTAssertEqual(g.count, gr.y.count)
                let err = zip(g, gr.y).map { abs($0 - $1) }.max()! / gr.y.map(abs).max()!
                XCTAssertLessThan(err, 1e-3, "\(name) \(mode)")
                print("PDFgui convention \(name) \(mode): G rel err \(err)")
            }
            // The former additive qbroad term, σ² + (qbroad r)², would not match.
            if s.qbroad > 0 {
                var additive = s
                additive.qbroad = 0
                additive.mode = .exact
                let g0 = try DebyeCalculator(structure: structure, settings: additive).pairDistributionFunction().y
                let err0 = zip(g0, gr.y).map { abs($0 - $1) }.max()! / gr.y.map(abs).max()!
                XCTAssertGreaterThan(err0, 3e-3, "qbroad must matter in \(name)")
            }
        }
    }
}
