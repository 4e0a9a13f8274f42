import ArgumentParser
import ClusterPDF
import Foundation

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Formula, size, bonds and coordination of a structure file.")

    @OptionGroup var input: StructureInput
    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let report = try reportingErrors { () -> StructureReport in
            let loaded = try input.load()
            return StructureReport(loaded: loaded, bonds: input.bonds)
        }
        print(json ? report.jsonString() : report.text())
    }
}
