import ArgumentParser
import ClusterPDF
import Foundation

struct HomologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "homology",
        abstract: "Are two clusters structural homologues (same framework, other elements)?")
    @Argument(help: "Structure A.") var a: String
    @Argument(help: "Structure B (mapped onto A's elements and scaled to A's bond).") var b: String
    @Option(help: "Element map for B, 'auto' or e.g. In=Cd,P=Se.") var map: String = "auto"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let report = try reportingErrors { () -> HomologyReport in
            let sa = try StructureReader.read(path: a).structure, sb = try StructureReader.read(path: b).structure
            let m = map == "auto" ? nil : try StructureTransforms.parseMap(map)
            return try Homology.compare(sa, sb, map: m)
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(report), as: UTF8.self))
            return
        }
        print("A: \(a)\nB: \(b)")
        print("map B→A:   " + report.mapping.keys.sorted().map { "\($0)=\(report.mapping[$0]!)" }.joined(separator: ","))
        print(String(format: "scale:     %.4f (B's mean bond → A's)", report.scale))
        print(String(format: "G(r):      Pearson r %.4f, Rw %.4f (B refined against A: scale, zoom)", report.pearson, report.rw))
        print(String(format: "coordination overlap: cations %.3f, anions %.3f", report.coordinationOverlap["cation"]!, report.coordinationOverlap["anion"]!))
        print(String(format: "bond-angle overlap:   anion-centred %.3f, cation-centred %.3f", report.angleOverlap["anion-centred"]!, report.angleOverlap["cation-centred"]!))
        print("verdict:   \(report.homologous ? "homologous" : "not homologous")  (\(report.rule))")
    }
}
