import Foundation

/// Reads PDFfit2/PDFgui `.stru` structures: `cell a, b, c, α, β, γ`, `ncell 1, 1, 1, N` and the
/// `atoms` block, six lines per atom (element x y z occupancy; its σ; U11 U22 U33; σ; U12 U13
/// U23; σ), fractional coordinates, U in Å² in the CIF convention (as diffpy.structure writes
/// them). The file lists every atom of the cell; its `spcgr` is a label only. The symmetry used for
/// constrained refinements is found from the atoms with spglib (`Crystal(symmetrizing:)`) and noted.
enum StruReader {
    /// The unit cell and the crystal of a `.stru` text.
    static func parse(text: String, file: String) throws -> (cell: Structure, crystal: Crystal, notes: [String]) {
        let lines = TextFile.lines(text)
        var title = "", spcgr: String?, cell: [Double]?, atoms = [Atom]()
        var i = 0
        func numbers(_ s: Substring, _ n: Int) -> [Double]? {
            let v = s.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            return v.count >= n && v.prefix(n).allSatisfy(\.isFinite) ? Array(v.prefix(n)) : nil
        }
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            let key = words.first?.lowercased() ?? "", rest = Substring(words.count > 1 ? words[1] : "")
            switch key {
            case "title": title = String(rest).trimmingCharacters(in: .whitespaces)
            case "spcgr": spcgr = String(rest).trimmingCharacters(in: .whitespaces)
            case "cell":
                guard let c = numbers(rest, 6) else { throw InputError(file: file, line: i + 1, "cell needs a, b, c, alpha, beta, gamma") }
                cell = c
            case "ncell":
                guard let n = numbers(rest, 3) else { throw InputError(file: file, line: i + 1, "ncell needs three cell counts") }
                guard n == [1, 1, 1] else { throw InputError(file: file, line: i + 1, "a supercell (ncell \(n.map { Int($0) })): save one unit cell from PDFgui instead") }
            case "atoms":
                i += 1
                while i < lines.count {
                    let first = lines[i].trimmingCharacters(in: .whitespaces)
                    if first.isEmpty { i += 1; continue }
                    let f = first.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
                    guard f.count >= 5, let (element, charge) = Element.parseLabel(String(f[0])),
                          let x = Double(f[1]), let y = Double(f[2]), let z = Double(f[3]), let occ = Double(f[4]),
                          [x, y, z, occ].allSatisfy(\.isFinite) else {
                        throw InputError(file: file, line: i + 1, "expected an atom line 'ELEMENT x y z occupancy', found '\(first.prefix(50))'")
                    }
                    guard (0...1).contains(occ) else { throw InputError(file: file, line: i + 1, "occupancy \(occ) outside 0…1") }
                    guard i + 5 < lines.count, let d = numbers(Substring(lines[i + 2]), 3), let o = numbers(Substring(lines[i + 4]), 3) else {
                        throw InputError(file: file, line: i + 3, "each atom needs six lines (position, σ, U11 U22 U33, σ, U12 U13 U23, σ)")
                    }
                    guard d.allSatisfy({ $0 >= 0 && $0 < 1 }) else { throw InputError(file: file, line: i + 3, "U11, U22, U33 must lie in 0…1 Å²") }
                    guard let c = cell else { throw InputError(file: file, line: i + 1, "atoms before the 'cell' line") }
                    let lattice = try Lattice(a: c[0], b: c[1], c: c[2], alpha: c[3], beta: c[4], gamma: c[5])
                    var atom = Atom(element: element, position: lattice.cartesian(SIMD3(x, y, z)), charge: charge,
                                    label: "\(element.symbol)\(atoms.count + 1)", occupancy: occ, uiso: (d[0] + d[1] + d[2]) / 3)
                    if d[0] != d[1] || d[1] != d[2] || o.contains(where: { $0 != 0 }) {
                        atom.uij = AnisotropicDisplacement(u11: d[0], u22: d[1], u33: d[2], u12: o[0], u13: o[1], u23: o[2])
                    }
                    atoms.append(atom)
                    i += 6
                }
                continue
            default: break
            }
            i += 1
        }
        guard let c = cell else { throw InputError(file: file, "no 'cell a, b, c, alpha, beta, gamma' line") }
        guard !atoms.isEmpty else { throw InputError(file: file, "no atoms after the 'atoms' line") }
        let lattice = try Lattice(a: c[0], b: c[1], c: c[2], alpha: c[3], beta: c[4], gamma: c[5])
        let unit = Structure(title: title.isEmpty ? (file as NSString).lastPathComponent : title, atoms: atoms, lattice: lattice)
        guard let crystal = Crystal(symmetrizing: unit) else { throw InputError(file: file, "cannot build a crystal from the cell and atoms") }
        var notes = ["PDFfit2 .stru: \(atoms.count) atoms of the unit cell as listed; space group \(crystal.spaceGroupName ?? "P1") found from them by spglib"
                     + (spcgr.map { " (the file's spcgr: \($0))" } ?? "")]
        if atoms.contains(where: { $0.uij != nil }) { notes.append("anisotropic U of the .stru replaced by U_eq in the symmetrized crystal") }
        return (unit, crystal, notes)
    }
}
