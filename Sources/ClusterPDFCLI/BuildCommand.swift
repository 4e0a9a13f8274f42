import ArgumentParser
import ClusterPDF
import Foundation

extension CrystalBuilder.Kind: ExpressibleByArgument {}
extension ClusterCarver.Center: ExpressibleByArgument {}
extension ClusterCarver.Shape: ExpressibleByArgument {}

/// Where a built structure goes: a file (.xyz or .cif by extension) or standard output (XYZ).
struct StructureOutput: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output file, .xyz or .cif (default: XYZ on standard output).")
    var output: String?

    /// Writes `s` to `-o` (never over one of `inputs`) or standard output.
    func write(_ s: Structure, inputs: [String] = []) throws {
        let text = output.map { ($0 as NSString).pathExtension.lowercased() == "cif" } == true ? CIFWriter.string(s) : XYZWriter.string(s)
        if let o = output { try AtomicFile.writeAll([(text, o)], inputs: inputs) } else { print(text, terminator: "") }
    }
}

func element(_ s: String, _ what: String) throws -> Element {
    guard let e = Element(symbol: s) else { throw ValidationError("unknown element '\(s)' for \(what)") }
    return e
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build and transform model structures.",
        subcommands: [Tetrahedron.self, Crystal.self, Candidate.self, Sphere.self, Swap.self, Core.self, Jitter.self, Shuffle.self])

    struct Tetrahedron: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cation-terminated zincblende tetrahedron: N = 5, 6, 7 give Cd35Se20, Cd56Se35, Cd84Se56.")
        @Option(help: "Cation element.") var cation = "Cd"
        @Option(help: "Anion element.") var anion = "Se"
        @Option(help: "Cations per edge N.") var size: Int
        @Option(help: "Lattice constant a (Å); default from the bulk zincblende table.") var a: Double?
        @OptionGroup var out: StructureOutput
        func run() throws {
            try reportingErrors {
                try out.write(TetrahedronBuilder.build(cation: element(cation, "--cation"), anion: element(anion, "--anion"), size: size, a: a))
            }
        }
    }

    struct Candidate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild a classify candidate by its name (e.g. CdSe-faulted-c0.5-s1-bullet-R19.00-A0.50-anion-cut).")
        @Argument(help: "Candidate name as printed by classify.") var name: String
        @OptionGroup var out: StructureOutput
        func run() throws {
            try reportingErrors {
                guard let spec = CandidateSpace.spec(named: name) else {
                    throw ValidationError("no generated candidate is called '\(name)' (names come from classify's output)")
                }
                try out.write(spec.build())
            }
        }
    }

    struct Crystal: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bulk zincblende or wurtzite unit cell (write it as .cif).")
        @Option(help: "zincblende or wurtzite.") var structure: CrystalBuilder.Kind
        @Option(help: "Cation element.") var cation = "Cd"
        @Option(help: "Anion element.") var anion = "Se"
        @Option(help: "a (Å).") var a: Double?
        @Option(help: "c (Å), wurtzite.") var c: Double?
        @Option(help: "Internal parameter u, wurtzite.") var u: Double?
        @OptionGroup var out: StructureOutput
        func run() throws {
            try reportingErrors {
                let ca = try element(cation, "--cation"), an = try element(anion, "--anion")
                let s = structure == .zincblende ? try CrystalBuilder.zincblende(cation: ca, anion: an, a: a)
                    : try CrystalBuilder.wurtzite(cation: ca, anion: an, a: a, c: c, u: u)
                try out.write(s)
            }
        }
    }
}
