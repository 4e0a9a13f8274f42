import Foundation

/// How a structure file is interpreted.
public enum StructureKind: String, Sendable, Codable {
    /// A finite set of atoms (XYZ, or a cluster CIF written by ClusterPDF).
    case cluster
    /// An extended crystal: the atoms fill one unit cell.
    case crystal
    /// A molecular crystal: the chosen whole molecule is used.
    case molecularCrystal = "molecular-crystal"
}

/// Options shared by every structure-reading command.
public struct StructureReadOptions: Sendable {
    /// 1-based frame of a multi-frame XYZ file.
    public var frame: Int = 1
    /// CIF data block name.
    public var block: String?
    /// 1-based molecule of a molecular crystal (molecules are sorted largest first).
    public var molecule: Int = 1
    /// Bonding rule for molecule assembly.
    public var bonds = BondCriterion()
    /// Options: frame and molecule are 1-based.
    public init(frame: Int = 1, block: String? = nil, molecule: Int = 1) {
        self.frame = frame; self.block = block; self.molecule = molecule
    }
}

/// A structure read from a file, with what else the file held.
public struct LoadedStructure: Sendable {
    /// The structure commands work on: a cluster, a molecule, or a crystal's unit cell.
    public var structure: Structure
    /// Cluster, crystal or molecular crystal.
    public var kind: StructureKind
    /// Path read.
    public var path: String
    /// Number of frames (XYZ).
    public var frameCount: Int
    /// For a molecular crystal, all whole molecules of the unit cell (largest first).
    public var molecules: [Structure]?
    /// For CIF input, the expanded unit cell.
    public var unitCell: Structure?
    /// For a periodic CIF, the crystal (lattice, operations, asymmetric unit); see
    /// `periodicCrystal()`.
    public var crystal: Crystal?
    /// Whether the CIF gives its symmetry (operations, or a space-group name or number).
    public var declaresSymmetry = false
    /// What the reader decided that the file did not say outright (`CIFContents.notes`).
    public var notes: [String] = []
}

/// Reads XYZ, CIF, PDFfit2 `.stru`, PDB and mmCIF/PDBx files, chosen by extension (`.xyz`,
/// `.extxyz`, `.cif`, `.stru`, `.pdb`/`.ent`, `.mmcif`/`.pdbx`) or, failing that, by content.
public enum StructureReader {
    /// Reads an XYZ, CIF, `.stru` or PDB file (chosen by extension, else by content).
    public static func read(path given: String, options: StructureReadOptions = StructureReadOptions()) throws -> LoadedStructure {
        // "-" reads standard input (the format then by content), named "<stdin>" in messages.
        let text = try TextFile.read(given)
        let path = TextFile.displayName(given)
        let ext = (path as NSString).pathExtension.lowercased()
        let head = text.prefix(4000).lowercased().split(separator: "\n").prefix(40)
        if ext == "stru" || head.contains(where: { $0.hasPrefix("format pdffit") }) {
            let (cell, crystal, notes) = try StruReader.parse(text: text, file: path)
            return LoadedStructure(structure: cell, kind: .crystal, path: path, frameCount: 1, molecules: nil, unitCell: cell,
                                   crystal: crystal, declaresSymmetry: true, notes: notes)
        }
        // An .xyz file is not searched for mmCIF tags (a 76,611-atom file took 0.1 s).
        let maybeMMCIF = !["xyz", "extxyz"].contains(ext)
            && (text.range(of: "_atom_site.group_PDB", options: .caseInsensitive) != nil || text.range(of: "_atom_site.Cartn_x", options: .caseInsensitive) != nil)
        if ["pdbx", "mmcif"].contains(ext) || maybeMMCIF {
            let (s, notes) = try MMCIFReader.parse(text: text, file: path)
            return LoadedStructure(structure: s, kind: .cluster, path: path, frameCount: 1, molecules: nil, unitCell: nil, notes: notes)
        }
        if ["pdb", "ent"].contains(ext) || head.contains(where: { $0.hasPrefix("cryst1 ") || $0.hasPrefix("hetatm") || ($0.hasPrefix("atom  ") && $0.count > 50) }) {
            let (s, notes) = try PDBReader.parse(text: text, file: path)
            return LoadedStructure(structure: s, kind: .cluster, path: path, frameCount: 1, molecules: nil, unitCell: nil, notes: notes)
        }
        try refuseOtherFormats(text, ext: ext, file: path)
        let isCIF: Bool
        switch ext {
        case "cif": isCIF = true
        case "xyz", "extxyz": isCIF = false
        default:
            let firstWord = text.split(whereSeparator: { $0.isWhitespace }).first.map(String.init) ?? ""
            isCIF = Int(firstWord) == nil
        }
        if isCIF {
            var o = CIFReadOptions(block: options.block)
            o.bonds = options.bonds
            let c = try CIFReader.parse(text: text, file: path, options: o)
            if c.isFiniteCluster, let m = c.molecules?.first {
                return LoadedStructure(structure: m, kind: .cluster, path: path, frameCount: 1, molecules: nil, unitCell: c.unitCell)
            }
            if let mols = c.molecules {
                guard options.molecule >= 1, options.molecule <= mols.count else {
                    throw InputError(file: path, "molecule \(options.molecule) requested, the unit cell holds \(mols.count)")
                }
                return LoadedStructure(structure: mols[options.molecule - 1], kind: .molecularCrystal, path: path, frameCount: 1, molecules: mols, unitCell: c.unitCell,
                                       crystal: c.crystal, declaresSymmetry: c.declaresSymmetry, notes: c.notes)
            }
            return LoadedStructure(structure: c.unitCell, kind: .crystal, path: path, frameCount: 1, molecules: nil, unitCell: c.unitCell,
                                   crystal: c.crystal, declaresSymmetry: c.declaresSymmetry, notes: c.notes)
        }
        let frames = try XYZReader.parseFrames(text: text, file: path)
        guard options.frame >= 1, options.frame <= frames.count else {
            throw InputError(file: path, "frame \(options.frame) requested, the file has \(frames.count)")
        }
        let s = frames[options.frame - 1]
        return LoadedStructure(structure: s, kind: s.lattice == nil ? .cluster : .crystal, path: path, frameCount: frames.count, molecules: nil, unitCell: nil)
    }

    /// Formats ClusterPDF does not read are recognised (by extension or content) and refused with
    /// what to do, instead of being parsed as CIF or XYZ.
    static func refuseOtherFormats(_ text: String, ext: String, file: String) throws {
        if ext == "pqr" {
            throw InputError(file: file, "a PQR file: ClusterPDF reads CIF, XYZ, PDB and PDFfit2 .stru; convert it (e.g. with Open Babel or gemmi) to XYZ or PDB")
        }
        if ["mol2", "sdf", "mol"].contains(ext) {
            throw InputError(file: file, "a \(ext) file: ClusterPDF reads CIF, mmCIF, XYZ, PDB and PDFfit2 .stru; convert it to one of them")
        }
    }
}
