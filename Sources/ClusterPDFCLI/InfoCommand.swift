import ArgumentParser
import ClusterPDF
import Foundation

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Formula, size, bonds and coordination of a structure file.")

    @OptionGroup var input: StructureInput
    @Flag(help: "Print JSON instead of a table.")
    var json = false
    @Flag(help: "Also list every atom as read: label, element, fractional (crystals) and Cartesian position, occupancy, Uiso.")
    var atoms = false

    func run() throws {
        try reportingErrors {
            let report = StructureReport(loaded: try input.load(), bonds: input.bonds, atoms: atoms)
            print(json ? try report.jsonString() : report.text())
        }
    }
}
