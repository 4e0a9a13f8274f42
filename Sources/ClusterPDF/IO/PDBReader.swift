import Foundation

/// Reads the atoms of a PDB file as a finite cluster: `ATOM`/`HETATM` records (Cartesian x, y, z
/// in columns 31–54, occupancy 55–60, B 61–66 → Uiso = B/8π², element 77–78, else the atom name
/// 13–16) of the first `MODEL`. A `CRYST1` cell is noted and not used (clusters are finite).
enum PDBReader {
    /// The cluster and notes.
    static func parse(text: String, file: String) throws -> (structure: Structure, notes: [String]) {
        var atoms = [Atom]()
        var notes = [String]()
        var title = ""
        var models = 0
        for (n, raw) in TextFile.lines(text).enumerated() {
            let line = Array(raw)
            func field(_ a: Int, _ b: Int) -> String {  // 1-based inclusive columns
                guard line.count >= a else { return "" }
                return String(line[(a - 1)..<min(b, line.count)]).trimmingCharacters(in: .whitespaces)
            }
            let record = field(1, 6).uppercased()
            switch record {
            case "TITLE", "COMPND":
                if title.isEmpty { title = field(11, 80) }
            case "MODEL":
                models += 1
            case "ENDMDL":
                if models >= 1 { notes.append("several MODELs: the first is read"); return (Structure(title: title, atoms: atoms), notes) }
            case "CRYST1":
                let a = Double(field(7, 15)) ?? 1
                if abs(a - 1) > 1e-6 { notes.append("the CRYST1 cell is not used: the atoms are read as a finite cluster") }
            case "ATOM", "HETATM":
                guard let x = Double(field(31, 38)), let y = Double(field(39, 46)), let z = Double(field(47, 54)),
                      [x, y, z].allSatisfy({ $0.isFinite && abs($0) <= Defaults.maximumCoordinate }) else {
                    throw InputError(file: file, line: n + 1, "cannot read the coordinates in columns 31–54")
                }
                let symbol = field(77, 78), name = field(13, 16)
                let parsed = symbol.isEmpty ? Element.parseLabel(name.filter(\.isLetter)) : Element(symbol: symbol).map { ($0, 0) }
                guard let (element, _) = parsed else {
                    throw InputError(file: file, line: n + 1, "cannot identify the element ('\(symbol.isEmpty ? name : symbol)'; columns 77–78 or the atom name)")
                }
                let occ = Double(field(55, 60)) ?? 1
                guard occ.isFinite, (0...1).contains(occ) else { throw InputError(file: file, line: n + 1, "occupancy \(occ) outside 0…1") }
                let b = Double(field(61, 66))
                let uiso = b.flatMap { $0 > 0 && $0.isFinite ? $0 / (8 * Double.pi * Double.pi) : nil }
                atoms.append(Atom(element: element, position: SIMD3(x, y, z), label: name, occupancy: occ, uiso: uiso))
            default: break
            }
        }
        guard !atoms.isEmpty else { throw InputError(file: file, "no ATOM or HETATM records") }
        return (Structure(title: title, atoms: atoms), notes)
    }
}
