import XCTest
@testable import ClusterPDF

final class ElementTests: XCTestCase {
    func testLabelsAndCharges() {
        func check(_ label: String, _ sym: String, _ charge: Int, file: StaticString = #filePath, line: UInt = #line) {
            let p = Element.parseLabel(label)
            XCTAssertEqual(p?.element.symbol, sym, label, file: file, line: line)
            XCTAssertEqual(p?.charge, charge, label, file: file, line: line)
        }
        check("Cd", "Cd", 0); check("CD1", "Cd", 0); check("cd", "Cd", 0)
        check("Cd2+", "Cd", 2); check("Se2-", "Se", -2); check("O1-", "O", -1)
        check("In1", "In", 0); check("P2A", "P", 0); check("H1A", "H", 0); check("In3+", "In", 3)
        XCTAssertNil(Element.parseLabel("Xx"))
        XCTAssertNil(Element.parseLabel("12"))
        XCTAssertEqual(Element(symbol: "Cf")?.atomicNumber, 98)
        XCTAssertEqual(Element(symbol: "Cd")?.group, 12)
        XCTAssertEqual(Element(symbol: "P")?.group, 15)
    }

    func testFormulaAndPairs() {
        let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
        XCTAssertEqual(Structure.formula([cd: 35, se: 20]), "Cd35Se20")
        XCTAssertEqual(ElementPair(se, cd).description, "Cd-Se")
        XCTAssertEqual(ElementPair("Se-Cd"), ElementPair(cd, se))
        let c = Element(symbol: "C")!, h = Element(symbol: "H")!, inn = Element(symbol: "In")!
        XCTAssertEqual(Structure.formula([inn: 2, c: 2, h: 8]), "C2H8In2")
    }

    /// Deuterium: read as D, the X-ray form factor of H, its own mass and neutron length
    /// (Sears 1992: b_c(D) = 6.671 fm, b_c(H) = −3.7409 fm).
    func testDeuterium() throws {
        let d = try XCTUnwrap(Element(symbol: "D"))
        XCTAssertEqual(d.symbol, "D"); XCTAssertEqual(d.atomicNumber, 1); XCTAssertNotEqual(d, Element(symbol: "H")!)
        XCTAssertEqual(d.neutronScatteringLength!, 6.671, accuracy: 1e-9)
        XCTAssertEqual(d.mass, 2.01410178, accuracy: 1e-8)
        XCTAssertLessThan(Element(symbol: "H")!, d)
        XCTAssertEqual(Element(symbol: "Dy")?.atomicNumber, 66)
        let fd = try ScatteringFactor(element: d, radiation: .xray), fh = try ScatteringFactor(element: Element(symbol: "H")!, radiation: .xray)
        XCTAssertEqual(fd.value(q: 2), fh.value(q: 2))
        // An HD molecule: the neutron F(Q) carries b_H b_D (negative), so F(Q) is the closed form.
        let s = try XYZReader.parseFrames(text: "2\nHD\nH 0 0 0\nD 0 0 0.74\n", file: "hd.xyz")[0]
        XCTAssertEqual(Set(s.elements), [Element(symbol: "H")!, d])
        var set = ScatteringSettings(); set.radiation = .neutron; set.displacements = DisplacementSettings(all: 0)
        let q = 3.0
        let f = try DebyeCalculator(structure: s, settings: set).reducedStructureFunction(grid: UniformGrid(start: q, step: 0.1, count: 1)).y[0]
        let bh = -3.7409, bd = 6.671, mean = (bh + bd) / 2
        XCTAssertEqual(f, q * (2 * bh * bd * sin(q * 0.74) / (q * 0.74)) / (2 * mean * mean), accuracy: 1e-9)
    }
}
