import XCTest
@testable import ClusterPDF

final class MeasuredCurveReaderTests: XCTestCase {
    /// A PDFgui fit export (diffpy.pdfgui FitDataSet.writeCalcStr: r, Gcalc, dr, dGcalc, Gdiff) is
    /// read as its observed curve Gobs = Gcalc + Gdiff, without uncertainties — not as Gcalc.
    func testPDFguiFitFileGivesObservedCurve() throws {
        let text = """
        History written: Mon Dec  1 12:00:00 2026
        produced by user
        ##### PDFgui fit
        stype=X  x-ray scattering
        qmax=25.00
        qdamp=0.06
        ##### start data
        #L r(A) G(r) d_r d_Gr Gdiff
        1.0 0.5 0.0 0.01 0.1
        1.1 0.7 0.0 0.01 -0.2
        1.2 0.9 0.0 0.01 0.05
        """
        let c = try MeasuredCurveReader.parse(text: text, file: "fit.fgr")
        XCTAssertEqual(c.y[0], 0.6, accuracy: 1e-12); XCTAssertEqual(c.y[1], 0.5, accuracy: 1e-12); XCTAssertEqual(c.y[2], 0.95, accuracy: 1e-12)
        XCTAssertNil(c.dy, "dGcalc is not an uncertainty of the data")
        XCTAssertEqual(c.headerNumber("qmax"), 25)
        XCTAssertEqual(c.axis, .r)
        // PDFgui's observed-data export (four columns r, G, dr, dG) stays data with its dG.
        let obs = try MeasuredCurveReader.parse(text: "##### PDFgui\n1.0 0.5 0.0 0.01\n1.1 0.7 0.0 0.02\n", file: "obs.fgr")
        XCTAssertEqual(obs.y, [0.5, 0.7]); XCTAssertEqual(obs.dy, [0.01, 0.02])
    }

    /// ClusterPDF's own fit file (r, Gobs, Gcalc, Gdiff) gives Gobs, and Gdiff is not read as dG.
    func testOwnFitFileGivesObservedCurve() throws {
        let text = "#L r(A) Gobs(A^-2) Gcalc(A^-2) Gdiff(A^-2)\n1.0 0.5 0.4 0.1\n1.1 0.7 0.8 -0.1\n1.2 0.9 0.9 0.0\n"
        let c = try MeasuredCurveReader.parse(text: text, file: "fit.gr")
        XCTAssertEqual(c.y, [0.5, 0.7, 0.9])
        XCTAssertNil(c.dy)
    }

    /// A plain 4-column PDFgetX3 file keeps its dG.
    func testFourColumnDataKeepUncertainties() throws {
        let c = try MeasuredCurveReader.parse(text: "#L r G dr dG\n1.0 0.5 0 0.02\n1.1 0.7 0 0.03\n", file: "d.gr")
        XCTAssertEqual(c.dy, [0.02, 0.03])
    }

    /// A value with a lost or mistyped exponent (fuzzing found −8.2e-02 → −8.2e002) is refused,
    /// naming its line; smooth measured curves, with their largest peaks, are not.
    func testLoneCorruptedValueIsRefused() throws {
        let good = try String(contentsOfFile: fixture("measured/CdSe-3.gr"), encoding: .utf8)
        let bad = good.replacingOccurrences(of: "1.530000000000000027e+00 -8.214373138859376589e-02", with: "1.530000000000000027e+00 -8.214373138859376589e002")
        XCTAssertNotEqual(bad, good, "fixture changed: update the test")
        assertInputError(try MeasuredCurveReader.parse(text: bad, file: "c.gr"), contains: ["c.gr:", "more than 10× every other value", "corrupted"])
        for k in ["bulk", "1", "2", "3", "4"] { XCTAssertNoThrow(try MeasuredCurveReader.read(path: fixture("measured/CdSe-\(k).gr"))) }
    }
}
