import XCTest
@testable import ClusterPDF

final class CLITests: XCTestCase {
    func testInfoOnCIF() throws {
        let r = try runCLI(["info", fixture("CdSe-Zincblende.cif")])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Cd4Se4"))
        XCTAssertTrue(r.out.contains("2.6414"))
        let j = try runCLI(["info", "--json", fixture("csd-style-InP.cif")])
        XCTAssertEqual(j.status, 0, j.err)
        let obj = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as! [String: Any]
        XCTAssertEqual(obj["formula"] as? String, "C2H8In2P2")
        XCTAssertEqual(obj["moleculeCount"] as? Int, 2)
    }

    func testInfoErrors() throws {
        let d = try runCLI(["info", temporaryDirectory()])
        XCTAssertEqual(d.status, 1)
        XCTAssertTrue(d.err.contains("is a directory"), d.err)
        XCTAssertFalse(d.err.contains("Fatal error"))
        let t = try runCLI(["info", writeTemporary("3\nc\nCd 0 0 0\n", name: "t.xyz")])
        XCTAssertEqual(t.status, 1)
        XCTAssertTrue(t.err.contains("t.xyz:4"), t.err)
    }
}
