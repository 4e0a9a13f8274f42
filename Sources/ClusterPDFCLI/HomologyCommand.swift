import ArgumentParser
import ClusterPDF
import Foundation

struct HomologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "homology",
        abstract: "Align two clusters atom by atom (RMSD, assignment, element map, scale), find one inside the other, compare their G(r).")
    @Argument(help: "Structure A (the reference).") var a: String
    @Argument(help: "Structure B (aligned onto A).") var b: String
    @Option(help: "Element map for B, 'auto' or e.g. In=Cd,P=Se.") var map: String = "auto"
    @Flag(help: "Find the smaller cluster inside the larger (the larger's other atoms are listed).") var substructure = false
    @Flag(help: "Find the largest common substructure (pairs within --tolerance).") var common = false
    @Option(help: "Largest deviation of a matched pair in --common mode (Å).") var tolerance: Double = 0.35
    @Flag(help: "Also try B's mirror image (reported when chosen).") var allowMirror = false
    @Flag(help: "Hold the scale at 1 (default: refine B's size relative to A).") var noScale = false
    @Flag(help: "Align the inorganic cores: remove ligand atoms from both first (automatic rule of 'build core'; reported).") var core = false
    @Option(name: .shortAndLong, help: "Write B aligned onto A (.xyz or .cif).") var output: String?
    @Option(help: "Write both clusters overlaid in three projections (SVG).") var plot: String?
    @Flag(help: "Print JSON (with the atom-by-atom index mapping).") var json = false

    func validate() throws {
        if substructure && common { throw ValidationError("give --substructure or --common, not both") }
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a positive number of Å") }
    }

    func run() throws {
        try reportingErrors {
            var sa = try StructureReader.read(path: a).structure, sb = try StructureReader.read(path: b).structure
            if core {
                let ca = try CoreExtraction.extract(sa), cb = try CoreExtraction.extract(sb)
                for line in ca.summary { warn("A: " + line) }
                for line in cb.summary { warn("B: " + line) }
                (sa, sb) = (ca.core, cb.core)
            }
            var o = AlignmentOptions(mode: substructure ? .substructure : common ? .common : .whole,
                                     elementMap: map == "auto" ? nil : try StructureTransforms.parseMap(map),
                                     allowMirror: allowMirror, refineScale: !noScale)
            o.tolerance = tolerance
            let result = try HomologyComparison.compare(sa, sb, options: o)
            var files = [(text: String, path: String)]()
            let moved = ClusterAligner.aligned(sb, by: result.alignment)
            if let path = output {
                files.append(((path as NSString).pathExtension.lowercased() == "cif" ? CIFWriter.string(moved) : XYZWriter.string(moved), path))
            }
            if let path = plot {
                files.append((AlignmentPlot.svg(a: sa, alignedB: moved, alignment: result.alignment, title: "\(a) (filled) and \(b) aligned (rings)"), path))
            }
            try AtomicFile.writeAll(files, inputs: [a, b])
            print(json ? try JSONOutput.string(result) : result.text(nameA: a, nameB: b), terminator: json ? "\n" : "")
        }
    }
}
