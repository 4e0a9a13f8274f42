import ArgumentParser
import ClusterPDF
import Foundation

extension ModelLibrary.Family: ExpressibleByArgument {}

struct Library: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the user library of model structures used by classify.",
                                                    subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a cluster model with its family.")
        @Argument(help: "Structure file (XYZ, or CIF of a molecular crystal).") var file: String
        @Option(help: "zincblende-like, wurtzite-like or pseudo-wurtzite.") var family: ModelLibrary.Family
        @Option(help: "Library directory (default ~/.clusterpdf/library).") var library: String?
        @Option(help: "Literature reference for the model.") var literature: String?
        func run() throws {
            try reportingErrors {
                let e = try ModelLibrary.add(file: file, family: family, directory: library ?? ModelLibrary.userDirectory, literature: literature)
                print("added \(e.file): \(e.formula), \(e.atoms) atoms, \(e.family.rawValue)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the models of a library.")
        @Option(help: "Library directory (default ~/.clusterpdf/library).") var library: String?
        func run() throws {
            try reportingErrors {
                let lib = try ModelLibrary.load(directory: library ?? ModelLibrary.userDirectory)
                for m in lib.models { print("\(m.file)\t\(m.formula)\t\(m.atoms)\t\(m.family.rawValue)\t\((m.kind ?? .cluster).rawValue)") }
            }
        }
    }
}
