import XCTest
import ClusterPDF

/// The code of the DocC article "Getting started" (Sources/ClusterPDF/ClusterPDF.docc/GettingStarted.md),
/// compiled and run; a second test checks that every code block of the article appears here verbatim.
final class GettingStartedTests: XCTestCase {
    func testGettingStarted() throws {
        let structurePath = repoRoot + "/Structures/CdSe-wurtzite-R10.xyz"
        let dataPath = fixture("measured/CdSe-bulk.gr")
        // BEGIN ARTICLE
let loaded = try StructureReader.read(path: structurePath)
let cluster = loaded.structure
print(cluster.formula, cluster.count)

var settings = ScatteringSettings()
settings.qmin = 1
settings.qmax = 20
settings.qdamp = 0.04
settings.displacements = DisplacementSettings(all: 0.008)
settings.rmax = 20
let g = try DebyeCalculator(structure: cluster, settings: settings).pairDistributionFunction()
print(g.x.count, g.y.max() ?? 0)

let data = try MeasuredCurveReader.read(path: dataPath)
var options = RefinementOptions()
options.free = [.scale, .zoom, .uiso, .delta2]
let fit = try PDFRefinement(structure: cluster, data: data, options: options).run()
print(fit.rw, fit.value(.zoom) ?? 1, fit.settings.qmax.source)
for warning in fit.warnings { print("warning:", warning.message) }

let wurtzite = ClassifierModel(name: "wurtzite R10", path: structurePath, family: .wurtziteLike, structure: cluster)
let tetrahedron = ClassifierModel(name: "Cd35Se20", path: "built",
                                  family: .zincblendeLike,
                                  structure: try TetrahedronBuilder.build(cation: Element(symbol: "Cd")!, anion: Element(symbol: "Se")!, size: 5))
var mining = ClusterMiner.Options()
mining.space = .none
mining.extraModels = [wurtzite, tetrahedron]
mining.elements = [Element(symbol: "Cd")!, Element(symbol: "Se")!]
let (classification, _) = try ClusterMiner(options: mining).classify(data)
print(classification.verdict, classification.bestModel, classification.probabilities ?? [:])
        // END ARTICLE
        XCTAssertEqual(cluster.formula, "Cd69Se78")
        XCTAssertEqual(g.x.count, 2001)
        XCTAssertLessThan(fit.rw, 0.45)
        XCTAssertEqual(fit.settings.qmax.source, .header)
        XCTAssertEqual(classification.verdict, .pseudoWurtzite)
    }

    /// Every ```swift block of the article stands, line for line, between the markers above.
    func testArticleMatchesTheCompiledCode() throws {
        let article = try String(contentsOfFile: repoRoot + "/Sources/ClusterPDF/ClusterPDF.docc/GettingStarted.md", encoding: .utf8)
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let begin = try XCTUnwrap(source.range(of: "// BEGIN ARTICLE\n")), end = try XCTUnwrap(source.range(of: "        // END ARTICLE"))
        let compiled = source[begin.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        var blocks = [String]()
        var inBlock = false
        for line in article.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```swift") { inBlock = true; continue }
            if line.hasPrefix("```") { inBlock = false; continue }
            if inBlock, !line.isEmpty { blocks.append(String(line)) }
        }
        XCTAssertGreaterThan(blocks.count, 10)
        XCTAssertEqual(blocks, compiled, "the article's code and the compiled code differ")
    }
}
