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
}
