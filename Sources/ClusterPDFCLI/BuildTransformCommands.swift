import ArgumentParser
import ClusterPDF
import Foundation

/// `build sphere|swap|core|jitter`: structures made from other structures.
extension Build {
    struct Sphere: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Carve a nanoparticle (all atoms within R of the centre) from a crystal.")
        @Argument(help: "Crystal file (CIF or extended XYZ).") var crystal: String
        @Option(help: "Radius R (Å).") var radius: Double
        @Option(help: "Centre: atom, origin or void.") var center: ClusterCarver.Center = .atom
        @Option(help: "Shape: sphere, cube, octahedron or tetrahedron (R is the centre-to-vertex size for polyhedra).") var shape: ClusterCarver.Shape = .sphere
        @Flag(help: "Trim surface atoms of the element in excess to keep the crystal's formula.") var stoichiometric = false
        @OptionGroup var out: StructureOutput
        func run() throws {
            try reportingErrors {
                let l = try StructureReader.read(path: crystal)
                guard let cell = l.unitCell ?? (l.structure.lattice != nil ? l.structure : nil) else {
                    throw ValidationError("\(crystal) has no lattice: give a crystal CIF or extended XYZ")
                }
                try out.write(ClusterCarver.carve(cell, radius: radius, center: center, shape: shape, stoichiometric: stoichiometric), inputs: [crystal])
            }
        }
    }

    struct Swap: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Substitute elements (In=Cd,P=Se) and rescale to the target bond length.")
        @OptionGroup var input: StructureInput
        @Option(help: "Element map, e.g. In=Cd,P=Se.") var map: String
        @Option(help: "Target mean cation–anion bond (Å); default: the new pair's bulk bond.") var bond: Double?
        @Flag(help: "Do not rescale.") var noScale = false
        @OptionGroup var out: StructureOutput
        func run() throws {
            try reportingErrors {
                let s = try input.load().structure
                try out.write(StructureTransforms.swap(s, map: StructureTransforms.parseMap(map), bond: bond, scaleToBulkBond: !noScale, bonds: input.bonds), inputs: [input.file])
            }
        }
    }

    struct Core: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Inorganic core: ligand atoms removed (automatic or --drop), optionally surface cations bonded to fewer than K anions; what was removed is reported on standard error.")
        @OptionGroup var input: StructureInput
        @Option(help: "Ligand elements to remove, e.g. C,H,O,N,Cl (default: automatic — H, B, C, N, O, F, Si, halogens, and S/P/As/Se/Te bonded to C, N or O; 'none' keeps all).") var drop: String = "auto"
        @Option(help: "Surface cations: those bonded to fewer than K anions are removed.") var minCoordination: Int?
        @Flag(help: "Remove surface cations only while cations outnumber anions (fewest bonds, outermost first).") var stoichiometric = false
        @OptionGroup var out: StructureOutput
        func run() throws {
            try reportingErrors {
                let s = try input.load().structure
                var o = CoreExtraction.Options(minCoordination: minCoordination, stoichiometric: stoichiometric)
                switch drop.lowercased() {
                case "auto": o.ligands = .automatic
                case "none", "": o.ligands = .none
                default: o.ligands = .elements(try Set(drop.split(separator: ",").map { try element(String($0).trimmingCharacters(in: .whitespaces), "--drop") }))
                }
                o.bonds = input.bonds
                let r = try CoreExtraction.extract(s, options: o)
                for line in r.summary { warn("core: " + line) }
                try out.write(r.core, inputs: [input.file])
            }
        }
    }

    struct Jitter: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Random Gaussian displacements (reproducible with --seed).")
        @OptionGroup var input: StructureInput
        @Option(help: "σ per Cartesian component (Å).") var sigma: Double
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @OptionGroup var out: StructureOutput
        func run() throws {
            try reportingErrors {
                try out.write(StructureTransforms.jitter(input.load().structure, sigma: sigma, seed: seed), inputs: [input.file])
            }
        }
    }

    struct Shuffle: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Random rotation, translation and atom order, plus optional jitter (to test alignment).")
        @OptionGroup var input: StructureInput
        @Option(help: "RMS displacement of each atom (Å).") var jitter: Double = 0
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @OptionGroup var out: StructureOutput
        func run() throws {
            try reportingErrors {
                try out.write(StructureTransforms.shuffledCopy(input.load().structure, seed: seed, jitter: jitter).structure, inputs: [input.file])
            }
        }
    }
}
