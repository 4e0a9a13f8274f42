import Foundation

/// Reads the atoms of an mmCIF/PDBx file (`_atom_site.Cartn_x/y/z`, `type_symbol`, `occupancy`,
/// `B_iso_or_equiv` → Uiso = B/8π²) as a finite cluster, the first model (`pdbx_PDB_model_num`)
/// of the first block with atoms. A cell (`_cell.length_a`) is noted and not used.
enum MMCIFReader {
    /// The cluster and notes.
    static func parse(text: String, file: String) throws -> (structure: Structure, notes: [String]) {
        let blocks = try CIFParser.parse(text: text, file: file)
        guard let block = blocks.first(where: { $0.loop(with: "_atom_site.cartn_x") != nil }), let loop = block.loop(with: "_atom_site.cartn_x") else {
            throw InputError(file: file, item: "_atom_site.Cartn_x", "an mmCIF file without Cartesian atom coordinates")
        }
        guard let cx = loop.column("_atom_site.cartn_x"), let cy = loop.column("_atom_site.cartn_y"), let cz = loop.column("_atom_site.cartn_z") else {
            throw InputError(file: file, line: loop.line, item: "_atom_site.Cartn_y", "the atom_site loop lacks Cartn_y or Cartn_z")
        }
        let typeCol = loop.column("_atom_site.type_symbol"), nameCol = loop.column("_atom_site.label_atom_id", "_atom_site.auth_atom_id")
        let occCol = loop.column("_atom_site.occupancy"), bCol = loop.column("_atom_site.b_iso_or_equiv"), modelCol = loop.column("_atom_site.pdbx_pdb_model_num")
        var notes = [String]()
        var atoms = [Atom]()
        let firstModel = modelCol.flatMap { c in loop.rows.first?[c].text }
        var skippedModels = false
        for row in loop.rows {
            if let c = modelCol, row[c].text != firstModel { skippedModels = true; continue }
            guard let x = row[cx].number, let y = row[cy].number, let z = row[cz].number,
                  [x, y, z].allSatisfy({ abs($0) <= Defaults.maximumCoordinate }) else {
                throw InputError(file: file, line: row[cx].line, item: "_atom_site.Cartn_x", "cannot read the coordinates")
            }
            let symbol = typeCol.flatMap { row[$0].text } ?? nameCol.flatMap { row[$0].text }.map { String($0.prefix { $0.isLetter }) } ?? ""
            guard let element = Element(symbol: symbol) ?? Element.parseLabel(symbol)?.element else {
                throw InputError(file: file, line: row[cx].line, item: "_atom_site.type_symbol", "cannot identify the element '\(symbol)'")
            }
            let occ = occCol.flatMap { row[$0].number } ?? 1
            guard (0...1).contains(occ) else { throw InputError(file: file, line: row[cx].line, item: "_atom_site.occupancy", "occupancy \(occ) outside 0…1") }
            let uiso = bCol.flatMap { row[$0].number }.flatMap { $0 > 0 ? $0 / (8 * Double.pi * Double.pi) : nil }
            atoms.append(Atom(element: element, position: SIMD3(x, y, z), label: nameCol.flatMap { row[$0].text } ?? "", occupancy: occ, uiso: uiso))
        }
        guard !atoms.isEmpty else { throw InputError(file: file, item: "_atom_site", "no atoms in the atom_site loop") }
        if skippedModels { notes.append("several models (pdbx_PDB_model_num): the first is read") }
        if block.value("_cell.length_a")?.number.map({ abs($0 - 1) > 1e-6 }) == true { notes.append("the _cell is not used: the atoms are read as a finite cluster") }
        return (Structure(title: block.name, atoms: atoms), notes)
    }
}
